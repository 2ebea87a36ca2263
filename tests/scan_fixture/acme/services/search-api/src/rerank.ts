import { google } from "@ai-sdk/google";

const RERANKER = "BAAI/bge-reranker-v2-m3";
const EMBEDDER = 'sentence-transformers/all-MiniLM-L6-v2';
export const model = google("gemini-2.0-flash");

export const rerankPrompt = `You rank search results for an internal knowledge base.
Given the query and the candidate passages, return the ids of the five most relevant passages.`;
const shortPrompt = "Rank:";

export function docsUrl(): string {
  return "https://ai.google.dev/gemini-api/docs/models/gemini-2.0-flash";
}
