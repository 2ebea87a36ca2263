"""`catalog update`: fetch every configured catalogue the way feeds are fetched (conditional GET,
timeouts, a cap on the decompressed body, retries with backoff) and store what parses.

A catalogue that fails (HTTP error, invalid JSON, wrong shape, oversized) gets one line and keeps
its previously stored data; the others go on. Parsing runs in a thread so a 3 MB document does not
hold up the other downloads. An alias that a catalogue moved to another id, and that an asset runs
on, becomes an item linked to that asset (see `alias_moves`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..config import Catalog, Config
from ..dates import format_iso
from ..ingest.http import FetchError, HttpFetcher
from ..storage import catalogs as store
from ..storage.db import Database, StorageError
from .alias_moves import record_alias_moves
from .formats import CatalogFormatError, parse_catalog
from .names import fingerprint
from .propose import Proposal, propose_due

RETRY_BASE = 15 * 60       # a failing catalogue is retried after 15 min, doubling, at most its interval


@dataclass(slots=True)
class CatalogResult:
    name: str
    outcome: str               # updated | not-modified | error | skipped
    models: int = 0            # models stored now (for an error: what is kept)
    note: str = ""             # what the parser skipped, or the error
    status: int | None = None
    alias_moves: int = 0

    def line(self) -> str:
        if self.outcome == "updated":
            text = f"{self.name}: updated, {self.models} models"
            extra = [self.note] if self.note else []
            if self.alias_moves:
                extra.append(f"{self.alias_moves} aliases your assets use moved")
            return text + (f" ({'; '.join(extra)})" if extra else "")
        if self.outcome == "not-modified":
            return f"{self.name}: not modified, {self.models} models"
        if self.outcome == "skipped":
            return f"{self.name}: skipped ({self.note})"
        kept = f"; keeps its {self.models} stored models" if self.models else "; nothing stored yet"
        return f"{self.name}: error: {self.note}{kept}"


def select_catalogs(config: Config, names: Iterable[str] | None) -> list[Catalog]:
    """The enabled catalogues, or exactly the named ones; an unknown name raises KeyError."""
    if names:
        by_name = {c.name: c for c in config.catalogs}
        out = []
        for n in names:
            if n not in by_name:
                raise KeyError(n)
            out.append(by_name[n])
        return out
    return [c for c in config.catalogs if c.enabled]


async def update_catalogs(config: Config, db: Database, catalogs: list[Catalog], *, due_only: bool = False,
                          force: bool = False, on_result: Callable[[CatalogResult], None] | None = None,
                          fetcher: HttpFetcher | None = None) -> list[CatalogResult]:
    """Update the given catalogues concurrently; one result per catalogue, in the given order."""
    if not catalogs:
        return []
    # one thread owns the database for the run (a connection serves one transaction at a time)
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedwatch-catalog-db")
    loop = asyncio.get_running_loop()
    states = await loop.run_in_executor(writer, store.catalog_states, db)
    own = fetcher is None
    if fetcher is None:
        f = config.fetch
        fetcher = HttpFetcher(concurrency=f.concurrency, per_host=f.per_host, timeout=f.timeout,
                              max_body=int(max(c.max_mb for c in catalogs) * 1024 * 1024))
    try:
        async def one(catalog: Catalog) -> CatalogResult:
            result = await _one(config, db, catalog, states.get(catalog.name), fetcher, due_only, force, writer)
            if on_result:
                on_result(result)
            return result
        return list(await asyncio.gather(*(one(c) for c in catalogs)))
    finally:
        writer.shutdown(wait=True)
        if own:
            await fetcher.__aexit__(None, None, None)


async def _one(config: Config, db: Database, catalog: Catalog, state: store.CatalogState | None,
               fetcher: HttpFetcher, due_only: bool, force: bool, writer: ThreadPoolExecutor) -> CatalogResult:
    loop = asyncio.get_running_loop()

    def write(fn, *args, **kwargs):
        return loop.run_in_executor(writer, lambda: fn(*args, **kwargs))
    now = datetime.now(UTC)
    kept = state.models if state else 0
    if due_only and not force and state and state.next_due and state.next_due > format_iso(now):
        return CatalogResult(catalog.name, "skipped", kept, f"not due until {state.next_due}")
    same_url = state is not None and state.url == catalog.url
    etag = state.etag if state is not None and same_url and not force and kept else None
    last_modified = state.last_modified if state is not None and same_url and not force and kept else None
    cap = int(catalog.max_mb * 1024 * 1024)
    try:
        response = await fetcher.get(catalog.url, etag=etag, last_modified=last_modified)
        if len(response.body) > cap:
            raise FetchError(f"body larger than the {catalog.max_mb:g} MB limit; refused")
        if response.not_modified:
            await write(store.record_not_modified, db, catalog.name, catalog.kind, catalog.url,
                                    now=format_iso(now), next_due=_next(now, catalog.interval))
            return CatalogResult(catalog.name, "not-modified", kept, status=304)
        entries, tally = await asyncio.to_thread(parse_catalog, catalog.kind, catalog.name, response.body)
        rows = [_row(e) for e in entries]
        old_aliases = await write(
            store.replace_models, db, catalog.name, catalog.kind, catalog.url, rows,
            etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified"),
            status=response.status, now=format_iso(now), next_due=_next(now, catalog.interval),
            keys_of=fingerprint())
        moved = await write(record_alias_moves, db, config, catalog.name, old_aliases, entries,
                                        format_iso(now)) if old_aliases else 0
        return CatalogResult(catalog.name, "updated", len(rows), tally.note(), response.status, moved)
    except (FetchError, CatalogFormatError) as exc:
        message, status = str(exc), getattr(exc, "status", None)
    except StorageError as exc:
        return CatalogResult(catalog.name, "error", kept, f"could not store it: {exc}")
    errors = (state.consecutive_errors if state else 0) + 1
    wait = min(RETRY_BASE * 2 ** (errors - 1), catalog.interval)
    try:
        await write(store.record_failure, db, catalog.name, catalog.kind, catalog.url, error=message,
                                status=status, now=format_iso(now), next_due=_next(now, wait))
    except StorageError as exc:
        message = f"{message} (and could not record it: {exc})"
    return CatalogResult(catalog.name, "error", kept, message, status)


async def refresh_due(config: Config, db: Database, *, force: bool = False
                      ) -> tuple[list[CatalogResult], list[Proposal]]:
    """What a fetch does after its sources: update the catalogues that are due, then, when one of them
    answered, propose the migrations that became due (today, UTC)."""
    results = await update_catalogs(config, db, select_catalogs(config, None), due_only=True, force=force)
    if not any(r.outcome in ("updated", "not-modified") for r in results):
        return results, []
    today = datetime.now(UTC).date()
    return results, await asyncio.to_thread(propose_due, db, config, today)


def _next(now: datetime, seconds: int | float) -> str:
    return format_iso(now + timedelta(seconds=seconds))


def _row(e) -> dict:
    return {"provider": e.provider, "model_id": e.model_id, "model_key": e.key, "status": e.status,
            "deprecation_date": e.deprecation_date, "shutdown_date": e.shutdown_date,
            "earliest_shutdown": e.earliest_shutdown, "replacement": e.replacement, "release_date": e.release_date,
            "source_url": e.source_url, "aliases": e.aliases, "alias_of": e.alias_of, "family": e.family,
            "alias_keys": e.alias_keys, "alias_of_key": e.alias_of_key}
