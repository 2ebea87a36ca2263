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
from .cli_common import EXIT_OK, EXIT_USAGE, CliError, _load_config, _open_db, report_error
from .errors import FeedwatchError

_CORE = ("fetch", "enrich", "items", "sources", "opml", "demo")   # built here; the others in cli_*.py


def command_in(argv: list[str]) -> str | None:
    """The subcommand argv names (the first word that is not an option or an option's value)."""
    value_of = False
    for arg in argv:
        if value_of:
            value_of = False
        elif arg in ("--config", "--db"):
            value_of = True
        elif not arg.startswith("-"):
            return arg
    return None


def needs_whole_parser(argv: list[str]) -> bool:
    """Whether parsing argv needs the other commands' parsers: a fetch from cron or the app's start
    should not import and build the experiments', digest's and catalogue's parsers (~12 ms)."""
    command = command_in(argv)
    if command is None:
        return "-h" in argv or "--help" in argv
    return command not in _CORE


def build_parser(core_only: bool = False) -> argparse.ArgumentParser:
    """The whole command line, or (`core_only`) only the global options and the core commands."""
    p = argparse.ArgumentParser(prog="feedwatch", description="Keep up with papers, posts and model releases "
                                "that affect your prompts and pipelines.")
    p.add_argument("--version", action="version", version=f"feedwatch {__version__}")
    p.add_argument("-v", "--debug", action="store_true", help="on an error, also print its details (traceback)")
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
    f.add_argument("--notify", action="store_true", help="then send what is new to the [[notify]] targets")

    e = sub.add_parser("enrich", help="summarize, tag and link items (offline, or the configured LLM)")
    e.add_argument("--source", metavar="NAME", help="only items of this source")
    e.add_argument("--limit", type=int, metavar="N", help="at most N items")
    e.add_argument("--redo", action="store_true",
                   help="also re-enrich items enriched by another enricher, model or prompt version")
    e.add_argument("--now", action="store_true",
                   help="retry items waiting for the LLM at once, ignoring their backoff")

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
    if core_only:
        return p
    from .cli_assets import _add_assets_parser
    from .cli_data import _add_digest_parser, _add_transfer_parsers
    from .cli_experiments import _add_experiments_parser
    from .cli_lifecycle import _add_lifecycle_parsers
    from .cli_notify import _add_notify_parser
    _add_experiments_parser(sub)
    _add_assets_parser(sub)
    _add_notify_parser(sub)
    _add_lifecycle_parsers(sub)
    _add_digest_parser(sub)
    _add_transfer_parsers(sub)
    return p


def cmd_fetch(args) -> int:
    import asyncio

    from .ingest.report import FetchReporter
    from .ingest.run import FetchRun, select_sources

    config = _load_config(args)
    try:
        sources = select_sources(config, args.source)
    except KeyError as exc:
        raise CliError(f"no source named {exc.args[0]!r} in {config.path}", EXIT_USAGE) from None
    if not sources:
        print("no enabled sources to fetch", file=sys.stderr)
        if not (config.catalogs or args.notify):
            return EXIT_OK
    else:
        db = _open_db(args, config)
        reporter = FetchReporter(len(sources), sys.stdout)
        run = FetchRun(config, db, on_result=reporter.result, on_start=reporter.start)
        try:
            with reporter:
                summary = asyncio.run(run.run(sources, due_only=args.due, force=args.force))
        finally:
            db.close()
        reporter.totals(summary)
        db = _open_db(args, config)
        try:
            from .storage.stories import any_pending
            if any_pending(db):            # new items join the stories they report on
                from .stories.run import group_pending
                group_pending(db, config)
        finally:
            db.close()
    if config.catalogs and not args.source:
        from .cli_lifecycle import refresh_due_catalogs
        db = _open_db(args, config)
        try:
            refresh_due_catalogs(config, db, force=args.force)
        finally:
            db.close()
    if args.enrich:
        db = _open_db(args, config)
        try:
            _run_enrich(config, db, source=None, limit=None, redo=False)
        finally:
            db.close()
    if args.notify:
        from .cli_notify import notify_after_fetch
        return notify_after_fetch(args, config)
    return EXIT_OK


