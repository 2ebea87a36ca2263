"""`feedwatch digest`, `db status|upgrade`, `export`, `import`: moving data in and out."""

from __future__ import annotations

import os
import sys
from datetime import UTC
from pathlib import Path
from typing import BinaryIO, cast

from .cli_common import EXIT_OK, EXIT_USAGE, CliError, _load_config, _open_db


def _add_digest_parser(sub) -> None:
    g = sub.add_parser("digest", help="the weekly digest: highlights, what affects our stack, tags, experiments, "
                       "failed sources (Markdown, HTML or JSON)")
    g.add_argument("--week", metavar="YYYY-Www", help="an ISO week, e.g. 2026-W48 (default: the last complete ISO "
                   "week, UTC)")
    g.add_argument("--since", metavar="DATE", help="first day, YYYY-MM-DD (or an ISO time); needs --until")
    g.add_argument("--until", metavar="DATE", help="last day, included, YYYY-MM-DD (or an ISO time, excluded)")
    g.add_argument("--format", choices=("md", "html", "json"), default="md")
    g.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    g.add_argument("--post", action="store_true", help="post it to the [[notify]] targets that take the digest "
                   "(Markdown, or HTML where the service takes it) instead of printing it")


def cmd_digest(args) -> int:
    """Same database and period -> byte-identical output (UTF-8, whatever the locale)."""
    from datetime import datetime

    from .digest import PeriodError, build_digest, render
    from .digest.week import resolve

    try:
        span = resolve(args.week, args.since, args.until, today=datetime.now(UTC).date())
    except PeriodError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    config = _load_config(args)
    if args.post:
        from .cli_notify import post_digest
        return post_digest(args, config, span)
    db = _open_db(args)
    try:
        digest = build_digest(db, config, span.since, span.until)
    finally:
        db.close()
    data = render(digest, args.format).encode("utf-8")
    if args.output:
        try:
            args.output.write_bytes(data)
        except OSError as exc:
            raise CliError(f"cannot write {args.output}: {exc.strerror or exc}", EXIT_USAGE) from None
    elif getattr(sys.stdout, "buffer", None) is not None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK


def _add_transfer_parsers(sub) -> None:
    b = sub.add_parser("db", help="the database schema: show its revision, or migrate it to the newest")
    bsub = b.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    bsub.add_parser("status", help="the database's schema revision and the newest (HEAD)")
    bsub.add_parser("upgrade", help="migrate the database to the newest schema now")
    x = sub.add_parser("export", help="write the whole database as JSON Lines (to move it between SQLite and "
                       "PostgreSQL, or back it up)")
    x.add_argument("--format", choices=("jsonl",), default="jsonl")
    x.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    m = sub.add_parser("import", help="load a `feedwatch export` into an empty database, all or nothing")
    m.add_argument("file", type=Path, metavar="FILE", help="the export (- for stdin)")
    m.add_argument("--replace", action="store_true", help="delete everything in the database first")


def cmd_db(args) -> int:
    """status: the schema revision and HEAD; upgrade: migrate to HEAD now (otherwise done on first use)."""
    from .storage.db import Database, resolve_db_url
    from .storage.migrate import HEAD, _known_revisions, current_revision, ensure_schema

    db = Database(resolve_db_url(args.db))
    try:
        if args.db_command == "status":
            if db.dialect == "sqlite" and db.path != ":memory:" and not Path(db.path).exists():
                print(f"no database at {db.path} yet (HEAD {HEAD}): `feedwatch db upgrade` creates it")
                return EXIT_OK
            rev = current_revision(db)
            if rev == HEAD:
                print(f"database at revision {rev} (HEAD {HEAD}): up to date")
            elif rev is None:
                print(f"database has no schema yet (HEAD {HEAD}): run `feedwatch db upgrade`")
            elif rev not in _known_revisions():
                print(f"database at revision {rev} (HEAD {HEAD}): written by a newer feedwatch; upgrade feedwatch")
            else:
                print(f"database at revision {rev} (HEAD {HEAD}): run `feedwatch db upgrade`")
            return EXIT_OK
        before = current_revision(db)
        if before == HEAD:
            print(f"already at revision {HEAD}")
            return EXIT_OK
        from .cli_common import _person
        ensure_schema(db, person=_person(args))   # an upgrade past 0005 keeps the shared triage state as theirs
        print(f"database at revision {current_revision(db)} (was {before or 'empty'})")
        return EXIT_OK
    finally:
        db.close()


def cmd_export(args) -> int:
    """The whole database as JSON Lines; the same database always gives byte-identical output."""
    from .storage.transfer import TransferError, export_database

    db = _open_db(args)
    try:
        if args.output is None:
            out = cast("BinaryIO", getattr(sys.stdout, "buffer", None) or _TextOut(sys.stdout))
            sys.stdout.flush()
            export_database(db, out)
            out.flush()
            return EXIT_OK
        counts = _export_to_file(db, args.output, export_database)
    except TransferError as exc:
        raise CliError(str(exc)) from None
    finally:
        db.close()
    print(f"exported {counts.describe()} at schema {counts.schema} to {args.output}")
    return EXIT_OK


class _TextOut:
    def __init__(self, stream):
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.write(data.decode("utf-8"))

    def flush(self) -> None:
        self.stream.flush()


def _export_to_file(db, path: Path, export_database):
    """Write beside the target and rename at the end, so a failed export never leaves half a file."""
    direct = path.exists() and not path.is_file()     # /dev/stdout, a FIFO: write straight to it
    tmp = path if direct else path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            counts = export_database(db, fh)
        if not direct:
            os.replace(tmp, path)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}", EXIT_USAGE) from None
    finally:
        if not direct and tmp.exists():
            tmp.unlink()
    return counts


def cmd_import(args) -> int:
    """Load an export in one transaction; refuses a non-empty database (unless --replace) or another schema."""
    from .storage.transfer import TransferError, import_database

    if str(args.file) == "-":
        fh, name = sys.stdin.buffer, "stdin"
    else:
        try:
            fh, name = open(args.file, "rb"), str(args.file)
        except OSError as exc:
            raise CliError(f"cannot read {args.file}: {exc.strerror or exc}", EXIT_USAGE) from None
    try:
        db = _open_db(args)
        try:
            counts = import_database(db, fh, replace=args.replace, name=name)
        finally:
            db.close()
    except TransferError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot read {name}: {exc.strerror or exc}") from None
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()
    print(f"imported {counts.describe()} at schema {counts.schema}")
    return EXIT_OK
