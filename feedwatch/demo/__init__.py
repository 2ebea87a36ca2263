"""A bundled demo dataset, so `feedwatch demo` shows everything in one command (headless part).

`build_demo(db_path, today)` creates a SQLite database at `db_path` and fills it the way real use
would: a few hundred items across every source kind (arXiv listings and API searches, lab blogs,
GitHub releases, Hugging Face models, deprecations.info notices) spread over the three weeks
before `today`, written fetch by fetch through the normal ingest path; source health with a
couple of failing sources; the offline enrichment (summaries, tags, links to the team's assets
from the bundled feeds.toml); and some triage a team would have done (read, starred,
"needs-experiment", confirmed and dismissed links).

Everything here is invented from hand-written templates: item links point to https://example.org/,
and every fetch URL of the returned config points to http://127.0.0.1:9 (the discard port, always
refused), so an accidental refresh fails at once and shows errors instead of reaching the network.
Same `today` -> same items, ids, tags and links (a fixed random seed; no wall-clock in the data,
except the times stamped on link decisions and enrichment rows by the storage layer).
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ..config import Config
from .arxiv import arxiv_fetches
from .common import HOSTILE_TITLES, LOOPBACK, Fetch, Timeline, iso
from .posts import blog_fetches, deprecation_fetches, hf_fetches, release_fetches
from .sources import DEMO_SOURCES, FAILING, demo_config

__all__ = ["build_demo", "demo_config", "DEMO_SOURCES", "FAILING", "HOSTILE_TITLES", "LOOPBACK"]

SEED = 20261127


# --- build -----------------------------------------------------------------------------------

def _dataset(today: date) -> list[Fetch]:
    """Every fetch of the demo, in the order it happened."""
    tl = Timeline(today)
    rng = random.Random(SEED)
    fetches = [*arxiv_fetches(tl, rng), *blog_fetches(tl, rng), *release_fetches(tl, rng), *hf_fetches(tl, rng),
               *deprecation_fetches(tl, rng)]
    order = {name: i for i, (name, _, _) in enumerate(DEMO_SOURCES)}
    last = tl.end - timedelta(minutes=1)
    for f in fetches:
        if f.when > last:
            f.when = last
    fetches.sort(key=lambda f: (f.when, order[f.source]))
    return fetches


def build_demo(db_path: Path, today: date | None = None, person: str | None = None) -> Config:
    """Create and fill the demo database at db_path (which must not exist); returns the demo config.

    The read and starred items are `person`'s (default: whoever runs it, as the app will see it);
    a colleague, "ben", has starred a few too.

    `today` defaults to the current UTC date; all items and fetches fall before its 00:00 UTC, so no
    stored time is in the future. The same `today` always gives the same items, ids, tags and links.
    """
    from ..identity import current_user
    from ..storage.db import open_database

    db_path = Path(db_path)
    if db_path.exists():
        raise FileExistsError(f"{db_path} already exists")
    today = today or datetime.now(UTC).date()
    config = demo_config()
    person = person or current_user(config)
    tl = Timeline(today)
    db = open_database(f"sqlite:///{db_path}")
    try:
        _store(db, config, _dataset(today), tl)
        from ..stories.run import group_pending
        group_pending(db, config)
        _enrich(config, db)
        _triage(db, tl, person)
        _experiments(db, tl)
    finally:
        db.close()
    return config


def _store(db, config: Config, fetches: list[Fetch], tl: Timeline) -> None:
    from ..storage.ingest import record_fetch, write_entries

    last_fetch: dict[str, datetime] = {}
    with db.transaction() as c:
        for f in fetches:
            source = config.source(f.source)
            write_entries(c, f.source, f.entries, list(source.tags) if source else [], iso(f.when))
            last_fetch[f.source] = f.when
        for n, source in enumerate(config.sources):
            url = source.fetch_url(config.endpoints)
            interval = source.interval or config.fetch.interval
            attempt = tl.end - timedelta(minutes=5 + (n * 7) % 50)
            failing = FAILING.get(source.name)
            success = tl.end - timedelta(hours=failing[3]) if failing else attempt
            record_fetch(c, name=source.name, kind=source.kind, url=url, title=source.title or "",
                         etag=None, last_modified=None, attempt=iso(success), success=True, status=200,
                         error=None, consecutive_errors=0, next_due=iso(success + timedelta(seconds=interval)))
            if failing:
                status, message, errors, _ = failing
                wait = min(15 * 60 * 2 ** (errors - 1), 24 * 3600)
                record_fetch(c, name=source.name, kind=source.kind, url=url, etag=None, last_modified=None,
                             attempt=iso(attempt), success=False, status=status, error=message,
                             consecutive_errors=errors, next_due=iso(attempt + timedelta(seconds=wait)))


def _enrich(config: Config, db) -> None:
    from ..enrich.run import enrich

    coro_args = (config, db)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(enrich(*coro_args, environ={}))
        return
    # called from inside an event loop (an async caller): run the enrichment on its own loop
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(enrich(*coro_args, environ={}))).result()


def _item_id(db, source: str, guid: str) -> int:
    rows = db.query("SELECT item_id FROM item_sources WHERE source = :s AND guid = :g", {"s": source, "g": guid})
    if not rows:
        raise LookupError(f"demo item {source}/{guid} is missing")
    return rows[0]["item_id"]


def _blog_id(db, source: str, title_start: str) -> int:
    rows = db.query("SELECT s.item_id FROM item_sources s JOIN items i ON i.id = s.item_id "
                    "WHERE s.source = :s AND i.title LIKE :t ORDER BY s.item_id",
                    {"s": source, "t": title_start.replace("%", "") + "%"})
    if not rows:
        raise LookupError(f"demo item {source}/{title_start!r} is missing")
    return rows[0]["item_id"]


# (how to find the item, asset, status, user, reason)
_LINK_DECISIONS = (
    (("deprecations-info", "openai-gpt-4o-mini-2024-07-18"), "support-summarizer", "confirmed", "ana",
     "pinned snapshot in prod; migrate before shutdown"),
    (("deprecations-info", "openai-gpt-4o-mini-2024-07-18"), "help-center-rag", "confirmed", "chen", None),
    (("deprecations-info", "anthropic-claude-3-5-haiku-20241022"), "support-summarizer", "confirmed", "ana", None),
    (("deprecations-info", "anthropic-claude-3-5-haiku-20241022"), "release-notes-eval", "confirmed", "dana",
     "judge model; re-baseline the golden set on Haiku 4.5"),
    (("deprecations-info", "openai-text-embedding-3-small"), "help-center-rag", "confirmed", "chen",
     "re-embedding the help center takes a day; schedule it"),
    (("deprecations-info", "groq-llama-3.1-8b-instant"), "ticket-triage", "dismissed", "bruno",
     "we self-host on vLLM, not Groq"),
    (("deprecations-info", "bedrock-meta.llama3-1-8b-instruct-v1:0"), "ticket-triage", "dismissed", "bruno",
     "not on Bedrock"),
    (("deprecations-info", "bedrock-anthropic.claude-3-5-haiku-20241022-v1:0"), "support-summarizer", "dismissed",
     "ana", "we call Anthropic directly, not Bedrock"),
    (("vllm-releases", "tag:github.com,2008:Repository/599547518/v0.14.0"), "ticket-triage", "confirmed", "bruno",
     "EAGLE-3 speculative decoding could halve our latency"),
    (("blog", "huggingface-blog", "Reranking in production"), "help-center-rag", "confirmed", "chen",
     "compare with our cross-encoder"),
    (("blog", "huggingface-blog", "Introducing a benchmark for support-ticket"), "ticket-triage", "confirmed",
     "bruno", "public eval set for our classifier"),
    (("blog", "mistral-news", "Mistral Small 3.2"), "support-summarizer", "confirmed", "ana",   # a link by hand
     "candidate replacement for Claude 3.5 Haiku; compare on last month's tickets"),
)


def _find(db, key: tuple) -> int:
    if key[0] == "blog":
        return _blog_id(db, key[1], key[2])
    return _item_id(db, key[0], key[1])


def _triage(db, tl: Timeline, person: str) -> None:
    from ..storage import triage
    from ..storage.enrichment import set_link_status

    rng = random.Random(SEED + 1)
    week_ago = iso(tl.end - timedelta(days=7))
    older = [r["id"] for r in db.query("SELECT id FROM items WHERE COALESCE(published, first_seen) < :t ORDER BY id",
                                       {"t": week_ago})]
    keep_unread = {_find(db, key) for key, *_ in _LINK_DECISIONS}
    candidates = [i for i in older if i not in keep_unread]
    triage.set_state(db, person, sorted(rng.sample(candidates, round(len(older) * 0.4))), "read")

    for key, asset, status, user, reason in _LINK_DECISIONS:
        set_link_status(db, _find(db, key), asset, status, user, reason)

    starred = [("deprecations-info", "openai-gpt-4o-mini-2024-07-18"),
               ("deprecations-info", "anthropic-claude-3-5-haiku-20241022"),
               ("vllm-releases", "tag:github.com,2008:Repository/599547518/v0.14.0"),
               ("blog", "vllm-blog", "Serving Llama 3.1 8B Instruct"),
               ("blog", "openai-news", "A new GPT-4o mini snapshot")]
    triage.set_starred(db, person, [_find(db, k) for k in starred], True)
    triage.set_starred(db, "ben", [_find(db, k) for k in starred[:2]], True)   # a colleague's, shown as "starred by"
    # two starred papers, one also flagged for an experiment
    papers = [r["id"] for r in db.query("SELECT id FROM items WHERE title LIKE 'Distilling GPT-4o mini Judges%' "
                                        "OR title LIKE 'Structured Output Drift%'")]
    triage.set_starred(db, person, papers, True)

    for key in (("blog", "huggingface-blog", "Quantizing Llama 3.1 8B Instruct"),
                ("blog", "openai-news", "A new GPT-4o mini snapshot"),
                ("hf-qwen", "Qwen/Qwen3-Reranker-4B"),
                ("blog", "vllm-blog", "Serving Llama 3.1 8B Instruct")):
        triage.toggle_user_tag(db, _find(db, key), triage.NEEDS_EXPERIMENT)
    for paper in papers[:1]:
        triage.toggle_user_tag(db, paper, triage.NEEDS_EXPERIMENT)


def _experiments(db, tl: Timeline) -> None:
    """A few follow-up experiments in every state, started from demo items, at fixed times."""
    from ..storage import experiments as xp

    def t(days_ago: int, hour: int) -> str:
        return iso(tl.at(days_ago, hour))

    dep = _find(db, ("deprecations-info", "openai-gpt-4o-mini-2024-07-18"))
    snap = _find(db, ("blog", "openai-news", "A new GPT-4o mini snapshot"))
    e = xp.create(db, "Move support-summarizer off gpt-4o-mini-2024-07-18 before its shutdown",
                  "The new gpt-4o-mini snapshot keeps summary quality (ROUGE-L within 1 point) at the same cost.",
                  items=[dep, snap], assets=["support-summarizer"], owner="ana", now=t(6, 10))
    xp.transition(db, e.id, "running", "ana", now=t(5, 9))
    xp.add_link(db, e.id, "https://example.org/promptfoo/reports/summarizer-snapshot-eval", "ana", now=t(5, 11))
    xp.add_note(db, e.id, "First 200 tickets: two regressions on long threads; re-running with the 8k cut.",
                "ben", now=t(4, 15))
    xp.close(db, e.id, "improved", "Same quality, 12% fewer tokens; switched in production.", "ana", now=t(2, 16))

    vllm = _find(db, ("vllm-releases", "tag:github.com,2008:Repository/599547518/v0.14.0"))
    e = xp.create(db, "Re-benchmark release-notes-eval on vLLM v0.14.0",
                  "The scheduler changes cut p95 latency for our 8B model by a third.",
                  items=[vllm], assets=["release-notes-eval"], owner="ben", now=t(3, 14))
    xp.transition(db, e.id, "running", "ben", now=t(2, 9))

    quant = _find(db, ("blog", "huggingface-blog", "Quantizing Llama 3.1 8B Instruct"))
    xp.create(db, "Try the 4-bit Llama 3.1 8B for ticket-triage",
              "Triage accuracy stays within 2 points at half the GPU memory.",
              items=[quant], assets=["ticket-triage"], owner="ana", now=t(1, 17))

    e = xp.create(db, "Few-shot examples for help-center-rag answers", "", assets=["help-center-rag"],
                  owner="chen", now=t(9, 10))
    xp.transition(db, e.id, "abandoned", "chen", now=t(7, 12))
