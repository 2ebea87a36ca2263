"""`feedwatch export` / `import` (feedwatch.storage.transfer) and `feedwatch db status|upgrade`.

Round trips SQLite -> PostgreSQL -> SQLite and PostgreSQL -> SQLite must give byte-identical
exports; search must work after an import on both backends; an import is all or nothing.
"""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import UTC

import pytest

from feedwatch.cli import main
from feedwatch.config import parse_config
from feedwatch.enrich.run import enrich
from feedwatch.entry import Entry
from feedwatch.storage import experiments as xp
from feedwatch.storage.db import Database, open_database
from feedwatch.storage.enrichment import add_spend, set_link_status
from feedwatch.storage.health import record_fetch_failure
from feedwatch.storage.ingest import record_fetch, write_entries
from feedwatch.storage.migrate import HEAD, current_revision, upgrade
from feedwatch.storage.search import search_items
from feedwatch.storage.transfer import TABLES, TRANSIENT_TABLES, TransferError, export_database, import_database
from feedwatch.storage.triage import set_hidden, set_starred, set_state, set_user_tags

CONFIG = parse_config({
    "tags": [{"name": "model-release", "keywords": ["release", "now available"]},
             {"name": "deprecation", "keywords": ["deprecated", "shutdown"]}],
    "assets": [{"name": "support-bot", "kind": "prompt", "models": ["gpt-4o-mini"], "topics": ["summarization"]},
               {"name": "rag-pipeline", "kind": "pipeline", "topics": ["retrieval"]}],
})

# source names that sort differently by code point and by a natural-language collation
SOURCES = ["lab-blog", "Lab-Blog", "_misc", "élan", "arxiv-cs-cl"]


