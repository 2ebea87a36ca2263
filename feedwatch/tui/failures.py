"""Background work never takes the app down: one handler for every worker's failure.

A worker (refresh, enrich, search index, search, change watcher, digest, background writes) that
raises ends in `WorkerState.ERROR` instead of exiting the app (`exit_on_error=False` on each), and
`handle_worker_error` turns the error into one line: a locked database, a full disk and a
`StorageError` get words a user can act on; anything else its type and first line.
"""

from __future__ import annotations

import errno
import sqlite3

from textual.worker import Worker, WorkerState

from ..storage.db import StorageError, is_busy
from ..text import clean_line

# worker group -> what the user knows it as
WORK = {"fetch": "refresh", "enrich": "enrichment", "index": "search index update", "search": "search",
        "watch": "watching for changes", "digest": "digest", "writes": "saving"}


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    return isinstance(exc, sqlite3.Error) and "disk is full" in str(exc).lower()


def describe_failure(exc: BaseException) -> str:
    """One line, no traceback: what went wrong and, where there is one, what to do."""
    if is_disk_full(exc):
        return "the disk is full: free some space, then try again"
    if is_busy(exc):
        return "the database is busy: another feedwatch is writing to it; try again in a moment"
    if isinstance(exc, StorageError):
        return f"database error: {clean_line(str(exc), 200)}"
    if isinstance(exc, sqlite3.Error):
        return f"database error: {clean_line(str(exc), 200)}"
    if isinstance(exc, OSError):
        return clean_line(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""), 200)
    first = str(exc).strip().splitlines()
    return clean_line(f"{type(exc).__name__}: {first[0]}" if first else type(exc).__name__, 200)


class WorkerFailures:
    """Mixed into the app (screens with workers forward their `Worker.StateChanged` here).

    A handler by name, not `@on`: Textual collects `@on` handlers only from its own classes, not mixins."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.handle_worker_error(event)

    def handle_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        what = WORK.get(event.worker.group, event.worker.name or "background work")
        self.notify(f"{what} failed: {describe_failure(event.worker.error)}", severity="error", markup=False,
                    timeout=8)