def _run_enrich(config, db, *, source, limit, redo, now=False) -> None:
    import asyncio

    from .enrich.run import enrich
    from .text import clean_line

    s = asyncio.run(enrich(config, db, source=source, limit=limit, redo=redo, now=now))
    for note in s.notes:
        print(f"feedwatch: {note}", file=sys.stderr)
    label = s.enricher + (f" ({s.model})" if s.model else "")
    line = (f"enriched with {label}: {s.done} done, {s.cached} cached, {s.failed} failed; "
            f"{s.calls} calls, {s.prompt_tokens + s.completion_tokens} tokens "
            f"({s.prompt_tokens} prompt, {s.completion_tokens} completion), ${s.cost_usd:.4f}")
    if s.dropped:
        line += "; dropped from answers: " + ", ".join(
            f"{v} {k.replace('_', ' ')}" for k, v in sorted(s.dropped.items()))
    print(line)
    for err in s.errors:
        print(f"  error: {clean_line(err, 300)}")
    if s.waiting:
        from .enrich.waiting import waiting_line
        print(waiting_line(s.waiting, s.waiting_until))


def cmd_enrich(args) -> int:
    config = _load_config(args)
    if args.limit is not None and args.limit < 0:
        raise CliError("--limit must be 0 or more", EXIT_USAGE)
    if args.source and config.source(args.source) is None:
        print(f"feedwatch: note: {args.source!r} is not in {config.path}; enriching its stored items anyway",
              file=sys.stderr)
    db = _open_db(args, config)
    try:
        _run_enrich(config, db, source=args.source, limit=args.limit, redo=args.redo, now=args.now)
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
    from .cli_common import _person
    person = _person(args)   # whose read / starred / hidden state the list shows
    db = _open_db(args, person=person)
    try:
        rows = list_items(db, person=person, source=args.source, since=since, limit=args.limit, query=args.query)
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
        if config.catalogs:
            from .storage.catalogs import catalog_states
            catalogs = catalog_states(db)
    finally:
        db.close()
    print_sources(config, health, sys.stdout)
    if config.catalogs:
        from .output import print_catalogs
        print_catalogs(config, catalogs, sys.stdout)
    if config.notify:
        from .cli_notify import print_targets
        print_targets(args, config)
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


def cmd_default(args, parser) -> int:
    """No command: the triage TUI on a terminal, help otherwise."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        build_parser().print_help()     # every command (main built only the core ones)
        return EXIT_OK
    from .storage.db import open_database, resolve_db_url
    from .tui.app import run_tui

    config = _load_config(args)
    url = resolve_db_url(args.db)
    open_database(url).close()   # migrate (and report database errors) before the screen takes over
    run_tui(config, url, debug=args.debug)
    return EXIT_OK


COMMANDS = {"fetch": cmd_fetch, "enrich": cmd_enrich, "items": cmd_items, "sources": cmd_sources, "opml": cmd_opml,
            "demo": cmd_demo}
def _lazy(module: str, name: str):
    """A command implemented in another module, imported only when it runs."""
    def run(args) -> int:
        import importlib
        return getattr(importlib.import_module(f"feedwatch.{module}"), name)(args)
    return run


COMMANDS["experiments"] = _lazy("cli_experiments", "cmd_experiments")
COMMANDS["digest"] = _lazy("cli_data", "cmd_digest")
COMMANDS["db"] = _lazy("cli_data", "cmd_db")
COMMANDS["export"] = _lazy("cli_data", "cmd_export")
COMMANDS["import"] = _lazy("cli_data", "cmd_import")
COMMANDS["assets"] = _lazy("cli_assets", "cmd_assets")
COMMANDS["catalog"] = _lazy("cli_lifecycle", "cmd_catalog")
COMMANDS["stack"] = _lazy("cli_lifecycle", "cmd_stack")
COMMANDS["notify"] = _lazy("cli_notify", "cmd_notify")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(core_only=not needs_whole_parser(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return cmd_default(args, parser)
        return COMMANDS[args.command](args)
    except FeedwatchError as exc:   # config, database, fetch, input, ...: one line (details with --debug)
        return report_error(exc, debug=args.debug)
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
