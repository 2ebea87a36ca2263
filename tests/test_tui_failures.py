"""Background work never takes the app down, and keys that write never wait on another process's lock.

Failures are real: another connection holds SQLite's write lock, a worker's connection may not grow
the file (SQLite's `max_page_count`: "database or disk is full"), a PostgreSQL server that is not there.
"""

from __future__ import annotations

import sqlite3

import pytest

from feedwatch.entry import Entry
from feedwatch.storage.db import Database, open_database
from feedwatch.storage.ingest import write_entries
from feedwatch.storage.triage import item_detail
from feedwatch.tui.app import FeedwatchApp
from feedwatch.tui.failures import describe_failure
from tests.test_tui import make_config, seed


class RecordingApp(FeedwatchApp):
    """The app as it is, plus a record of its notifications; `make_worker_db` injects a failure."""

    make_worker_db = None

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.notes: list[str] = []

    def notify(self, message, *a, **kw):
        self.notes.append(str(message))
        return super().notify(message, *a, **kw)

    def worker_database(self) -> Database:
        return self.make_worker_db() if self.make_worker_db else super().worker_database()


def recording_app(url, config=None) -> RecordingApp:
    from concurrent.futures import ThreadPoolExecutor
    return RecordingApp(config or make_config(), url, parse_executor_factory=lambda: ThreadPoolExecutor(1))


@pytest.fixture
def url(tmp_path) -> str:
    return seed(tmp_path / "tui.db")


@pytest.fixture
def url_with_unenriched(url) -> str:
    add_unenriched(url)
    return url


async def settle(app, pilot) -> None:
    """Let every worker finish; one that failed has done so as the app handled it (a notification)."""
    from textual.worker import WorkerFailed
    try:
        await app.workers.wait_for_complete()
    except WorkerFailed:
        pass
    await pilot.pause()
    await pilot.pause()


def sqlite_path(url: str) -> str:
    return url.removeprefix("sqlite:///")


