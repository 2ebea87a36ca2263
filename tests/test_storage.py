"""Storage: migrations match the SQLModel classes, run once, and concurrent fetchers never duplicate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from feedwatch.storage.db import Database, StorageError, open_database, resolve_db_url
from feedwatch.storage.migrate import HEAD, MIGRATIONS_DIR, current_revision
from tests.servers.http import Reply

ROOT = Path(__file__).resolve().parents[1]


def test_head_constant_is_the_newest_migration():
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD


def test_migrated_schema_matches_the_models(db_url):
    """Alembic's autogenerate comparison finds no difference between migrations and SQLModel classes."""
    import warnings

    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import feedwatch.storage.models  # noqa: F401  (registers the tables)

    def include_object(obj, name, type_, reflected, compare_to):
        """Search objects (migration 0003) are not in the SQLModel classes: the FTS5 table and its
        shadow tables and the reindex queue on SQLite, the generated search_vector column and its GIN
        index on PostgreSQL, the expression index ix_items_recency (list order) on both, and
        PostgreSQL's tag index (0007)."""
        if type_ == "table" and (name.startswith("items_fts") or name == "search_queue"):
            return False
        if type_ == "column" and name == "search_vector":
            return False
        if type_ == "index" and name in ("ix_items_search_vector", "ix_items_recency", "ix_items_tag_set"):
            return False
        return True

    db = open_database(db_url)
    try:
        with db.engine().connect() as conn, warnings.catch_warnings():
            # SQLAlchemy cannot reflect SQLite expression indexes; include_object drops that one anyway
            warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index "
                                    "ix_items_recency")
            context = MigrationContext.configure(conn, opts={"include_object": include_object})
            diff = compare_metadata(context, SQLModel.metadata)
        assert diff == []
        assert current_revision(db) == HEAD
    finally:
        db.close()


def test_sqlite_runs_in_wal_mode(tmp_path):
    db = open_database(str(tmp_path / "w.db"))
    try:
        assert db.query("PRAGMA journal_mode")[0]["journal_mode"] == "wal"
        assert db.query("PRAGMA busy_timeout")[0]["timeout"] == 30000
    finally:
        db.close()


def test_newer_schema_is_refused(tmp_path):
    db = open_database(str(tmp_path / "n.db"))
    with db.transaction() as c:
        c.execute("UPDATE alembic_version SET version_num = '9999'")
    db.close()
    with pytest.raises(StorageError, match="newer than this feedwatch"):
        open_database(str(tmp_path / "n.db"))


def test_db_urls():
    assert resolve_db_url("/tmp/x.db") == "sqlite:////tmp/x.db"
    assert resolve_db_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    assert Database("sqlite:////tmp/a b.db").path == "/tmp/a b.db"


