"""The story queue (migration 0011): evidence worked out as items are stored gives the same stories
as working it out in the pass, lone items cost no row update, and the grammar's cheap pre-test never
rules out a name the grammar finds."""

from __future__ import annotations

import gzip
import json
from functools import partial
from pathlib import Path

import feedwatch
from feedwatch.enrich.evidence import entry_evidence
from feedwatch.enrich.mention_grammar import may_name_model
from feedwatch.enrich.mentions import find_mentions
from feedwatch.entry import Entry
from feedwatch.storage.db import open_database
from feedwatch.storage.ingest import write_entries
from feedwatch.stories.run import group_pending
from feedwatch.story_titles import signature
from tests.stories_fixture import ITEMS
from tests.test_stories import KINDS, _config, extra_of


def _store(db, with_evidence: bool) -> dict[int, int]:
    """The labelled fixture, stored as a fetch stores it (`with_evidence`) or without evidence."""
    ordered = sorted(enumerate(ITEMS, 1), key=lambda r: (r[1][6], r[0]))
    with db.transaction() as c:
        for n, (_label, source, title, url, text, arxiv_id, published, repo) in ordered:
            evidence = partial(entry_evidence, source, KINDS.get(source), repo) if with_evidence else None
            write_entries(c, source, [Entry(guid=f"g{n}", title=title, url=url, summary=text, arxiv_id=arxiv_id,
                                            published=published, extra=extra_of(source, title))], [], published,
                          evidence)
    return {int(r["guid"][1:]): r["id"] for r in db.query("SELECT item_id AS id, guid FROM item_sources")}


def _stories(db, ids: dict[int, int]) -> set[frozenset[int]]:
    story = {r["id"]: r["story"] for r in db.query("SELECT id, COALESCE(story_id, id) AS story FROM items")}
    out: dict[int, set[int]] = {}
    for n, item in ids.items():
        out.setdefault(story[item], set()).add(n)
    return {frozenset(s) for s in out.values()}


def test_evidence_stored_with_the_item_groups_as_the_pass_would(tmp_path):
    """The same fixture, its evidence worked out at write time or in the pass: the same stories,
    the same leads, and the pass reads no item's text for the first."""
    results = []
    for with_evidence in (True, False):
        db = open_database(str(tmp_path / f"e{with_evidence}.db"))
        try:
            ids = _store(db, with_evidence)
            queued = db.query("SELECT COUNT(*) AS n, COUNT(evidence) AS e FROM story_queue")[0]
            assert queued == {"n": len(set(ids.values())), "e": queued["n"] if with_evidence else 0}
            summary = group_pending(db, _config())
            assert summary.items == queued["n"] and summary.joined > 0
            assert db.query("SELECT COUNT(*) AS n FROM story_queue")[0]["n"] == 0
            leads = {r["id"] for r in db.query("SELECT id FROM items WHERE story_lead = 1")}
            results.append((_stories(db, ids), {n for n, i in ids.items() if i in leads}))
        finally:
            db.close()
    assert results[0] == results[1]
    assert len(results[0][0]) < len(set(ITEMS))                  # some stories hold several items


def test_a_lone_item_leaves_the_queue_and_keeps_its_row(db_url):
    """A new item that shares nothing is its own story without an update of its row (story_id stays
    NULL), and its evidence stays for a later report of the same paper to find."""
    db = open_database(db_url)
    try:
        with db.transaction() as c:
            e = Entry(guid="p", title="A paper nobody else reports", url="https://arxiv.org/abs/2611.00001",
                      arxiv_id="2611.00001", published="2026-11-20T00:00:00Z")
            write_entries(c, "arxiv", [e], [], "2026-11-20T00:00:00Z", partial(entry_evidence, "arxiv", "arxiv", None))
        assert group_pending(db).items == 1
        [row] = db.query("SELECT id, story_id, story_lead FROM items")
        assert row["story_id"] is None and row["story_lead"] == 1
        assert db.query("SELECT key, story_id FROM story_keys") == [{"key": "arxiv:2611.00001", "story_id": row["id"]}]
        with db.transaction() as c:     # a blog post about that paper, a day later
            e = Entry(guid="b", title="Why this paper matters", url="https://blog.example/why",
                      summary="See https://arxiv.org/abs/2611.00001 for details.", published="2026-11-21T00:00:00Z")
            write_entries(c, "blog", [e], [], "2026-11-21T00:00:00Z", partial(entry_evidence, "blog", "rss", None))
        assert group_pending(db).joined == 1
        rows = db.query("SELECT id, story_id, story_lead FROM items ORDER BY id")
        assert [r["story_id"] for r in rows] == [row["id"], row["id"]] and [r["story_lead"] for r in rows] == [1, 0]
    finally:
        db.close()


