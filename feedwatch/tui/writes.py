"""Key presses that write never freeze the screen while another process holds SQLite's write lock.

The row on screen changes at once (optimistic). The write then runs on the UI thread's connection
only if the lock comes within `UI_WAIT` seconds; otherwise it joins a queue that a background writer
(its own connection, the usual 30 s wait) drains in order. While anything is queued, later writes
queue behind it, so a star then an unstar land in that order. A write that still fails is one
notification, and the row shows what the database holds again.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work

from ..storage import triage
from ..storage.db import Database, is_busy
from .failures import describe_failure

if TYPE_CHECKING:
    from .host import AppHost as _AppHost  # the app this mixin is part of
else:
    _AppHost = object

FORM_WAIT = 1.0   # s a form's save (an experiment) may wait for the write lock before saying "not saved"


class QueuedWrites(_AppHost):
    """Mixed into the app: needs `db`, `person`, `table`, `status`, `notify`, `call_from_thread`."""

    UI_WAIT = 0.1        # s the UI thread may wait for the write lock before handing the write over
    WRITER_WAIT = 30.0   # s the background writer waits for it (as long as any other write) before giving up

    def init_writes(self) -> None:
        self._queued: deque = deque()
        self._drain_lock = threading.Lock()

    def write(self, what: str, item_id: int, fn: Callable, *args, then: Callable[[], None] | None = None,
              **kw) -> None:
        """Run `fn(db, *args, **kw)`; `then()` on the UI thread once it is saved."""
        if not self._queued:
            try:
                with self.db.busy_wait(self.UI_WAIT):
                    fn(self.db, *args, **kw)
            except Exception as exc:
                if not is_busy(exc):
                    self._write_failed(what, item_id, exc)
                    return
            else:
                if then is not None:
                    then()
                return
        self._queued.append((what, item_id, fn, args, kw, then))
        self.status.say(f"saving {what} once the database is free (another program is writing to it)…")
        self.drain_writes()

    @property
    def writes_waiting(self) -> int:
        return len(self._queued)

    def items_being_written(self) -> set[int]:
        """Items whose row shows a write not saved yet: a re-read must not undo it on screen."""
        return {entry[1] for entry in list(self._queued)}

    @work(thread=True, group="writes", exit_on_error=False)
    def drain_writes(self) -> None:
        """One drainer at a time, in order; an entry leaves the queue only once it is done."""
        with self._drain_lock:
            if not self._queued:
                return
            db = Database(self.db.url)   # this writer's own connection
            try:
                while self._queued:
                    what, item_id, fn, args, kw, then = self._queued[0]
                    try:
                        with db.busy_wait(self.WRITER_WAIT):
                            fn(db, *args, **kw)
                    except Exception as exc:
                        self._queued.popleft()
                        self.call_from_thread(self._write_failed, what, item_id, exc)
                        continue
                    self._queued.popleft()
                    self.call_from_thread(self._written, what, then)
            finally:
                db.close()

    def _written(self, what: str, then: Callable[[], None] | None) -> None:
        if then is not None:
            then()
        if not self._queued:
            self.status.say(f"saved {what}")

    def _write_failed(self, what: str, item_id: int, exc: BaseException) -> None:
        self.notify(f"not saved ({what}): {describe_failure(exc)}", severity="error", markup=False, timeout=8)
        try:   # show what the database holds, not the optimistic state
            rows = triage.page(self.db, self.view, self.person, ids=[item_id])
        except Exception:
            return
        if rows:
            self.table.show_row(rows[0])