def build(db: Database) -> dict[str, int]:
    """A bit of everything: every exported table gets rows, with hostile text in some."""
    with db.transaction() as c:
        write_entries(c, "lab-blog", [
            Entry(guid="rel", title="GPT-4o mini is now available", url="https://example.com/mini",
                  summary="Today we release a cheap model for summarization.", authors=["Ann", "Bö"],
                  published="2026-11-24T10:00:00Z", categories=["news"], extra={"k": [1, 2]}),
            Entry(guid="dep", title="claude-3-5-haiku is deprecated", summary="Shutdown on 2027-02-19.",
                  published="2026-11-25T08:00:00Z"),
            Entry(guid="weird", title='Quotes " \\ backslash\nnewline \u2028 sep \U0001f600 emoji',
                  summary="tab\there; ctrl \x7f; zanzibar", content="long " * 200),
        ], ["blog"], "2026-11-26T00:00:00Z")
        write_entries(c, "arxiv-cs-cl", [
            Entry(guid="oai:2611.00001", title="Retrieval for long context", arxiv_id="2611.00001", arxiv_version=2,
                  summary="Retrieval augmented generation, summarization.", published="2026-11-20T00:00:00Z"),
        ], [], "2026-11-26T00:00:00Z")
        for name in SOURCES[1:4]:   # the same paper from other sources: more item_sources rows
            write_entries(c, name, [Entry(guid=f"{name}-p", title="Retrieval for long context",
                                          arxiv_id="2611.00001", arxiv_version=2)], [], "2026-11-26T01:00:00Z")
        for i, name in enumerate(SOURCES):
            record_fetch(c, name=name, kind="feed", url=f"https://example.com/{i}.xml", title=f"Source {name}",
                         etag=f'W/"{i}"', last_modified=None, attempt="2026-11-26T00:00:00Z", success=i % 2 == 0,
                         status=200 if i % 2 == 0 else 503, error=None if i % 2 == 0 else "HTTP 503",
                         consecutive_errors=i % 2, next_due="2026-11-26T01:00:00Z")
        record_fetch_failure(c, "Lab-Blog", "2026-11-25T03:00:00Z", 503, "HTTP 503 Service Unavailable")
        record_fetch_failure(c, "élan", "2026-11-25T04:00:00Z", None, "timed out")
        ids = {r["guid"]: r["id"] for r in c.execute("SELECT id, guid FROM items")}
    import asyncio
    asyncio.run(enrich(CONFIG, db, environ={}))
    set_state(db, "alice", [ids["rel"]], "read")
    set_starred(db, "alice", [ids["dep"]], True)
    set_starred(db, "bob", [ids["dep"]], True)
    set_hidden(db, "bob", [ids["weird"]], True)
    set_user_tags(db, ids["weird"], ["Mine", "zz"])
    set_link_status(db, ids["dep"], "support-bot", "confirmed", "alice")
    set_link_status(db, ids["weird"], "rag-pipeline", "dismissed", "bob", reason="not ours")
    add_spend(db, 0.0123, 2, 300, 40, day="2026-11-25")
    add_spend(db, 0.5, 1, 10, 1, day="2026-11-26")
    e = xp.create(db, "Move to gpt-4o-mini", "Same quality, less cost", items=[ids["rel"], ids["dep"]],
                  assets=["support-bot", "Zeta"], owner="alice", now="2026-11-24T11:00:00Z")
    xp.transition(db, e.id, "running", "alice", now="2026-11-24T12:00:00Z")
    xp.add_note(db, e.id, "# Heading\n\n* ünïcode", "bob", now="2026-11-25T12:00:00Z")
    xp.add_link(db, e.id, "https://wandb.ai/x/runs/1", "bob", now="2026-11-25T13:00:00Z")
    xp.add_link(db, e.id, "https://Example.com/B", "bob", label="B", now="2026-11-25T13:01:00Z")
    xp.close(db, e.id, "improved", "Costs down 60%.", "alice", now="2026-11-26T09:00:00Z")
    xp.create(db, "Untouched", owner=None, now="2026-11-20T09:00:00Z")
    from feedwatch.storage.catalogs import replace_models
    from feedwatch.storage.proposals import propose
    rows = [{"provider": p, "model_id": m, "model_key": m.lower(), "status": st, "deprecation_date": None,
             "shutdown_date": sd, "earliest_shutdown": None, "replacement": None, "release_date": None,
             "source_url": None, "aliases": al, "alias_of": None, "family": None,
             "alias_keys": tuple(a.lower() for a in al), "alias_of_key": None}
            for p, m, st, sd, al in (("Azure", "gpt-4o-mini", None, "2026-10-01", ()),
                                     ("OpenAI", "gpt-4o-mini", "active", None, ("gpt-4o-mini-latest",)),
                                     ("", "Zé-model", "deprecated", "2027-01-01", ()))]
    replace_models(db, "litellm", "litellm", "https://example.com/l.json", rows, etag='"e"', last_modified=None,
                   status=200, now="2026-11-26T00:00:00Z", next_due="2026-11-27T00:00:00Z")
    from feedwatch.stories.run import group_pending
    group_pending(db)                    # story_keys rows
    propose(db, asset="support-bot", model="zé-model", title="Migrate support-bot off Zé-model before 2027-01-01",
            hypothesis="", due="2027-01-01", now="2026-11-26T00:00:00Z", announced_by="Zé-model")
    from datetime import datetime

    from feedwatch.storage import notifications as ledger
    at = datetime(2026, 11, 26, 6, tzinfo=UTC)
    for target in ("team-a", "Team-B"):
        ledger.target_since(db, target, at)
        got = ledger.claim(db, target, [(f"affects:{ids['dep']}:support-bot", "affects"),
                                        ("digest:2026-W48", "digest")], at)
        ledger.finish(db, target, got[:1], at, None)
        ledger.finish(db, target, got[1:], at, "HTTP 500")
    return ids


def export_bytes(db: Database, **kw) -> bytes:
    buf = io.BytesIO()
    export_database(db, buf, **kw)
    return buf.getvalue()


def do_import(db: Database, data: bytes, **kw):
    return import_database(db, io.BytesIO(data), **kw)


def row_counts(db: Database) -> dict[str, int]:
    return {t.name: db.query(f"SELECT COUNT(*) AS n FROM {t.name}")[0]["n"] for t in TABLES}


@pytest.fixture
def sqlite_db(tmp_path):
    db = open_database(str(tmp_path / "a.db"))
    yield db
    db.close()


@pytest.fixture
def pg_db(pg_url):
    db = open_database(pg_url)
    yield db
    db.close()


