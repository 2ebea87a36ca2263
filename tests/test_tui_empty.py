"""The empty list says why and what to do: a first start whose sources all fail, nothing configured,
an empty view, a search without matches."""

from __future__ import annotations

from tests.test_tui_failures import recording_app, settle, url  # noqa: F401


def empty_text(app) -> str:
    from feedwatch.tui.empty_state import EmptyList
    widget = app.query_one(EmptyList)
    return str(widget.content) if widget.display and app.query_one("#right").has_class("empty") else ""


async def test_a_first_start_whose_sources_all_fail_says_why_and_what_to_do(tmp_path, http_server):
    import threading

    from feedwatch.config import parse_config
    from tests.servers.http import Reply
    gate = threading.Event()                          # source a answers once the test has looked
    http_server.route("/a.xml", Reply(status=503, gate=gate))
    cfg = parse_config({"sources": [{"name": "a", "kind": "feed", "url": http_server.url("/a.xml")},
                                    {"name": "b", "kind": "feed", "url": "http://127.0.0.1:9/b.xml"}]})
    app = recording_app(f"sqlite:///{tmp_path / 'fresh.db'}", cfg)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert empty_text(app).startswith("No items yet: fetching your 2 sources")
        gate.set()
        await settle(app, pilot)
        text = empty_text(app)
        assert text.startswith("No items yet: all 2 sources failed to fetch. Is this machine offline? Press r")
        assert "`feedwatch sources` says why" in text and "`feedwatch demo`" in text
        assert "Nothing selected" not in text


async def test_nothing_configured_says_so_and_points_at_the_demo(tmp_path):
    from feedwatch.config import parse_config
    app = recording_app(f"sqlite:///{tmp_path / 'fresh.db'}", parse_config({}))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert empty_text(app).startswith("Nothing to watch yet: no sources are configured.")
        assert "`feedwatch demo`" in empty_text(app)


async def test_an_empty_view_says_so_and_a_full_one_shows_no_message(url):
    app = recording_app(url)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        assert empty_text(app) == ""
        await pilot.press("2")                      # Starred: nothing yet
        await pilot.pause()
        assert empty_text(app) == "Nothing starred yet: s stars the item under the cursor."
        await pilot.press("slash", *"[b]zzz", "enter")
        await settle(app, pilot)
        assert empty_text(app) == "No items match '[b]zzz'. Escape shows the view again."
