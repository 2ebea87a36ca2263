"""Search: the query syntax, every filter, FTS on both backends, trigger sync, hostile input, the CLI."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest

from feedwatch.entry import Entry
from feedwatch.storage.db import Database, open_database, resolve_db_url
from feedwatch.storage.ingest import write_entries
from feedwatch.storage.queries import list_items
from feedwatch.storage.search import QueryError, Term, count_items, parse_query, search_items, where_sql
from feedwatch.storage.triage import set_hidden, set_starred, set_state

NOW = datetime.now(UTC).replace(microsecond=0)


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the syntax, without a database ---------------------------------------------------------------

def test_parse_every_filter():
    q = parse_query('tag:model-release source:arxiv-cl asset:support-summarizer is:unread is:starred '
                    'since:7d "exact phrase" free words')
    assert q.tags == ["model-release"] and q.sources == ["arxiv-cl"] and q.assets == ["support-summarizer"]
    assert q.flags == ["unread", "starred"]
    assert q.since is not None and q.since.endswith("Z")
    assert q.terms == [Term("exact phrase", phrase=True), Term("free"), Term("words", prefix=True)]


def test_parse_negation_keys_and_values():
    q = parse_query('-tag:X -source:s -asset:a -is:read -"a phrase" -word TAG:Upper source:"my feed" ')
    assert q.exclude_tags == ["x"] and q.tags == ["upper"]
    assert q.exclude_sources == ["s"] and q.sources == ["my feed"]
    assert q.exclude_assets == ["a"] and q.exclude_flags == ["read"]
    assert q.exclude_terms == [Term("a phrase", phrase=True), Term("word")]
    assert q.terms == []


def test_parse_unknown_keys_are_words_and_empty_keys_wait():
    q = parse_query("author:kaplan is:weird tag: source: https://example.org/x")
    assert [t.text for t in q.terms] == ["author:kaplan", "is:weird", "https://example.org/x"]
    assert q.tags == [] and q.sources == []


def test_parse_prefix_only_while_typing_the_last_word():
    assert parse_query("transf").terms == [Term("transf", prefix=True)]
    assert parse_query("transf ").terms == [Term("transf")]
    assert parse_query("transf tag:x").terms == [Term("transf")]
    assert parse_query('"closed phrase"').terms == [Term("closed phrase", phrase=True)]
    assert parse_query('"unclosed phr').terms == [Term("unclosed phr", phrase=True, prefix=True)]
    assert parse_query("-neg").exclude_terms == [Term("neg")]


def test_parse_since_forms_and_errors():
    assert parse_query("since:2026-11-01").since == "2026-11-01T00:00:00Z"
    assert parse_query("-since:2026-11-01").until == "2026-11-01T00:00:00Z"
    for bad in ("since:yesterday", "since:7x", 'since:"1 week"', "since:2026-13-45", "since:99999999999999d",
                "since:0001-01-01T00:00+14:00", "since:" + "9" * 500 + "w"):
        with pytest.raises(QueryError) as info:
            parse_query(bad)
        assert "\n" not in str(info.value) and "since:" in str(info.value)


HOSTILE = [
    "", " ", "\t\n", '"', '""', '"""', "'", ":", "::", "-", "--", "- -", "*", "**", "^", "(", ")", "()",
    "AND", "OR", "NOT", "NEAR", "NEAR(a b, 2)", "a AND", "OR b", "NOT NOT", "a NEAR/3 b", "title:foo",
    "{title summary}: x", "col : x", "x*", "*x", "^x", "a + b", '"a" "b', 'a"b"c', "tag:\"", "source:\"x",
    "is:", "tag:%", "tag:_", "tag:\\", "asset:'", "'; DROP TABLE items; --", "x' OR '1'='1",
    "\") OR 1=1 --", "1; SELECT * FROM sqlite_master", "%", "_", "\\", "\\'", "\x00", "a\x00b", "\x1b[31mred",
    "\ud800", "emoji 🤖 test", "日本語", "עברית", "Ünïcödé", "ﬁ ligature", "e\u0301", "x" * 5000,
    " ".join(["word"] * 500), "&", "|", "!", "<->", "a <-> b", "a:*", "'a':*", "a & !b", "!!", "(a | b)",
    "-\"\"", "-tag:", "-since:", "-is:", "since:", "a -b -\"c d\" tag:x -tag:y",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_parse_never_raises(text):
    q = parse_query(text)
    for term in q.terms + q.exclude_terms:
        assert any(ch.isalnum() for ch in term.text)
        assert "\x00" not in term.text


