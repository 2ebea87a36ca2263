"""Story grouping (issue 16, the grouping core): the labelled fixture's pairwise precision and
recall, and each trap on its own."""

from __future__ import annotations

from itertools import combinations

from feedwatch.enrich.evidence import StoryItem, model_event_keys
from feedwatch.stories.assign import StoryIndex
from feedwatch.story_titles import near_identical
from tests.stories_fixture import ITEMS

KINDS = {"hf-meta-llama": "huggingface", **{r[1]: "github" for r in ITEMS if r[7]}}


def extra_of(source: str, title: str) -> dict:
    """deprecations.info items carry their record (`_deprecation`), as the real feed's do."""
    if source != "deprecations":
        return {}
    provider, model = title.split(": ", 1)
    return {"_deprecation": {"provider": provider, "model_id": model}}


def group(rows=ITEMS):
    index = StoryIndex()
    labels, stories = {}, {}
    ordered = sorted(enumerate(rows, 1), key=lambda r: (r[1][6], r[0]))     # as a fetch would store them
    for n, (label, source, title, url, text, arxiv_id, published, repo) in ordered:
        item = StoryItem(n, source, title, url, text, arxiv_id, published, repo,
                         model_event_keys(source, title, text, extra_of(source, title), KINDS.get(source)))
        labels[n] = label
        stories[n] = index.add(item)
    return labels, {n: index.story_of[n] for n in stories}, index


def pairwise(labels, stories):
    tp = fp = fn = 0
    for a, b in combinations(sorted(labels), 2):
        same_label, same_story = labels[a] == labels[b], stories[a] == stories[b]
        tp += same_label and same_story
        fp += same_story and not same_label
        fn += same_label and not same_story
    return tp / (tp + fp), tp / (tp + fn)


def test_pairwise_precision_and_recall_on_the_labelled_fixture():
    labels, stories, _ = group()
    precision, recall = pairwise(labels, stories)
    assert len(ITEMS) >= 60 and len({r[1] for r in ITEMS}) >= 5
    assert precision >= 0.97 and recall >= 0.9, (precision, recall)
    wrong = [(labels[a], labels[b]) for a, b in combinations(sorted(labels), 2)
             if (labels[a] == labels[b]) != (stories[a] == stories[b])]
    assert wrong == [], wrong


def test_what_must_not_merge():
    assert not near_identical("vLLM v0.14.0 released", "vLLM v0.14.1 released")
    assert not near_identical("Sparse Attention Is All You Need for Long Documents",
                              "Dense Attention Is All You Need for Long Documents")
    assert not near_identical("Chain-of-Thought Prompting Improves Multilingual Reasoning",
                              "Chain-of-Thought Prompting Does Not Improve Multilingual Reasoning")
    assert not near_identical("Introducing Llama 4.1 8B", "Introducing Llama 4.1 70B")
    from feedwatch.enrich.evidence import release_key
    assert release_key(StoryItem(1, "s", "TLS 1.3 in practice: lessons from a migration")) is None
    assert release_key(StoryItem(1, "s", "vLLM 0.14.0 released")) == "release:vllm:0.14.0"
    assert near_identical("Optimisation tricks for serving mixture-of-experts models",
                          "Optimization tricks for serving mixture of experts models")
    labels, stories, _ = group()
    by_label = {}
    for n, label in labels.items():
        by_label.setdefault(label, set()).add(stories[n])
    for a, b in (("v140", "v141"), ("p2", "p3"), ("l8", "l70"), ("batch1", "batch2"), ("batch2", "batch3"),
                 ("iai1", "iai2"), ("gem35", "gem30"), ("p4", "p5")):
        assert by_label[a].isdisjoint(by_label[b]), (a, b)
    assert all(len(by_label[f"p{n}"]) == 1 for n in (1, 2, 4))
    assert len({stories[n] for n, label in labels.items() if label == "r1"} & set().union(
        *(by_label[x] for x in ("p1", "p2", "p4")))) == 0       # the roundup joins none of its papers


