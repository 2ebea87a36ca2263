"""What runs in the parse workers: parse a batch of fetched bodies, then store them.

A fetch run forks these worker processes (on a SQLite file) so that parsing, which is CPU-bound,
and storing run beside the event loop and beside each other; the parsed entries never travel back
through a pipe. Elsewhere (PostgreSQL, one core, the TUI's threads) the same functions run on a
thread, with storing done by the run's writer thread. Everything here takes and returns plain,
picklable data; exceptions do not cross processes well, so failures come back as values.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from ..config import Source
from ..dates import utc_now_iso
from ..entry import Entry
from ..storage.db import Database, StorageError
from ..storage.ingest import known_guids, lock_for_ingest, prepare_entries, record_fetch, write_prepared

if TYPE_CHECKING:
    from ..entry import ParsedFeed
    from ..storage.db import Conn
    from ..storage.ingest import Prepared, WriteCounts


def default_executor(kind: str | None = None) -> Executor:
    """A process pool on multi-core machines (parsing is CPU-bound), threads otherwise."""
    kind = kind or os.environ.get("FEEDWATCH_PARSE", "process")
    cpus = os.cpu_count() or 1
    if kind == "process" and cpus > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor  # here: a 304-only run never needs it (~6 ms)
        ctx = multiprocessing.get_context("fork")
        return ProcessPoolExecutor(max_workers=pool_size(), mp_context=ctx, initializer=_init_worker,
                                   initargs=(ctx.Lock(), os.getpid()))
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedwatch-parse")


def pool_size() -> int:
    return min(os.cpu_count() or 1, 4)


def uses_process_pool(kind: str | None = None) -> bool:
    return (kind or os.environ.get("FEEDWATCH_PARSE", "process")) == "process" and (os.cpu_count() or 1) > 1


class ParseJob(NamedTuple):
    """One fetched body for a worker to parse and store: what `run.py` sends (picklable)."""
    source: Source
    url: str
    etag: str | None
    last_modified: str | None
    status: int
    next_due: str
    body: bytes
    resp_url: str
    headers: dict[str, str]
    site: str
    encoded_cap: int | None      # set: the body is still Content-Encoded, decode it up to this size


class SourceWrite(NamedTuple):
    """A parsed source's entries and fetch state: `store_source`'s arguments after the database."""
    source: Source
    url: str
    title: str
    entries: list[Entry]
    etag: str | None
    last_modified: str | None
    status: int
    next_due: str


@dataclass(slots=True)
class ParseFailure:
    message: str


@dataclass(slots=True)
class Stored:
    """What storing one source's entries did (small: this is what crosses back from a worker)."""
    warning: str | None
    filtered: int
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str | None = None


def filter_entries(source: Source, entries: list[Entry]) -> tuple[list[Entry], int]:
    keep = source.title_filter()
    if keep is None:
        return entries, 0
    kept = [e for e in entries if keep(e.title)]
    return kept, len(entries) - len(kept)


def store_source(db: Database, source: Source, url: str, title: str, entries: list[Entry], etag: str | None,
                 last_modified: str | None, status: int, next_due: str) -> WriteCounts:
    """One source's entries and fetch state, in one transaction (prepared before it: see _prepare)."""
    now = utc_now_iso()
    prepared = _prepare(source, entries, now, known_guids(db, [source.name])[source.name])
    with db.transaction() as c:
        lock_for_ingest(c, db.dialect)
        return _write_source(c, source, url, title, prepared, etag, last_modified, status, next_due, now)


def _prepare(source: Source, entries: list[Entry], now: str, known: set[str]) -> list[Prepared]:
    """A source's entries made ready to store, outside the write transaction: hashes, canonical
    URLs, and the rows and story evidence of those not stored yet. This is most of storing's CPU;
    done before the lock, the workers parse and prepare beside each other and queue only for the SQL."""
    from ..enrich.evidence import entry_evidence  # here: a run that stores nothing never needs it
    evidence = partial(entry_evidence, source.name, source.kind, source.repo if source.kind == "github" else None)
    return prepare_entries(source.name, entries, sorted(set(source.tags)), now, evidence, known)


def _write_source(c: Conn, source: Source, url: str, title: str, prepared: list[Prepared], etag: str | None,
                  last_modified: str | None, status: int, next_due: str, now: str) -> WriteCounts:
    """A source's prepared entries and its successful fetch, inside the caller's transaction."""
    counts = write_prepared(c, source.name, prepared, sorted(set(source.tags)), now)
    record_fetch(c, name=source.name, kind=source.kind, url=url, title=title, etag=etag,
                 last_modified=last_modified, attempt=now, success=True, status=status, error=None,
                 consecutive_errors=0, next_due=next_due)
    return counts


_worker_db: Database | None = None
_worker_write_lock: Any = None   # a multiprocessing Lock, given to the pool's initializer


def _init_worker(write_lock: Any = None, parent: int | None = None) -> None:
    """In each forked worker: no database yet (it opens its own connection on first use).

    `write_lock` is shared by the pool's workers: they queue on it (a semaphore, woken at once)
    rather than inside SQLite, whose busy handler polls with sleeps of up to 100 ms.
    On Linux a worker is killed with its parent (a killed `feedwatch fetch` must not leave workers
    behind, blocked forever on their queue); a transaction it had open is then never committed.
    """
    global _worker_db, _worker_write_lock
    _worker_db = None
    _worker_write_lock = write_lock
    if parent is not None and sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        if os.getppid() != parent:   # the parent died before prctl took effect
            os._exit(1)


