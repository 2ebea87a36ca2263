"""What the first frame waits for (issue 18): a screenful of the list; the rest of its first page
(one page only), the sidebar's counts and the item total come after it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from feedwatch.config import parse_config
from feedwatch.entry import Entry
from feedwatch.storage.db import open_database
from feedwatch.storage.ingest import write_entries
from feedwatch.tui.app import FeedwatchApp
from feedwatch.tui.widgets import Sidebar


def _seed(path, n: int = 450) -> str:
    db = open_database(str(path))
    entries = [Entry(guid=f"p{i}", title=f"Post number {i}", url=f"https://example.org/p/{i}",
                     published=f"2026-11-{1 + i % 28:02d}T{i % 24:02d}:00:00Z") for i in range(n)]
    with db.transaction() as c:
        write_entries(c, "lab-blog", entries, [], "2026-11-27T00:00:00Z")
    db.close()
    return f"sqlite:///{path}"


def _config():
    return parse_config({"sources": [{"name": "lab-blog", "kind": "feed", "url": "http://127.0.0.1:9/feed.xml"}]})


def _labels(app) -> list[str]:
    sidebar = app.query_one(Sidebar)
    return [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]


async def test_the_first_frame_has_one_page_and_the_counts_follow(tmp_path):
    app = FeedwatchApp(_config(), _seed(tmp_path / "l.db"), parse_executor_factory=lambda: ThreadPoolExecutor(1))
    async with app.run_test(size=(140, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.table.row_count == app.table.PAGE        # one page, not two (clearing the list asked for more)
        labels = _labels(app)
        assert "Inbox 450" in labels and "lab-blog 450" in labels
        assert app.status.said.startswith("450 items · 1 sources")
        await pilot.press("G")                               # the rest is still there
        await pilot.pause()
        assert app.table.loaded == 450
