"""Open the database: connect (`connection.py`) and bring the schema up to date (`migrate.py`).

Callers import everything from here; the connection classes live in `connection.py` so that
`migrate.py` can use them without importing this module back (no cycle).
"""

from __future__ import annotations

from collections.abc import Callable

from .connection import Conn, Database, StorageError, is_busy, resolve_db_url
from .migrate import ensure_schema

__all__ = ["Conn", "Database", "StorageError", "is_busy", "open_database", "resolve_db_url"]


def open_database(url: str | None = None, person: str | Callable[[], str] | None = None) -> Database:
    """Open (and migrate, if needed) the database named by --db / FEEDWATCH_DB / the default.

    `person` (a name, or a callable giving it; see `feedwatch.identity`) matters only when an upgrade
    moves shared triage state (`migrate.ensure_schema`)."""
    db = Database(resolve_db_url(url))
    ensure_schema(db, person=person)
    return db


