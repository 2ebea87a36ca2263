"""The enrichers' shared types, defined in `feedwatch.enrichment` (below storage) and named here as before."""

from __future__ import annotations

from ..enrichment import EnrichFailure, Enrichment, ItemText, LinkSuggestion

__all__ = ["EnrichFailure", "Enrichment", "ItemText", "LinkSuggestion"]
