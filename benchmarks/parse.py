"""Where a cold fetch's worker CPU goes: parsing and storing the shared bench corpus, in one process.

    .venv/bin/python benchmarks/parse.py [--feeds 200] [--items 50] [--reps 3]

A cold `feedwatch fetch` of the bench corpus (benchmarks/fetch.sh) spends most of its CPU in the
parse workers; this times their two halves on the same 200 x 50 feeds without the network, the
fork or the event loop, so a change to either half can be measured in seconds rather than
minutes: parsing (with html_to_text on its own, and how many fragments its fast path took) and
storing (new rows, story evidence and signatures, into a fresh SQLite file, 8 sources per
transaction as the workers do), split into preparing the rows (outside the write lock, the
workers side by side) and writing them (under the lock, one worker at a time). Prints medians
of --reps runs. Needs ../shared/bench (makefeeds.py generates the corpus, deterministic by seed).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feedwatch import html_text  # noqa: E402
from feedwatch.config import Source  # noqa: E402
from feedwatch.dates import utc_now_iso  # noqa: E402
from feedwatch.ingest.worker import _prepare, _write_source, parse_body  # noqa: E402
from feedwatch.storage.db import open_database  # noqa: E402
from feedwatch.storage.ingest import lock_for_ingest  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench"


def corpus(feeds: int, items: int, work: Path) -> list[bytes]:
    out = work / f"data-f{feeds}-i{items}"
    if not (out / "feeds").is_dir():
        subprocess.run([sys.executable, str(SHARED / "makefeeds.py"), "--out", str(out), "--feeds", str(feeds),
                        "--items", str(items)], check=True, stdout=subprocess.DEVNULL)
    return [p.read_bytes() for p in sorted((out / "feeds").iterdir())]


def parse_all(bodies: list[bytes]) -> list:
    parsed = []
    for i, body in enumerate(bodies):
        result = parse_body("rss", body, f"http://127.0.0.1/feed-{i}", {}, "", None)
        if not hasattr(result, "entries"):
            raise SystemExit(f"feed {i} did not parse: {result}")
        parsed.append(result)
    return parsed


def store_all(parsed: list, path: Path) -> tuple[float, float]:
    """CPU seconds preparing the rows (outside the write lock) and writing them (under it)."""
    db = open_database(f"sqlite:///{path}")    # created here, untimed: a fetch finds its schema made
    now = utc_now_iso()
    prepare = write = 0.0
    for first in range(0, len(parsed), 8):
        start = time.process_time()
        batch = []
        for i in range(first, min(first + 8, len(parsed))):
            source = Source(name=f"feed-{i}", kind="rss", url=f"http://127.0.0.1/feed-{i}")
            batch.append((source, parsed[i].title, _prepare(source, parsed[i].entries, now, set())))
        middle = time.process_time()
        with db.transaction() as c:
            lock_for_ingest(c, db.dialect)
            for source, title, prepared in batch:
                _write_source(c, source, source.url, title, prepared, None, None, 200, now, now)
        prepare, write = prepare + middle - start, write + time.process_time() - middle
    db.close()
    return prepare, write


def fragments(bodies: list[bytes]) -> list[tuple[str, int]]:
    """Every html_to_text call parsing makes, with its arguments."""
    from feedwatch.sources import xmlfeed
    calls: list[tuple[str, int]] = []
    real = xmlfeed.html_to_text

    def spy(value: str, max_len: int = 20000) -> str:
        calls.append((value, max_len))
        return real(value, max_len)
    xmlfeed.html_to_text = spy
    try:
        parse_all(bodies)
    finally:
        xmlfeed.html_to_text = real
    return calls


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--items", type=int, default=50)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench-work")
    args = ap.parse_args()
    if not (SHARED / "makefeeds.py").is_file():
        raise SystemExit(f"parse.py: {SHARED} not found (the bench harness lives beside the repository)")
    args.work.mkdir(parents=True, exist_ok=True)
    bodies = corpus(args.feeds, args.items, args.work)
    calls = fragments(bodies)
    fast = sum(1 for value, n in calls if html_text._printable(value) and html_text._fast_text(value, n) is not None)
    times: dict[str, list[float]] = {"parse": [], "html_to_text": [], "store": [], "  prepare": [],
                                     "  write": []}
    items = 0
    for _ in range(args.reps):
        start = time.process_time()
        parsed = parse_all(bodies)
        times["parse"].append(time.process_time() - start)
        items = sum(len(p.entries) for p in parsed)
        start = time.process_time()
        for value, max_len in calls:
            html_text.html_to_text(value, max_len)
        times["html_to_text"].append(time.process_time() - start)
        with tempfile.TemporaryDirectory() as tmp:
            prepare, write = store_all(parsed, Path(tmp) / "feedwatch.db")
            times["store"].append(prepare + write)
            times["  prepare"].append(prepare)
            times["  write"].append(write)
    print(f"corpus: {len(bodies)} feeds, {items} items, {sum(map(len, bodies)) / 1e6:.1f} MB; "
          f"{len(calls)} HTML fragments, {fast} ({fast / max(1, len(calls)):.0%}) on the fast path")
    for name, values in times.items():
        per = statistics.median(values) / max(1, items) * 1e6
        print(f"  {name:13s} {statistics.median(values):6.3f} CPU-s (median of {args.reps}; "
              f"{per:5.1f} us an item)")
    print(f"  parse + store {statistics.median(times['parse']) + statistics.median(times['store']):6.3f} CPU-s "
          "(what the workers of a cold fetch spend, spread over their processes)")


if __name__ == "__main__":
    main()
