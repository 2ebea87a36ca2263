"""The app in team mode: its own person's state, hiding, and other people's changes shown live."""

from __future__ import annotations

import asyncio
import time

import pytest

from feedwatch.config import parse_config
from feedwatch.entry import Entry
from feedwatch.storage import triage
from feedwatch.storage.db import open_database
from feedwatch.storage.ingest import write_entries
from feedwatch.tui.widgets import Preview, Sidebar
from tests.test_tui import app_for, db_url, make_config, seed  # noqa: F401  (db_url is a fixture)


@pytest.fixture(params=["sqlite", "postgresql"])
def team_db(request, tmp_path):
    """The seeded triage database on each backend (team mode is PostgreSQL's reason to exist)."""
    if request.param == "sqlite":
        return seed(tmp_path / "team.db")
    return seed(request.getfixturevalue("pg_url"))


def config_for(person: str):
    base = make_config()
    return parse_config({
        "user": person,
        "sources": [{"name": s.name, "kind": s.kind, "url": s.url} for s in base.sources],
        "tags": [{"name": t.name, "keywords": list(t.keywords)} for t in base.tags],
        "assets": [{"name": a.name, "kind": a.kind, "models": list(a.models), "topics": list(a.topics)}
                   for a in base.assets],
        "endpoints": {"github": "http://127.0.0.1:9", "huggingface": "http://127.0.0.1:9",
                      "arxiv_api": "http://127.0.0.1:9/api/query"},
    })


def fast_app(url: str, person: str):
    app = app_for(url, config_for(person))
    app.WATCH_INTERVAL = 0.05
    return app


async def until(pilot, condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the app did not show the change in time"
        await pilot.pause(0.05)


def land(db, guid: str, title: str, published: str) -> None:
    """A server-side `feedwatch fetch` storing one new item."""
    with db.transaction() as c:
        write_entries(c, "lab-blog", [Entry(guid=guid, title=title, url=f"https://example.org/{guid}",
                                            published=published)], [], "2026-11-28T00:00:00Z")


async def test_others_changes_appear_without_a_restart(team_db):
    app = fast_app(team_db, "ana")
    other = open_database(team_db)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            assert app.person == "ana"
            current = app.table.current_id
            await until(pilot, lambda: (app.query_one(Preview).detail or {}).get("id") == current)

            # a colleague stars and reads it, and tags it: their star is shown, their read state is theirs
            triage.set_starred(other, "ben", [current], True)
            triage.set_state(other, "ben", [current], "read")
            triage.set_user_tags(other, current, ["eval"])
            await until(pilot, lambda: "eval" in app.table.rows_by_id[current].tags)
            await until(pilot, lambda: app.query_one(Preview).detail.get("starred_by") == ["ben"])
            row = app.table.rows_by_id[current]
            assert (row.state, row.starred) == ("unread", 0)
            assert app.table.current_id == current

            # a server-side fetch: with the cursor at the top, the new item simply appears there
            land(other, "fresh", "Fresh from the server", "2026-11-30T09:00:00Z")
            await until(pilot, lambda: "Fresh from the server" in [r.title for r in app.table.rows_by_id.values()])
            await until(pilot, lambda: app._sidebar_data[0]["inbox"] == 13)   # the sidebar's counts too

            # further down the list the cursor never jumps: the status says so, and g shows them
            await pilot.press("j", "j")
            await pilot.pause()
            where = app.table.current_id
            land(other, "fresher", "Even fresher", "2026-12-01T09:00:00Z")
            await until(pilot, lambda: app._view_stale)
            assert app.table.current_id == where
            assert "Even fresher" not in [r.title for r in app.table.rows_by_id.values()]
            await pilot.press("g")
            await pilot.pause()
            assert [r.title for r in app.table.rows_by_id.values()][0] == "Even fresher"
            assert app.table.cursor_row == 0
    finally:
        other.close()


async def test_each_person_sees_their_own_state(team_db):
    ana = fast_app(team_db, "ana")
    async with ana.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        first = ana.table.current_id
        await pilot.press("g", "space")            # read (and move on)
        await pilot.press("k", "s")                # star
        await pilot.pause(0.3)                     # several polls: the app's own writes move nothing
        assert ana.table.rows_by_id[first].state == "read" and ana.table.current_id == first
    ben = fast_app(team_db, "ben")
    async with ben.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        row = ben.table.rows_by_id[first]
        assert (row.state, row.starred) == ("unread", 0)
        assert ben.table.row_count == 12
        await until(pilot, lambda: (ben.query_one(Preview).detail or {}).get("id") == first)
        assert ben.query_one(Preview).detail["starred_by"] == ["ana"]


async def test_hide_and_unhide(db_url):
    app = fast_app(db_url, "ana")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        first = app.table.current_id
        await pilot.press("h")
        await pilot.pause()
        assert app.table.current_id != first                 # moved on
        app.query_one(Sidebar).select_key("hidden")
        await pilot.pause()
        assert list(app.table.rows_by_id) == [first]
        await pilot.press("h")                               # unhide from the Hidden view
        await pilot.pause()
        app.query_one(Sidebar).select_key("inbox")
        await pilot.pause()
        assert first in app.table.rows_by_id
        app.query_one(Sidebar).select_key("hidden")
        await pilot.pause()
        assert app.table.row_count == 0
    await asyncio.sleep(0)
