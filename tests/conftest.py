import os
import sys
import uuid
from pathlib import Path

import pytest
from hypothesis import settings as _hypothesis_settings

# Property tests check behaviour, not speed: no per-example deadline (a loaded 2-core CI machine
# would otherwise fail them at random). Speed lives in benchmarks/.
_hypothesis_settings.register_profile("feedwatch", deadline=None)
_hypothesis_settings.load_profile("feedwatch")

# `.venv/bin/pytest` only puts tests/ on sys.path; make `feedwatch` and `tests.*` importable.
# The model-name cache (feedwatch/lifecycle/names.py) goes to a directory of this run's, not ~/.cache.
if "FEEDWATCH_CACHE_DIR" not in os.environ:
    import tempfile
    os.environ["FEEDWATCH_CACHE_DIR"] = tempfile.mkdtemp(prefix="feedwatch-test-cache-")

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.servers.http import LoopbackServer  # noqa: E402


@pytest.fixture
def http_server():
    """A real HTTP/1.1 server on 127.0.0.1:<free port>; see tests/servers/http.py."""
    server = LoopbackServer()
    try:
        yield server
    finally:
        server.close()


PG_BASE = os.environ.get("FEEDWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    dsn = PG_BASE.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(dsn, connect_timeout=3):
            return None
    except Exception as exc:  # any failure means "no server here"
        return f"PostgreSQL at {dsn} is not reachable: {str(exc).splitlines()[0] if str(exc) else exc}"


SHARED_SCHEMA = "fw_test_shared"


def _unaccent_in_shared_schema(conn) -> None:
    """Migration 0006 creates `unaccent` where none exists: in the first test's schema, which its
    teardown drops (CASCADE), taking every other running test's `feedwatch_fold` with it. Kept in a
    schema no test drops, it serves every test schema (and, as before, a role without USAGE on it
    cannot use it: see test_postgres_without_unaccent_searches_as_before)."""
    import psycopg
    try:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{SHARED_SCHEMA}"')
        where = conn.execute("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                             "WHERE e.extname = 'unaccent'").fetchone()
        if where is None:
            conn.execute(f'CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA "{SHARED_SCHEMA}"')
        elif where[0] != SHARED_SCHEMA:
            conn.execute(f'ALTER EXTENSION unaccent SET SCHEMA "{SHARED_SCHEMA}"')
    except psycopg.Error:   # a concurrent run did it first, or unaccent is not installed (0006 then uses 'simple')
        pass


@pytest.fixture
def pg_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards.

    Required when CI is set (the CI machine runs PostgreSQL on 127.0.0.1:5432); skipped otherwise.
    """
    reason = _pg_available()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    import psycopg
    schema = f"fw_test_{uuid.uuid4().hex[:12]}"
    dsn = PG_BASE.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        _unaccent_in_shared_schema(conn)
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Each storage test runs on both backends."""
    if request.param == "sqlite":
        return str(tmp_path / "feedwatch.db")
    return request.getfixturevalue("pg_url")


from tests.servers.openai_server import OpenAIServer  # noqa: E402


@pytest.fixture
def llm_server():
    """A real OpenAI-compatible Chat Completions server on 127.0.0.1:<free port>; see tests/servers/openai_server.py.

    Point the client at ``llm_server.base_url + "/v1"``.
    """
    server = OpenAIServer()
    try:
        yield server
    finally:
        server.close()


def store_in_old_schema(c, source: str, guid: str, title: str, published: str | None = None) -> int:
    """An item written the way a feedwatch of revision 0001-0009 wrote it (the columns every old schema
    has), for tests that upgrade an old database: today's write path uses today's columns."""
    [row] = c.execute("INSERT INTO items (source, guid, title, published, first_seen, content_hash) "
                      "VALUES (:s, :g, :t, :p, '2026-11-26T00:00:00Z', 'h') RETURNING id",
                      {"s": source, "g": guid, "t": title, "p": published})
    c.execute("INSERT INTO item_sources (source, guid, item_id, content_hash) VALUES (:s, :g, :i, 'h')",
              {"s": source, "g": guid, "i": row["id"]})
    return int(row["id"])