def test_items_waiting_at_the_upgrade_are_queued(db_url):
    """A database of revision 0010 with an item not grouped yet: 0011 queues it, the pass groups it."""
    from feedwatch.storage.db import Database, resolve_db_url
    from feedwatch.storage.migrate import upgrade
    from tests.conftest import store_in_old_schema
    old = Database(resolve_db_url(db_url))
    try:
        upgrade(old, "0010")
        with old.transaction() as c:
            a = store_in_old_schema(c, "a", "1", "vLLM v0.14.0 is out", "2026-11-20T00:00:00Z")
            b = store_in_old_schema(c, "b", "2", "vLLM v0.14.0 is out", "2026-11-20T01:00:00Z")
            c.execute("UPDATE items SET story_sig = :g", {"g": signature("vLLM v0.14.0 is out")})   # as 0010 wrote
            c.execute("UPDATE items SET story_id = id WHERE id = :a", {"a": a})      # grouped before the upgrade
    finally:
        old.close()
    db = open_database(db_url)
    try:
        assert [r["item_id"] for r in db.query("SELECT item_id FROM story_queue")] == [b]
        assert group_pending(db).joined == 1        # the same title from another source: b joins a's story
        assert {r["id"]: r["story_id"] for r in db.query("SELECT id, story_id FROM items")} == {a: a, b: a}
    finally:
        db.close()


def _catalogue_names() -> list[str]:
    """The model ids of the bundled catalogue snapshot (each entry: provider, id as listed, id, ...)."""
    path = Path(feedwatch.__file__).parent / "data" / "catalog_snapshot.json.gz"
    data = json.loads(gzip.decompress(path.read_bytes()))
    return sorted({name for cat in data["catalogs"] for entry in cat["entries"] for name in entry[1:3]
                   if isinstance(name, str)})


def test_the_pre_test_never_rules_out_a_name_the_grammar_finds():
    """Every model id of the bundled catalogue (thousands, every vendor), as written and as prose
    ("Claude Sonnet 4.5"), and the grammar's own test names: wherever find_mentions finds a model,
    may_name_model says it may."""
    names = _catalogue_names()
    assert len(names) > 1000
    texts = names + [n.replace("-", " ").title() for n in names] + [
        "GPT‑4o", "o3-mini", "Claude Sonnet 4.5", "Gemini 2.5 Pro", "Llama 3.1 70B", "Qwen2.5-72B-Instruct",
        "meta-llama/Llama-3.1-8B-Instruct", "Mistral Large 2", "DeepSeek-V3", "Grok 4", "Command R+",
        "text-embedding-3-small", "DALL·E 3", "whisper-1", "open-mixtral-8x7b", "QwQ-32B", "Sonnet 4.5"]
    found = 0
    for text in texts:
        if find_mentions(text):
            found += 1
            assert may_name_model(text.lower()), text
    assert found > 1000
    assert not may_name_model("python 3.12 release notes") and not may_name_model("linux 6.8 is out")


def test_a_feed_repeating_one_title_is_grouped_in_bounded_stories(tmp_path):
    """300 copies of one title from one feed and 300 from another: copies from one source never join
    each other (each b copy joins one a copy), and the title counts as grouped only once it is."""
    from feedwatch.storage import stories as store
    db = open_database(str(tmp_path / "h.db"))
    try:
        for source in ("spam-a", "spam-b"):
            with db.transaction() as c:
                write_entries(c, source, [Entry(guid=f"{source}{i}", title="Breaking: the same headline again",
                                                published="2026-11-20T10:00:00Z") for i in range(300)], [],
                              "2026-11-20T10:00:00Z", partial(entry_evidence, source, "feed", None))
            if source == "spam-a":
                assert store.grouped_signatures(db) == set()          # queued only: nothing to join yet
                assert group_pending(db).items == 300
        assert store.grouped_signatures(db) == {signature("Breaking: the same headline again")}
        summary = group_pending(db)
        assert summary.items == 300 and store.queued(db) == []
        sizes = [r["n"] for r in db.query("SELECT COUNT(*) AS n, COUNT(DISTINCT source) AS s FROM items "
                                         "GROUP BY COALESCE(story_id, id)")]
        assert max(sizes) == 2 and sum(sizes) == 600      # each b copy joined one a copy, one per story
    finally:
        db.close()


def test_the_pre_tests_trie_matches_what_the_flat_alternation_matches():
    """The leads are compiled as a trie for speed; it must match exactly where the plain
    alternation of the same leads matches (every lead, every catalogue name, near misses)."""
    import re

    from feedwatch.enrich import mention_grammar as grammar
    flat = re.compile("|".join(grammar._LEADS))
    leads = [re.sub(r"\[[^\]]*\]", "-", re.sub(r"\\(.)", r"\1", lead)) for lead in grammar._LEADS]
    texts = leads + [lead[:-1] for lead in leads] + [f"x {lead} y" for lead in leads] + _catalogue_names()
    texts += ["python 3.12 release notes", "claude", "claud", "codex-", "o9", "o-1", ""]
    for text in texts:
        text = text.lower()
        assert (flat.search(text) is None) == (grammar._LEADS_RX.search(text) is None), text