def _worker_database(db_url: str) -> Database:
    global _worker_db
    if _worker_db is None or _worker_db.url != db_url:
        from multiprocessing import util
        _worker_db = Database(db_url)
        util.Finalize(_worker_db, _close_worker_database, args=(_worker_db,), exitpriority=10)   # at exit
    return _worker_db


def _close_worker_database(db: Database) -> None:
    """Close this worker's connection, one worker at a time.

    The last connection to close checkpoints the WAL into the database and removes it; when two
    workers close at the same moment, each can see the other still open and both leave a WAL
    of up to ~4 MB for the next run to recover and checkpoint (measured: ~1 in 3 cold runs).
    """
    locked = _worker_write_lock is not None and _worker_write_lock.acquire(timeout=5)
    try:
        db.close()
    finally:
        if locked:
            _worker_write_lock.release()


def parse_and_store_batch(db_url: str, jobs: list[ParseJob]) -> list[Any]:
    """Runs in a worker: parse each job's body, then store every parsed source in one transaction.

    A failure while storing one source is that source's error alone (see _store_batch); a failure
    of the transaction itself (busy, disk full) is every source's. Returns one
    ParseFailure or Stored per job, in order; the entries never go back to the main process.
    """
    results: list[Any] = []
    parsed_jobs: list[tuple[int, SourceWrite]] = []   # (index in results, what to store)
    for source, url, etag, last_modified, status, next_due, body, resp_url, headers, site, cap in jobs:
        parsed = parse_body(source.kind, body, resp_url, headers, site, cap)
        if isinstance(parsed, ParseFailure):
            results.append(parsed)
            continue
        entries, filtered = filter_entries(source, parsed.entries)
        results.append(Stored(parsed.warning, filtered))
        parsed_jobs.append((len(results) - 1, SourceWrite(source, url, parsed.title, entries, etag, last_modified,
                                                          status, next_due)))
    if not parsed_jobs:
        return results
    now = utc_now_iso()
    try:
        db = _worker_database(db_url)
        known = known_guids(db, [write.source.name for _, write in parsed_jobs])   # a read: no lock
        ready: list[tuple[int, SourceWrite, list[Prepared]]] = []
        for i, write in parsed_jobs:
            try:
                ready.append((i, write, _prepare(write.source, write.entries, now, known[write.source.name])))
            except Exception as exc:   # a bug met by one source's entries stays that source's
                results[i].error = f"internal error: {type(exc).__name__}: {exc}"
        if not ready:
            return results
        if _worker_write_lock is None:
            _store_batch(db, ready, results, now)
        else:
            with _worker_write_lock:
                _store_batch(db, ready, results, now)
    except StorageError as exc:
        for i, _ in parsed_jobs:
            if results[i].error is None:
                results[i].error = str(exc)
    return results


def _store_batch(db: Database, ready: list[tuple[int, SourceWrite, list[Prepared]]], results: list[Any],
                 now: str) -> None:
    """Every prepared source of a batch in one transaction; if storing one of them fails with
    anything but a storage error (a bug met by its entries), the batch is rolled back and each
    source is stored in a transaction of its own, so only that source fails. (Savepoints would
    isolate them too, but cost a sub-journal write for every page: ~6x the writes.)"""
    try:
        with db.transaction() as c:
            lock_for_ingest(c, db.dialect)
            for i, write, prepared in ready:
                _count(results[i], _write_prepared(c, write, prepared, now))
        return
    except StorageError:
        raise
    except Exception:
        if len(ready) == 1:
            raise
    for i, write, prepared in ready:
        results[i].new = results[i].updated = results[i].unchanged = 0
        try:
            with db.transaction() as c:
                lock_for_ingest(c, db.dialect)
                _count(results[i], _write_prepared(c, write, prepared, now))
        except StorageError:
            raise
        except Exception as exc:
            results[i].error = f"internal error: {type(exc).__name__}: {exc}"


def _write_prepared(c: Conn, write: SourceWrite, prepared: list[Prepared], now: str) -> WriteCounts:
    return _write_source(c, write.source, write.url, write.title, prepared, write.etag, write.last_modified,
                         write.status, write.next_due, now)


def _count(stored: Stored, counts: WriteCounts) -> None:
    stored.new, stored.updated, stored.unchanged = counts.new, counts.updated, counts.unchanged


def parse_body(kind: str, body: bytes, url: str, headers: dict[str, str], site: str,
               encoded_cap: int | None) -> ParsedFeed | ParseFailure:
    """Runs in a worker: returns a ParsedFeed or a ParseFailure (exceptions cross processes badly).

    When `encoded_cap` is set the body is still gzip/deflate-encoded: decompressing here, with the
    size cap, keeps that CPU work off the event loop too.
    """
    from ..sources.parse import ParseError, parse_document
    if encoded_cap is not None:
        from .http import FetchError, decode_body
        try:
            body = decode_body(body, headers.get("content-encoding", ""), encoded_cap)
        except FetchError as exc:
            return ParseFailure(str(exc))
    try:
        return parse_document(kind, body, url, headers, site)
    except ParseError as exc:
        return ParseFailure(f"cannot parse: {exc}")
    except Exception as exc:  # parser bugs on hostile input stay confined to this source
        return ParseFailure(f"cannot parse: {type(exc).__name__}: {str(exc)[:200]}")
