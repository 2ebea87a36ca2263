"""The digest preview (`D`) renders the Markdown (no backslash escapes on screen), shows links as
plain text (no click actions), and never parses feed text as markup."""

from __future__ import annotations

from datetime import date

from textual.widgets.markdown import MarkdownBlock

from feedwatch.tui.digest import DigestScreen
from feedwatch.tui.digest_markdown import plain_link_parser
from tests.test_tui import HOSTILE, app_for, db_url  # noqa: F401


def rendered(screen) -> list:
    return [block.render() for block in screen.query(MarkdownBlock)]


async def open_week(app, pilot, db_url, today: date) -> DigestScreen:
    screen = DigestScreen(app.config, db_url, today=today)
    app.push_screen(screen)
    await pilot.pause()                     # the screen mounts and starts its worker
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()                     # the Markdown mounts its blocks
    return screen


async def test_digest_preview_renders_markdown_with_links_as_plain_text(db_url):
    app = app_for(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_week(app, pilot, db_url, date(2026, 11, 25))     # 2026-W47
        source = screen.query_one("#digest-body").source
        assert "[GPT-4o mini is now available](https://example.org/rel)" in source   # a link in the Markdown
        text = "\n".join(c.plain for c in rendered(screen))
        assert "GPT-4o mini is now available <https://example.org/rel>" in text     # on screen: plain text
        assert "feedwatch digest: 2026-W47" in text and "Highlights" in text
        assert "](" not in text and "# " not in text
        for content in rendered(screen):
            for span in content.spans:
                assert "@click" not in str(span.style) and "link(" not in str(span.style)


async def test_digest_preview_shows_hostile_titles_literally_without_escapes(db_url):
    app = app_for(db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_week(app, pilot, db_url, date(2026, 11, 9))      # 2026-W45: the hostile titles
        source = screen.query_one("#digest-body").source
        assert "\\[" in source                                   # the Markdown escapes feed text...
        text = "\n".join(c.plain for c in rendered(screen))
        assert "\\" not in text                                   # ...and the screen shows none of it
        for title in ("lone [/] closing tag", "[@click=app.quit]y[/] click action"):
            assert title in text
        await pilot.click(MarkdownBlock, offset=(3, 0))
        assert app.is_running


def test_autolinks_keep_their_text_once():
    tokens = plain_link_parser().parse("see <https://example.org/a> and [b](https://example.org/b)")
    inline = [t for t in tokens if t.type == "inline"][0]
    assert [c.type for c in inline.children] == ["text", "text", "text", "text", "text"]
    assert "".join(c.content for c in inline.children) == "see https://example.org/a and b <https://example.org/b>"
