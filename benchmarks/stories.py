"""Story grouping at scale: 1,000 new items assigned to stories in a database of 100,000 grouped items.

    .venv/bin/python benchmarks/stories.py [--items 100000] [--new 1000] [--reps 3]

Target (issue 16): <= 0.5 s for the grouping pass over the 1,000 new items. Also prints the time to
group the 100,000 themselves (an upgrade or an import does that once), a hostile feed of 10,000 items
with one title, and how many fewer rows a person triages (items / stories) on this corpus.
The corpus: 1,000 feeds; a tenth of the new items report an existing paper (by arXiv id), a release
(by version) or a headline (a near-identical title from another feed); the rest are new.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feedwatch.entry import Entry  # noqa: E402
from feedwatch.storage.db import open_database  # noqa: E402
from feedwatch.storage.ingest import write_entries  # noqa: E402
from feedwatch.stories.run import group_pending  # noqa: E402


def evidence(source: str):
    """Each item's story evidence, worked out as it is stored, as a fetch's parse workers do."""
    from functools import partial

    from feedwatch.enrich.evidence import entry_evidence
    return partial(entry_evidence, source, "feed", None)

WORDS = ("model prompt latency eval retrieval agent context window release quantization inference kernel "
         "attention sparse dense reasoning safety alignment vision speech tokenizer benchmark dataset "
         "distillation serving cache decoding speculative routing mixture experts scaling laws").split()


def when(k: int) -> str:
    return f"2026-{1 + k % 11:02d}-{1 + k % 28:02d}T{k % 24:02d}:00:00Z"


def build(path: Path, n: int) -> list[tuple]:
    rnd = random.Random(16)
    db = open_database(str(path))
    made = []
    per = n // 1000
    for s in range(1000):
        entries = []
        for i in range(per):
            k = s * per + i
            title = " ".join(rnd.choice(WORDS) for _ in range(8)).capitalize()
            arxiv = f"26{1 + k % 11:02d}.{k % 100000:05d}" if s % 10 == 0 else None
            entries.append(Entry(guid=f"b{k}", title=title, url=f"https://example.org/{s}/{i}", arxiv_id=arxiv,
                                 summary="", published=when(k)))
            made.append((title, arxiv, when(k), s))
        with db.transaction() as c:
            write_entries(c, f"feed-{s:04d}", entries, [], "2026-11-27T00:00:00Z", evidence(f"feed-{s:04d}"))
    start = time.perf_counter()
    group_pending(db)
    print(f"grouped the {n:,} corpus items in {time.perf_counter() - start:.1f} s (once, e.g. after an import)")
    db.close()
    return made


def add_new(path: Path, made: list[tuple], count: int, seed: int) -> None:
    rnd = random.Random(seed)
    db = open_database(str(path))
    entries = []
    for j in range(count):
        title, arxiv, stamp, s = rnd.choice(made)
        kind = j % 10
        if kind == 0 and arxiv:
            entries.append(Entry(guid=f"n{seed}-{j}", title="Our take: " + title, arxiv_id=None,
                                 summary=f"See https://arxiv.org/abs/{arxiv}", published=stamp))
        elif kind == 1:
            entries.append(Entry(guid=f"n{seed}-{j}", title=title.lower() + "!", published=stamp))
        else:
            entries.append(Entry(guid=f"n{seed}-{j}", title=" ".join(rnd.choice(WORDS) for _ in range(8)),
                                 published=stamp))
    with db.transaction() as c:
        write_entries(c, f"news-{seed}", entries, [], "2026-11-28T00:00:00Z", evidence(f"news-{seed}"))
    db.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--new", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stories.db"
        made = build(path, args.items)
        times = []
        for rep in range(args.reps):
            add_new(path, made, args.new, rep)
            db = open_database(str(path))
            start = time.perf_counter()
            summary = group_pending(db)
            times.append(time.perf_counter() - start)
            db.close()
            print(f"  run {rep + 1}: {summary.items} new items, {summary.joined} joined a story, "
                  f"{times[-1] * 1000:.0f} ms")
        median_ms = statistics.median(times) * 1000
        print(f"assign {args.new} new items in a database of {args.items:,}: median {median_ms:.0f}"
              " ms (target: <= 500 ms)")
        db = open_database(str(path))
        items, stories = db.query("SELECT COUNT(*) AS n, COUNT(DISTINCT COALESCE(story_id, id)) AS s "
                                  "FROM items")[0].values()
        db.close()
        print(f"rows to triage: {items:,} items -> {stories:,} stories ({items / stories:.3f}x fewer)")
        hostile = Path(tmp) / "hostile.db"
        db = open_database(str(hostile))
        with db.transaction() as c:
            write_entries(c, "spam", [Entry(guid=f"h{i}", title="Breaking: the same headline again",
                                            published="2026-11-20T10:00:00Z") for i in range(10_000)], [],
                          "2026-11-20T10:00:00Z", evidence("spam"))
        start = time.perf_counter()
        group_pending(db)
        biggest = db.query("SELECT MAX(n) AS m FROM (SELECT COUNT(*) AS n FROM items "
                           "GROUP BY COALESCE(story_id, id)) x")[0]["m"]
        print(f"a hostile feed repeating one title 10,000 times: {time.perf_counter() - start:.2f} s, "
              f"largest story {biggest} items")
        db.close()


if __name__ == "__main__":
    main()
