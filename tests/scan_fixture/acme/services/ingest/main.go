package main

import "fmt"

const embedModel = "text-embedding-3-large"

var vertexModel = "projects/acme/locations/us-central1/publishers/google/models/gemini-1.5-pro-002"

const claudeOnVertex = `claude-3-5-sonnet-v2@20241022`

func main() {
	fmt.Println("install gemini-cli first")
	fmt.Println(embedModel, vertexModel, claudeOnVertex)
}