def test_parse_random_text_never_raises():
    rng = random.Random(7)
    alphabet = 'ab z"\'-:*()^{}+<>&|!%_\\\x00é日🤖\t'
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        text = text.replace("since:", "s:")
        parse_query(text)


# -- against both backends ------------------------------------------------------------------------

@pytest.fixture
def db(db_url):
    database = open_database(db_url)
    yield database
    database.close()


def add(db: Database, source: str, *entries: Entry, tags=(), now: str | None = None) -> None:
    with db.transaction() as c:
        write_entries(c, source, list(entries), list(tags), now or ago(0))


def ids_by_guid(db: Database) -> dict[str, int]:
    return {r["guid"]: r["id"] for r in db.query("SELECT guid, id FROM items")}


@pytest.fixture
def corpus(db):
    """Five items with every kind of field and filter; returns {name: item id}."""
    add(db, "openai-blog", Entry(
        guid="a", title="GPT-4o system card", summary="How we evaluated the model.",
        content="Safety evaluations covered jailbreaks and red teaming.", authors=["OpenAI"],
        published=ago(1)), tags=["model-release"])
    add(db, "anthropic-news", Entry(
        guid="c", title="Claude release notes",
        summary="Prompt caching is now generally available for everyone.", authors=["Anthropic"],
        published=ago(2)), tags=["model-release"])
    add(db, "arxiv-cl", Entry(
        guid="b", title="Scaling laws for neural language models", summary="Power laws in loss.",
        authors=["Jared Kaplan", "Sam McCandlish"], arxiv_id="2001.08361", published=ago(3)), tags=["paper"])
    add(db, "arxiv-cl", Entry(guid="d", title="Fine-tuning tricks", content="Un café, un résumé naïve.",
                              arxiv_id="2401.00001"), now=ago(4))
    add(db, "arxiv-lg", Entry(guid="d2", title="Fine-tuning tricks", content="Un café, un résumé naïve.",
                              arxiv_id="2401.00001"), now=ago(0))
    add(db, "arxiv-cl", Entry(guid="e", title="Old news about tokenizers", summary="Byte pair encoding.",
                              published=ago(400)))
    ids = ids_by_guid(db)
    ids = {"a": ids["a"], "b": ids["b"], "c": ids["c"], "d": ids["d"], "e": ids["e"]}
    with db.transaction() as c:
        c.execute("UPDATE items SET enrich_tags = :t, ai_summary = :s WHERE id = :id",
                  {"t": json.dumps(["scaling"]), "s": "Bigger models, predictable loss curves.", "id": ids["b"]})
        c.execute("UPDATE items SET user_tags = :t WHERE id = :id",
                  {"t": json.dumps(["needs-experiment"]), "id": ids["c"]})
        for item, asset, status in (("a", "support-summarizer", "suggested"), ("c", "support-summarizer", "dismissed"),
                                    ("b", "eval-harness", "confirmed"), ("e", "eval-harness", "dismissed")):
            c.execute("INSERT INTO asset_links (item_id, asset, origin, status, created_at, updated_at) "
                      "VALUES (:id, :asset, 'test', :status, :now, :now)",
                      {"id": ids[item], "asset": asset, "status": status, "now": ago(0)})
    set_starred(db, ME, [ids["c"]], True)
    set_state(db, ME, [ids["b"]], "read")
    set_state(db, "someone-else", [ids["a"], ids["c"]], "read")   # another person's state changes nothing here
    set_hidden(db, "someone-else", [ids["d"]], True)
    return ids


