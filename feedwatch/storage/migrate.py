"""Schema migrations (Alembic), run automatically when a database is opened.

The check is a single query against `alembic_version`, so the common case (schema current) never
imports Alembic or SQLAlchemy. A brand-new SQLite database is created from `sqlite_baseline.sql`,
the exact schema the migrations produce (a test regenerates and compares it), because importing
Alembic costs ~0.5 s, a fifth of a whole cold fetch. Concurrent first runs are serialised by a
lock (a file lock for SQLite, an advisory lock for PostgreSQL) so two processes never migrate at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .connection import Database, StorageError

HEAD = "0012"   # tests check this equals the newest revision in migrations/versions
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def current_revision(db: Database) -> str | None:
    try:
        rows = db.query("SELECT version_num FROM alembic_version")
    except StorageError:
        raise
    except Exception:   # table absent: a new database (sqlite3 and SQLAlchemy raise different types)
        return None
    return rows[0]["version_num"] if rows else None


def ensure_schema(db: Database, person: str | Callable[[], str] | None = None) -> None:
    """Bring the database to HEAD; refuse a database written by a newer feedwatch.

    `person`: whom the shared triage state of a pre-0005 database is kept for (see 0005); a
    callable is only asked when an upgrade actually runs (so the common case reads no config)."""
    rev = current_revision(db)
    if rev == HEAD:
        return
    known = _known_revisions()
    if rev is not None and rev not in known:
        raise StorageError(f"database schema {rev} is newer than this feedwatch knows; upgrade feedwatch")
    with _migration_lock(db):
        rev = current_revision(db)
        if rev is None and db.dialect == "sqlite" and BASELINE.exists():
            create_from_baseline(db)
        elif rev != HEAD:
            upgrade(db, person=person() if callable(person) else person)


BASELINE = MIGRATIONS_DIR / "sqlite_baseline.sql"


def create_from_baseline(db: Database) -> None:
    with db.transaction() as c:
        for statement in _split_sql(BASELINE.read_text(encoding="utf-8")):
            c.execute(statement)


def _split_sql(script: str) -> list[str]:
    """Statements of a baseline, split on ";\n" but never inside a trigger body (BEGIN ...; END)."""
    import sqlite3
    statements, pending = [], ""
    for part in script.split(";\n"):
        pending += part + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip()[:-1])
            pending = ""
        else:
            pending += "\n"
    if pending.strip(" \n;"):
        statements.append(pending.strip().rstrip(";"))
    return statements


def baseline_from_migrations(path: str) -> str:
    """Run every migration on an empty SQLite file and dump the resulting schema as SQL."""
    import sqlite3
    db = Database(f"sqlite:///{path}")
    try:
        upgrade(db)
        version = current_revision(db)
    finally:
        db.close()
    conn = sqlite3.connect(path)
    try:
        # tables (virtual ones included), then views, indexes and triggers, each in creation order
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                            "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'view' THEN 1 WHEN 'index' THEN 2 "
                            "ELSE 3 END, rowid").fetchall()
    finally:
        conn.close()
    # an FTS5 table creates its shadow tables itself; creating them first would make it fail
    fts = [name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE") and "FTS5" in sql.upper()]
    shadow = {f"{name}_{suffix}" for name in fts for suffix in _FTS5_SHADOW}
    lines = [sql.strip() for name, sql in rows if name not in shadow]
    lines.append(f"INSERT INTO alembic_version (version_num) VALUES ('{version}')")
    return ";\n".join(lines) + ";\n"


_FTS5_SHADOW = ("data", "idx", "docsize", "config", "content")


def upgrade(db: Database, target: str = "head", person: str | None = None) -> None:
    _alembic(db, "upgrade", target, person)


def downgrade(db: Database, target: str) -> None:
    """Back to an older revision (for a feedwatch rollback; every migration has a downgrade)."""
    _alembic(db, "downgrade", target, None)


def _alembic(db: Database, action: str, target: str, person: str | None) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with db.engine().begin() as conn:
            cfg.attributes["connection"] = conn
            cfg.attributes["person"] = person
            getattr(command, action)(cfg, target)
    except Exception as exc:
        raise StorageError(f"cannot migrate the database: {str(exc).splitlines()[0]}") from exc
    finally:
        if db.dialect == "sqlite":
            db.engine().dispose()


def _known_revisions() -> set[str]:
    return {p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py")}


@contextmanager
def _migration_lock(db: Database) -> Iterator[None]:
    if db.dialect == "sqlite":
        if db.path == ":memory:":
            yield
            return
        import fcntl
        lock_path = Path(db.path + ".migrate-lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
    else:
        from sqlalchemy import text
        with db.engine().connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(727274)"))
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(727274)"))
                conn.commit()


if __name__ == "__main__":   # python -m feedwatch.storage.migrate: rewrite the baseline after a new migration
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        BASELINE.write_text(baseline_from_migrations(f"{tmp}/baseline.db"), encoding="utf-8")
    print(f"wrote {BASELINE}")