def test_tables_cover_the_schema(sqlite_db):
    """A migration adding a table must add it to TABLES (or to the derived objects)."""
    names = {r["name"] for r in sqlite_db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    derived = ({n for n in names if n.startswith("items_fts")} | {"search_queue", "alembic_version", "db_changes"}
               | set(TRANSIENT_TABLES))
    assert names - derived == {t.name for t in TABLES}
    assert len(TABLES) == len({t.name for t in TABLES})


def check_format(data: bytes) -> None:
    lines = data.decode("utf-8").split("\n")
    assert lines[0] == json.dumps({"feedwatch_export": 1, "schema": HEAD}) and lines[-1] == ""
    keys = {t.name: t.key for t in TABLES}
    seen, last = [], None
    for line in lines[1:-1]:
        obj = json.loads(line)
        assert list(obj) == ["table", "row"] and list(obj["row"]) == sorted(obj["row"])
        key = tuple(obj["row"][k] for k in keys[obj["table"]])
        if not seen or seen[-1] != obj["table"]:
            seen.append(obj["table"])
        else:
            assert key > last, (obj["table"], last, key)     # primary-key order, text by code point
        last = key
    assert seen == [t.name for t in TABLES]     # every table has rows, in dependency order
    assert b"search_vector" not in data and b"items_fts" not in data and b"search_queue" not in data


def check_search_and_ids(db: Database, ids: dict[str, int]) -> None:
    assert search_items(db, "zanzibar") == [ids["weird"]]
    assert search_items(db, "retrieval") == [ids["oai:2611.00001"]]
    assert search_items(db, "tag:mine") == [ids["weird"]]
    # new rows get fresh ids after the imported ones (PostgreSQL: the sequences were moved)
    assert xp.create(db, "After import").id == 4
    with db.transaction() as c:
        write_entries(c, "new-source", [Entry(guid="n", title="new")], [], "2026-12-01T00:00:00Z")
    assert db.query("SELECT id FROM items WHERE source = 'new-source'")[0]["id"] == max(ids.values()) + 1


def test_sqlite_to_postgresql_to_sqlite_is_byte_identical(sqlite_db, pg_db, tmp_path):
    ids = build(sqlite_db)
    first = export_bytes(sqlite_db)
    check_format(first)
    assert export_bytes(sqlite_db) == first
    assert export_bytes(sqlite_db, page=2) == first             # keyset pages over every kind of key
    counts = do_import(pg_db, first)
    assert counts.schema == HEAD and all(n > 0 for n in counts.rows.values())
    assert row_counts(pg_db) == row_counts(sqlite_db) == counts.rows
    second = export_bytes(pg_db)
    assert second == first
    assert export_bytes(pg_db, page=2) == first
    back = open_database(str(tmp_path / "back.db"))
    try:
        do_import(back, second)
        assert export_bytes(back) == first
        check_search_and_ids(back, ids)
    finally:
        back.close()
    check_search_and_ids(pg_db, ids)


def test_postgresql_to_sqlite_is_byte_identical(pg_db, sqlite_db):
    icu = bool(pg_db.query("SELECT 1 AS x FROM pg_collation WHERE collname = 'und-x-icu'"))
    if icu:
        # a natural-language collation on the text keys ("_misc", "arxiv-cs-cl", "élan", "lab-blog",
        # "Lab-Blog"): the export must still list rows in code point order, as from SQLite
        with pg_db.transaction() as c:
            for table, column in [("sources", "name"), ("item_sources", "source"), ("experiment_assets", "asset")]:
                c.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE text COLLATE "und-x-icu"')
    ids = build(pg_db)
    if icu:
        assert [r["name"] for r in pg_db.query("SELECT name FROM sources ORDER BY name")] != sorted(SOURCES)
    first = export_bytes(pg_db)
    check_format(first)
    do_import(sqlite_db, first)
    assert export_bytes(sqlite_db) == first
    check_search_and_ids(sqlite_db, ids)


def small(db: Database, word: str) -> None:
    with db.transaction() as c:
        write_entries(c, "src", [Entry(guid=word, title=f"about {word}")], [], "2026-11-26T00:00:00Z")
    xp.create(db, f"experiment on {word}")


def test_refuses_a_non_empty_database_and_replace_replaces(db_url, tmp_path):
    other = open_database(str(tmp_path / "other.db"))
    small(other, "walrus")
    small(other, "narwhal")
    data = export_bytes(other)
    other.close()
    db = open_database(db_url)
    try:
        small(db, "pelican")
        before = export_bytes(db)
        with pytest.raises(TransferError, match=r"not empty \(it has items, item_sources, experiments and "
                                                r"experiment_history\).*--replace"):
            do_import(db, data)
        assert export_bytes(db) == before
        assert search_items(db, "pelican")
        do_import(db, data, replace=True)
        assert export_bytes(db) == data
        assert search_items(db, "pelican") == [] and len(search_items(db, "walrus")) == 1
        assert xp.create(db, "next").id == 3
    finally:
        db.close()


def test_schema_revision_mismatch_refuses(sqlite_db, tmp_path):
    small(sqlite_db, "walrus")
    data = export_bytes(sqlite_db)
    older = data.replace(f'"schema": "{HEAD}"'.encode(), b'"schema": "0003"', 1)
    newer = data.replace(f'"schema": "{HEAD}"'.encode(), b'"schema": "9999"', 1)
    target = open_database(str(tmp_path / "t.db"))
    try:
        with pytest.raises(TransferError, match=rf"at schema revision 0003 but the database is at {HEAD}; upgrade the "
                                                r"database it came from \(`feedwatch --db SOURCE db upgrade`\)"):
            do_import(target, older)
        with pytest.raises(TransferError, match="newer feedwatch.*upgrade feedwatch"):
            do_import(target, newer)
        assert sum(row_counts(target).values()) == 0
    finally:
        target.close()
    old = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(old, "0003")
        with pytest.raises(TransferError, match=r"database is at 0003; run `feedwatch db upgrade` on this database"):
            do_import(old, data)
    finally:
        old.close()


def test_corrupt_line_names_it_and_leaves_the_target_empty(db_url, tmp_path, capsys):
    src = open_database(str(tmp_path / "src.db"))
    build(src)
    lines = export_bytes(src).split(b"\n")
    src.close()
    lines[7] = lines[7][: len(lines[7]) // 2]             # line 8, cut in half
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(lines))
    assert main(["--db", db_url, "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"feedwatch: {path}: line 8: not valid JSON")
    db = open_database(db_url)
    try:
        assert sum(row_counts(db).values()) == 0
        # a row the database rejects (a duplicate id): the lines of the batch, nothing kept
        good = export_bytes_of(tmp_path)
        dup = good.split(b"\n")
        dup.insert(3, dup[2])
        with pytest.raises(TransferError, match=r"^the export: lines 2-\d+ \(items\): .*(UNIQUE|duplicate key)"):
            do_import(db, b"\n".join(dup))
        assert sum(row_counts(db).values()) == 0
        for bad, message in [
            (b"", "is empty: not a feedwatch export"),
            (b'{"rows": 1}\n', "line 1: not a feedwatch export"),
            (b'{"feedwatch_export": 2, "schema": "0004"}\n', "export format 2 is not supported"),
            (good.split(b"\n")[0] + b'\n{"table": "nope", "row": {}}\n', "line 2: unknown table 'nope'"),
            (good.split(b"\n")[0] + b'\n{"table": "items", "row": {"bogus": 1}}\n',
             "line 2: table items has no column 'bogus'"),
            (good.split(b"\n")[0] + b'\n{"table": "items", "row": {"title": [1]}}\n', "line 2: column 'title'"),
            (good.split(b"\n")[0] + b'\n["items"]\n', 'line 2: expected {"table"'),
            (good.split(b"\n")[0] + b'\n{"table": "items", "row": {"title": "\xff"}}\n', "line 2: not UTF-8"),
        ]:
            with pytest.raises(TransferError, match=message.replace("{", r"\{").replace("(", r"\(")):
                do_import(db, bad)
        ordered = good.split(b"\n")
        last = next(i for i, line in enumerate(ordered) if line.startswith(b'{"table": "experiment_history"'))
        ordered.insert(2, ordered[last])
        with pytest.raises(TransferError, match="line 4: table items after experiment_history"):
            do_import(db, b"\n".join(ordered))
        assert sum(row_counts(db).values()) == 0
    finally:
        db.close()


def export_bytes_of(tmp_path) -> bytes:
    db = open_database(str(tmp_path / "small.db"))
    try:
        if not db.query("SELECT 1 AS x FROM items LIMIT 1"):
            small(db, "walrus")
            small(db, "narwhal")
        return export_bytes(db)
    finally:
        db.close()


def test_cli_export_and_import(tmp_path, capsysbinary):
    def read():
        r = capsysbinary.readouterr()
        return r.out.decode(), r.err.decode()

    src = str(tmp_path / "src.db")
    db = open_database(src)
    small(db, "walrus")
    db.close()
    out = tmp_path / "dump.jsonl"
    assert main(["--db", src, "export", "-o", str(out)]) == 0
    assert read()[0] == ("exported 4 rows (1 items, 1 item_sources, 1 experiments, "
                                       f"1 experiment_history) at schema {HEAD} to {out}\n")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []   # no temp file left
    assert main(["--db", src, "export", "--format", "jsonl"]) == 0
    assert capsysbinary.readouterr().out == out.read_bytes()   # stdout: the same bytes
    dst = str(tmp_path / "dst.db")
    assert main(["--db", dst, "import", str(out)]) == 0
    assert read()[0] == ("imported 4 rows (1 items, 1 item_sources, 1 experiments, "
                                       f"1 experiment_history) at schema {HEAD}\n")
    assert main(["--db", dst, "import", str(out)]) == 1
    err = read()[1]
    assert err.count("\n") == 1 and "not empty" in err and "--replace" in err
    assert main(["--db", dst, "import", "--replace", str(out)]) == 0
    read()
    assert main(["--db", dst, "import", str(tmp_path / "missing.jsonl")]) == 2
    assert "cannot read" in read()[1]
    assert main(["--db", dst, "export", "-o", str(tmp_path / "no-dir" / "x.jsonl")]) == 2
    assert read()[1].startswith("feedwatch: cannot write")


def test_cli_db_status_and_upgrade(tmp_path, capsys):
    path = tmp_path / "old.db"
    assert main(["--db", str(path), "db", "status"]) == 0
    assert capsys.readouterr().out == f"no database at {path} yet (HEAD {HEAD}): `feedwatch db upgrade` creates it\n"
    assert not path.exists()
    old = Database(f"sqlite:///{path}")
    upgrade(old, "0002")
    from tests.conftest import store_in_old_schema
    with old.transaction() as c:
        store_in_old_schema(c, "src", "g", "kept across the upgrade")
    old.close()
    assert main(["--db", str(path), "db", "status"]) == 0
    assert capsys.readouterr().out == f"database at revision 0002 (HEAD {HEAD}): run `feedwatch db upgrade`\n"
    assert main(["--db", str(path), "db", "upgrade"]) == 0
    assert capsys.readouterr().out == f"database at revision {HEAD} (was 0002)\n"
    assert main(["--db", str(path), "db", "upgrade"]) == 0
    assert capsys.readouterr().out == f"already at revision {HEAD}\n"
    assert main(["--db", str(path), "db", "status"]) == 0
    assert capsys.readouterr().out == f"database at revision {HEAD} (HEAD {HEAD}): up to date\n"
    db = Database(f"sqlite:///{path}")
    try:
        assert current_revision(db) == HEAD
        assert db.query("SELECT title FROM items")[0]["title"] == "kept across the upgrade"
    finally:
        db.close()
    fresh = tmp_path / "fresh.db"
    assert main(["--db", str(fresh), "db", "upgrade"]) == 0
    assert capsys.readouterr().out == f"database at revision {HEAD} (was empty)\n"
    newer = sqlite3.connect(fresh)
    newer.execute("UPDATE alembic_version SET version_num = '9999'")
    newer.commit()
    newer.close()
    assert main(["--db", str(fresh), "db", "status"]) == 0
    assert "written by a newer feedwatch" in capsys.readouterr().out
    assert main(["--db", str(fresh), "db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "newer than this feedwatch knows" in err


def test_cli_db_on_an_unreachable_server(capsys):
    for action in ("status", "upgrade"):
        assert main(["--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "db", action]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("feedwatch: database error: cannot connect to")


def test_cli_db_upgrade_on_postgresql(pg_url, capsys):
    old = Database(pg_url)
    try:
        upgrade(old, "0002")
    finally:
        old.close()
    assert main(["--db", pg_url, "db", "status"]) == 0
    assert capsys.readouterr().out == f"database at revision 0002 (HEAD {HEAD}): run `feedwatch db upgrade`\n"
    assert main(["--db", pg_url, "db", "upgrade"]) == 0
    assert capsys.readouterr().out == f"database at revision {HEAD} (was 0002)\n"
