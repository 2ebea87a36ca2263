"""One story, many sources: which items report the same thing (issue 16, in progress).

`evidence` gives an item's strong keys (arXiv id, canonical URL, project release, model event),
`titles` says whether two titles are near-identical, and `assign.StoryIndex` puts each new item
into a story incrementally. Storage, the TUI's story rows and the digest come next.
"""