ME = "ana"   # whose triage state is: means


def find(db, text, **kw) -> list[int]:
    return search_items(db, text, person=ME, **kw)


def names(corpus, found: list[int]) -> list[str]:
    by_id = {v: k for k, v in corpus.items()}
    return [by_id[i] for i in found]


def test_empty_query_lists_everything_newest_first(db, corpus):
    assert names(corpus, find(db, "")) == ["a", "c", "b", "d", "e"]   # d: no date, first seen 4 days ago
    assert names(corpus, find(db, "   ")) == ["a", "c", "b", "d", "e"]
    assert count_items(db, "") == 5


def test_free_words_search_every_text_field(db, corpus):
    assert names(corpus, find(db, "jailbreaks ")) == ["a"]                 # content
    assert names(corpus, find(db, "caching ")) == ["c"]                    # summary
    assert names(corpus, find(db, "kaplan ")) == ["b"]                     # authors
    assert names(corpus, find(db, "predictable ")) == ["b"]                # ai_summary
    assert names(corpus, find(db, "scaling ")) == ["b"]                    # title and enrich tag
    assert names(corpus, find(db, "experiment ")) == ["c"]                 # user tag text
    assert names(corpus, find(db, "release ")) == ["a", "c"]               # feed tag text, title
    assert names(corpus, find(db, "CLAUDE Notes ")) == ["c"]               # every word, any case
    assert names(corpus, find(db, "claude jailbreaks ")) == []
    assert names(corpus, find(db, "gpt-4o ")) == ["a"]


def test_prefix_search_for_the_last_word(db, corpus):
    assert names(corpus, find(db, "tokeniz")) == ["e"]
    assert names(corpus, find(db, "tokeniz ")) == []
    assert names(corpus, find(db, "laws neur")) == ["b"]
    assert names(corpus, find(db, "neur laws")) == []                     # only the last word is a prefix
    assert names(corpus, find(db, "gpt-4")) == ["a"]                       # half-typed model name
    assert names(corpus, find(db, "clau")) == ["c"]
    assert set(names(corpus, find(db, "c"))) >= {"a", "c", "d"}            # one letter: card, claude, café...


def test_phrases(db, corpus):
    assert names(corpus, find(db, '"prompt caching"')) == ["c"]
    assert names(corpus, find(db, '"caching prompt"')) == []
    assert names(corpus, find(db, '"generally available" claude')) == ["c"]
    assert names(corpus, find(db, '"red team')) == ["a"]                   # unclosed: phrase with prefix
    assert names(corpus, find(db, '-"prompt caching" tag:model-release')) == ["a"]


def test_tag_filter_covers_feed_enricher_and_user_tags(db, corpus):
    assert names(corpus, find(db, "tag:model-release")) == ["a", "c"]
    assert names(corpus, find(db, "tag:Model-Release")) == ["a", "c"]
    assert names(corpus, find(db, "tag:scaling")) == ["b"]                 # enrich_tags
    assert names(corpus, find(db, "tag:needs-experiment")) == ["c"]        # user_tags
    assert names(corpus, find(db, "tag:model")) == []                      # whole tags only
    assert names(corpus, find(db, "tag:model_release")) == []              # LIKE wildcards are literal
    assert names(corpus, find(db, "tag:%")) == [] and names(corpus, find(db, "tag:_")) == []
    assert names(corpus, find(db, "-tag:model-release")) == ["b", "d", "e"]
    assert names(corpus, find(db, "tag:model-release tag:needs-experiment")) == ["c"]


def test_source_filter_uses_every_delivering_source(db, corpus):
    assert names(corpus, find(db, "source:arxiv-cl")) == ["b", "d", "e"]
    assert names(corpus, find(db, "source:arxiv-lg")) == ["d"]             # d came through both listings
    assert names(corpus, find(db, "-source:arxiv-cl")) == ["a", "c"]
    assert names(corpus, find(db, "source:nope")) == []
    assert names(corpus, find(db, 'source:"arxiv-cl"')) == ["b", "d", "e"]


