"""Work the app does in the background: refresh every source, enrich, keep the search index current.

Each worker opens its own database connection (`worker_database`), so the UI never waits on it;
progress comes back as `FetchProgressed` messages (new items appear in the list as their source
lands). A worker that fails ends in one notification (`failures.WorkerFailures`), never the app's end.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from ..storage.db import Database

if TYPE_CHECKING:
    from .host import AppHost as _AppHost  # the app this mixin is part of
else:
    _AppHost = object

if TYPE_CHECKING:
    from textual.timer import Timer


class FetchProgressed(Message):
    def __init__(self, text: str, error: bool = False, landed: int = 0) -> None:
        super().__init__()
        self.text = text
        self.error = error
        self.landed = landed   # items stored by this step: show them without waiting for the whole run


class BackgroundWork(_AppHost):
    """Mixed into the app: needs `config`, `db`, `db_url`, `view`, `table`, `status`, `refresh_sidebar`."""

    _landed_timer: Timer | None

    LANDED_RELOAD = 1.0   # s: at most this often the list is reloaded while a refresh stores items

    def worker_database(self) -> Database:
        """A connection of a worker's own (the app's connection migrated the schema already)."""
        return Database(self.db.url)

    @work(exclusive=True, group="index", thread=True, exit_on_error=False)
    def index_for_search(self) -> None:
        """Bring the search index up to date in the background, so the first search is instant."""
        from ..storage.search import sync_index
        db = self.worker_database()
        try:
            sync_index(db)
        finally:
            db.close()

    def action_refresh(self) -> None:
        self.status.say("refreshing…")
        self.refresh_sources()

    @work(exclusive=True, group="fetch", exit_on_error=False)
    async def refresh_sources(self, after: asyncio.Event | None = None) -> None:
        """Fetch every enabled source; `after`: first wait for it (a first start: the first frame)."""
        if after is not None:
            await after.wait()
        from ..ingest.report import describe
        from ..ingest.run import FetchRun, select_sources
        sources = select_sources(self.config, None)
        db = self.worker_database()
        done = 0
        total = len(sources)

        def progressed(result) -> None:
            nonlocal done
            done += 1
            line = describe(result)
            self.post_message(FetchProgressed(f"[{done}/{total}] {line}", result.outcome == "error",
                                              landed=result.new + result.updated))
        executor = self.parse_executor_factory() if self.parse_executor_factory else _parse_pool()
        try:
            run = FetchRun(self.config, db, on_result=progressed, parse_executor=executor)
            summary = await run.run(sources)
            from ..stories.run import group_pending
            await asyncio.to_thread(group_pending, db, self.config)
            catalogs = await self._refresh_catalogs(db)
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
            db.close()
        self.post_message(FetchProgressed(
            f"refreshed {total} sources: {summary.new_items} new, {summary.updated_items} updated, "
            f"{summary.count('error')} failed" + catalogs))
        self.refresh_sidebar()
        self.table.load(self.db, self.view)
        self.index_for_search()

    async def _refresh_catalogs(self, db: Database) -> str:
        """The model catalogues that are due, then the migrations that became due (as `fetch` does);
        a phrase for the status line, empty when nothing was due."""
        if not self.config.catalogs:
            return ""
        from ..lifecycle.update import refresh_due
        results, proposals = await refresh_due(self.config, db)
        fetched = [r for r in results if r.outcome != "skipped"]
        failed = sum(r.outcome == "error" for r in fetched)
        if not fetched or failed == len(fetched):
            return f"; {failed} catalogues failed" if failed else ""
        return (f"; catalogues: {len(fetched) - failed} updated" + (f", {failed} failed" if failed else "")
                + (f", {len(proposals)} migration experiments proposed" if proposals else ""))

    def _reload_landed(self) -> None:
        self._landed_timer = None
        if self.table.cursor_row == 0 and not self.search_text:
            self.table.load(self.db, self.view)

    def action_enrich(self) -> None:
        self.status.say("enriching…")
        self.enrich_items()

    @work(exclusive=True, group="enrich", thread=True, exit_on_error=False)
    def enrich_items(self) -> None:
        """In a thread with its own event loop: enrichment's database writes (and their waits for the
        write lock) never run on the UI's loop."""
        import asyncio

        from ..enrich.run import enrich
        db = self.worker_database()
        try:
            s = asyncio.run(enrich(self.config, db, progress=lambda d, t: self.post_message(
                FetchProgressed(f"enriching {d}/{t}…"))))
        finally:
            db.close()
        note = f" ({s.notes[0]})" if s.notes else ""
        if s.waiting:
            from ..enrich.waiting import waiting_line
            note += "; " + waiting_line(s.waiting, s.waiting_until).split(", with")[0]
        self.post_message(FetchProgressed(
            f"enriched with {s.enricher}: {s.done} done, {s.cached} cached, {s.failed} failed{note}", bool(s.failed)))
        self.call_from_thread(self._enriched)

    def _enriched(self) -> None:
        self.refresh_sidebar()
        self.table.load(self.db, self.view)
        self.index_for_search()


def _parse_pool():
    """Parsing workers, so a refresh never starves the UI of the GIL.

    Forked, not spawned: under Textual the standard streams are not real files, and spawn's
    start-up refuses them ("bad value(s) in fds_to_keep"). The children only run the pure parse
    function, so the UI threads they inherit (but never run) do no harm.
    """
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return ThreadPoolExecutor(max_workers=1)
    return ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork"))
