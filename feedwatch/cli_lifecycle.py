"""`feedwatch catalog update|show` and `feedwatch stack`: model lifecycle from the command line."""

from __future__ import annotations

import json
import sys
from datetime import date

from .cli_common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliError, _load_config, _open_db


def _add_lifecycle_parsers(sub) -> None:
    c = sub.add_parser("catalog", help="model catalogues: lifecycle dates, aliases, replacements")
    csub = c.add_subparsers(dest="catalog_command", metavar="ACTION", required=True)
    cu = csub.add_parser("update", help="fetch every configured catalogue (conditional GET), then propose "
                         "migration experiments")
    cu.add_argument("--catalog", action="append", metavar="NAME", help="only this catalogue (repeatable)")
    cu.add_argument("--force", action="store_true", help="fetch even when not modified")
    cs = csub.add_parser("show", help="what every catalogue says of one model")
    cs.add_argument("model", metavar="MODEL")
    cs.add_argument("--format", choices=("table", "jsonl"), default="table")

    s = sub.add_parser("stack", help="each asset's models: status, shutdown date, days left, replacement")
    s.add_argument("--format", choices=("table", "jsonl"), default="table")
    s.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day to count from (default: today, UTC)")
    s.add_argument("--within", metavar="DURATION", help="only shutdowns within this long (90d, 2w), past ones "
                   "included")
    s.add_argument("--propose", action="store_true", help="create a migration experiment per (asset, model) whose "
                   "shutdown is within [lifecycle] propose_within (never twice)")


def _as_of(value: str | None) -> date:
    if value is None:
        from .dates import utc_now_iso
        return date.fromisoformat(utc_now_iso()[:10])
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"--as-of must be a date like 2026-12-03, got {value!r}", EXIT_USAGE) from None


def _days(value: str) -> int:
    from .config_checks import parse_duration
    text = value.strip()
    if text.endswith("w") and text[:-1].strip().isdigit():
        return int(text[:-1]) * 7
    seconds = parse_duration(text)
    if seconds is None:
        raise CliError(f"--within must look like 90d, 2w or 12h, got {value!r}", EXIT_USAGE)
    return seconds // 86400


def cmd_catalog(args) -> int:
    return cmd_catalog_update(args) if args.catalog_command == "update" else cmd_catalog_show(args)


def cmd_catalog_update(args) -> int:
    """One line per catalogue; exit 0 when at least one updated (or was not modified), else 1."""
    import asyncio

    from .lifecycle.update import select_catalogs, update_catalogs
    config = _load_config(args)
    try:
        catalogs = select_catalogs(config, args.catalog)
    except KeyError as exc:
        raise CliError(f"no catalogue named {exc.args[0]!r} in {config.path}", EXIT_USAGE) from None
    if not catalogs:
        print("no catalogues configured ([[catalogs]] in feeds.toml); using the bundled snapshot", file=sys.stderr)
        return EXIT_FAILURE
    db = _open_db(args, config)
    try:
        results = asyncio.run(update_catalogs(config, db, catalogs, force=args.force,
                                              on_result=lambda r: print(r.line(), flush=True)))
        ok = any(r.outcome in ("updated", "not-modified") for r in results)
        if ok:
            from .lifecycle.propose import propose_due
            for p in propose_due(db, config, _as_of(None)):
                print(p.line())
    finally:
        db.close()
    return EXIT_OK if ok else EXIT_FAILURE


def refresh_due_catalogs(config, db, *, force: bool = False) -> None:
    """What `fetch` does after the sources: update the catalogues that are due (a line for each one
    that was fetched), then propose the migrations that are due."""
    import asyncio

    from .lifecycle.update import refresh_due
    results, proposals = asyncio.run(refresh_due(config, db, force=force))
    for r in results:
        if r.outcome != "skipped":
            print(f"catalog {r.line()}")
    for p in proposals:
        print(p.line())


