"""The Stack view (`L`), overdue experiments, and one row per story (`S` splits or merges), with Pilot."""

from __future__ import annotations

from datetime import date

import pytest

from feedwatch.config import parse_config
from feedwatch.storage import experiments
from feedwatch.storage.db import open_database
from feedwatch.tui.app import FeedwatchApp
from feedwatch.tui.stack import StackScreen
from tests.test_tui import seed


def config():
    return parse_config({
        "assets": [{"name": "support-summarizer", "kind": "prompt", "models": ["gpt-4o-mini"]},
                   {"name": "router", "kind": "pipeline", "models": ["nova-premier", "[bold]my-model[/]"]}],
        "endpoints": {"github": "http://127.0.0.1:9", "huggingface": "http://127.0.0.1:9",
                      "arxiv_api": "http://127.0.0.1:9/api/query"},
    })


@pytest.fixture
def url(tmp_path):
    return seed(tmp_path / "s.db")      # a sync fixture: seeding runs its own event loop


def cells(screen: StackScreen) -> list[tuple[str, ...]]:
    table = screen.query_one("#stack-table")
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_stack_view_lists_each_assets_models_nearest_shutdown_first(url):
    app = FeedwatchApp(config(), url)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, StackScreen) and app.screen.query_one("#stack-table").row_count == 3
        await pilot.press("escape")
        await pilot.pause()
        screen = StackScreen(app.db, app.config, today=date(2026, 9, 1))
        app.push_screen(screen)
        await pilot.pause()
        assert cells(screen) == [
            ("router", "nova-premier", "deprecated", "2026-09-14", "13", "nova-pro", "-"),
            ("support-summarizer", "gpt-4o-mini", "deprecated", "2027-01-14", "135", "gpt-6-luna", "-"),
            ("router", "[bold]my-model[/]", "unknown", "-", "-", "-", "-"),     # markup stays text
        ]
        assert "from the bundled catalogue snapshot" in screen.sub_title
        await pilot.press("j")
        await pilot.press("enter")
        await pilot.pause()
        shown = str(screen.query_one("#stack-body").render())
        assert "support-summarizer runs on gpt-4o-mini" in shown
        assert "Catalogues" in shown and "bundled: gpt-4o-mini [openai]" in shown
        assert "OpenAI: gpt-4o-mini-2024-07-18" in shown           # the deprecation item linked to the asset
        assert "GPT-4o mini is now available" in shown             # an item that names the model


async def test_overdue_experiments_come_first_and_are_marked(url):
    db = open_database(url)
    experiments.create(db, "Someday", due="2999-01-01")
    experiments.create(db, "Late", due="2020-01-01")
    db.close()
    from feedwatch.tui.experiments import ExperimentsScreen
    app = FeedwatchApp(config(), url)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("X")
        await pilot.pause()
        assert isinstance(app.screen, ExperimentsScreen)
        table = app.screen.query_one("#exp-table")
        first = [str(c) for c in table.get_row_at(0)]
        assert first[-1] == "Late" and first[-2] == "2020-01-01!"
        assert "due 2020-01-01 (overdue)" in str(app.screen.query_one("#exp-body").render())


async def test_refresh_also_updates_the_catalogues_that_are_due_and_proposes(tmp_path, http_server):
    import asyncio
    import json as _json

    from tests.servers.http import Reply
    from tests.test_tui import app_for
    url = await asyncio.to_thread(seed, tmp_path / "cat.db")
    http_server.route("/feed.xml", Reply(body="<rss version='2.0'><channel><title>N</title></channel></rss>"))
    http_server.route("/litellm.json", Reply(body=_json.dumps({"gpt-4o-mini": {"litellm_provider": "openai",
                                                                           "deprecation_date": "2026-12-20"}}),
                                             content_type="application/json"))
    cfg = parse_config({
        "sources": [{"name": "blog", "kind": "feed", "url": http_server.url("/feed.xml")}],
        "catalogs": [{"name": "litellm", "kind": "litellm", "url": http_server.url("/litellm.json")}],
        "assets": [{"name": "support-summarizer", "kind": "prompt", "models": ["gpt-4o-mini"]}],
    })
    app = app_for(url, cfg)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        said = str(app.status.render())
        assert "catalogues: 1 updated, 1 migration experiments proposed" in said
        [e] = experiments.list_experiments(app.db)
        assert e.title == "Migrate support-summarizer off gpt-4o-mini before 2026-12-20" and e.due == "2026-12-20"
    assert http_server.hits("/litellm.json") == 1


async def test_one_row_per_story_and_keys_act_on_the_story(tmp_path):
    import asyncio

    from feedwatch.entry import Entry
    from feedwatch.storage.ingest import write_entries
    from feedwatch.stories.run import group_pending
    from feedwatch.tui.story_actions import SplitScreen
    from tests.test_tui import app_for

    def build() -> str:
        url = seed(tmp_path / "story.db")
        db = open_database(url)
        with db.transaction() as c:
            write_entries(c, "vllm-blog", [Entry(guid="b", title="vLLM v0.14.0: faster speculative decoding",
                                                 url="https://blog.example/v0140", published="2026-11-26T10:00:00Z")],
                          ["lab-blog"], "2026-11-26T10:00:00Z")
            write_entries(c, "roundup", [Entry(guid="r", title="vLLM 0.14.0 released with faster decoding",
                                               url="https://roundup.example/v0140", published="2026-11-26T12:00:00Z")],
                          ["newsletter"], "2026-11-26T12:00:00Z")
        group_pending(db)
        db.close()
        return url
    url = await asyncio.to_thread(build)
    app = app_for(url)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        rows = list(app.table.rows_by_id.values())
        [story] = [r for r in rows if r.story_size > 1]
        assert story.source == "vllm-blog" and story.story_size == 2       # the vendor post over the roundup
        assert sum("vLLM" in r.title for r in rows) == 1                      # one row for the story
        app.table.move_cursor(row=app.table.get_row_index(str(story.id)))
        await pilot.pause()
        assert "Also reported by (1)" in str(app.query_one("#preview-body").render())
        await pilot.press("s")                                                   # starring acts on the story
        await pilot.pause()
        await app.workers.wait_for_complete()
        starred = {r["item_id"] for r in app.db.query("SELECT item_id FROM item_triage WHERE starred = 1")}
        assert starred == set(story.members)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SplitScreen)
        await pilot.press("down", "enter")                                       # split the roundup out
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        titles = [r.title for r in app.table.rows_by_id.values()]
        assert sum("vLLM" in t for t in titles) == 2
