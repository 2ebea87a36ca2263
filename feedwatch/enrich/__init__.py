"""Enrichment: summaries, tags and links from items to our own prompts and pipelines."""