def test_asset_filter_ignores_dismissed_links(db, corpus):
    assert names(corpus, find(db, "asset:support-summarizer")) == ["a"]
    assert names(corpus, find(db, "asset:eval-harness")) == ["b"]
    assert names(corpus, find(db, "-asset:eval-harness")) == ["a", "c", "d", "e"]


def test_state_and_star_filters(db, corpus):
    assert names(corpus, find(db, "is:unread")) == ["a", "c", "d", "e"]
    assert names(corpus, find(db, "is:read")) == ["b"]
    assert names(corpus, find(db, "is:starred")) == ["c"]
    assert names(corpus, find(db, "-is:starred is:unread")) == ["a", "d", "e"]
    assert names(corpus, find(db, "-is:unread")) == ["b"]
    assert names(corpus, find(db, "is:read is:unread")) == []
    assert names(corpus, find(db, "IS:STARRED")) == ["c"]


def test_since(db, corpus):
    assert names(corpus, find(db, "since:7d")) == ["a", "c", "b", "d"]
    assert names(corpus, find(db, "since:36h")) == ["a"]
    assert names(corpus, find(db, "since:2w -since:60h")) == ["b", "d"]
    assert names(corpus, find(db, "-since:30d")) == ["e"]
    assert names(corpus, find(db, f"since:{ago(2.5)}")) == ["a", "c"]
    assert names(corpus, find(db, f"since:{ago(500)[:10]}")) == ["a", "c", "b", "d", "e"]
    with pytest.raises(QueryError):
        find(db, "since:lastweek")


def test_combinations(db, corpus):
    assert names(corpus, find(db, "tag:model-release is:starred since:7d claude")) == ["c"]
    assert names(corpus, find(db, "source:arxiv-cl -is:read tok")) == ["e"]
    assert names(corpus, find(db, "asset:support-summarizer is:unread -tag:paper evaluat")) == ["a"]
    assert names(corpus, find(db, "-source:openai-blog -tag:paper -claude")) == ["d", "e"]
    assert count_items(db, "source:arxiv-cl -is:read", person=ME) == 2


def test_limit_offset_and_count(db, corpus):
    assert names(corpus, find(db, "", limit=2)) == ["a", "c"]
    assert names(corpus, find(db, "", limit=2, offset=2)) == ["b", "d"]
    assert names(corpus, find(db, "", offset=3)) == ["d", "e"]
    assert find(db, "", limit=0) == []
    assert count_items(db, "tag:model-release") == 2
    assert count_items(db, parse_query("is:unread"), person=ME) == 4
    assert count_items(db, parse_query("is:unread"), person="someone-else") == 2   # a, c read; d hidden


def _unaccent(db) -> bool:
    """Whether this PostgreSQL server could install unaccent (the CI machine's can: then 0006 uses it)."""
    return bool(db.query("SELECT 1 AS x FROM pg_available_extensions WHERE name = 'unaccent'"))


def test_unicode(db, corpus):
    assert names(corpus, find(db, "café ")) == ["d"]
    assert names(corpus, find(db, "Résumé naïve")) == ["d"]
    if db.dialect == "sqlite" or _unaccent(db):   # FTS5 folds diacritics; PostgreSQL with unaccent (0006)
        assert names(corpus, find(db, "cafe resume ")) == ["d"]
        assert names(corpus, find(db, "CAFÉ RÉSUMÉ NAÏVE")) == ["d"]
        assert names(corpus, find(db, "resum")) == ["d"]                 # a prefix folds too
    add(db, "jp", Entry(guid="jp", title="日本語の論文 🤖 Ünïcödé", published=ago(0.5)))
    jp = ids_by_guid(db)["jp"]
    assert find(db, "日本語の論文") == [jp]
    assert find(db, "日本語") == [jp]                                          # prefix while typing
    assert find(db, "ünïcödé ") == [jp]
    assert find(db, "🤖 ünïcödé") == [jp]             # a symbol is not a word: no text filter from it
    assert len(find(db, "🤖")) == 6


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_never_reach_fts_or_sql_syntax(db, corpus, text):
    found = find(db, text)
    assert set(found) <= set(corpus.values())
    assert count_items(db, text) == len(found)
    assert db.query("SELECT COUNT(*) AS n FROM items")[0]["n"] == 5


