"""Render docs/screenshot.svg: the app itself, on the demo dataset, headless (`python docs/screenshot.py`)."""

import asyncio
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedwatch.demo import build_demo  # noqa: E402
from feedwatch.tui.app import FeedwatchApp  # noqa: E402


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "demo.db"
        config = build_demo(path, today=date(2026, 11, 27))
        app = FeedwatchApp(config, f"sqlite:///{path}")
        async with app.run_test(size=(150, 42)) as pilot:
            await pilot.press("3", "j")      # "Affects our stack", second item
            await pilot.pause()
            app.save_screenshot(str(ROOT / "docs" / "screenshot.svg"))


if __name__ == "__main__":
    asyncio.run(main())
    print(f"wrote {ROOT / 'docs' / 'screenshot.svg'}")