def test_a_hostile_feed_repeating_one_title_stays_bounded():
    index = StoryIndex(max_size=50)
    for n in range(1, 10_001):
        index.add(StoryItem(n, f"spam-{n % 3}", "Breaking: the same headline again and again", None, "", None,
                            "2026-11-20T10:00:00Z"))
    assert max(len(s.items) for s in index.stories.values()) <= 50
    # each of the three sources' copies never joins a story holding its own source
    assert all(len(s.sources) == len(s.items) for s in index.stories.values())


def _store_fixture(db):
    from feedwatch.entry import Entry
    from feedwatch.storage.ingest import write_entries
    ids = {}
    ordered = sorted(enumerate(ITEMS, 1), key=lambda r: (r[1][6], r[0]))
    with db.transaction() as c:
        for n, (_label, source, title, url, text, arxiv_id, published, _repo) in ordered:
            write_entries(c, source, [Entry(guid=f"g{n}", title=title, url=url, summary=text, arxiv_id=arxiv_id,
                                            published=published, extra=extra_of(source, title))], [], published)
    for r in db.query("SELECT i.id, s.guid FROM items i JOIN item_sources s ON s.item_id = i.id"):
        ids[int(r["guid"][1:])] = r["id"]
    return ids


def _config():
    from feedwatch.config import parse_config
    repos = {r[1]: r[7] for r in ITEMS if r[7]}
    return parse_config({"sources": [{"name": s, "kind": "github", "repo": repo} for s, repo in repos.items()]
                         + [{"name": "hf-meta-llama", "kind": "huggingface", "author": "meta-llama"}]})


def test_grouping_in_the_database_matches_the_labels_and_is_incremental(db_url):
    from feedwatch.storage.db import open_database
    from feedwatch.stories.run import group_pending
    db = open_database(db_url)
    try:
        ids = _store_fixture(db)
        first = group_pending(db, _config())
        labels = {ids[n]: ITEMS[n - 1][0] for n in ids}        # the same URL twice is one item already at ingest
        in_groups = sum(1 for i, lab in labels.items() if sum(x == lab for x in labels.values()) > 1)
        assert first.items == len(labels) == len(ITEMS) - 1 and first.joined == in_groups
        story = {r["id"]: r["story_id"] for r in db.query("SELECT id, COALESCE(story_id, id) AS story_id FROM items")}
        assert pairwise(labels, story) == (1.0, 1.0)
        leads = {r["story_id"]: r["id"] for r in db.query("SELECT id, COALESCE(story_id, id) AS story_id FROM items "
                                                          "WHERE story_lead = 1")}
        assert len(leads) == len(set(story.values()))                       # one lead per story
        p1 = {n: ids[n] for n, row in enumerate(ITEMS, 1) if row[0] == "p1"}
        assert leads[story[p1[1]]] == p1[1]                                   # the paper leads its story
        assert group_pending(db, _config()).items == 0                        # nothing left: no re-clustering
        from feedwatch.entry import Entry
        from feedwatch.storage.ingest import write_entries
        with db.transaction() as c:      # a later fetch brings another report of the vLLM release
            write_entries(c, "late-news", [Entry(guid="x", title="vLLM v0.14.0 is out", url="https://late.example/x",
                                                 published="2026-11-16T10:00:00Z")], [], "2026-11-16T10:00:00Z")
        assert group_pending(db, _config()).joined == 1
        [late] = db.query("SELECT COALESCE(story_id, id) AS story_id FROM items WHERE source = 'late-news'")
        v140 = {story[ids[n]] for n, row in enumerate(ITEMS, 1) if row[0] == "v140"}
        assert {late["story_id"]} == v140
    finally:
        db.close()


