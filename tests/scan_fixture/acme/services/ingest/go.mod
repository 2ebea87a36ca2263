module github.com/acme/ingest

go 1.22
