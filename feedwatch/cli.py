"""The `feedwatch` command line: a thin layer over the headless core.

argparse rather than a framework keeps start-up cheap (a 304-only fetch run is mostly start-up).
Expected failures (config errors, unreachable database, bad arguments) print one line to stderr
and exit with a status; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .config import ConfigError

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A one-line user-facing error with an exit status."""

    def __init__(self, message: str, status: int = EXIT_FAILURE):
        super().__init__(message)
        self.status = status


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="feedwatch", description="Keep up with papers, posts and model releases "
                                "that affect your prompts and pipelines.")
    p.add_argument("--version", action="version", version=f"feedwatch {__version__}")
    p.add_argument("--config", metavar="PATH", help="feeds.toml (env FEEDWATCH_CONFIG; default ./feeds.toml, "
                   "then the user config dir, then the bundled default)")
    p.add_argument("--db", metavar="PATH_OR_URL", help="database file or URL (env FEEDWATCH_DB; default a SQLite "
                   "file in the user data dir; postgresql+psycopg://... for team mode)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    f = sub.add_parser("fetch", help="fetch sources and store new items")
    f.add_argument("--source", action="append", metavar="NAME", help="only this source (repeatable)")
    f.add_argument("--due", action="store_true", help="only sources whose interval has elapsed (for cron)")
    f.add_argument("--force", action="store_true", help="also fetch sources that are backing off")
    f.add_argument("--enrich", action="store_true", help="enrich the new items afterwards")

    e = sub.add_parser("enrich", help="summarize, tag and link items (offline, or the configured LLM)")
    e.add_argument("--source", metavar="NAME", help="only items of this source")
    e.add_argument("--limit", type=int, metavar="N", help="at most N items")
    e.add_argument("--redo", action="store_true",
                   help="also re-enrich items enriched by another enricher, model or prompt version")

    i = sub.add_parser("items", help="list stored items")
    i.add_argument("--format", choices=("table", "jsonl"), default="table")
    i.add_argument("--source", metavar="NAME")
    i.add_argument("--since", metavar="DATE", help="YYYY-MM-DD, ISO time, or 7d / 12h / 2w")
    i.add_argument("--limit", type=int, metavar="N")
    i.add_argument("--query", metavar="TEXT", help='search: words, "a phrase", tag:X source:X asset:X '
                   "is:unread|read|starred since:7d, -word to exclude")

    sub.add_parser("sources", help="health of every source")

    o = sub.add_parser("opml", help="import or export OPML subscription lists")
    osub = o.add_subparsers(dest="opml_command", metavar="ACTION", required=True)
    oi = osub.add_parser("import", help="add the feeds of an OPML file to the config")
    oi.add_argument("file", type=Path)
    oe = osub.add_parser("export", help="write the configured feeds as OPML")
    oe.add_argument("-o", "--output", type=Path, metavar="FILE")

    d = sub.add_parser("demo", help="open the app on a bundled demo dataset (temporary database, no network)")
    d.add_argument("--keep", type=Path, metavar="PATH", help="build the demo database at PATH (a new file) and "
                   "keep it, e.g. to inspect it later with `feedwatch --db PATH items`")
    _add_experiments_parser(sub)
    _add_digest_parser(sub)
    _add_transfer_parsers(sub)
    return p


def _config_path(args) -> Path:
    from .config import default_config_path
    return Path(args.config) if args.config else default_config_path()


def _load_config(args):
    from .config import load_config
    return load_config(_config_path(args))


def _open_db(args):
    from .storage.db import open_database
    return open_database(args.db)


def cmd_fetch(args) -> int:
    import asyncio

    from .ingest.run import FetchRun, select_sources
    from .ingest.report import FetchReporter

    config = _load_config(args)
    try:
        sources = select_sources(config, args.source)
    except KeyError as exc:
        raise CliError(f"no source named {exc.args[0]!r} in {config.path}", EXIT_USAGE) from None
    if not sources:
        print("no enabled sources to fetch", file=sys.stderr)
        return EXIT_OK
    db = _open_db(args)
    reporter = FetchReporter(len(sources), sys.stdout)
    run = FetchRun(config, db, on_result=reporter.result, on_start=reporter.start)
    try:
        with reporter:
            summary = asyncio.run(run.run(sources, due_only=args.due, force=args.force))
    finally:
        db.close()
    reporter.totals(summary)
    if args.enrich:
        db = _open_db(args)
        try:
            _run_enrich(config, db, source=None, limit=None, redo=False)
        finally:
            db.close()
    return EXIT_OK


def _run_enrich(config, db, *, source, limit, redo) -> None:
    import asyncio

    from .enrich.run import enrich
    from .text import clean_line

    s = asyncio.run(enrich(config, db, source=source, limit=limit, redo=redo))
    for note in s.notes:
        print(f"feedwatch: {note}", file=sys.stderr)
    label = s.enricher + (f" ({s.model})" if s.model else "")
    line = (f"enriched with {label}: {s.done} done, {s.cached} cached, {s.failed} failed; "
            f"{s.calls} calls, {s.prompt_tokens + s.completion_tokens} tokens "
            f"({s.prompt_tokens} prompt, {s.completion_tokens} completion), ${s.cost_usd:.4f}")
    if s.dropped:
        line += "; dropped from answers: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in sorted(s.dropped.items()))
    print(line)
    for err in s.errors:
        print(f"  error: {clean_line(err, 300)}")


def cmd_enrich(args) -> int:
    config = _load_config(args)
    if args.limit is not None and args.limit < 0:
        raise CliError("--limit must be 0 or more", EXIT_USAGE)
    if args.source and config.source(args.source) is None:
        print(f"feedwatch: note: {args.source!r} is not in {config.path}; enriching its stored items anyway",
              file=sys.stderr)
    db = _open_db(args)
    try:
        _run_enrich(config, db, source=args.source, limit=args.limit, redo=args.redo)
    finally:
        db.close()
    return EXIT_OK


def cmd_items(args) -> int:
    from .output import print_items_jsonl, print_items_table
    from .storage.queries import QueryError, list_items, parse_since

    if args.limit is not None and args.limit < 0:
        raise CliError("--limit must be 0 or more", EXIT_USAGE)
    try:
        since = parse_since(args.since) if args.since else None
        if args.query:
            from .storage.search import parse_query
            parse_query(args.query)   # a bad since: is a usage error, before opening the database
    except QueryError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    db = _open_db(args)
    try:
        rows = list_items(db, source=args.source, since=since, limit=args.limit, query=args.query)
    finally:
        db.close()
    if args.format == "jsonl":
        print_items_jsonl(rows, sys.stdout)
    else:
        print_items_table(rows, sys.stdout)
    return EXIT_OK


def cmd_sources(args) -> int:
    from .output import print_sources
    from .storage.queries import source_health

    config = _load_config(args)
    db = _open_db(args)
    try:
        health = source_health(db)
    finally:
        db.close()
    print_sources(config, health, sys.stdout)
    return EXIT_OK


def cmd_opml(args) -> int:
    from .opml import OpmlError, export_opml, import_opml

    if args.opml_command == "import":
        config_path = Path(args.config) if args.config else Path(os.environ.get("FEEDWATCH_CONFIG", "feeds.toml"))
        try:
            report = import_opml(args.file, config_path)
        except OpmlError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
        for line in report.refused:
            print(f"refused: {line}", file=sys.stderr)
        for line in report.skipped:
            print(f"skipped: {line}")
        print(f"added {len(report.added)} feed(s) to {config_path}")
        return EXIT_OK
    config = _load_config(args)
    triples = [(s.name, s.title or s.name, s.fetch_url(config.endpoints))
               for s in config.sources if s.kind in ("feed", "github")]
    text = export_opml(triples)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_demo(args) -> int:
    """The TUI on a freshly built demo database (--config and --db are not used)."""
    import tempfile

    from .demo import build_demo

    if args.keep is not None:
        path = args.keep.expanduser()
        if path.exists():
            raise CliError(f"{path} already exists; pass --keep a new file name", EXIT_USAGE)
        return _demo_at(build_demo, path, kept=True)
    with tempfile.TemporaryDirectory(prefix="feedwatch-demo-", ignore_cleanup_errors=True) as tmp:
        return _demo_at(build_demo, Path(tmp) / "demo.db", kept=False)


def _demo_at(build_demo, path: Path, *, kept: bool) -> int:
    config = build_demo(path)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        where = str(path) if kept else f"{path} (deleted on exit; use --keep PATH to keep it)"
        print(f"feedwatch demo needs a terminal to show the app; the demo database was built at {where}")
        return EXIT_OK
    from .tui.app import run_tui
    run_tui(config, "sqlite:///" + str(path))
    if kept:
        print(f"demo database kept at {path} (inspect it with: feedwatch --db {path} items)")
    return EXIT_OK


def _add_experiments_parser(sub) -> None:
    x = sub.add_parser("experiments", help="the team's experiments: hypothesis, runs, outcome, history")
    xsub = x.add_subparsers(dest="experiments_command", metavar="ACTION", required=True)
    xl = xsub.add_parser("list", help="experiments, most recently changed first")
    xl.add_argument("--status", metavar="S", help="proposed, running, done or abandoned")
    xl.add_argument("--asset", metavar="A", help="only experiments linked to this asset")
    xl.add_argument("--format", choices=("table", "jsonl"), default="table")
    xa = xsub.add_parser("add", help="propose a new experiment")
    xa.add_argument("--title", metavar="T", required=True)
    xa.add_argument("--hypothesis", metavar="H", default="")
    xa.add_argument("--item", dest="items", metavar="ID", nargs="+", action="extend", default=[],
                    help="ids of the items it is about (see `feedwatch items`)")
    xa.add_argument("--asset", dest="assets", metavar="NAME", nargs="+", action="extend", default=[],
                    help="prompts or pipelines it is about")
    xa.add_argument("--owner", metavar="NAME", help="default: `user` in the config, else your login name")
    xs = xsub.add_parser("show", help="everything about one experiment")
    xs.add_argument("id", metavar="ID")
    xu = xsub.add_parser("update", help="change status, append a note, link a run (MLflow, W&B, promptfoo...)")
    xu.add_argument("id", metavar="ID")
    xu.add_argument("--status", metavar="S", help="running or abandoned (finish with `close`)")
    xu.add_argument("--note", metavar="TEXT", help="Markdown, appended under a dated heading")
    xu.add_argument("--link", metavar="URL", help="http(s) URL of a run or report")
    xc = xsub.add_parser("close", help="finish a running experiment with an outcome")
    xc.add_argument("id", metavar="ID")
    xc.add_argument("--outcome", metavar="O", required=True, help="improved, regressed, no-change or inconclusive")
    xc.add_argument("--result", metavar="TEXT", help="the results (Markdown)")


def _whoami(config) -> str:
    """Who a change is recorded as: `user` in the config, else the login name."""
    if config.user:
        return config.user
    import getpass
    try:
        return getpass.getuser()
    except Exception:   # no login name (some containers): record the change anyway
        return os.environ.get("USER") or "unknown"


def cmd_experiments(args) -> int:
    """list / add / show / update / close; user errors are one line (exit 2), an edit conflict exits 1."""
    from .storage import experiments as xp

    try:
        return _EXPERIMENT_ACTIONS[args.experiments_command](args, xp)
    except xp.ConflictError as exc:
        raise CliError(str(exc), EXIT_FAILURE) from None
    except xp.ExperimentError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def _experiments_list(args, xp) -> int:
    import json

    status = xp.parse_status(args.status) if args.status is not None else None
    db = _open_db(args)
    try:
        rows = xp.list_experiments(db, status=status, asset=args.asset)
    finally:
        db.close()
    if args.format == "jsonl":
        for e in rows:
            sys.stdout.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")
        return EXIT_OK
    import shutil

    from .text import clean_line
    if not rows:
        print("no experiments")
        return EXIT_OK
    title_w = max(20, shutil.get_terminal_size((120, 24)).columns - 6 - 10 - 13 - 13 - 17)
    print(f"{'id':>5} {'status':<9} {'outcome':<12} {'owner':<12} {'updated':<16} title")
    for e in rows:
        owner = clean_line(e.owner or "-", 12)
        print(f"{e.id:>5} {e.status:<9} {e.outcome or '-':<12} {owner:<12} {_when(e.updated_at):<16} "
              f"{clean_line(e.title, title_w)}")
    return EXIT_OK


def _when(ts: str | None) -> str:
    return ts[:16].replace("T", " ") if ts else "-"


def _experiments_add(args, xp) -> int:
    from .text import clean_line

    config = _load_config(args)
    who = _whoami(config)
    known = {a.name for a in config.assets}
    db = _open_db(args)
    try:
        e = xp.create(db, args.title, args.hypothesis, items=args.items, assets=args.assets,
                      owner=args.owner or who, who=who)
    finally:
        db.close()
    for name in e.assets:
        if name not in known:
            print(f"feedwatch: note: asset {name!r} is not in {config.path}; linked anyway", file=sys.stderr)
    print(f"added experiment {e.id}: {clean_line(e.title, 200)}")
    return EXIT_OK


def _experiments_show(args, xp) -> int:
    from .text import clean_body, clean_line

    db = _open_db(args)
    try:
        e = xp.get(db, xp.parse_id(args.id))
        if e is None:
            raise xp.NotFoundError(f"no experiment with id {xp.parse_id(args.id)}")
        items = xp.linked_items(db, e.id)
    finally:
        db.close()
    out = sys.stdout

    def block(name: str, text: str) -> None:
        out.write(f"{name}:\n")
        body = clean_body(text)
        out.write("".join(f"  {line}".rstrip() + "\n" for line in body.splitlines()) if body else "  -\n")

    out.write(f"experiment {e.id}: {clean_line(e.title, 200)}\n")
    out.write(f"status:     {e.status}" + (f" (outcome: {e.outcome})" if e.outcome else "") + "\n")
    out.write(f"owner:      {clean_line(e.owner or '-', 100)}\n")
    out.write(f"created:    {_when(e.created_at)}\n")
    out.write(f"updated:    {_when(e.updated_at)} (version {e.version})\n")
    if e.closed_at:
        out.write(f"closed:     {_when(e.closed_at)}\n")
    out.write(f"assets:     {', '.join(clean_line(a, 100) for a in e.assets) or '-'}\n")
    block("hypothesis", e.hypothesis)
    out.write("items:\n")
    for it in items:
        out.write(f"  {it['id']:>6}  {clean_line(it['title'], 150)}\n")
    if not items:
        out.write("  -\n")
    out.write("links:\n")
    for link in e.links:
        label = f"[{clean_line(link['label'], 60)}] " if link["label"] else ""
        out.write(f"  {label}{clean_line(link['url'], 2000)}\n")
    if not e.links:
        out.write("  -\n")
    block("notes", e.notes)
    block("results", e.results)
    out.write("history:\n")
    for h in e.history:
        who = clean_line(h["who"], 40) or "-"
        out.write(f"  {_when(h['at'])}  {who}: {clean_line(h['what'], 300)}\n")
    return EXIT_OK


def _experiments_update(args, xp) -> int:
    if args.status is None and args.note is None and args.link is None:
        raise CliError("nothing to update: give --status, --note or --link (finish with `close`)", EXIT_USAGE)
    eid = xp.parse_id(args.id)
    status = xp.parse_status(args.status) if args.status is not None else None
    who = _whoami(_load_config(args))
    db = _open_db(args)
    try:
        e = xp.update(db, eid, who, status=status, note=args.note, link=args.link)
    finally:
        db.close()
    done = ([f"status {e.status}"] if status else []) + (["note added"] if args.note is not None else []) \
        + ([f"link {e.links[-1]['url'] if e.links else args.link} added"] if args.link is not None else [])
    print(f"updated experiment {e.id} (version {e.version}): {'; '.join(done)}")
    return EXIT_OK


def _experiments_close(args, xp) -> int:
    eid = xp.parse_id(args.id)
    outcome = xp.parse_outcome(args.outcome)
    who = _whoami(_load_config(args))
    db = _open_db(args)
    try:
        e = xp.close(db, eid, outcome, args.result, who)
    finally:
        db.close()
    print(f"closed experiment {e.id}: done, outcome {e.outcome}")
    return EXIT_OK


_EXPERIMENT_ACTIONS = {"list": _experiments_list, "add": _experiments_add, "show": _experiments_show,
                       "update": _experiments_update, "close": _experiments_close}


def _add_digest_parser(sub) -> None:
    g = sub.add_parser("digest", help="the weekly digest: highlights, what affects our stack, tags, experiments, "
                       "failed sources (Markdown, HTML or JSON)")
    g.add_argument("--week", metavar="YYYY-Www", help="an ISO week, e.g. 2026-W48 (default: the last complete ISO "
                   "week, UTC)")
    g.add_argument("--since", metavar="DATE", help="first day, YYYY-MM-DD (or an ISO time); needs --until")
    g.add_argument("--until", metavar="DATE", help="last day, included, YYYY-MM-DD (or an ISO time, excluded)")
    g.add_argument("--format", choices=("md", "html", "json"), default="md")
    g.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")


def cmd_digest(args) -> int:
    """Same database and period -> byte-identical output (UTF-8, whatever the locale)."""
    from datetime import datetime, timezone

    from .digest import PeriodError, build_digest, render
    from .digest.week import resolve

    try:
        span = resolve(args.week, args.since, args.until, today=datetime.now(timezone.utc).date())
    except PeriodError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    config = _load_config(args)
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
        ensure_schema(db)
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
            out = getattr(sys.stdout, "buffer", None) or _TextOut(sys.stdout)
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


def cmd_default(args, parser) -> int:
    """No command: the triage TUI on a terminal, help otherwise."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        parser.print_help()
        return EXIT_OK
    from .storage.db import open_database, resolve_db_url
    from .tui.app import run_tui

    config = _load_config(args)
    url = resolve_db_url(args.db)
    open_database(url).close()   # migrate (and report database errors) before the screen takes over
    run_tui(config, url)
    return EXIT_OK


COMMANDS = {"fetch": cmd_fetch, "enrich": cmd_enrich, "items": cmd_items, "sources": cmd_sources, "opml": cmd_opml,
            "demo": cmd_demo}
COMMANDS["experiments"] = cmd_experiments
COMMANDS["digest"] = cmd_digest
COMMANDS["db"] = cmd_db
COMMANDS["export"] = cmd_export
COMMANDS["import"] = cmd_import


def main(argv: list[str] | None = None) -> int:
    from .storage.db import StorageError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return cmd_default(args, parser)
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        print(f"feedwatch: config error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CliError as exc:
        print(f"feedwatch: {exc}", file=sys.stderr)
        return exc.status
    except StorageError as exc:
        print(f"feedwatch: database error: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("feedwatch: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # e.g. `feedwatch items | head`: the reader went away; not an error worth a traceback
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
