"""A fetch run: every selected source fetched, parsed and stored, each isolated from the others.

Network I/O runs on the event loop; parsing (CPU-bound) runs in worker processes (see worker.py)
so neither the loop nor the TUI freezes. On a SQLite file the workers also store what they parse,
a batch of sources per transaction; otherwise writes go through one writer thread, a transaction
per source. Whatever happens to one source is recorded against it and never stops the others.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from ..config import Config, Source
from ..dates import format_iso, utc_now_iso
from ..entry import ParsedFeed
from ..storage.db import Database, StorageError
from ..storage.ingest import SourceState, load_source_states, record_fetch
from .http import FetchError, HttpFetcher
from .worker import (
    ParseFailure,
    ParseJob,
    Stored,
    default_executor,
    filter_entries,
    parse_and_store_batch,
    parse_body,
    pool_size,
    store_source,
    uses_process_pool,
)

ERROR_BACKOFF_BASE = 15 * 60
ERROR_BACKOFF_MAX = 24 * 3600
BATCH_SOURCES = 8   # at most this many sources per worker task and transaction (16 measured slower: tail imbalance)


@dataclass(slots=True)
class SourceResult:
    """How one source's fetch went; `outcome` is new | updated | not-modified | unchanged | error | skipped."""
    name: str
    outcome: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    filtered: int = 0
    status: int | None = None
    error: str | None = None
    warning: str | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class RunSummary:
    results: list[SourceResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def new_items(self) -> int:
        return sum(r.new for r in self.results)

    @property
    def updated_items(self) -> int:
        return sum(r.updated for r in self.results)


def select_sources(config: Config, names: Iterable[str] | None) -> list[Source]:
    """The enabled sources, or exactly the named ones (enabled or not); unknown names raise KeyError."""
    if names:
        chosen = []
        for n in names:
            s = config.source(n)
            if s is None:
                raise KeyError(n)
            chosen.append(s)
        return chosen
    return [s for s in config.sources if s.enabled]


class FetchRun:
    """Fetch a set of sources into the database. `on_result` is called as each source finishes."""

    def __init__(self, config: Config, db: Database, *, fetcher: HttpFetcher | None = None,
                 parse_executor: Executor | None = None, on_result: Callable[[SourceResult], None] | None = None,
                 on_start: Callable[[Source], None] | None = None):
        self.config = config
        self.db = db
        self._fetcher = fetcher
        self._parse_executor = parse_executor
        self.on_result = on_result
        self.on_start = on_start
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedwatch-db")
        self._not_modified: list[tuple[Any, ...]] = []
        self._arxiv_lock = asyncio.Lock()
        self._store_in_workers = False
        self._executor: Executor | None = None
        self._pool_start: asyncio.Future[Any] | None = None
        self._ready: list[tuple[ParseJob, asyncio.Future[Any]]] = []   # bodies waiting for a worker
        self._in_flight = 0

    async def run(self, sources: list[Source], *, due_only: bool = False, force: bool = False) -> RunSummary:
        summary = RunSummary()
        loop = asyncio.get_running_loop()
        states = await loop.run_in_executor(self._writer, load_source_states, self.db)
        own_executor = self._parse_executor is None and any(s.kind != "arxiv" for s in sources)
        # Our own worker processes on a SQLite file also store what they parse: the items never travel
        # back through a pipe and the writes run beside each other's parsing instead of on this process.
        # The pool is forked on the writer thread, with this process's connection closed, when the first
        # body arrives (a 304-only run forks nothing); see _start_pool.
        self._store_in_workers = (own_executor and uses_process_pool() and self.db.dialect == "sqlite"
                                  and self.db.path != ":memory:")
        executor = self._parse_executor or (default_executor() if own_executor and not self._store_in_workers
                                            else None)
        self._executor = executor
        fetcher = self._fetcher or self._make_fetcher()
        now = datetime.now(UTC)
        if self._store_in_workers and any(self._expects_body(s, states.get(s.name), now, due_only, force)
                                          for s in sources):
            # a source with no validators (a first fetch) answers with a body: fork the workers now,
            # before any request is in flight, rather than when that body arrives. On the writer thread,
            # with the event loop busy, the imports and the fork took ~100 ms instead of ~35 (every file
            # read in an import waits for the GIL); waiting here lets the first bodies find them ready.
            # A failure is not raised here: the sources that need the pool report it (see _one).
            await asyncio.wait([self._fork_soon()])
        try:
            async with fetcher if self._fetcher is None else nullcontext(fetcher):
                tasks = [asyncio.ensure_future(self._one(s, states.get(s.name), fetcher, executor, now, due_only,
                                                         force)) for s in sources]
                try:
                    for next_done in asyncio.as_completed(tasks):
                        result = await next_done
                        summary.results.append(result)
                        if self.on_result:
                            self.on_result(result)
                finally:
                    # interrupted (Ctrl-C, a failing callback): stop the rest before the client and the
                    # writer close under them; every source already stored stays stored, whole
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
                    if self._not_modified:
                        await loop.run_in_executor(self._writer, self._store_not_modified)
        finally:
            if self._pool_start is not None:
                try:
                    await asyncio.shield(self._pool_start)
                except Exception:
                    pass
            if own_executor and self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
            self._writer.shutdown(wait=True)
        summary.results.sort(key=lambda r: r.name)
        return summary

    def _make_fetcher(self) -> HttpFetcher:
        f = self.config.fetch
        return HttpFetcher(concurrency=f.concurrency, per_host=f.per_host, timeout=f.timeout,
                           max_body=int(f.max_body_mb * 1024 * 1024))

    async def _one(self, source: Source, state: SourceState | None, fetcher: HttpFetcher,
                   executor: Executor | None, now: datetime, due_only: bool, force: bool) -> SourceResult:
        started = time.monotonic()
        skip = None if force else _skip_reason(state, now, due_only)
        if skip:
            return SourceResult(source.name, "skipped", warning=skip)
        if self.on_start:
            self.on_start(source)
        url = source.fetch_url(self.config.endpoints)
        etag = last_modified = None
        if state is not None and state.url == url:   # validators belong to the URL they came from
            etag, last_modified = state.etag, state.last_modified
        interval = source.interval or self.config.fetch.interval
        next_due = format_iso(now + timedelta(seconds=interval))
        stored: Stored | None = None
        parsed: ParsedFeed | ParseFailure | None
        try:
            if source.kind == "arxiv":
                parsed, status = await self._arxiv(source), 200
                etag = last_modified = None
            else:
                resp = await fetcher.get(url, etag=etag, last_modified=last_modified, decode=False)
                status = resp.status
                if resp.not_modified:
                    parsed = None
                else:
                    etag = resp.headers.get("etag")
                    last_modified = resp.headers.get("last-modified")
                    cap = None if resp.decoded else fetcher.max_body
                    site = self.config.endpoints.huggingface
                    loop = asyncio.get_running_loop()
                    if self._store_in_workers:
                        parsed = stored = await self._in_worker(
                            ParseJob(source, url, etag, last_modified, status, next_due, resp.body, resp.url,
                                     resp.headers, site, cap))
                    else:
                        parsed = await loop.run_in_executor(
                            executor, parse_body, source.kind, resp.body, resp.url, resp.headers, site, cap)
        except (FetchError, _SourceError) as exc:
            return await self._failed(source, state, url, now, str(exc), getattr(exc, "status", None),
                                      getattr(exc, "retry_after", None), started)
        except Exception as exc:   # a bug in one source's handling must not stop the others
            return await self._failed(source, state, url, now, f"internal error: {type(exc).__name__}: {exc}",
                                      None, None, started)
        result = SourceResult(source.name, "not-modified" if parsed is None else "unchanged", status=status)
        if isinstance(parsed, ParseFailure):
            return await self._failed(source, state, url, now, parsed.message, status, None, started)
        if parsed is None:
            # 304: nothing to store but the attempt; those are written together at the end of the run
            # (one transaction instead of a thread hand-off and a commit per source)
            self._not_modified.append((source, url, etag, last_modified, status, next_due))
            result.seconds = time.monotonic() - started
            return result
        if stored is None:   # parsed here or on a thread: stored through the writer thread
            entries, result.filtered = filter_entries(source, parsed.entries)
            try:
                counts = await asyncio.get_running_loop().run_in_executor(
                    self._writer, store_source, self.db, source, url, parsed.title, entries, etag, last_modified,
                    status, next_due)
            except StorageError as exc:
                stored = Stored(parsed.warning, result.filtered, error=str(exc))
            else:
                stored = Stored(parsed.warning, result.filtered, counts.new, counts.updated, counts.unchanged)
        result.warning, result.filtered = stored.warning, stored.filtered
        if stored.error is not None:
            result.outcome, result.error = "error", stored.error
            result.seconds = time.monotonic() - started
            return result
        result.new, result.updated, result.unchanged = stored.new, stored.updated, stored.unchanged
        result.outcome = "new" if stored.new else ("updated" if stored.updated else "unchanged")
        result.seconds = time.monotonic() - started
        return result

    async def _in_worker(self, job: ParseJob) -> Any:
        """Parse and store one source in a worker; returns its Stored or ParseFailure.

        Bodies that arrive while every worker is busy wait here and go to the next free worker
        together, as one task and one transaction (see parse_and_store_batch): under load a run
        commits a few dozen times instead of once per source, and each source is still whole.
        """
        await self._pool()
        done = asyncio.get_running_loop().create_future()
        self._ready.append((job, done))
        self._dispatch()
        return await done

    def _dispatch(self) -> None:
        workers = pool_size()
        self._ready = [(job, done) for job, done in self._ready if not done.done()]   # drop cancelled ones
        while self._ready and self._in_flight < workers + 1:   # +1: the next task waits in the pipe
            free = max(1, workers + 1 - self._in_flight)
            take = min(BATCH_SOURCES, -(-len(self._ready) // free))
            batch, self._ready = self._ready[:take], self._ready[take:]
            try:
                task = asyncio.get_running_loop().run_in_executor(
                    self._executor, parse_and_store_batch, self.db.url, [job for job, _ in batch])
            except RuntimeError as exc:   # the pool is shutting down (an interrupted run) or broken
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            self._in_flight += 1
            task.add_done_callback(partial(self._batch_done, batch=batch))

    def _batch_done(self, task: asyncio.Future[Any], batch: list[Any]) -> None:
        self._in_flight -= 1
        if task.cancelled():
            for _, done in batch:
                done.cancel()
        elif task.exception() is not None:
            for _, done in batch:
                if not done.done():
                    done.set_exception(task.exception())
        else:
            for (_, done), result in zip(batch, task.result(), strict=False):
                if not done.done():
                    done.set_result(result)
        self._dispatch()

    def _expects_body(self, source: Source, state: SourceState | None, now: datetime, due_only: bool,
                      force: bool) -> bool:
        """Whether fetching `source` cannot get a 304: it will be fetched and sends no validators."""
        if source.kind == "arxiv" or (not force and _skip_reason(state, now, due_only)):
            return False
        return (state is None or state.url != source.fetch_url(self.config.endpoints)
                or not (state.etag or state.last_modified))

    def _pool(self) -> asyncio.Future[Any]:
        """The worker pool, forked once on the writer thread (see _start_pool)."""
        return asyncio.shield(self._fork_soon())

    def _fork_soon(self) -> asyncio.Future[Any]:
        if self._pool_start is None:
            self._pool_start = asyncio.ensure_future(
                asyncio.get_running_loop().run_in_executor(self._writer, self._start_pool))
        return self._pool_start

    def _start_pool(self) -> Executor:
        """Fork the worker processes with no SQLite connection open and no SQLite call running here.

        SQLite must not carry a connection, or its per-process lock bookkeeping, across fork(). Every
        use of the database in this process goes through the writer thread, which is running this,
        so closing the connection here (it reopens on next use) leaves nothing in flight to inherit.
        """
        # what every worker needs to parse and store, imported once here rather than after the fork
        # in each worker (~30 ms apiece); only a run with a body to parse gets this far. Not in the
        # workers' initializer either (measured ~10 ms sooner): in the app, another thread may hold a
        # module's import lock at the fork, and a worker importing that module would wait forever
        from multiprocessing import util  # noqa: F401

        from ..enrich import evidence  # noqa: F401
        from ..sources import jsonfeed, parse, xmlfeed  # noqa: F401
        self.db.close()
        executor = default_executor("process")
        executor.submit(int)   # forks every worker now, here (the fork context starts them all in submit)
        self._executor = executor
        return executor

    def _store_not_modified(self) -> None:
        now = utc_now_iso()
        try:
            with self.db.transaction() as c:
                for source, url, etag, last_modified, status, next_due in self._not_modified:
                    record_fetch(c, name=source.name, kind=source.kind, url=url, etag=etag,
                                 last_modified=last_modified, attempt=now, success=True, status=status, error=None,
                                 consecutive_errors=0, next_due=next_due)
        except StorageError:
            pass   # only "last attempt" stamps are lost; the next run records them again
        self._not_modified.clear()

    async def _failed(self, source: Source, state: SourceState | None, url: str, now: datetime, message: str,
                      status: int | None, retry_after: float | None, started: float) -> SourceResult:
        errors = (state.consecutive_errors if state else 0) + 1
        wait = min(ERROR_BACKOFF_BASE * 2 ** (errors - 1), ERROR_BACKOFF_MAX)
        if retry_after:
            wait = max(retry_after, 60.0)
            message = f"{message}; server asks to retry after {int(retry_after)} s"
        next_due = format_iso(now + timedelta(seconds=wait))
        keep_etag = state.etag if state and state.url == url else None
        keep_lm = state.last_modified if state and state.url == url else None

        def store() -> None:
            from ..storage.health import record_fetch_failure
            attempt = utc_now_iso()
            with self.db.transaction() as c:
                record_fetch(c, name=source.name, kind=source.kind, url=url, etag=keep_etag,
                             last_modified=keep_lm, attempt=attempt, success=False,
                             status=status, error=message, consecutive_errors=errors, next_due=next_due)
                record_fetch_failure(c, source.name, attempt, status, message)   # the weekly digest reports these
        try:
            await asyncio.get_running_loop().run_in_executor(self._writer, store)
        except StorageError as exc:
            message = f"{message} (and could not record it: {exc})"
        return SourceResult(source.name, "error", status=status, error=message,
                            seconds=time.monotonic() - started)

    async def _arxiv(self, source: Source) -> ParsedFeed:
        from ..sources.arxiv_api import ArxivError, fetch_arxiv
        from .http import USER_AGENT
        async with self._arxiv_lock:   # arXiv asks for one connection at a time
            try:
                return await asyncio.to_thread(fetch_arxiv, source.query or "", source.max_results,
                                               self.config.endpoints.arxiv_api, self.config.fetch.timeout,
                                               USER_AGENT)
            except ArxivError as exc:
                raise _SourceError(str(exc), getattr(exc, "status", None)) from None


class _SourceError(Exception):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def _skip_reason(state: SourceState | None, now: datetime, due_only: bool) -> str | None:
    if state is None or not state.next_due:
        return None
    # fromisoformat, not strptime: strptime's first call imports _strptime and builds its regexes
    due = datetime.fromisoformat(state.next_due).astimezone(UTC)
    if due <= now:
        return None
    if due_only:
        return f"not due until {state.next_due}"
    if state.last_status in (429, 503) and state.consecutive_errors:
        return f"the server asked us to wait until {state.next_due} (use --force to fetch anyway)"
    return None

