"""The app's asset view (`A`): evidence per asset, and a re-scan of the [[repos]] that reports what
changed since the scan recorded in feeds.toml, driven headless with Pilot."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from feedwatch.config import load_config
from feedwatch.storage.db import open_database
from feedwatch.tui.app import FeedwatchApp
from feedwatch.tui.assets import AssetsScreen

FIXTURE = Path(__file__).parent / "scan_fixture" / "acme"


def _setup(tmp_path):
    repo = tmp_path / "acme"
    shutil.copytree(FIXTURE, repo)
    cfg = tmp_path / "feeds.toml"
    cfg.write_text(f"""
[[assets]]
name = "support-bot"
kind = "pipeline"
models = ["gpt-4o"]
path = "services/support-bot"

[[assets]]
name = "acme-ingest"
kind = "pipeline"
models = ["text-embedding-3-large", "gpt-4-turbo"]
path = "services/ingest"
discovered_from = ["acme:services/ingest/main.go:5", "acme:services/ingest/\\u001b[31mold.go:3"]

[[repos]]
name = "acme"
path = "{repo}"
""")
    url = f"sqlite:///{tmp_path / 'fw.db'}"
    open_database(url).close()
    return load_config(cfg), url


async def test_asset_view_shows_evidence_and_rescans(tmp_path):
    config, url = _setup(tmp_path)
    app = FeedwatchApp(config, url, parse_executor_factory=lambda: ThreadPoolExecutor(1))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("A")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AssetsScreen)
        text = screen.detail_text()
        assert text.startswith("support-bot  (pipeline, path services/support-bot)")
        assert "hand-written (no recorded evidence)" in text
        await pilot.press("down")
        await pilot.pause()
        text = screen.detail_text()
        assert "acme:services/ingest/main.go:5" in text
        assert "\x1b" not in text                               # evidence from files is cleaned
        await pilot.press("R")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen.detail_text()
        assert "acme-ingest: models gone: gpt-4-turbo" in text
        assert ("seen by this re-scan: models text-embedding-3-large, vertex_ai/claude-3-5-sonnet-20241022, "
                "vertex_ai/gemini-1.5-pro-002") in text
        assert "acme:services/ingest/main.go:9" in text
        await pilot.press("up")
        await pilot.pause()
        text = screen.detail_text()
        assert "acme:services/support-bot/support_bot/llm.py:7" in text   # a hand-written asset's evidence, now
        assert "support-bot: models added: claude-3-5-sonnet-20241022" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AssetsScreen)
    # the view only reports: feeds.toml is unchanged
    assert load_config(config.path).assets == config.assets