def hold_write_lock(url: str) -> sqlite3.Connection:
    """Another process's writer, as SQLite sees it: a connection of its own inside BEGIN IMMEDIATE."""
    other = sqlite3.connect(sqlite_path(url), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def stored(url: str, item_id: int, person: str) -> dict:
    db = Database(url)
    try:
        return item_detail(db, item_id, person)
    finally:
        db.close()


async def test_keys_that_write_do_not_wait_while_another_connection_holds_the_write_lock(url):
    app = recording_app(url)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        first = app.table.current_id
        other = hold_write_lock(url)
        try:
            await pilot.press("s")          # star: waits a moment at most, then queues
            await pilot.press("space")      # read (the cursor moves on)
            second = app.table.current_id
            await pilot.press("s", "s")     # star, unstar: they must land in this order
            # the screen shows the decisions at once and stays responsive
            assert app.table.rows_by_id[first].starred == 1 and app.table.rows_by_id[first].state == "read"
            assert second != first and app.table.rows_by_id[second].starred == 0
            await pilot.press("j")
            assert app.table.current_id not in (first, second)
            assert app.writes_waiting == 4
            assert "once the database is free" in str(app.status.content)
            saved = stored(url, first, app.person)
            assert not saved["starred"] and saved["state"] == "unread"   # nothing written yet
        finally:
            other.execute("COMMIT")
            other.close()
        await settle(app, pilot)
        assert app.writes_waiting == 0
        a, b = stored(url, first, app.person), stored(url, second, app.person)
        assert a["starred"] and a["state"] == "read"
        assert not b["starred"]
        assert not any("not saved" in n for n in app.notes)
        assert app.is_running


async def test_tags_and_link_decisions_wait_in_the_background_while_the_lock_is_held(url):
    app = recording_app(url)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("3")                          # Affects our stack: items with a suggested link
        await pilot.pause()
        item = app.table.current_id
        other = hold_write_lock(url)
        try:
            await pilot.press("a")
            await pilot.pause()
            await pilot.press("d")                      # dismiss the suggested link
            await pilot.pause()
            assert app.table.rows_by_id[item].assets == []          # on screen at once
            await pilot.press("t")
            await pilot.pause()
            await pilot.press(*"urgent", "enter")
            await pilot.pause()
            assert "urgent" in app.table.rows_by_id[item].tags
            assert app.writes_waiting == 2
            saved = stored(url, item, app.person)
            assert saved["user_tags"] == [] and saved["links"][0]["status"] == "suggested"
        finally:
            other.execute("COMMIT")
            other.close()
        await settle(app, pilot)
        saved = stored(url, item, app.person)
        assert saved["user_tags"] == ["urgent"] and saved["links"][0]["status"] == "dismissed"
        assert "urgent" in app.table.rows_by_id[item].tags and app.table.rows_by_id[item].assets == []


async def test_a_write_that_never_gets_the_lock_is_one_notification_and_the_row_shows_the_truth(url):
    app = recording_app(url)
    app.WRITER_WAIT = 0.3
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        item = app.table.current_id
        other = hold_write_lock(url)
        try:
            await pilot.press("s")
            assert app.table.rows_by_id[item].starred == 1      # optimistic
            await settle(app, pilot)
        finally:
            other.execute("ROLLBACK")
            other.close()
        [note] = [n for n in app.notes if n.startswith("not saved")]
        assert note == ("not saved (star): the database is busy: another feedwatch is writing to it; "
                        "try again in a moment")
        assert app.table.rows_by_id[item].starred == 0          # back to what the database holds
        assert not stored(url, item, app.person)["starred"]
        await pilot.press("s")                                     # the lock is free again: saved at once
        assert stored(url, item, app.person)["starred"]
        assert app.is_running


def add_unenriched(url: str, n: int = 300) -> None:
    db = open_database(url)
    with db.transaction() as c:
        write_entries(c, "lab-blog", [Entry(guid=f"new{i}", title=f"New post {i}", summary="Words. " * 200,
                                            published="2026-11-25T09:00:00Z") for i in range(n)],
                      [], "2026-11-27T00:00:00Z")
    db.close()


def full_disk_db(url: str):
    def make() -> Database:
        db = Database(url)
        raw = db._sqlite_conn()
        pages = raw.execute("PRAGMA page_count").fetchone()[0]
        raw.execute(f"PRAGMA max_page_count = {pages}")   # this connection may not grow the file: SQLITE_FULL
        return db
    return make


def impatient_db(url: str):
    def make() -> Database:
        db = Database(url)
        db._sqlite_conn().execute("PRAGMA busy_timeout = 50")
        return db
    return make


async def test_enrichment_on_a_full_disk_is_one_notification(url_with_unenriched):
    url = url_with_unenriched
    app = recording_app(url)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        app.make_worker_db = full_disk_db(url)
        await pilot.press("e")
        await settle(app, pilot)
        assert "enrichment failed: the disk is full: free some space, then try again" in app.notes
        await pilot.press("j")                                    # still running, still answering keys
        assert app.is_running and app.table.row_count > 0


async def test_enrichment_while_another_process_writes_is_one_notification(url_with_unenriched):
    url = url_with_unenriched
    app = recording_app(url)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        app.make_worker_db = impatient_db(url)
        other = hold_write_lock(url)
        try:
            await pilot.press("e")
            await settle(app, pilot)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert [n for n in app.notes if n.startswith("enrichment failed")] == [
            "enrichment failed: the database is busy: another feedwatch is writing to it; try again in a moment"]
        assert app.is_running


async def test_a_refresh_whose_database_is_unreachable_is_one_notification(url):
    app = recording_app(url)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        app.make_worker_db = lambda: Database("postgresql+psycopg://feedwatch@127.0.0.1:9/nowhere")
        await pilot.press("r")
        await settle(app, pilot)
        [note] = [n for n in app.notes if "failed" in n]
        assert note.startswith("refresh failed: database error: cannot connect to postgresql+psycopg://")
        assert "\n" not in note and app.is_running


async def test_search_index_on_a_full_disk_is_one_notification(url_with_unenriched):
    url = url_with_unenriched
    app = recording_app(url)
    app.make_worker_db = full_disk_db(url)          # from the start: the index update at mount fails
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert "search index update failed: the disk is full: free some space, then try again" in app.notes
        assert app.is_running


def test_failures_read_as_one_line():
    assert describe_failure(OSError(28, "No space left on device")).startswith("the disk is full")
    assert describe_failure(sqlite3.OperationalError("database is locked")).startswith("the database is busy")
    assert describe_failure(ValueError("bad\nsecond line")) == "ValueError: bad"