def test_unreachable_postgres_is_one_line(tmp_path):
    with pytest.raises(StorageError) as info:
        open_database("postgresql+psycopg://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    assert "\n" not in str(info.value) and "secret" not in str(info.value)


@pytest.mark.parametrize("parse", ["thread", "process"])
def test_two_fetch_processes_at_once_create_no_duplicates(http_server, tmp_path, db_url, parse):
    """Several `feedwatch fetch` processes on one database: every item stored exactly once.

    With worker processes on SQLite the workers store what they parse, each on its own connection."""
    feeds = []
    for f in range(6):
        items = "".join(f"<item><title>Post {f}-{i}</title><link>https://e.org/{f}/{i}</link><guid>g{f}-{i}</guid>"
                        "</item>" for i in range(40))
        # the same arXiv paper through every listing, and one URL shared across feeds
        items += ("<item><title>Shared paper</title><link>https://arxiv.org/abs/2611.00001</link>"
                  "<guid>oai:arXiv.org:2611.00001v1</guid></item>")
        http_server.route(f"/f{f}", Reply(body=f"<rss version='2.0'><channel><title>f{f}</title>{items}"
                                              "</channel></rss>", delay=0.05))
        feeds.append(f'[[sources]]\nname = "f{f}"\nkind = "feed"\nurl = "{http_server.url(f"/f{f}")}"\n')
    cfg = tmp_path / "feeds.toml"
    cfg.write_text("\n".join(feeds))
    env = {**os.environ, "FEEDWATCH_PARSE": parse}
    procs = [subprocess.Popen([sys.executable, "-m", "feedwatch.cli", "--config", str(cfg), "--db", db_url, "fetch"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "Traceback" not in err
    db = open_database(db_url)
    try:
        assert db.query("SELECT COUNT(*) AS n FROM items")[0]["n"] == 6 * 40 + 1
        assert db.query("SELECT COUNT(*) AS n FROM item_sources")[0]["n"] == 6 * 41
    finally:
        db.close()


def test_sqlite_baseline_is_what_the_migrations_produce(tmp_path):
    """New SQLite databases skip Alembic (start-up cost); the frozen baseline must not drift."""
    from feedwatch.storage.migrate import BASELINE, baseline_from_migrations
    assert BASELINE.read_text(encoding="utf-8") == baseline_from_migrations(str(tmp_path / "b.db")), \
        "run `python -m feedwatch.storage.migrate` to rewrite sqlite_baseline.sql"


def _children(pid: int) -> list[int]:
    """Child process ids of `pid` (Linux /proc; empty elsewhere)."""
    found = []
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return found


@pytest.mark.parametrize("parse", ["thread", "process"])
def test_killed_fetch_leaves_no_half_written_source(http_server, tmp_path, parse):
    """SIGKILL in the middle of a run: every source is either fully stored or not at all.

    With worker processes (which store what they parse) the workers die with the fetch process."""
    import signal
    import time as _time
    feeds = []
    for f in range(12):
        items = "".join(f"<item><title>P{f}-{i}</title><guid>k{f}-{i}</guid></item>" for i in range(60))
        http_server.route(f"/k{f}", Reply(body=f"<rss version='2.0'><channel>{items}</channel></rss>", delay=0.15 * f))
        feeds.append(f'[[sources]]\nname = "k{f}"\nkind = "feed"\nurl = "{http_server.url(f"/k{f}")}"\n')
    cfg = tmp_path / "feeds.toml"
    cfg.write_text("[fetch]\nconcurrency = 2\nper_host = 2\n" + "\n".join(feeds))
    dbp = str(tmp_path / "k.db")
    proc = subprocess.Popen([sys.executable, "-m", "feedwatch.cli", "--config", str(cfg), "--db", dbp, "fetch"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "FEEDWATCH_PARSE": parse})
    deadline = _time.monotonic() + 30
    while _time.monotonic() < deadline and http_server.hits("/k4") == 0:
        _time.sleep(0.02)
    children = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = _time.monotonic() + 10
    while _time.monotonic() < deadline and any(os.path.exists(f"/proc/{c}") for c in children):
        _time.sleep(0.05)
    assert not [c for c in children if os.path.exists(f"/proc/{c}")], "worker processes outlived the fetch"
    db = open_database(dbp)
    try:
        per_source = {r["source"]: r["n"] for r in db.query(
            "SELECT source, COUNT(*) AS n FROM item_sources GROUP BY source")}
        recorded = {r["name"] for r in db.query("SELECT name FROM sources")}
    finally:
        db.close()
    assert 0 < len(per_source) < 12, per_source      # killed mid-run, after some sources were stored
    assert set(per_source.values()) == {60}
    assert recorded == set(per_source)                # fetch state written with the items, never apart


def test_an_old_database_upgrades_in_place(db_url):
    """A database written by the first release keeps its items through every later migration; its
    shared read / starred state becomes the state of the person who upgrades (0005)."""
    from feedwatch.storage.migrate import upgrade
    old = Database(resolve_db_url(db_url))
    try:
        upgrade(old, "0001")
        with old.transaction() as c:
            c.execute("INSERT INTO items (source, guid, title, first_seen, content_hash, state) "
                      "VALUES ('s', 'g', 'Kept', '2026-01-01T00:00:00Z', 'h', 'read')")
            c.execute("INSERT INTO items (source, guid, title, first_seen, content_hash, starred) "
                      "VALUES ('s', 'g2', 'Starred', '2026-01-02T00:00:00Z', 'h2', 1)")
            c.execute("INSERT INTO items (source, guid, title, first_seen, content_hash) "
                      "VALUES ('s', 'g3', 'Untouched', '2026-01-03T00:00:00Z', 'h3')")
        assert current_revision(old) == "0001"
    finally:
        old.close()
    db = open_database(db_url, person="ana")
    try:
        assert current_revision(db) == HEAD
        rows = db.query("SELECT title, enrich_state FROM items ORDER BY id")
        assert rows == [{"title": t, "enrich_state": "pending"} for t in ("Kept", "Starred", "Untouched")]
        triaged = db.query("SELECT i.title, t.person, t.read, t.starred, t.hidden FROM item_triage t "
                           "JOIN items i ON i.id = t.item_id ORDER BY i.id")
        assert triaged == [{"title": "Kept", "person": "ana", "read": 1, "starred": 0, "hidden": 0},
                           {"title": "Starred", "person": "ana", "read": 0, "starred": 1, "hidden": 0}]
    finally:
        db.close()


def test_the_triage_migration_downgrades_to_shared_state(db_url):
    """0005 -> 0004: an item is read (starred) if anybody had read (starred) it."""
    from feedwatch.storage.migrate import downgrade
    from feedwatch.storage.triage import set_starred, set_state
    db = open_database(db_url)
    try:
        with db.transaction() as c:
            for guid in ("a", "b", "c"):
                c.execute("INSERT INTO items (source, guid, title, first_seen, content_hash) "
                          f"VALUES ('s', '{guid}', '{guid}', '2026-01-01T00:00:00Z', 'h')")
        ids = {r["guid"]: r["id"] for r in db.query("SELECT id, guid FROM items")}
        set_state(db, "ana", [ids["a"]], "read")
        set_starred(db, "ben", [ids["b"]], True)
        downgrade(db, "0004")
        rows = db.query("SELECT guid, state, starred FROM items ORDER BY guid")
        assert rows == [{"guid": "a", "state": "read", "starred": 0}, {"guid": "b", "state": "unread", "starred": 1},
                        {"guid": "c", "state": "unread", "starred": 0}]
    finally:
        db.close()


def test_whoever_runs_an_upgrade_is_only_asked_when_one_runs(tmp_path):
    """`person` may be a callable (the CLI's: it reads the config): asked only when 0005 runs."""
    from feedwatch.storage.migrate import upgrade
    asked = []

    def who() -> str:
        asked.append(1)
        return "ana"
    old = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(old, "0004")
        with old.transaction() as c:
            c.execute("INSERT INTO items (source, guid, title, first_seen, content_hash, state) "
                      "VALUES ('s', 'g', 't', '2026-01-01T00:00:00Z', 'h', 'read')")
    finally:
        old.close()
    open_database(str(tmp_path / "old.db"), person=who).close()
    assert asked == [1]
    db = open_database(str(tmp_path / "old.db"), person=who)
    try:
        assert asked == [1]                      # already at HEAD: nobody asked
        assert db.query("SELECT person, read FROM item_triage") == [{"person": "ana", "read": 1}]
    finally:
        db.close()


def test_json_lists_are_what_json_dumps_gives():
    """Authors, categories and tags are stored as JSON lists; the fast path must not change a byte."""
    import json

    from hypothesis import given, settings, strategies as st

    from feedwatch.storage.ingest import _json_list

    @settings(max_examples=2000, deadline=None)
    @given(st.lists(st.text(alphabet=st.sampled_from('a "\\\t\né\u2028\x7f\x00\u00a0/<\u200b\ufeff日'), max_size=6),
                    max_size=4))
    def check(values):
        assert _json_list(values) == json.dumps(values, ensure_ascii=False)
    check()


def _entries(prefix: str, n: int) -> list:
    from feedwatch.entry import Entry
    return [Entry(guid=f"{prefix}{i}", title=f"vLLM v0.{i}.0 released: {prefix}", url=f"https://e.org/{prefix}/{i}",
                  summary=f"See https://arxiv.org/abs/2611.0{i:04d} for {prefix}", authors=["A. B"],
                  published="2026-12-01T00:00:00Z", extra={"k": i} if i % 2 else {}) for i in range(n)]


def _stored(db: Database) -> list[dict]:
    return db.query("SELECT i.source, i.guid, i.url, i.canonical_url, i.title, i.summary, i.authors, i.extra, "
                    "i.tags, i.content_hash, i.story_sig, i.story_links, q.evidence FROM items i "
                    "LEFT JOIN story_queue q ON q.item_id = i.id ORDER BY i.source, i.guid")


def test_rows_prepared_before_the_lock_store_what_write_entries_stores(tmp_path):
    """The fetch's workers prepare rows outside the write transaction; the result must be the same."""
    from functools import partial

    from feedwatch.enrich.evidence import entry_evidence
    from feedwatch.storage.ingest import known_guids, prepare_entries, write_entries, write_prepared
    now, tags = "2026-12-03T00:00:00Z", ["lab", "a"]
    dbs = [open_database(str(tmp_path / f"{n}.db")) for n in ("plain", "prepared")]
    try:
        for source in ("s1", "s2"):
            evidence = partial(entry_evidence, source, "rss", None)
            entries = _entries(source, 12) + _entries(source, 3)     # repeated guids: the first one counts
            with dbs[0].transaction() as c:
                plain = write_entries(c, source, entries, tags, now, evidence)
            prepared = prepare_entries(source, entries, sorted(set(tags)), now, evidence,
                                       known_guids(dbs[1], [source])[source])
            assert all(p.row is not None for p in prepared) and len(prepared) == 12
            with dbs[1].transaction() as c:
                assert write_prepared(c, source, prepared, tags, now) == plain
        assert _stored(dbs[0]) == _stored(dbs[1]) and len(_stored(dbs[0])) == 24
        assert all(r["evidence"] for r in _stored(dbs[1]))
    finally:
        for d in dbs:
            d.close()


def test_a_row_prepared_before_another_writer_stored_it_is_not_inserted_twice(tmp_path):
    """Between preparing (no lock) and writing (under the lock), another process may store the
    same entries: the write decides from what is stored then, not from what was read before."""
    from feedwatch.storage.ingest import known_guids, prepare_entries, write_entries, write_prepared
    now = "2026-12-03T00:00:00Z"
    db = open_database(str(tmp_path / "race.db"))
    try:
        entries = _entries("s", 5)
        prepared = prepare_entries("s", entries, [], now, None, known_guids(db, ["s"])["s"])
        assert all(p.row is not None for p in prepared)           # nothing stored yet: all look new
        with db.transaction() as c:                                 # meanwhile, another fetch of the same feed
            assert write_entries(c, "s", entries[:3], [], now).new == 3
        with db.transaction() as c:
            counts = write_prepared(c, "s", prepared, [], now)
        assert (counts.new, counts.unchanged) == (2, 3)
        assert db.query("SELECT COUNT(*) AS n FROM items")[0]["n"] == 5
        assert db.query("SELECT COUNT(*) AS n FROM item_sources")[0]["n"] == 5
    finally:
        db.close()
