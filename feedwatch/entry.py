"""The parsed form of one item as a source delivers it, before storage.

Every source kind (feeds, arXiv API, GitHub releases, Hugging Face) produces `Entry` objects, so
ingestion, deduplication and storage have one shape to deal with. Text fields are already cleaned
(see `feedwatch.text`): no control characters, plain text, only http(s) URLs.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Entry:
    guid: str                       # stable id within its source (guid/id/link), never empty
    title: str
    url: str | None = None          # http(s) only, absolute
    summary: str = ""               # plain text, readable, capped
    content: str = ""               # plain text of the full body when the source has one (for search)
    authors: list[str] = field(default_factory=list)
    published: str | None = None    # ISO 8601 UTC "YYYY-MM-DDTHH:MM:SSZ"
    updated: str | None = None
    categories: list[str] = field(default_factory=list)
    arxiv_id: str | None = None     # "2401.01234" or "hep-th/0601001", without version
    arxiv_version: int | None = None
    extra: dict = field(default_factory=dict)   # kind-specific facts (announce_type, _deprecation, ...)


@dataclass(slots=True)
class ParsedFeed:
    title: str = ""
    entries: list[Entry] = field(default_factory=list)
    warning: str | None = None      # e.g. "ill-formed XML, parsed leniently"
