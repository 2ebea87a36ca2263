#!/usr/bin/env python3
"""TUI at scale: 100,000 items, headless (Textual's run_test), printing the issue-4 figures.

    .venv/bin/python benchmarks/tui.py               # builds /tmp/feedwatch-bench-100k.db once, then measures
    .venv/bin/python benchmarks/tui.py --items 20000 --rebuild

Targets: start to first paint <= 1.0 s, key press to repaint p95 <= 50 ms while scrolling,
search p95 <= 100 ms, RSS <= 250 MB. "First paint" is measured from creating the app to the
first frame Textual has drawn (run_test hands over control after mounting and the first refresh);
a key press is timed from the press to the end of the repaint it causes (Pilot waits for it).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedwatch.config import parse_config  # noqa: E402
from feedwatch.entry import Entry  # noqa: E402
from feedwatch.storage.db import open_database  # noqa: E402
from feedwatch.storage.ingest import write_entries  # noqa: E402

WORDS = ("model prompt latency eval retrieval agent context window release quantization inference kernel "
         "attention benchmark safety alignment tokenizer serving batch cache distillation reasoning vision "
         "speech embedding ranking tool-use fine-tuning dataset scaling sparse mixture expert").split()


def build(path: Path, n: int, sources: int = 1000) -> None:
    rnd = random.Random(42)
    db = open_database(str(path))
    per = max(1, n // sources)
    started = time.perf_counter()
    for s in range(sources):
        entries = []
        for i in range(per):
            k = s * per + i
            title = " ".join(rnd.choice(WORDS) for _ in range(9)).capitalize()
            summary = " ".join(rnd.choice(WORDS) for _ in range(60)) + "."
            day = 1 + k % 28
            entries.append(Entry(guid=f"b{k}", title=title, url=f"https://example.org/{s}/{i}", summary=summary,
                                 authors=["Ada Lovelace"],
                                 published=f"2026-{1 + k % 11:02d}-{day:02d}T{k % 24:02d}:00:00Z"))
        with db.transaction() as c:
            write_entries(c, f"feed-{s:04d}", entries, ["bench"] if s % 10 == 0 else [], "2026-11-27T00:00:00Z")
    from feedwatch.stories.run import group_pending
    group_pending(db)          # story rows, as a fetch leaves them
    from feedwatch.storage import triage
    ids = [r["id"] for r in db.query("SELECT id FROM items ORDER BY id")]
    triage.set_state(db, PERSON, [i for i in ids if rnd.random() < 0.7], "read")   # a user who keeps up
    triage.set_starred(db, PERSON, [i for i in ids if rnd.random() < 0.02], True)
    triage.set_state(db, "colleague", [i for i in ids if rnd.random() < 0.3], "read")
    from feedwatch.storage.search import sync_index
    sync_index(db)
    db.close()
    print(f"built {n} items in {time.perf_counter() - started:.1f} s at {path}")


PERSON = "bench"   # whose triage state the app shows (70% of the items read)


def config(sources: int):
    return parse_config({
        "user": PERSON,
        "sources": [{"name": f"feed-{s:04d}", "kind": "feed", "url": f"http://127.0.0.1:9/{s}"}
                    for s in range(sources)],
        "tags": [{"name": "bench", "keywords": ["benchmark"]}],
    })


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


FRAMES: list[float] = []


def _watch_frames() -> None:
    """Record when each frame has been composed (the repaint a key press causes ends there)."""
    from textual.screen import Screen
    original = Screen._compositor_refresh

    def timed(self):
        original(self)
        FRAMES.append(time.perf_counter())
    Screen._compositor_refresh = timed


async def measure(path: Path, sources: int) -> None:
    from feedwatch.tui.app import SEARCH_LIMIT, FeedwatchApp

    _watch_frames()
    cfg = config(sources)
    t0 = time.perf_counter()
    app = FeedwatchApp(cfg, f"sqlite:///{path}")
    async with app.run_test(size=(160, 48)) as pilot:
        first_paint = time.perf_counter() - t0
        keys, pilot_round_trips = [], []
        for i in range(300):
            key = "j" if i % 50 < 45 else "k"
            FRAMES.clear()
            t = time.perf_counter()
            await pilot.press(key)
            pilot_round_trips.append((time.perf_counter() - t) * 1000)
            if FRAMES:
                keys.append((FRAMES[0] - t) * 1000)   # press -> first frame composed after it
        t = time.perf_counter()
        await pilot.press("G")
        to_end = (time.perf_counter() - t) * 1000
        from feedwatch.storage.search import search_items
        queries = ["model", "retrieval agent", '"context window"', "tag:bench", "is:unread since:30d latency",
                   "source:feed-0042", "quantiz", "tag:bench kernel -safety", "distillation reasoning vision",
                   "serv"] * 5
        searches, slowest = [], {}
        for q in queries:
            t = time.perf_counter()
            search_items(app.db, q, person=app.person, limit=SEARCH_LIMIT)
            searches.append((time.perf_counter() - t) * 1000)
            slowest[q] = max(slowest.get(q, 0), searches[-1])
        tui_search = []
        for q in ("retrieval", "tag:bench model"):
            await pilot.press("slash", *q)
            t = time.perf_counter()
            await app.workers.wait_for_complete()
            await pilot.pause()
            tui_search.append((time.perf_counter() - t) * 1000)
            await pilot.press("escape")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"start to first paint: {first_paint:.2f} s (target <= 1.0 s)")
    print(f"key press to repaint while scrolling: p50 {statistics.median(keys):.1f} ms, p95 {pct(keys, 95):.1f} ms "
          f"(target p95 <= 50 ms) over {len(keys)} presses with a repaint; Pilot's whole press round trip "
          f"(incl. its idle waits) p50 {statistics.median(pilot_round_trips):.0f} ms")
    print(f"G (load every page, jump to the oldest item): {to_end:.0f} ms")
    print(f"search (storage.search over the whole database): p50 {statistics.median(searches):.1f} ms, "
          f"p95 {pct(searches, 95):.1f} ms (target p95 <= 100 ms) over {len(searches)} queries")
    worst = sorted(slowest.items(), key=lambda kv: -kv[1])[:3]
    print("  slowest queries: " + ", ".join(f"{q!r} {ms:.0f} ms" for q, ms in worst))
    print(f"search typed in the TUI, until the list shows the results: {', '.join(f'{x:.0f} ms' for x in tui_search)}")
    print(f"peak RSS of this process: {rss:.0f} MiB (target <= 250 MB)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/feedwatch-bench-100k.db"))
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    sources = 1000 if args.items >= 1000 else 1
    if args.rebuild or not args.db.exists():
        for suffix in ("", "-wal", "-shm", ".migrate-lock"):
            Path(str(args.db) + suffix).unlink(missing_ok=True)
        build(args.db, args.items, sources)
    print(f"$ {' '.join(sys.argv)}  ({args.items} items, {sources} sources)")
    asyncio.run(measure(args.db, sources))
    return 0


if __name__ == "__main__":
    sys.exit(main())
