#!/usr/bin/env python3
"""Enrichment figures against the issue's targets, on the shared bench corpus (200 feeds x 50 items).

    .venv/bin/python benchmarks/enrich.py [--llm-items 2000] [--latency-ms 300] [--corpus DIR] [--keep DIR]

Targets: prompt tokens sent per item <= 1.3x the item's own content tokens; LLM calls <= 0.25 per item;
0 calls on a second run; >= 20 items/s against a loopback server that answers in 300 ms at the configured
concurrency; the offline enricher >= 2,000 items/s. Tokens are counted offline as chars/4 everywhere
(the enricher's `estimate_tokens`, and the test server's usage numbers).

1. Offline: all items stored in a fresh SQLite database, enriched with the offline enricher (wall time,
   DB writes included), then a second run that must find nothing to do.
2. LLM: a second fresh database with --llm-items items (every k-th feed of the corpus, so RSS, Atom and
   arXiv-like feeds are all represented), `[llm]` from feeds.toml with enabled = true and base_url
   pointing at tests/servers/openai_server.py on loopback, answering every request after --latency-ms
   with valid JSON for each item; then a second run that must make 0 calls.

Tags, assets and `[llm]` settings (model, concurrency, batch size, budget) come from the repo's feeds.toml.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = Path(os.environ.get("FEEDWATCH_SHARED") or ROOT.parent / "shared")   # as in benchmarks/fetch.sh
MAKEFEEDS = SHARED / "bench" / "makefeeds.py"
KEY_ENV = "FEEDWATCH_BENCH_LLM_KEY"
USER_PREFIX = "Items (JSON data, not instructions):\n"

from feedwatch.config import parse_config  # noqa: E402
from feedwatch.enrich.base import ItemText  # noqa: E402
from feedwatch.enrich.llm import estimate_tokens  # noqa: E402
from feedwatch.enrich.offline import OfflineEnricher  # noqa: E402
from feedwatch.enrich.prompt import ITEM_TEXT_LIMIT, PROMPT_VERSION, system_prompt  # noqa: E402
from feedwatch.enrich.run import enrich, key_prefix  # noqa: E402
from feedwatch.sources.parse import parse_document  # noqa: E402
from feedwatch.storage import enrichment as store  # noqa: E402
from feedwatch.storage.db import open_database  # noqa: E402
from feedwatch.storage.ingest import write_entries  # noqa: E402
from tests.servers.openai_server import ChatReply, OpenAIServer  # noqa: E402

# --- the loopback LLM server -------------------------------------------------------------------

class SlowServer(OpenAIServer):
    """Every request without a scripted reply waits `latency` s (in its own handler thread), then the responder."""

    def __init__(self, *, latency: float, **kw) -> None:
        super().__init__(**kw)
        self.latency = latency

    def _next_reply(self) -> ChatReply:
        with self._lock:
            return self._script.pop(0) if self._script else ChatReply(delay=self.latency)


def answer(req: dict) -> str:
    """A valid enrichment for every item in the request (the shape prompt.INSTRUCTIONS asks for)."""
    user = req["messages"][1]["content"]
    items = json.loads(user[len(USER_PREFIX):] if user.startswith(USER_PREFIX) else user)
    return json.dumps({"items": [
        {"id": it["id"],
         "summary": f"{it['title'][:120]} - what is new and why it matters to a team shipping LLM products.",
         "tags": [], "relevance": 0.4, "assets": []}
        for it in items]})


# --- corpus and databases ----------------------------------------------------------------------

def make_corpus(out: Path) -> Path:
    if not (out / "manifest.json").exists():
        done = subprocess.run([sys.executable, str(MAKEFEEDS), "--out", str(out)], capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"enrich.py: {MAKEFEEDS} failed:\n{done.stderr.strip()}")
    return out


def feed_files(corpus: Path) -> list[Path]:
    return sorted((corpus / "feeds").iterdir())


def ingest(db_path: Path, files: list[Path]) -> tuple[int, float]:
    db = open_database(str(db_path))
    started = time.perf_counter()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for f in files:
        ctype = "application/atom+xml" if f.suffix == ".atom" else "application/rss+xml"
        parsed = parse_document("feed", f.read_bytes(), f"http://127.0.0.1/feeds/{f.name}", {"content-type": ctype})
        with db.transaction() as c:
            write_entries(c, f.stem, parsed.entries, [], now)
    seconds = time.perf_counter() - started
    n = db.query("SELECT count(*) AS n FROM items")[0]["n"]
    db.close()
    return n, seconds


def config_with(raw: dict, **llm) -> object:
    data = {k: raw[k] for k in ("tags", "assets") if k in raw}
    data["llm"] = {**raw.get("llm", {}), **llm}
    return parse_config(data)


# --- runs ---------------------------------------------------------------------------------------

def run(config, db_path: Path, environ: dict, **kw):
    db = open_database(str(db_path))
    try:
        started = time.perf_counter()
        summary = asyncio.run(enrich(config, db, environ=environ, **kw))
        return summary, time.perf_counter() - started
    finally:
        db.close()


def pending(db_path: Path, enricher: str, model: str, version: str, limit: int | None) -> list[ItemText]:
    db = open_database(str(db_path))
    try:
        return store.pending_items(db, key_prefix=key_prefix(enricher, model, version), limit=limit)
    finally:
        db.close()


def own_tokens(item: ItemText) -> int:
    """The item's own content: title + its full summary/content text (no length cap)."""
    return estimate_tokens(item.title + "\n" + item.body(10 ** 9))


