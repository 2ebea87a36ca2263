"""Background work never takes the app down: one handler for every worker's failure.

A worker (refresh, enrich, search index, search, change watcher, digest, background writes) that
raises ends in `WorkerState.ERROR` instead of exiting the app (`exit_on_error=False` on each), and
`handle_worker_error` turns the error into one line: a locked database and a full disk get words a
user can act on, any `FeedwatchError` (config, database, fetch, input, ...) its own one line, anything
else its type and first line. With -v/--debug the line also says where the error was raised.
"""

from __future__ import annotations

import errno
import sqlite3
from typing import TYPE_CHECKING

from textual.worker import Worker, WorkerState

from ..errors import FeedwatchError
from ..storage.db import is_busy
from ..text import clean_line

if TYPE_CHECKING:
    from .host import AppHost as _AppHost  # the app this mixin is part of
else:
    _AppHost = object

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
    if isinstance(exc, FeedwatchError):   # the family's one line ("database error: ...", "config error: ...")
        return clean_line(f"{exc.label}{exc}", 200)
    if isinstance(exc, sqlite3.Error):
        return f"database error: {clean_line(str(exc), 200)}"
    if isinstance(exc, OSError):
        return clean_line(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""), 200)
    first = str(exc).strip().splitlines()
    return clean_line(f"{type(exc).__name__}: {first[0]}" if first else type(exc).__name__, 200)


def where_raised(exc: BaseException) -> str:
    """' (KeyError at feedwatch/storage/triage.py:91)': the detail -v/--debug adds to the line."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return f" ({type(exc).__name__})"
    return f" ({type(exc).__name__} at {tb.tb_frame.f_code.co_filename}:{tb.tb_lineno})"


class WorkerFailures(_AppHost):
    """Mixed into the app (screens with workers forward their `Worker.StateChanged` here).

    A handler by name, not `@on`: Textual collects `@on` handlers only from its own classes, not mixins."""

    debug_failures = False   # -v/--debug: name where a failure was raised

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.handle_worker_error(event)

    def handle_worker_error(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        what = WORK.get(event.worker.group, event.worker.name or "background work")
        line = describe_failure(event.worker.error)
        if self.debug_failures:
            line += where_raised(event.worker.error)
        self.notify(f"{what} failed: {line}", severity="error", markup=False, timeout=8)
