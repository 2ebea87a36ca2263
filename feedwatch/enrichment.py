"""What every enricher takes and returns, so the offline and LLM enrichers are interchangeable.

A bottom-layer module (like `entry.py`): storage writes these and the enrichers produce them, so
neither has to import the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ItemText:
    """The parts of a stored item an enricher may read (all of it untrusted feed text)."""
    id: int
    source: str
    title: str
    summary: str = ""
    content: str = ""
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    content_hash: str = ""

    def body(self, limit: int = 4000) -> str:
        """Summary plus the start of the content, without repeating the summary."""
        text = self.summary
        if self.content and not self.content.startswith(self.summary[:200]):
            text = f"{text}\n\n{self.content}" if text else self.content
        elif self.content and len(self.content) > len(text):
            text = self.content
        return text[:limit]


@dataclass(slots=True)
class LinkSuggestion:
    asset: str
    reason: str
    score: float
    origin: str = "rule"     # rule | llm


@dataclass(slots=True)
class Enrichment:
    """One item's enrichment result, with what it cost."""
    item_id: int
    summary: str
    tags: list[str]
    relevance: float
    links: list[LinkSuggestion] = field(default_factory=list)
    enricher: str = "offline"
    model: str = ""
    prompt_version: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: int = 0
    dropped: dict = field(default_factory=dict)   # {"unknown_tags": n, "unknown_assets": n, "too_long": n}
    cached: bool = False


@dataclass(slots=True)
class EnrichFailure:
    """An item the enricher could not do this time; it stays pending and is retried later."""
    item_id: int
    error: str
