"""Other people's changes, live: poll the database's change counter and re-read what is on screen.

A server-side `feedwatch fetch --enrich`, a colleague's star or link decision, or this app's own
workers all bump `db_changes` (see `Database.transaction`). Every `WATCH_INTERVAL` the app notes
what it shows (main thread), a thread worker on its own connection reads the counter and, when it
moved, the sidebar counts, the shown rows, the previewed item and the top of the view; the main
thread then applies the differences without ever moving the cursor under the user.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import work
from textual.css.query import NoMatches

from ..storage import triage
from ..storage.db import Database
from ..storage.rows import ListedItem
from ..storage.triage import View
from .widgets import Preview

if TYPE_CHECKING:
    from .host import AppHost as _AppHost  # the app this mixin is part of
else:
    _AppHost = object


class ChangeWatcher(_AppHost):
    """Mixed into the app: needs `db`, `person`, `view`, `search_text`, `table`, `status`, `refresh_sidebar`,
    `items_being_written`."""

    def init_watcher(self) -> None:
        self._seen_changes: int | None = None
        self._watch_lock = threading.Lock()
        self._watch_db: Database | None = None
        self._view_stale = False   # others added items above the cursor; g shows them

    def close_watcher(self) -> None:
        with self._watch_lock:
            if self._watch_db is not None:
                self._watch_db.close()
                self._watch_db = None

    WATCH_INTERVAL = 2.0   # s between polls of the change counter (one primary-key read)

    def _watch_tick(self) -> None:
        """Main thread: note what is on screen, then look for changes off it."""
        try:
            table = self.table
        except NoMatches:   # the app is closing: its widgets are gone before its timers
            return
        if table.db is None:
            return
        # new items can only be told apart while the table holds the top of the view
        self.watch_changes(self.view, list(table.rows_by_id), table.current_id,
                           table.start == 0 and not self.search_text)

    @work(thread=True, group="watch", exit_on_error=False)
    def watch_changes(self, view: View, shown: list[int], current: int | None, top_shown: bool) -> None:
        """When anybody (a server-side fetch, a colleague, this app's own workers) committed a change,
        re-read what is on screen and hand it to `_changes_seen`; a poll still running skips this one."""
        if not self._watch_lock.acquire(blocking=False):
            return
        try:
            from ..storage.queries import source_health
            if self._watch_db is None:
                self._watch_db = Database(self.db.url)   # this watcher's own connection
            db = self._watch_db
            n = db.change_count()
            if n == self._seen_changes:
                return
            counts, health = triage.counts(db, self.person), source_health(db)
            rows = triage.page(db, view, self.person, ids=shown) if shown else []
            detail = triage.item_detail(db, current, self.person) if current is not None else None
            first = ([r.id for r in triage.page(db, view, self.person, limit=min(len(shown), 50) or 1)]
                     if top_shown else [])
            self._seen_changes = n   # only once read: a failed read is retried on the next tick
        except Exception:   # a database hiccup (server restarting, file busy): try again next tick
            return
        finally:
            self._watch_lock.release()
        self.call_from_thread(self._changes_seen, view, counts, health, rows, current, detail, first, shown)

    def _changes_seen(self, view: View, counts: dict, health: dict, rows: list[ListedItem], current: int | None,
                      detail: dict | None, first: list[int], shown: list[int]) -> None:
        """Main thread: apply what changed; never move the cursor under the user."""
        try:
            table, preview = self.table, self.query_one(Preview)
        except NoMatches:   # closing
            return
        if (counts, health) != self._sidebar_data:
            self.refresh_sidebar(counts, health)
        if view != self.view:
            return
        writing = self.items_being_written()
        for r in rows:
            if r.id in writing:   # the row shows the user's change, still waiting to be saved
                continue
            old = table.rows_by_id.get(r.id)
            if old is not None and old != r:
                table.show_row(r)
        if current is not None and current == table.current_id and detail != preview.detail \
                and current not in writing:
            preview.show(detail, full=self.query_one("#main").has_class("full-preview"), keep_scroll=True)
        known = set(shown)
        if any(i not in known for i in first) and not self.search_text:   # new items (not ones read meanwhile)
            if table.cursor_row == 0 and table.start == 0:
                table.load(self.db, self.view)
            else:
                self._view_stale = True
                self.status.say("new items arrived: g shows them")
