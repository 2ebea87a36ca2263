#!/usr/bin/env python3
"""Weekly digest speed: a week with 5,000 items (plus tags, asset links, experiments, failures).

    .venv/bin/python benchmarks/digest.py [--items 5000] [--repeat 7] [--keep PATH]

Builds a SQLite database (through the real schema and `write_entries`) whose items all fall in
2026-W48, with ~600-character summaries, three kinds of tags, relevance scores, ~40% of items
linked to assets (suggested, confirmed and dismissed), 5% starred, a few experiments and fetch
failures; then times, for each format, the median of --repeat runs of:
  build   `build_digest` (the database reads and the collection)
  render  `render(digest, fmt)`
  total   both: what `feedwatch digest` does after start-up
and once, the whole command in a fresh process (`python -m feedwatch.cli digest --week 2026-W48`,
start-up and imports included). Target: a week with 5,000 items renders in <= 1 s.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feedwatch.digest import FORMATS, build_digest, parse_week, render  # noqa: E402
from feedwatch.entry import Entry  # noqa: E402
from feedwatch.storage import experiments as xp  # noqa: E402
from feedwatch.storage.db import open_database  # noqa: E402
from feedwatch.storage.health import record_fetch_failure  # noqa: E402
from feedwatch.storage.ingest import write_entries  # noqa: E402

TARGET_S = 1.0
WEEK = parse_week("2026-W48")
WORDS = ("model release prompt caching context window retrieval agents evaluation benchmark latency pricing "
         "deprecation fine-tuning quantization reasoning safety multimodal embeddings tokenizer distillation "
         "speculative decoding kv-cache mixture-of-experts gpt-4o-mini claude-haiku llama qwen mistral").split()
FEED_TAGS = ["paper", "lab-blog", "release", "community"]
ENRICH_TAGS = ["model-release", "deprecation", "long-context", "prompting", "rag", "agents", "eval", "pricing",
               "safety", "inference", "open-weights", "fine-tuning", "multimodal", "api-change", "tooling"]
ASSETS = ["support-summarizer", "rag-pipeline", "sql-agent", "eval-harness", "doc-qa", "email-drafter"]
SOURCES = [f"source-{n:02d}" for n in range(40)]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def build(path: str, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    db = open_database(path)
    base = calendar.timegm(time.strptime(WEEK.since, "%Y-%m-%dT%H:%M:%SZ"))
    per_source: dict[str, list[Entry]] = {}
    for i in range(n):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + rng.randrange(7 * 86400)))
        src = rng.choice(SOURCES)
        per_source.setdefault(src, []).append(Entry(
            guid=f"item-{i}", title=_sentence(rng, rng.randint(5, 12)), url=f"https://example.com/{src}/{i}",
            summary=" ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(6))[:600],
            published=stamp if rng.random() > 0.05 else None))
    with db.transaction() as c:
        for src, entries in per_source.items():
            write_entries(c, src, entries, [rng.choice(FEED_TAGS)], "2026-11-26T12:00:00Z")
        ids = [r["id"] for r in c.execute("SELECT id FROM items ORDER BY id")]
        updates_sql = ("UPDATE items SET ai_summary = :s, enrich_tags = :t, user_tags = :u, relevance = :r "
                       "WHERE id = :id")
        updates = [{"id": i, "s": _sentence(rng, 30)[:300], "t": json.dumps(sorted(rng.sample(ENRICH_TAGS, 3))),
                    "u": json.dumps(["needs-experiment"] if rng.random() < 0.03 else []),
                    "r": round(rng.random(), 3), "star": 1 if rng.random() < 0.05 else 0} for i in ids]
        c.executemany(updates_sql, updates)
        c.executemany("INSERT INTO item_triage (person, item_id, starred, updated_at) VALUES ('alice', :id, 1, "
                      "'2026-11-26T12:00:00Z')", [u for u in updates if u["star"]])
        links = []
        for i in ids:
            if rng.random() < 0.4:
                for asset in rng.sample(ASSETS, rng.randint(1, 2)):
                    status = rng.choices(["suggested", "confirmed", "dismissed"], [6, 2, 1])[0]
                    links.append({"id": i, "asset": asset, "status": status, "score": round(rng.uniform(0.4, 1), 2),
                                  "reason": f"mentions {rng.choice(WORDS)}; {asset} runs on it",
                                  "by": "alice" if status != "suggested" else None})
        c.executemany("INSERT INTO asset_links (item_id, asset, reason, score, origin, status, created_at, "
                      "updated_at, updated_by) VALUES (:id, :asset, :reason, :score, 'rule', :status, "
                      "'2026-11-26T12:00:00Z', '2026-11-26T12:00:00Z', :by)", links)
        for n_fail in range(60):
            record_fetch_failure(c, rng.choice(SOURCES), f"2026-11-{23 + n_fail % 7}T0{n_fail % 10}:00:00Z",
                                 rng.choice([500, 503, None]), "HTTP error or timeout")
    for k in range(12):
        e = xp.create(db, f"Experiment {k}", "A hypothesis", owner="alice", now=f"2026-11-{23 + k % 7}T09:00:00Z")
        if k % 3 == 0:
            xp.transition(db, e.id, "running", "alice", now="2026-11-28T09:00:00Z")
    db.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--keep", metavar="PATH", help="build the database at PATH (reused when it exists)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="feedwatch-digest-bench-") as tmp:
        path = args.keep or str(Path(tmp) / "digest.db")
        if not Path(path).exists():
            t = time.perf_counter()
            build(path, args.items)
            print(f"built {path} with {args.items} items in {time.perf_counter() - t:.1f} s")
        db = open_database(path)
        n = db.query("SELECT COUNT(*) AS n FROM items WHERE COALESCE(published, first_seen) >= :s "
                     "AND COALESCE(published, first_seen) < :u", {"s": WEEK.since, "u": WEEK.until})[0]["n"]
        print(f"week {WEEK.label}: {n} items; median of {args.repeat} runs (target: total <= {TARGET_S:.1f} s)\n")
        print(f"{'format':<8}{'build':>10}{'render':>10}{'total':>10}{'bytes':>10}  verdict")
        worst = 0.0
        build_digest(db, None, WEEK.since, WEEK.until)     # warm-up: the page cache, imports
        for fmt in FORMATS:
            builds, renders, totals, size = [], [], [], 0
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                digest = build_digest(db, None, WEEK.since, WEEK.until)
                t1 = time.perf_counter()
                text = render(digest, fmt)
                t2 = time.perf_counter()
                builds.append(t1 - t0)
                renders.append(t2 - t1)
                totals.append(t2 - t0)
                size = len(text.encode("utf-8"))
            total = statistics.median(totals)
            worst = max(worst, total)
            print(f"{fmt:<8}{statistics.median(builds) * 1000:>8.1f}ms{statistics.median(renders) * 1000:>8.1f}ms"
                  f"{total * 1000:>8.1f}ms{size:>10}  {'ok' if total <= TARGET_S else 'OVER TARGET'}")
        db.close()
        print()
        for fmt in FORMATS:
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "feedwatch.cli", "--db", path, "digest", "--week", WEEK.label,
                            "--format", fmt, "-o", str(Path(tmp) / f"out.{fmt}")], check=True, cwd=ROOT)
            wall = time.perf_counter() - t
            print(f"feedwatch digest --format {fmt} (fresh process, start-up included): {wall * 1000:.0f} ms  "
                  f"{'ok' if wall <= TARGET_S else 'OVER TARGET'}")
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
