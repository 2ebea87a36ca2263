"""The triage TUI driven headless with Pilot: every flow, hostile titles, background refresh."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from feedwatch.config import parse_config
from feedwatch.enrich.run import enrich
from feedwatch.entry import Entry
from feedwatch.storage.db import open_database
from feedwatch.storage.ingest import write_entries
from feedwatch.storage.triage import View, item_detail, page
from feedwatch.tui.app import FeedwatchApp
from feedwatch.tui.screens import HelpScreen, LinkScreen, TagScreen
from tests.servers.http import Reply

HOSTILE = ["[bold]x[/] bold markup", "[@click=app.quit]y[/] click action", "lone [/] closing tag",
           "bidi \u202egnp.exe and \x1b[31mansi"]


def make_config(extra_sources=()):
    return parse_config({
        "sources": [{"name": "lab-blog", "kind": "feed", "url": "https://example.org/feed.xml"},
                    {"name": "deprecations", "kind": "feed", "url": "https://example.org/dep.json"},
                    *extra_sources],
        "tags": [{"name": "deprecation", "keywords": ["deprecated", "shutdown"]},
                 {"name": "model-release", "keywords": ["release", "now available"]}],
        "assets": [{"name": "support-summarizer", "kind": "prompt", "models": ["gpt-4o-mini"],
                    "topics": ["summarization"]}],
        "endpoints": {"github": "http://127.0.0.1:9", "huggingface": "http://127.0.0.1:9",
                      "arxiv_api": "http://127.0.0.1:9/api/query"},
    })


def seed(path) -> str:
    db = open_database(str(path))
    entries = [Entry(guid=f"p{i}", title=f"Post number {i}", url=f"https://example.org/p/{i}",
                     summary=f"Body of post {i}.", published=f"2026-11-{10 + i:02d}T09:00:00Z") for i in range(6)]
    entries.append(Entry(guid="rel", title="GPT-4o mini is now available", url="https://example.org/rel",
                         summary="Today we release GPT-4o mini for everyone.", published="2026-11-20T09:00:00Z"))
    entries += [Entry(guid=f"h{i}", title=t, summary="hostile", published=f"2026-11-0{i + 1}T09:00:00Z")
                for i, t in enumerate(HOSTILE)]
    dep = [Entry(guid="d1", title="OpenAI: gpt-4o-mini-2024-07-18", summary="gpt-4o-mini-2024-07-18 is deprecated.",
                 published="2026-11-21T09:00:00Z",
                 extra={"_deprecation": {"model_id": "gpt-4o-mini-2024-07-18", "shutdown_date": "2027-01-01"}})]
    with db.transaction() as c:
        write_entries(c, "lab-blog", entries, [], "2026-11-27T00:00:00Z")
        write_entries(c, "deprecations", dep, [], "2026-11-27T00:00:00Z")
    asyncio.run(enrich(make_config(), db, environ={}))
    db.close()
    return str(path) if "://" in str(path) else f"sqlite:///{path}"


@pytest.fixture
def db_url(tmp_path):
    return seed(tmp_path / "tui.db")


def app_for(url, config=None):
    return FeedwatchApp(config or make_config(), url, parse_executor_factory=lambda: ThreadPoolExecutor(1))


def titles(app) -> list[str]:
    return [r.title for r in app.table.rows_by_id.values()]


async def test_triage_keys(db_url):
    app = app_for(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert app.table.row_count == 12
        first = app.table.current_id
        await pilot.press("j")
        assert app.table.current_id != first
        await pilot.press("k")
        assert app.table.current_id == first
        await pilot.press("G")
        assert app.table.cursor_row == app.table.row_count - 1
        await pilot.press("g", "s")
        await pilot.pause()
        assert item_detail(app.db, first, app.person)["starred"] == 1
        await pilot.press("space")          # read, and move on
        await pilot.pause()
        assert item_detail(app.db, first, app.person)["state"] == "read"
        second = app.table.current_id
        await pilot.press("enter")         # open: full preview, marks read
        await pilot.pause()
        assert app.query_one("#main").has_class("full-preview")
        assert item_detail(app.db, second, app.person)["state"] == "read"
        await pilot.press("escape")
        assert not app.query_one("#main").has_class("full-preview")
        await pilot.press("2")             # Starred view
        await pilot.pause()
        assert list(app.table.rows_by_id) == [first]
        await pilot.press("1")             # Inbox: the two read items are gone
        await pilot.pause()
        assert first not in app.table.rows_by_id and second not in app.table.rows_by_id


async def test_affects_view_and_link_decisions(db_url):
    app = app_for(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("3")             # Affects our stack
        await pilot.pause()
        assert sorted(titles(app)) == ["GPT-4o mini is now available", "OpenAI: gpt-4o-mini-2024-07-18"]
        item = app.table.current_id
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, LinkScreen)
        await pilot.press("d")             # dismiss the suggested link
        await pilot.pause()
        detail = item_detail(app.db, item, app.person)
        assert detail["links"][0]["status"] == "dismissed" and detail["links"][0]["updated_by"]
        await pilot.press("3")
        await pilot.pause()
        assert item not in app.table.rows_by_id


async def test_edit_tags_and_needs_experiment(db_url):
    app = app_for(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        item = app.table.current_id
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagScreen)
        await pilot.press(*"eval, urgent, needs-experiment")
        await pilot.press("enter")
        await pilot.pause()
        assert item_detail(app.db, item, app.person)["user_tags"] == ["eval", "needs-experiment", "urgent"]
        await pilot.press("4")
        await pilot.pause()
        assert list(app.table.rows_by_id) == [item]


async def test_experiment_from_an_item_and_its_lifecycle(db_url):
    from feedwatch.storage import experiments
    from feedwatch.tui.experiments import ExperimentForm, ExperimentsScreen, OutcomePrompt
    app = app_for(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("3")                       # Affects our stack: the deprecation of a model we run on
        await pilot.pause()
        item = app.table.current_id
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExperimentForm)
        assert app.screen.query_one("#exp-assets").value == "support-summarizer"   # prefilled from the link
        await pilot.press("ctrl+s")
        await pilot.pause()
        [e] = experiments.list_experiments(app.db)
        assert e.items == [item] and e.assets == ["support-summarizer"] and e.status == "proposed"
        assert e.title.startswith("Follow up: ")
        await pilot.press("X")
        await pilot.pause()
        assert isinstance(app.screen, ExperimentsScreen)
        await pilot.press("d")                       # proposed -> done is refused with a message, nothing changes
        await pilot.pause()
        if isinstance(app.screen, OutcomePrompt):
            await pilot.press("enter")
            await pilot.pause()
        assert experiments.get(app.db, e.id).status == "proposed"
        await pilot.press("r")
        await pilot.pause()
        assert experiments.get(app.db, e.id).status == "running"
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, OutcomePrompt)
        await pilot.press("enter")                   # the first outcome: improved
        await pilot.pause()
        done = experiments.get(app.db, e.id)
        assert (done.status, done.outcome) == ("done", "improved") and done.closed_at
        assert [h["what"] for h in done.history][-1].startswith("status running -> done")


async def test_help_screen_and_quit(db_url):
    app = app_for(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code in (0, None)


async def test_hostile_titles_render_literally_and_trigger_nothing(db_url):
    app = app_for(db_url)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        shown_titles, previews = [], []
        for _ in range(12):                # walk over every row: the preview renders each title too
            row = app.table.get_row_at(app.table.cursor_row)
            shown_titles.append(row[3].plain)
            await pilot.pause(app.PREVIEW_DELAY + 0.05)       # the preview follows once the cursor rests
            previews.append(str(app.query_one("#preview-body").content))
            await pilot.press("j")
        # entries were written uncleaned on purpose: the UI itself must show them literally and safely
        for expected in ("[bold]x[/] bold markup", "[@click=app.quit]y[/] click action", "lone [/] closing tag",
                         "bidi gnp.exe and ansi"):
            assert expected in shown_titles
            assert any(p.startswith(expected) for p in previews)
        assert not any("\u202e" in t or "\x1b" in t for t in shown_titles + previews)
        await pilot.click("#items", offset=(60, 10))   # a click on a hostile cell must not run its "action"
        await pilot.pause()
        assert app.is_running


async def test_links_open_only_http_and_never_through_a_shell(db_url, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url, new=0: opened.append(url))
    app = app_for(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("o")             # the newest item (a deprecation record) has no link
        await pilot.pause()
        assert opened == []
        await pilot.press("j", "o")
        await pilot.pause()
        first_url = item_detail(app.db, app.table.current_id, app.person)["url"]
        assert opened == [first_url] and first_url.startswith("https://")
        await pilot.press("G")             # the oldest item is a hostile one without a link
        await pilot.pause()
        await pilot.press("o", "y")
        await pilot.pause()
        assert opened == [first_url]


async def test_search_with_filters(db_url):
    app = app_for(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("slash")
        await pilot.press(*"tag:deprecation")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert titles(app) == ["OpenAI: gpt-4o-mini-2024-07-18"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.table.row_count == 12


async def test_background_refresh_shows_new_items(tmp_path, http_server):
    url = await asyncio.to_thread(seed, tmp_path / "r.db")
    http_server.route("/new.xml", Reply(body="<rss version='2.0'><channel><title>N</title><item><title>Fresh paper"
                                             "</title><guid>n1</guid><link>https://example.org/n1</link>"
                                             "<pubDate>Fri, 27 Nov 2026 08:00:00 GMT</pubDate></item></channel></rss>"))
    cfg = make_config([{"name": "new-feed", "kind": "feed", "url": http_server.url("/new.xml")}])
    app = app_for(url, cfg)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Fresh paper" in titles(app)
        status = str(app.status.render())
        assert "refreshed 3 sources" in status and "2 failed" in status   # the example.org feeds fail offline


def test_view_pages_load_lazily(tmp_path):
    db = open_database(str(tmp_path / "many.db"))
    entries = [Entry(guid=f"g{i}", title=f"T{i}", published=f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z")
               for i in range(450)]
    with db.transaction() as c:
        write_entries(c, "s", entries, [], "2026-11-27T00:00:00Z")
    assert len(page(db, View("inbox"), "ana", limit=200)) == 200
    assert len(page(db, View("inbox"), "ana", offset=400, limit=200)) == 50
    db.close()


async def test_jumping_to_the_end_of_a_long_list_loads_only_a_window(tmp_path):
    db = open_database(str(tmp_path / "long.db"))
    entries = [Entry(guid=f"g{i}", title=f"Item {i:04d}",
                     published=f"2026-01-01T{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z")
               for i in range(1500)]
    with db.transaction() as c:
        write_entries(c, "lab-blog", entries, [], "2026-11-27T00:00:00Z")
    db.close()
    app = app_for(f"sqlite:///{tmp_path / 'long.db'}")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("G")
        await pilot.pause()
        table = app.table
        assert table.row_count <= table.PAGE and table.start == 1500 - table.PAGE
        assert table.rows_by_id[table.current_id].title == "Item 0000"          # the oldest item
        for _ in range(table.PAGE):                                                 # walk up past the window
            await pilot.press("k")
        assert table.rows_by_id[table.current_id].title == f"Item {table.PAGE:04d}"
        assert table.start < 1500 - table.PAGE
        await pilot.press("g")
        await pilot.pause()
        assert table.start == 0 and table.rows_by_id[table.current_id].title == "Item 1499"


async def test_first_start_on_an_empty_database_fetches_in_the_background(tmp_path, http_server):
    http_server.route("/f.xml", Reply(body="<rss version='2.0'><channel><item><title>First item</title><guid>1</guid>"
                                           "</item></channel></rss>"))
    cfg = parse_config({"sources": [{"name": "f", "kind": "feed", "url": http_server.url("/f.xml")}]})
    app = app_for(f"sqlite:///{tmp_path / 'empty.db'}", cfg)
    async with app.run_test(size=(140, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert titles(app) == ["First item"]


async def test_digest_preview_and_export(db_url, tmp_path):
    from datetime import date

    from feedwatch.tui.digest import DigestScreen
    app = app_for(db_url)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = DigestScreen(app.config, db_url, today=date(2026, 11, 27), out_dir=tmp_path)
        app.push_screen(screen)
        await pilot.pause()                 # the screen mounts and starts its worker
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.period.label == "2026-W47"
        shown = screen.query_one("#digest-body").source
        assert "OpenAI: gpt-4o-mini-2024-07-18" in shown          # published 2026-11-21, in W47
        await pilot.press("left_square_bracket")                   # the week before
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.period.label == "2026-W46"
        await pilot.press("H")
        await pilot.pause()
        html = (tmp_path / "feedwatch-digest-2026-W46.html").read_text()
        assert "Content-Security-Policy" in html and "<script" not in html


async def test_refreshed_items_appear_as_they_land(tmp_path, http_server):
    url = await asyncio.to_thread(seed, tmp_path / "land.db")
    feed = ("<rss version='2.0'><channel><title>N</title><item><title>{t}</title><guid>{g}</guid>"
            "<pubDate>Fri, 27 Nov 2026 08:00:00 GMT</pubDate></item></channel></rss>")
    http_server.route("/fast.xml", Reply(body=feed.format(t="Fast news", g="f1")))
    slow_may_answer = threading.Event()
    http_server.route("/slow.xml", Reply(body=feed.format(t="Slow news", g="s1"), gate=slow_may_answer))
    cfg = make_config([{"name": "fast", "kind": "feed", "url": http_server.url("/fast.xml")},
                       {"name": "slow", "kind": "feed", "url": http_server.url("/slow.xml")}])
    app = app_for(url, cfg)
    app.LANDED_RELOAD = 0.1
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("r")
        deadline = time.monotonic() + 20    # generous for a loaded CI machine: the slow feed waits for us
        while "Fast news" not in titles(app) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert "Fast news" in titles(app) and "Slow news" not in titles(app)   # the run is still going
        slow_may_answer.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Slow news" in titles(app)