def test_operators_and_injection_are_plain_words(db, corpus):
    add(db, "ops", Entry(guid="ops", title="NEAR and NOT: a guide to OR", published=ago(0.1)))
    ops = ids_by_guid(db)["ops"]
    assert find(db, "NEAR NOT OR AND ") == [ops]
    assert find(db, "NEAR(and not)") == [ops]
    assert find(db, "guide*") == [ops]
    assert find(db, "title:guide") == []                 # FTS5 column filter syntax is just two words
    assert find(db, "'; DROP TABLE items; --") == []
    assert find(db, "tag:x' OR '1'='1") == [] and find(db, "source:\" OR 1=1 --") == []
    assert find(db, "asset:x') OR 1=1 --") == []
    assert count_items(db, "") == 6


def test_random_garbage_on_the_database(db, corpus):
    rng = random.Random(11)
    alphabet = 'ab z"\'-:*()^{}+<>&|!%_\\é日\t'
    for _ in range(150):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))).replace("since:", "s:")
        assert set(find(db, text)) <= set(corpus.values())


def test_updates_are_searchable_immediately(db, corpus):
    """Triggers (SQLite) / the generated column (PostgreSQL) keep the index in step with every write."""
    a = corpus["a"]
    with db.transaction() as c:
        c.execute("UPDATE items SET title = 'Renamed: omnimodal card' WHERE id = :id", {"id": a})
    assert find(db, "omnimodal ") == [a]
    assert find(db, "gpt-4o ") == []
    with db.transaction() as c:     # enrichment writes ai_summary and enrich_tags
        c.execute("UPDATE items SET ai_summary = 'Mentions speculative decoding.', enrich_tags = :t WHERE id = :id",
                  {"t": json.dumps(["inference-speed"]), "id": corpus["e"]})
    assert find(db, "speculative decoding ") == [corpus["e"]]
    assert find(db, "tag:inference-speed") == [corpus["e"]]
    assert find(db, "inference speed ") == [corpus["e"]]
    set_state(db, ME, [corpus["e"]], "read")     # triage writes leave the text index alone and stay findable
    set_starred(db, ME, [corpus["e"]], True)
    assert find(db, "speculative is:read is:starred") == [corpus["e"]]
    # a re-fetch with changed content goes through ingest's UPDATE
    add(db, "arxiv-cl", Entry(guid="e", title="Old news about tokenizers", summary="Now about unigram LMs.",
                              published=ago(400)))
    assert find(db, "unigram ") == [corpus["e"]]
    assert find(db, '"byte pair"') == []
    with db.transaction() as c:
        c.execute("DELETE FROM items WHERE id = :id", {"id": corpus["c"]})
    assert find(db, "claude ") == []
    assert count_items(db, "") == 4
    if db.dialect == "sqlite":      # the index matches its content exactly after all of that
        with db.transaction() as c:
            c.execute("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")


def test_old_database_is_indexed_by_the_migration(db_url):
    """Items stored before migration 0003 are searchable after it."""
    from feedwatch.storage.migrate import upgrade
    old = Database(resolve_db_url(db_url))
    try:
        upgrade(old, "0002")
        from tests.conftest import store_in_old_schema
        with old.transaction() as c:
            store_in_old_schema(c, "s", "g", "Pre-search era paper about distillation", ago(1))
    finally:
        old.close()
    db = open_database(db_url)
    try:
        [item_id] = [r["id"] for r in db.query("SELECT id FROM items")]
        assert search_items(db, "distill") == [item_id]
        if db.dialect == "sqlite":
            with db.transaction() as c:
                c.execute("INSERT INTO items_fts (items_fts) VALUES ('integrity-check')")
    finally:
        db.close()


