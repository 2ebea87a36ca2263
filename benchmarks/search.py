#!/usr/bin/env python3
"""Search latency on a large SQLite database: p50/p95 of ~50 typical search-box queries.

    .venv/bin/python benchmarks/search.py [--items 100000] [--db PATH] [--repeat 5] [--pg URL]

Builds a database with N generated items (words drawn Zipf-like from a 6,000-word vocabulary plus
LLM-domain terms; tags, several sources, read/starred states, asset links), inserted in bulk through
the real schema (so the FTS5 triggers run), then times `search_items(limit=100)` and `count_items`
for each query. Target: p95 <= 100 ms for a page of results. With --db PATH an existing benchmark
database at PATH is reused (delete it to rebuild). With --pg URL the same is run on PostgreSQL
(the URL's schema gets the items; use a throwaway database or search_path).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from feedwatch.storage.db import open_database
from feedwatch.storage.search import count_items, search_items

DOMAIN = ("transformer diffusion agent agents retrieval rag prompt prompts caching evaluation benchmark "
          "benchmarks tokenizer alignment rlhf dpo reasoning chain-of-thought distillation quantization "
          "inference latency context window multimodal vision speech embedding embeddings fine-tuning lora "
          "safety jailbreak red-teaming hallucination summarization instruction gpt-4o claude llama mistral "
          "gemini qwen deepseek mixture-of-experts sparse attention kv-cache speculative decoding").split()
TAGS = ["model-release", "paper", "eval", "safety", "pricing", "api-change", "deprecation", "open-weights",
        "agents", "rag", "multimodal", "fine-tuning", "inference", "tooling", "benchmark", "dataset",
        "policy", "research", "product", "security"]
PERSON = "bench"   # whose read / starred state is: means (70% read, 2% starred)
ASSETS = ["support-summarizer", "triage-classifier", "sql-agent", "eval-harness", "doc-qa", "email-drafter"]

QUERIES = [
    # free words, common to rare, as typed (the last word is a prefix)
    "transformer", "diffusion models", "prompt caching", "kv-cache", "speculative decoding", "gpt-4o",
    "claude", "llama fine-tuning", "rag evaluation", "reasoning benchmark", "alignment dpo", "hallucination",
    "mixture-of-experts sparse", "multimodal vision", "quantization latency", "embedding retrieval",
    "tokenizer", "jailbreak safety", "distillation", "context window",
    # search-as-you-type prefixes
    "tr", "tra", "trans", "pro", "prompt cach", "spec", "eval", "ag", "lla", "q",
    # phrases
    '"prompt caching"', '"speculative decoding"', '"chain-of-thought reasoning"', '"context window"',
    # filters alone and combined
    "tag:model-release", "tag:safety is:unread", "source:arxiv-cs-cl", "source:openai-blog is:unread",
    "is:starred", "is:unread", "since:7d", "since:30d tag:paper", "asset:support-summarizer",
    "asset:sql-agent is:unread", "tag:model-release since:30d claude", "source:arxiv-cs-lg transformer -diffusion",
    "is:unread -tag:paper agents", "tag:rag retrieval eval", "-is:read since:14d", "rlhf -tag:safety source:hf-papers",
]


def _vocabulary(rng: random.Random, n: int = 6000) -> list[str]:
    syll = ["ka", "lo", "mi", "ra", "ten", "vor", "qui", "sel", "dan", "bro", "ex", "ul", "pra", "zen", "tor",
            "ni", "gar", "fle", "sto", "mun"]
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(syll) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def build(path: str, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    weights = [1 / (i + 1) for i in range(len(vocab))]        # Zipf-like
    cum = list(_accumulate(weights))
    sources = ["arxiv-cs-cl", "arxiv-cs-lg", "arxiv-cs-ai", "openai-blog", "anthropic-news", "hf-papers",
               "github-vllm", "github-llama-cpp", "google-ai", "meta-ai"] + [f"blog-{i}" for i in range(20)]
    now = datetime(2026, 11, 30, tzinfo=UTC)

    def text(k: int) -> str:
        if k == 0:
            return ""
        words = rng.choices(vocab, cum_weights=cum, k=k)
        for _ in range(max(1, k // 12)):
            words[rng.randrange(k)] = rng.choice(DOMAIN)
        return " ".join(words)

    db = open_database(path)
    t0 = time.perf_counter()
    items, links, assets, triage = [], [], [], []
    for i in range(1, n + 1):
        when = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        iso = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        source = rng.choice(sources)
        tags = sorted(set(rng.sample(TAGS, rng.randint(0, 3))))
        items.append({
            "id": i, "source": source, "guid": f"g{i}", "url": f"https://example.org/{i}",
            "title": text(9).capitalize(),
            "summary": text(45), "content": text(rng.choice((0, 0, 120, 250))),
            "authors": json.dumps([f"Author {rng.randint(1, 5000)}" for _ in range(rng.randint(1, 4))]),
            "published": iso if rng.random() < 0.9 else None, "first_seen": iso, "content_hash": f"h{i}",
            "tags": json.dumps([t for t in tags if rng.random() < 0.6]),
            "enrich_tags": json.dumps([t for t in tags if rng.random() < 0.6]),
            "user_tags": json.dumps(["needs-experiment"] if rng.random() < 0.01 else []),
            "ai_summary": text(30) if rng.random() < 0.5 else None})
        read, starred = rng.random() < 0.7, rng.random() < 0.02
        if read or starred:
            triage.append({"person": PERSON, "item_id": i, "read": int(read), "starred": int(starred), "now": iso})
        links.append({"source": source, "guid": f"g{i}", "item_id": i, "content_hash": f"h{i}"})
        if rng.random() < 0.05:
            assets.append({"item_id": i, "asset": rng.choice(ASSETS), "origin": "bench", "now": iso,
                           "status": rng.choice(("suggested", "suggested", "confirmed", "dismissed"))})
    t1 = time.perf_counter()
    with db.transaction() as c:
        if db.dialect == "sqlite":
            c.execute("PRAGMA cache_size = -262144")    # 256 MB for this bulk load only (FTS5 merges)
        c.executemany(
            "INSERT INTO items (id, source, guid, url, title, summary, content, authors, published, first_seen, "
            "content_hash, tags, enrich_tags, user_tags, ai_summary) VALUES (:id, :source, :guid, "
            ":url, :title, :summary, :content, :authors, :published, :first_seen, :content_hash, :tags, "
            ":enrich_tags, :user_tags, :ai_summary)", items)
        c.executemany("INSERT INTO item_triage (person, item_id, read, starred, updated_at) VALUES (:person, "
                      ":item_id, :read, :starred, :now)", triage)
        c.executemany("INSERT INTO item_sources (source, guid, item_id, content_hash) VALUES (:source, :guid, "
                      ":item_id, :content_hash)", links)
        c.executemany("INSERT INTO asset_links (item_id, asset, origin, status, created_at, updated_at) VALUES "
                      "(:item_id, :asset, :origin, :status, :now, :now)", assets)
    t2 = time.perf_counter()
    from feedwatch.storage import search
    if hasattr(search, "sync_index"):          # a lazily synced index: build it now, not in the first query
        with db.transaction() as c:
            if db.dialect == "sqlite":
                c.execute("PRAGMA cache_size = -262144")
        search.sync_index(db)
    t3 = time.perf_counter()
    if db.dialect == "sqlite":
        with db.transaction() as c:
            c.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")
            c.execute("ANALYZE")
    else:
        with db.transaction() as c:     # every table, as autovacuum soon would (triage rows drive is: plans)
            for table in ("items", "item_triage", "item_sources", "asset_links"):
                c.execute(f"ANALYZE {table}")
    db.close()
    print(f"built {n} items: generated {t1 - t0:.1f} s, inserted {t2 - t1:.1f} s (with the items triggers), "
          f"index sync {t3 - t2:.1f} s, optimize+analyze {time.perf_counter() - t3:.1f} s")


def _accumulate(values):
    total = 0.0
    for v in values:
        total += v
        yield total


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run(url: str, repeat: int) -> dict:
    db = open_database(url)
    try:
        # relative since: values are relative to the real clock; the data ends at 2026-11-30
        rows = db.query("SELECT COUNT(*) AS n FROM items")
        print(f"{rows[0]['n']} items in {url}")
        search_ms, count_ms, per_query = [], [], []
        for q in QUERIES:
            search_items(db, q, person=PERSON, limit=100)      # warm the page cache once, as a running app would be
            s_times, c_times = [], []
            for _ in range(repeat):
                t = time.perf_counter()
                ids = search_items(db, q, person=PERSON, limit=100)
                s_times.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                n = count_items(db, q, person=PERSON)
                c_times.append((time.perf_counter() - t) * 1000)
            search_ms += s_times
            count_ms += c_times
            per_query.append((statistics.median(s_times), statistics.median(c_times), q, len(ids), n))
    finally:
        db.close()
    print(f"\n{'search ms':>9} {'count ms':>9} {'page':>5} {'matches':>8}  query")
    for s, c, q, page, n in sorted(per_query, reverse=True):
        print(f"{s:9.1f} {c:9.1f} {page:5d} {n:8d}  {q}")
    result = {"search_p50": _pct(search_ms, 0.5), "search_p95": _pct(search_ms, 0.95),
              "count_p50": _pct(count_ms, 0.5), "count_p95": _pct(count_ms, 0.95)}
    print(f"\nsearch_items(limit=100): p50 {result['search_p50']:.1f} ms, p95 {result['search_p95']:.1f} ms "
          f"({len(search_ms)} runs of {len(QUERIES)} queries; target p95 <= 100 ms)")
    print(f"count_items:             p50 {result['count_p50']:.1f} ms, p95 {result['count_p95']:.1f} ms")
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--db", help="SQLite file to build (or reuse if it exists)")
    ap.add_argument("--pg", metavar="URL", help="also run on this PostgreSQL URL (items are added to it)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or f"{tmp}/search-bench.db"
        if not Path(path).exists():
            build(path, args.items)
        result = run(path, args.repeat)
    if args.pg:
        build(args.pg, args.items)
        run(args.pg, args.repeat)
    return 0 if result["search_p95"] <= 100 else 1


if __name__ == "__main__":
    sys.exit(main())
