"""`feedwatch experiments ...`: the experiment lifecycle from the command line."""

from __future__ import annotations

import sys

from .cli_common import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CliError, _load_config, _open_db
from .storage import experiment_rules as rules


def _add_experiments_parser(sub) -> None:
    x = sub.add_parser("experiments", help="the team's experiments: hypothesis, runs, outcome, history")
    xsub = x.add_subparsers(dest="experiments_command", metavar="ACTION", required=True)
    xl = xsub.add_parser("list", help="experiments: overdue ones first, then most recently changed first")
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
    xa.add_argument("--due", metavar="DATE", help="YYYY-MM-DD it must be done by (overdue ones list first)")
    xs = xsub.add_parser("show", help="everything about one experiment")
    xs.add_argument("id", metavar="ID")
    xu = xsub.add_parser("update", help="change status, append a note, link a run (MLflow, W&B, promptfoo...)")
    xu.add_argument("id", metavar="ID")
    xu.add_argument("--status", metavar="S", help="running or abandoned (finish with `close`)")
    xu.add_argument("--note", metavar="TEXT", help="Markdown, appended under a dated heading")
    xu.add_argument("--link", metavar="URL", help="http(s) URL of a run or report")
    xu.add_argument("--due", metavar="DATE", help="YYYY-MM-DD it must be done by; \"\" clears it")
    xc = xsub.add_parser("close", help="finish a running experiment with an outcome")
    xc.add_argument("id", metavar="ID")
    xc.add_argument("--outcome", metavar="O", required=True, help="improved, regressed, no-change or inconclusive")
    xc.add_argument("--result", metavar="TEXT", help="the results (Markdown)")


def _whoami(config) -> str:
    """Who a change is recorded as: `user` in the config, else the login name."""
    from .identity import current_user
    return current_user(config)


def cmd_experiments(args) -> int:
    """list / add / show / update / close; user errors are one line (exit 2), an edit conflict exits 1."""
    from .storage import experiments as xp

    try:
        return _EXPERIMENT_ACTIONS[args.experiments_command](args, xp)
    except rules.ConflictError as exc:
        raise CliError(str(exc), EXIT_FAILURE) from None
    except rules.ExperimentError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def _experiments_list(args, xp) -> int:
    import json

    status = rules.parse_status(args.status) if args.status is not None else None
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
    title_w = max(20, shutil.get_terminal_size((120, 24)).columns - 6 - 10 - 13 - 13 - 17 - 12)
    today = _today()
    print(f"{'id':>5} {'status':<9} {'outcome':<12} {'owner':<12} {'updated':<16} {'due':<11} title")
    for e in rows:
        owner = clean_line(e.owner or "-", 12)
        due = (e.due + "!") if rules.is_overdue(e.due, e.status, today) else (e.due or "-")
        print(f"{e.id:>5} {e.status:<9} {e.outcome or '-':<12} {owner:<12} {_when(e.updated_at):<16} {due:<11} "
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
                      owner=args.owner or who, who=who, due=args.due)
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
        e = xp.get(db, rules.parse_id(args.id))
        if e is None:
            raise rules.NotFoundError(f"no experiment with id {rules.parse_id(args.id)}")
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
    if e.due:
        overdue = " (overdue)" if rules.is_overdue(e.due, e.status, _today()) else ""
        out.write(f"due:        {e.due}{overdue}\n")
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
    if args.status is None and args.note is None and args.link is None and args.due is None:
        raise CliError("nothing to update: give --status, --note, --link or --due (finish with `close`)", EXIT_USAGE)
    eid = rules.parse_id(args.id)
    status = rules.parse_status(args.status) if args.status is not None else None
    who = _whoami(_load_config(args))
    db = _open_db(args)
    try:
        e = xp.update(db, eid, who, status=status, note=args.note, link=args.link, due=args.due)
    finally:
        db.close()
    done = ([f"status {e.status}"] if status else []) + (["note added"] if args.note is not None else []) \
        + ([f"link {e.links[-1]['url'] if e.links else args.link} added"] if args.link is not None else []) \
        + ([f"due {e.due or '-'}"] if args.due is not None else [])
    print(f"updated experiment {e.id} (version {e.version}): {'; '.join(done)}")
    return EXIT_OK


def _experiments_close(args, xp) -> int:
    eid = rules.parse_id(args.id)
    outcome = rules.parse_outcome(args.outcome)
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


def _today() -> str:
    from .dates import utc_now_iso
    return utc_now_iso()[:10]