def test_list_items_query(db, corpus):
    rows = list_items(db, query="tag:model-release")
    assert [r.id for r in rows] == [corpus["a"], corpus["c"]]
    assert rows[0].tags == ["model-release"] and rows[0].assets == ["support-summarizer"]
    assert [r.id for r in list_items(db, query="fine-tuning", source="arxiv-lg")] == [corpus["d"]]
    assert [r.id for r in list_items(db, person=ME, query="is:unread", since=ago(3.5), limit=1)] == [corpus["a"]]
    assert len(list_items(db, query="")) == 5 and len(list_items(db, query=None)) == 5
    with pytest.raises(QueryError):
        list_items(db, query="since:soon")


def test_cli_items_query(db_url, db, corpus, capsys, tmp_path):
    from feedwatch.cli import main
    config = tmp_path / "ana.toml"
    config.write_text(f'user = "{ME}"\n', encoding="utf-8")
    assert main(["--config", str(config), "--db", db_url, "items", "--format", "jsonl", "--query",
                 "tag:model-release -is:starred"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in records] == [corpus["a"]]      # c is starred by ana, whom the config names
    assert main(["--db", db_url, "items", "--query", '"prompt caching"']) == 0
    out = capsys.readouterr().out
    assert "Claude release notes" in out and "GPT-4o" not in out
    assert main(["--db", db_url, "items", "--query", "NEAR( \" * AND"]) == 0
    assert "no items" in capsys.readouterr().out
    assert main(["--db", db_url, "items", "--query", "since:someday"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "since:someday" in err and "Traceback" not in err


def test_many_items_sanity(tmp_path):
    """Not a timing test (see benchmarks/search.py): a few thousand items, counts and paging agree."""
    db = open_database(str(tmp_path / "many.db"))
    try:
        words = ["alpha", "beta", "gamma", "delta", "transformer", "diffusion", "agent", "eval"]
        entries = [Entry(guid=str(i), title=f"{words[i % 8]} {words[(i * 3) % 8]} item {i}",
                         summary=f"number{i % 10}", published=ago(i / 100)) for i in range(3000)]
        add(db, "bulk", *entries, tags=["bulk"])
        assert count_items(db, "transformer") == len([e for e in entries if "transformer" in e.title])
        assert count_items(db, "number7 ") == 300
        page1 = search_items(db, "trans", limit=50)
        page2 = search_items(db, "trans", limit=50, offset=50)
        assert len(page1) == len(page2) == 50 and not set(page1) & set(page2)
        dates = [db.query("SELECT COALESCE(published, first_seen) AS d FROM items WHERE id = :id",
                          {"id": i})[0]["d"] for i in page1 + page2]
        assert dates == sorted(dates, reverse=True)
        plan = " ".join(r["detail"] for r in db.query(
            "EXPLAIN QUERY PLAN SELECT items.id FROM items WHERE items.id IN "
            "(SELECT rowid FROM items_fts WHERE items_fts MATCH '\"agent\"')"))
        assert "VIRTUAL TABLE" in plan and "SCAN items " not in plan + " "
    finally:
        db.close()


PLAN_QUERIES = ["", "claude", "release", "tag:model-release", "-tag:model-release", "tag:paper scaling",
                "source:arxiv-cl", "is:unread -claude", '"prompt caching"', "c", "tok", "gpt-4",
                "asset:support-summarizer", "-\"release notes\" tag:model-release", "since:7d -is:read"]


@pytest.mark.parametrize("text", PLAN_QUERIES)
def test_every_plan_gives_the_same_answer(db, corpus, text):
    """Paging (PostgreSQL: the newest-items window, then the index), counting and list_items agree."""
    everything = find(db, text)
    assert count_items(db, text, person=ME) == len(everything)
    assert [r.id for r in list_items(db, person=ME, query=text)] == everything
    for limit in (1, 2, 3, 10):
        for offset in (0, 1, 3):
            assert find(db, text, limit=limit, offset=offset) == everything[offset:offset + limit]


def test_hidden_items_only_with_is_hidden(db, corpus):
    """A person's hidden items leave their searches (and only theirs) until they ask for is:hidden."""
    set_hidden(db, ME, [corpus["a"]], True)
    assert "a" not in names(corpus, find(db, ""))
    assert names(corpus, find(db, "is:hidden")) == ["a"]
    assert names(corpus, find(db, "is:hidden claude")) == []
    assert "a" not in names(corpus, find(db, "-is:hidden"))
    assert "a" in names(corpus, search_items(db, "", person="someone-else"))
    assert "d" not in names(corpus, search_items(db, "", person="someone-else"))
    set_hidden(db, ME, [corpus["a"]], False)
    assert "a" in names(corpus, find(db, ""))


def test_postgres_without_unaccent_searches_as_before(pg_url):
    """Where the unaccent extension cannot be created (here: a role without CREATE on the database),
    migration 0006 keeps the 'simple' configuration and search still works, without folding."""
    import psycopg

    from tests.conftest import PG_BASE
    dsn = PG_BASE.replace("postgresql+psycopg://", "postgresql://")
    schema = pg_url.rsplit("%3D", 1)[1]
    with psycopg.connect(dsn, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'fw_no_extensions'").fetchone():
            conn.execute("CREATE ROLE fw_no_extensions LOGIN NOSUPERUSER")
        conn.execute(f'GRANT USAGE, CREATE ON SCHEMA "{schema}" TO fw_no_extensions')
        assert not conn.execute("SELECT has_database_privilege('fw_no_extensions', current_database(), 'CREATE')"
                                ).fetchone()[0]
    url = pg_url.replace("//postgres@", "//fw_no_extensions@", 1)
    assert url != pg_url
    db = open_database(url)
    try:
        assert db.query("SELECT feedwatch_tsconfig()::text AS c")[0]["c"] == "simple"
        add(db, "s", Entry(guid="d", title="Un café", published=ago(1)))
        [item] = ids_by_guid(db).values()
        assert find(db, "café") == [item]
        assert find(db, "cafe") == []
    finally:
        db.close()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{schema}"')      # for the fixture's own clean-up
            conn.execute("DROP OWNED BY fw_no_extensions")


def test_postgres_tag_search_is_served_by_its_index(pg_url):
    """tag:x on PostgreSQL must be the very expression of migration 0007's index, or the planner
    cannot use it (a rare tag then means testing row after row)."""
    db = open_database(pg_url)
    try:
        for i in range(30):
            add(db, "s", Entry(guid=f"g{i}", title=f"item {i}", published=ago(i)), tags=["paper" if i % 10 else "Rare"])
        where, params = where_sql("tag:rare", "postgresql", ME)
        with db.transaction() as c:
            c.execute("SET LOCAL enable_seqscan = off")
            plan = " ".join(str(next(iter(r.values()))) for r in c.execute(
                "EXPLAIN SELECT items.id FROM items WHERE " + " AND ".join(where), params))
        assert "ix_items_tag_set" in plan, plan
        assert len(find(db, "tag:rare")) == 3 and len(find(db, "-tag:RARE")) == 27
    finally:
        db.close()


def test_tag_views_agree_with_tag_search(db, corpus):
    """The sidebar's tag views test a tag exactly as tag:x does: feed, enricher and user tags, whole
    tags only, LIKE wildcards literal, on both backends."""
    from feedwatch.storage.triage import View, count, page
    for tag in ("model-release", "Model-Release", "scaling", "needs-experiment", "model", "model_release", "%"):
        expected = find(db, f"tag:{tag}")
        assert sorted(r.id for r in page(db, View("tag", tag), ME)) == sorted(expected), tag
        assert count(db, View("tag", tag), ME) == len(expected), tag
    assert names(corpus, [r.id for r in page(db, View("tag", "model-release"), ME)]) == ["a", "c"]
