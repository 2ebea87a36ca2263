"""An enrichment run: pick the items that need it, reuse cached answers, enrich the rest, store.

The offline enricher is the default and the fallback: an LLM that is disabled, has no key, or
fails leaves the offline enrichment in place. Items of a failed LLM batch get the offline summary,
tags and rule-based links at once (they cost nothing) and stay pending; the LLM answer replaces
them on a later run, after a backoff (`now=True` ignores it).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..storage import enrichment as store
from ..storage.db import Database
from .base import EnrichFailure, Enrichment, ItemText, LinkSuggestion
from .offline import OfflineEnricher

if TYPE_CHECKING:
    from .llm import LLMEnricher

CHUNK = 500


@dataclass(slots=True)
class EnrichSummary:
    enricher: str = "offline"
    model: str = ""
    done: int = 0
    cached: int = 0
    failed: int = 0
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    item_tokens: int = 0
    cost_usd: float = 0.0
    dropped: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    waiting: int = 0               # items showing their offline enrichment until the LLM answers
    waiting_until: str | None = None   # the latest of their retry times (ISO UTC)


def key_prefix(enricher: str, model: str, prompt_version: str) -> str:
    return f"{enricher}:{model}:{prompt_version}:"


def cache_key(prefix: str, content_hash: str) -> str:
    return hashlib.sha256((prefix + content_hash).encode()).hexdigest()


async def enrich(config: Config, db: Database, *, source: str | None = None, limit: int | None = None,
                 redo: bool = False, environ: Mapping[str, str] | None = None,
                 progress: Callable[[int, int], object] | None = None,
                 max_retries: int = 2, now: bool = False) -> EnrichSummary:
    environ = os.environ if environ is None else environ
    offline = OfflineEnricher(config.tags, config.assets)
    llm = None
    summary = EnrichSummary()
    if config.llm.enabled:
        from .llm import LLMEnricher, LLMUnavailable, api_key_for
        try:
            key = api_key_for(config.llm, environ)
            left = max(0.0, config.llm.daily_budget_usd - store.spend_today(db))
            llm = LLMEnricher(config.llm, config.tags, config.assets, key, budget_left=left,
                              max_retries=max_retries,
                              on_spend=lambda c, pt, ct: store.add_spend(db, c, 1, pt, ct))
        except LLMUnavailable as exc:
            summary.notes.append(str(exc))
    enricher_name = llm.name if llm else offline.name
    model = llm.model if llm else ""
    version = llm.prompt_version if llm else offline.prompt_version
    prefix = key_prefix(enricher_name, model, version)
    summary.enricher, summary.model = enricher_name, model
    items = store.pending_items(db, key_prefix=prefix, source=source, limit=limit, redo=redo,
                                ignore_backoff=now)
    total = len(items)
    try:
        for start in range(0, total, CHUNK):
            chunk = items[start:start + CHUNK]
            stopgaps: list[Enrichment] = []
            if llm is None:
                results = [offline.enrich(i) for i in chunk]
                failures: list[EnrichFailure] = []
            else:
                results, failures = await _with_llm(llm, offline, chunk, prefix, db, summary)
                by_id = {i.id: i for i in chunk}
                stopgaps = [offline.enrich(by_id[f.item_id]) for f in failures]
            store.save_results(db, results, failures, hashes={i.id: i.content_hash for i in chunk},
                               cache_keys={i.id: cache_key(prefix, i.content_hash) for i in chunk},
                               key_prefix=prefix, stopgaps=stopgaps)
            summary.done += sum(1 for r in results if not r.cached)
            summary.cached += sum(1 for r in results if r.cached)
            summary.failed += len(failures)
            for f in failures[:3]:
                if f.error not in summary.errors:
                    summary.errors.append(f.error)
            if progress:
                progress(min(start + CHUNK, total), total)
    finally:
        if llm is not None:
            s = llm.stats
            summary.calls, summary.prompt_tokens = s.calls, s.prompt_tokens
            summary.completion_tokens = s.completion_tokens
            summary.cost_usd, summary.item_tokens, summary.dropped = s.cost_usd, s.item_tokens, dict(s.dropped)
            await llm.close()
    if llm is not None:
        summary.waiting, summary.waiting_until = store.waiting_for_llm(db)
    return summary


async def _with_llm(llm: LLMEnricher, offline: OfflineEnricher, chunk: list[ItemText], prefix: str, db: Database,
                    summary: EnrichSummary) -> tuple[list[Enrichment], list[EnrichFailure]]:
    """Cached answers first, then the LLM; rule-based links are always added (they cost nothing)."""
    keys = {i.id: cache_key(prefix, i.content_hash) for i in chunk}
    hits = store.cached(db, list(keys.values()))
    results: list[Enrichment] = []
    todo: list[ItemText] = []
    for item in chunk:
        row = hits.get(keys[item.id])
        if row is None:
            todo.append(item)
            continue
        import json
        links = [LinkSuggestion(**x) for x in json.loads(row["links"])]
        results.append(Enrichment(item_id=item.id, summary=row["summary"], tags=json.loads(row["tags"]),
                                  relevance=row["relevance"] or 0.0, links=links, enricher=llm.name,
                                  model=llm.model, prompt_version=llm.prompt_version, cached=True))
    fresh, failures = await llm.enrich_batches(todo) if todo else ([], [])
    by_id = {i.id: i for i in chunk}
    for e in fresh:
        rules = offline.enrich(by_id[e.item_id])
        e.tags = sorted(set(e.tags) | set(rules.tags))
        e.links = _merge_links(rules.links, e.links)
    return results + fresh, failures


def _merge_links(rule: list[LinkSuggestion], llm: list[LinkSuggestion]) -> list[LinkSuggestion]:
    best: dict[str, LinkSuggestion] = {}
    for link in [*rule, *llm]:
        if link.asset not in best or link.score > best[link.asset].score:
            best[link.asset] = link
    return sorted(best.values(), key=lambda x: (-x.score, x.asset))