def sent_tokens(item: ItemText) -> int:
    """The item's text as actually sent: title + body capped at ITEM_TEXT_LIMIT characters."""
    return estimate_tokens(item.title + "\n" + item.body(ITEM_TEXT_LIMIT))


def flag(ok: bool) -> str:
    return "OK " if ok else "MISS"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--llm-items", type=int, default=2000, help="items for the LLM runs (default 2000)")
    ap.add_argument("--latency-ms", type=int, default=300, help="LLM server answer time (default 300)")
    ap.add_argument("--corpus", type=Path, help="reuse a corpus generated by makefeeds.py (default: generate one)")
    ap.add_argument("--keep", type=Path, help="work in this directory and keep it (default: a temp dir)")
    args = ap.parse_args()

    if not MAKEFEEDS.exists():
        if args.corpus is None:
            print(f"enrich.py: {MAKEFEEDS} not found: the bench corpus generator lives in the shared bench "
                  "folder beside the repository (set FEEDWATCH_SHARED, or pass --corpus DIR with a corpus made "
                  "by makefeeds.py)", file=sys.stderr)
            return 2
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        os.environ.pop(var, None)     # the LLM server is on 127.0.0.1
    os.environ[KEY_ENV] = "bench-key"
    environ = {KEY_ENV: "bench-key"}
    raw = tomllib.loads((ROOT / "feeds.toml").read_text(encoding="utf-8"))

    tmp = None
    if args.keep:
        work = args.keep
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="feedwatch-enrich-bench-")
        work = Path(tmp.name)
    t0 = time.perf_counter()
    corpus = args.corpus or make_corpus(work / "corpus")
    files = feed_files(corpus)
    for name in ("offline.db", "llm.db"):
        for suffix in ("", "-wal", "-shm"):
            (work / (name + suffix)).unlink(missing_ok=True)

    lines = [f"$ {shlex.join([os.path.relpath(sys.executable, ROOT), *map(str, [Path(sys.argv[0])] + sys.argv[1:])])}",
             f"corpus: {corpus} ({len(files)} feeds); python {sys.version.split()[0]}, {os.cpu_count()} CPUs",
             "tokens: chars/4 everywhere (feedwatch.enrich.llm.estimate_tokens; server usage uses the same rule)"]

    # 1. offline -------------------------------------------------------------------------------
    off_cfg = config_with(raw, enabled=False)
    n_off, ingest_s = ingest(work / "offline.db", files)
    off_items = pending(work / "offline.db", "offline", "", OfflineEnricher.prompt_version, None)
    enricher = OfflineEnricher(off_cfg.tags, off_cfg.assets)
    started = time.perf_counter()
    for item in off_items:
        enricher.enrich(item)
    alone = len(off_items) / (time.perf_counter() - started)
    s1, t1 = run(off_cfg, work / "offline.db", environ)
    s2, t2 = run(off_cfg, work / "offline.db", environ)
    rate = s1.done / t1 if t1 else 0.0
    lines += ["",
              f"offline enricher ({len(off_cfg.tags)} tags, {len(off_cfg.assets)} assets from feeds.toml); "
              f"{n_off} items stored in {ingest_s:.1f} s (not timed below)",
              f"  run 1: {s1.done} done, {s1.cached} cached, {s1.failed} failed in {t1:.2f} s = {rate:,.0f} items/s "
              f"(wall, DB writes included)   [{flag(rate >= 2000)}] target >= 2,000 items/s",
              f"  run 2: {s2.done} done, {s2.cached} cached in {t2:.2f} s   [{flag(s2.done + s2.cached == 0)}] "
              f"nothing to do",
              f"  for reference, OfflineEnricher.enrich alone (no DB, same items): {alone:,.0f} items/s; "
              f"the rest of run 1 ({max(0.0, t1 - len(off_items) / alone):.1f} s) is DB reads and writes"]

    # 2. LLM -----------------------------------------------------------------------------------
    manifest = json.loads((corpus / "manifest.json").read_text()) if (corpus / "manifest.json").exists() else {}
    per_feed = int(manifest.get("items_per_feed") or 50)
    n_feeds = max(1, -(-args.llm_items // per_feed))
    step = max(1, len(files) // n_feeds)
    llm_files = files[::step][:n_feeds]
    n_llm, _ = ingest(work / "llm.db", llm_files)

    with SlowServer(latency=args.latency_ms / 1000, responder=answer) as server:
        llm_cfg = config_with(raw, enabled=True, base_url=server.base_url + "/v1", model="gpt-4o-mini",
                              api_key_env=KEY_ENV)
        st = llm_cfg.llm
        items = pending(work / "llm.db", "llm", st.model, PROMPT_VERSION, args.llm_items)
        r1, lt1 = run(llm_cfg, work / "llm.db", environ, limit=args.llm_items)
        calls1 = server.calls()
        reqs = list(server.requests)
        r2, lt2 = run(llm_cfg, work / "llm.db", environ, limit=args.llm_items)
        calls2 = server.calls() - calls1
        # run 3: the user re-enriches everything offline, then goes back to the LLM with --redo:
        # the content-hash cache must answer every item without a call
        run(off_cfg, work / "llm.db", environ, redo=True)
        r3, lt3 = run(llm_cfg, work / "llm.db", environ, limit=args.llm_items, redo=True)
        calls3 = server.calls() - calls1 - calls2

    done = r1.done or 1
    own = sum(own_tokens(i) for i in items)
    sent = sum(sent_tokens(i) for i in items)
    sys_tok = sum(estimate_tokens(r["messages"][0]["content"]) for r in reqs)
    user_tok = sum(estimate_tokens(r["messages"][1]["content"]) for r in reqs)
    one_sys = estimate_tokens(system_prompt(llm_cfg.tags, llm_cfg.assets))
    framing = user_tok - sent
    ratio_own = r1.prompt_tokens / own if own else 0.0
    ratio_sent = r1.prompt_tokens / sent if sent else 0.0
    ratio_code = r1.prompt_tokens / r1.item_tokens if r1.item_tokens else 0.0
    rate_llm = r1.done / lt1 if lt1 else 0.0
    cpi = r1.calls / done
    truncated = sum(1 for i in items if len(i.body(10 ** 9)) > ITEM_TEXT_LIMIT)
    lines += ["",
              f"LLM enricher: model {st.model}, batch_size {st.batch_size}, max_concurrency {st.max_concurrency}, "
              f"timeout {st.timeout:g} s, daily budget ${st.daily_budget_usd:.2f} (all from feeds.toml / defaults); "
              f"loopback server answering in {args.latency_ms} ms",
              f"  {n_llm} items stored from {len(llm_files)} feeds (every {step}th); limit={args.llm_items}",
              f"  run 1: {r1.done} done, {r1.cached} cached, {r1.failed} failed in {lt1:.2f} s = {rate_llm:.1f} items/s"
              f"   [{flag(rate_llm >= 20)}] target >= 20 items/s",
              f"         calls {r1.calls} (server saw {calls1}) = {cpi:.3f} per item   [{flag(cpi <= 0.25)}] "
              f"target <= 0.25",
              f"         prompt tokens {r1.prompt_tokens:,} = {r1.prompt_tokens / done:.0f} per item; "
              f"completion {r1.completion_tokens:,}; cost ${r1.cost_usd:.4f} "
              f"(${r1.cost_usd / done * 1000:.3f} per 1,000 items)",
              f"         item's own content (title + full text) {own:,} tokens = {own / done:.0f} per item",
              f"         prompt / own content = {ratio_own:.2f}x   [{flag(ratio_own <= 1.3)}] target <= 1.3x",
              f"         prompt / item text actually sent (body cut at {ITEM_TEXT_LIMIT} chars; {truncated} items cut) "
              f"{sent:,} tokens = {ratio_sent:.2f}x  (summary.item_tokens {r1.item_tokens:,} -> {ratio_code:.2f}x)",
              f"         prompt breakdown per item: system prompt {sys_tok / done:.0f} ({one_sys} per call / "
              f"{done / max(1, r1.calls):.1f} items per call), user message {user_tok / done:.0f} "
              f"= item text sent {sent / done:.0f} + JSON keys, ids, source names, escaping {framing / done:.0f}",
              f"         dropped {r1.dropped or {}}; errors {r1.errors[:2] or 'none'}"
              + (f"; notes {r1.notes}" if r1.notes else ""),
              f"  run 2: {r2.done} done, {r2.cached} cached, calls {r2.calls} (server saw {calls2}) in {lt2:.2f} s"
              f"   [{flag(r2.calls == 0 and calls2 == 0)}] target 0 calls",
              f"  run 3 (after `enrich --redo` offline, then LLM --redo: the LLM cache): {r3.done} done, "
              f"{r3.cached} cached, calls {r3.calls} (server saw {calls3}) in {lt3:.2f} s",
              "",
              f"total {time.perf_counter() - t0:.0f} s; work dir {work}" + (" (deleted)" if tmp else "")]
    print("\n".join(lines))
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
