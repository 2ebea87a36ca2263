"""Database connections: one small interface over SQLite (stdlib) and PostgreSQL (SQLAlchemy).

Why not SQLAlchemy for SQLite too: importing it costs ~0.45 s here, which alone would break the
"unchanged re-fetch within 1.2x of a bare httpx+lxml ingester" target. Queries are written once,
in portable SQL with `:name` parameters, and run unchanged on both backends; the SQLModel
classes in `models.py` describe the same schema for the ORM-based parts and for migrations.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import StorageError as StorageError  # defined with the family; named here as before

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def is_busy(exc: BaseException) -> bool:
    """Another process holds SQLite's write lock (and the wait for it ran out)."""
    text = str(exc).lower()
    return isinstance(exc, (StorageError, sqlite3.OperationalError)) and ("locked" in text or "busy" in text)


class Conn(Protocol):
    def execute(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...
    def executemany(self, sql: str, rows: Iterable[dict[str, Any]]) -> None: ...


def resolve_db_url(value: str | None) -> str:
    """--db / FEEDWATCH_DB: a plain path means SQLite; default a file in the user data dir."""
    value = value or os.environ.get("FEEDWATCH_DB")
    if not value:
        from platformdirs import user_data_path
        path = user_data_path("feedwatch") / "feedwatch.db"
        return f"sqlite:///{path}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser()}"


class _SqliteConn:
    def __init__(self, raw: sqlite3.Connection):
        self.raw = raw

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        cur = self.raw.execute(sql, params or {})
        if cur.description is None:
            return []
        return [dict(r) for r in cur.fetchall()]

    def executemany(self, sql: str, rows: Iterable[dict[str, Any]]) -> None:
        self.raw.executemany(sql, rows)


class _SAConn:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        from sqlalchemy import text
        result = self.conn.execute(text(sql), params or {})
        if not result.returns_rows:
            return []
        return [dict(r._mapping) for r in result]

    def executemany(self, sql: str, rows: Iterable[dict[str, Any]]) -> None:
        from sqlalchemy import text
        rows = list(rows)
        if rows:
            self.conn.execute(text(sql), rows)


class Database:
    """An open database; `transaction()` yields a `Conn`. Thread-safe enough: one connection per use."""

    def __init__(self, url: str):
        self.url = url
        self.dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
        self._sqlite: sqlite3.Connection | None = None
        self._engine: Engine | None = None
        self._counter_exists = False
        if self.dialect == "sqlite":
            self.path = _sqlite_path(url)
        else:
            self.path = ""   # no file: a server database

    # -- connections --------------------------------------------------------------------------
    def _sqlite_conn(self) -> sqlite3.Connection:
        if self._sqlite is None:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            try:
                raw = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
                raw.row_factory = sqlite3.Row
                raw.execute("PRAGMA busy_timeout = 30000")
                raw.execute("PRAGMA journal_mode = WAL")
                raw.execute("PRAGMA synchronous = NORMAL")
                raw.execute("PRAGMA foreign_keys = ON")
            except sqlite3.Error as exc:
                raise StorageError(f"cannot open database {self.path}: {exc}") from None
            self._sqlite = raw
        return self._sqlite

    def engine(self) -> Engine:
        """The SQLAlchemy engine (PostgreSQL always; SQLite only for migrations and ORM use)."""
        if self._engine is None:
            from sqlalchemy import create_engine
            url = self.url
            if self.dialect == "sqlite" and self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            try:
                self._engine = create_engine(url, pool_pre_ping=self.dialect != "sqlite")
            except ImportError as exc:   # the base install has no PostgreSQL driver
                raise StorageError(_missing_driver(url, exc)) from None
        return self._engine

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[Conn]:
        """One transaction; SQLite takes the write lock up front so concurrent fetchers serialise.

        A write transaction that changed something also bumps the change counter (`db_changes`,
        migration 0005) before it commits, so open apps notice it (`change_count`)."""
        if self.dialect == "sqlite":
            raw = self._sqlite_conn()
            try:
                raw.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.OperationalError as exc:
                raise StorageError(f"database {self.path} is busy: {exc}") from None
            before = raw.total_changes
            try:
                conn = _SqliteConn(raw)
                yield conn
                if write and raw.total_changes != before:
                    self._count_change(conn)
            except BaseException:
                if raw.in_transaction:   # SQLite already rolled back after some errors (a full disk)
                    raw.execute("ROLLBACK")
                raise
            else:
                raw.execute("COMMIT")
        else:
            try:
                cm = self.engine().begin()
                sa_conn = cm.__enter__()
            except StorageError:
                raise
            except Exception as exc:  # driver errors vary; all mean "cannot reach the database"
                raise StorageError(f"cannot connect to {_redact(self.url)}: {_first_line(exc)}") from None
            try:
                wrapped = _SAConn(sa_conn)
                yield wrapped
                if write:
                    self._count_change(wrapped)
            except BaseException as exc:
                cm.__exit__(type(exc), exc, exc.__traceback__)
                raise
            else:
                cm.__exit__(None, None, None)

    def _count_change(self, c: Conn) -> None:
        if not self._counter_exists:   # a database before migration 0005 (or being created) has none yet
            if self.dialect == "sqlite":
                found = c.execute("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'db_changes'")
            else:
                found = c.execute("SELECT 1 AS x WHERE to_regclass('db_changes') IS NOT NULL")
            if not found:
                return
            self._counter_exists = True
        c.execute("INSERT INTO db_changes (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = db_changes.n + 1")

    def change_count(self) -> int:
        """Grows whenever anybody commits a change: poll it to know when to re-read."""
        try:
            rows = self.query("SELECT n FROM db_changes WHERE id = 1")
        except StorageError:
            raise
        except Exception:   # a database before migration 0005
            return 0
        return int(rows[0]["n"]) if rows else 0

    @contextmanager
    def busy_wait(self, seconds: float) -> Iterator[None]:
        """Wait at most `seconds` for another process's SQLite write lock (instead of 30 s) inside the
        block: the UI thread's writes try briefly, then hand over to a background writer. A no-op on
        PostgreSQL, where a triage write does not wait on a whole-database lock."""
        if self.dialect != "sqlite":
            yield
            return
        raw = self._sqlite_conn()
        raw.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")
        try:
            yield
        finally:
            if self._sqlite is not None:
                self._sqlite.execute("PRAGMA busy_timeout = 30000")

    def query(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self.transaction(write=False) as c:
            return c.execute(sql, params)

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _sqlite_path(url: str) -> str:
    rest = url.split("://", 1)[1] if "://" in url else url
    if rest in ("", "/", "/:memory:"):
        return ":memory:"
    return rest[1:] if rest.startswith("/") else rest


def _redact(url: str) -> str:
    """Hide a password in a database URL before it goes into a message."""
    import re
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def _missing_driver(url: str, exc: ImportError) -> str:
    module = (exc.name or "").split(".")[0] or "its driver"
    return f"{_redact(url)} needs the {module} module, which is not installed: pip install 'feedwatch[postgres]'"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