def test_a_manual_split_and_merge_stay_across_later_passes(tmp_path):
    from feedwatch.entry import Entry
    from feedwatch.storage import stories as store
    from feedwatch.storage.db import open_database
    from feedwatch.storage.ingest import write_entries
    from feedwatch.stories.run import group_pending
    db = open_database(str(tmp_path / "s.db"))
    try:
        ids = _store_fixture(db)
        group_pending(db, _config())
        atlas = [ids[n] for n, row in enumerate(ITEMS, 1) if row[0] == "atlas"]
        sid, members = store.story_of(db, atlas[1])
        assert sorted(members) == sorted(atlas)
        store.split(db, atlas[1])
        assert store.story_of(db, atlas[1]) == (atlas[1], [atlas[1]])
        rest_sid, rest = store.story_of(db, atlas[0])
        assert sorted(rest) == sorted([atlas[0], atlas[2]])
        assert db.query("SELECT COUNT(*) AS n FROM items WHERE story_id = :s AND story_lead = 1", {"s": rest_sid}
                        )[0]["n"] == 1
        lone = ids[next(n for n, row in enumerate(ITEMS, 1) if row[0] == "lone0")]
        store.merge(db, lone, atlas[0])
        assert lone in store.story_of(db, atlas[0])[1]
        with db.transaction() as c:      # a later copy of the split title arrives; the split item stays alone
            write_entries(c, "late-news", [Entry(guid="y", title="OpenAI launches ChatGPT Atlas, a browser with an "
                                                 "agent built in", published="2026-11-21T05:00:00Z")], [],
                          "2026-11-21T05:00:00Z")
        group_pending(db, _config())
        assert store.story_of(db, atlas[1]) == (atlas[1], [atlas[1]])
        assert lone in store.story_of(db, atlas[0])[1]
    finally:
        db.close()


def test_the_digest_lists_a_story_once_with_all_its_sources(tmp_path):
    import json

    from feedwatch.digest import Limits, build_digest, parse_week, render
    from feedwatch.storage.db import open_database
    from feedwatch.stories.run import group_pending
    db = open_database(str(tmp_path / "d.db"))
    try:
        _store_fixture(db)
        group_pending(db, _config())
        week = parse_week("2026-W46")          # 2026-11-09 .. 2026-11-15
        digest = build_digest(db, _config(), week.since, week.until, Limits(highlights=100))
        data, md = json.loads(render(digest, "json")), render(digest, "md")
    finally:
        db.close()
    items = data["highlights"]["items"]
    in_week = {row[0] for row in ITEMS if "2026-11-09" <= row[6][:10] <= "2026-11-15"}
    assert data["totals"]["items"] == len(items) == len(in_week)      # stories, not reports
    p1 = [i for i in items if "Long-Context Retrieval" in i["title"] or "Thinking longer" in i["title"]]
    assert {i["id"] for i in p1} == {p1[0]["id"]}                          # one story, one item
    assert p1[0]["sources"] == ["arxiv-cs-cl", "community-news", "hf-papers", "lab-blog"]
    assert p1[0]["title"] == "Scaling Test-Time Compute for Long-Context Retrieval"     # the paper leads
    assert "arxiv-cs-cl + community-news + hf-papers + lab-blog" in md
    titles = [i["title"] for i in data["highlights"]["items"]]
    assert len(titles) == len(set(titles))


def test_the_preview_shows_a_storys_asset_links_once(tmp_path):
    from feedwatch.entry import Entry
    from feedwatch.storage import triage
    from feedwatch.storage.db import open_database
    from feedwatch.storage.enrichment import set_link_status
    from feedwatch.storage.ingest import write_entries
    from feedwatch.stories.run import group_pending
    db = open_database(str(tmp_path / "p.db"))
    try:
        with db.transaction() as c:
            write_entries(c, "arxiv", [Entry(guid="a", title="A paper", arxiv_id="2611.05555",
                                             published="2026-11-20T10:00:00Z")], ["paper"], "2026-11-20T10:00:00Z")
            write_entries(c, "blog", [Entry(guid="b", title="Why it matters", summary="https://arxiv.org/abs/2611.05555",
                                            published="2026-11-21T10:00:00Z")], [], "2026-11-21T10:00:00Z")
        group_pending(db)
        ids = {r["source"]: r["id"] for r in db.query("SELECT id, source FROM items")}
        set_link_status(db, ids["blog"], "rag", "confirmed", "ana", reason="about our retriever")
        set_link_status(db, ids["arxiv"], "summarizer", "confirmed", "ana")
        set_link_status(db, ids["blog"], "summarizer", "dismissed", "bob")
        detail = triage.item_detail(db, ids["arxiv"], "ana")
        assert [o["source"] for o in detail["story"]] == ["blog"]
        shown = [(x["asset"], x["status"]) for x in detail["links"]]
        assert shown == [("summarizer", "confirmed"), ("rag", "confirmed")]     # the lead's own decision first
    finally:
        db.close()