def cmd_catalog_show(args) -> int:
    from .lifecycle.source import load_catalogue
    from .text import clean_line
    config = _load_config(args)
    db = _open_db(args, config)
    try:
        catalogue, bundled = load_catalogue(db, config, [args.model])
    finally:
        db.close()
    today = _as_of(None)
    life = catalogue.lifecycle(args.model, today)
    if args.format == "jsonl":
        for e in life.entries:
            sys.stdout.write(json.dumps({"catalog": e.catalog, "model_id": e.model_id, "canonical": e.key,
                                         "provider": e.provider or None, "status": e.status,
                                         "deprecation_date": e.deprecation_date, "shutdown_date": e.shutdown_date,
                                         "earliest_shutdown": e.earliest_shutdown, "replacement": e.replacement,
                                         "release_date": e.release_date, "aliases": list(e.aliases),
                                         "source_url": e.source_url}, ensure_ascii=False) + "\n")
        return EXIT_OK if life.entries else EXIT_FAILURE
    out = sys.stdout
    out.write(f"{clean_line(args.model, 160)} = {clean_line(life.canonical, 160)}: {life.status}")
    days = life.days_left(today)
    if life.shutdown_date and days is not None:
        out.write(f", shuts down {life.shutdown_date} (in {days} days)" if days > 0 else
                  f", shut down {life.shutdown_date} ({-days} days ago)" if days < 0 else
                  f", shuts down today ({life.shutdown_date})")
    if life.replacement:
        out.write(f", replacement {clean_line(life.replacement, 160)}")
    out.write("\n")
    if life.alias_of:
        out.write(f"  an alias of {clean_line(life.alias_of, 160)}\n")
    if life.via:
        out.write(f"  (from {'its ' if life.via != 'another platform' else ''}{life.via})\n")
    if bundled:
        out.write("  (from the bundled snapshot: run `feedwatch catalog update` for current data)\n")
    for e in life.entries:
        dates = ", ".join(f"{k} {v}" for k, v in (("deprecated", e.deprecation_date), ("shutdown", e.shutdown_date),
                                                   ("not before", e.earliest_shutdown), ("released", e.release_date))
                          if v)
        out.write(f"  {e.catalog}: {clean_line(e.model_id, 160)} [{clean_line(e.provider or '-', 40)}]"
                  f" {e.status or '-'}" + (f"; {dates}" if dates else "")
                  + (f"; replacement {clean_line(e.replacement, 160)}" if e.replacement else "")
                  + (f"; aliases {', '.join(clean_line(a, 80) for a in e.aliases)}" if e.aliases else "") + "\n")
        if e.source_url:
            out.write(f"      {clean_line(e.source_url, 300)}\n")
    if not life.entries:
        out.write("  no catalogue lists it\n")
        return EXIT_FAILURE
    return EXIT_OK


def cmd_stack(args) -> int:
    from .lifecycle.schedule import stack_rows
    from .lifecycle.source import for_assets
    from .text import clean_line
    as_of = _as_of(args.as_of)
    within = _days(args.within) if args.within else None
    config = _load_config(args)
    db = _open_db(args, config)
    try:
        catalogue, bundled = for_assets(db, config)
        rows = stack_rows(config.assets, catalogue, as_of, within)
        proposals = []
        if args.propose:
            from .lifecycle.propose import propose_due
            proposals = propose_due(db, config, as_of, catalogue)
    finally:
        db.close()
    if args.format == "jsonl":
        for r in rows:
            sys.stdout.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
    else:
        if not config.assets:
            print(f"no assets in {config.path}: list your prompts and pipelines as [[assets]] with their models")
        print(f"{'asset':<24} {'model':<30} {'status':<10} {'shutdown':<10} {'days':>5}  replacement")
        for r in rows:
            days = "-" if r.days_left is None else str(r.days_left)
            print(f"{clean_line(r.asset, 24):<24} {clean_line(r.model, 30):<30} {r.status:<10} "
                  f"{r.shutdown_date or '-':<10} {days:>5}  {clean_line(r.replacement or '-', 60)}"
                  + (f"  (alias of {clean_line(r.alias_of, 60)})" if r.alias_of else ""))
        if bundled:
            print("(lifecycle from the bundled catalogue snapshot; `feedwatch catalog update` fetches current data)",
                  file=sys.stderr)
    for p in proposals:
        print(p.line(), file=sys.stderr if args.format == "jsonl" else sys.stdout)
    return EXIT_OK
