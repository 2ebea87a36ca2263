"""`feedwatch notify [--dry-run]`, and what `fetch --notify` and `digest --post` share with it.

One line per target (sent, failed, or nothing new); exit 0 when everything was delivered or there
was nothing to send, 1 when some delivery failed or waits for a retry. A target is named by its
`name` only: its URL carries a token.
"""

from __future__ import annotations

import sys

from .cli_common import EXIT_FAILURE, EXIT_OK, _load_config, _open_db


def _add_notify_parser(sub) -> None:
    n = sub.add_parser("notify", help="send what is new to the [[notify]] targets (affects, retirements, the "
                       "weekly digest), each event once")
    n.add_argument("--dry-run", action="store_true", help="print what would be sent; send and record nothing")


def cmd_notify(args) -> int:
    config = _load_config(args)
    if not config.notify:
        print(f"no [[notify]] targets in {config.path}: see README, Notifications", file=sys.stderr)
        return EXIT_OK
    db = _open_db(args, config)
    try:
        return run_and_report(db, config, dry_run=args.dry_run)
    finally:
        db.close()


def run_and_report(db, config, *, dry_run: bool = False, kinds=None, period=None, force: bool = False) -> int:
    """Send (or preview), print a line per target, and give the exit status."""
    from .notify.run import notify_all
    from .text import clean_line
    reports = notify_all(db, config, dry_run=dry_run, kinds=kinds, period=period, force=force)
    for r in reports:
        print(r.line(), flush=True)
        for m in r.preview:
            print(f"  --- {m.kind}: {clean_line(m.title, 300)}")
            for line in m.markdown.splitlines()[:200]:
                print(f"  {clean_line(line, 1000)}")
    return EXIT_OK if all(r.ok for r in reports) else EXIT_FAILURE


def notify_after_fetch(args, config) -> int:
    """`fetch --notify`: the same as `notify`, after the fetch."""
    if not config.notify:
        print("no [[notify]] targets to notify", file=sys.stderr)
        return EXIT_OK
    db = _open_db(args, config)
    try:
        return run_and_report(db, config)
    finally:
        db.close()


def post_digest(args, config, span) -> int:
    """`digest --post`: the period's digest to every target that takes digests, now."""
    if not any("digest" in t.events for t in config.notify):
        print(f"no [[notify]] target takes the digest in {config.path}", file=sys.stderr)
        return EXIT_FAILURE
    db = _open_db(args, config)
    try:
        return run_and_report(db, config, kinds=("digest",), period=span, force=True)
    finally:
        db.close()


def print_targets(args, config) -> None:
    """The notify targets' health, after the sources (`feedwatch sources`): by name, never by URL."""
    from .storage.notifications import target_states
    from .text import clean_line
    db = _open_db(args, config)
    try:
        states = target_states(db)
    finally:
        db.close()
    print(f"\n{'notify target':<28} {'events':<27} {'last attempt':<19} {'last sent':<19} {'pending':>7}")
    for t in config.notify:
        s = states.get(t.name) or {}
        stamp = lambda v: v.replace("T", " ").rstrip("Z") if v else "never"  # noqa: E731
        print(f"{clean_line(t.name, 28):<28} {','.join(t.events):<27} {stamp(s.get('last_attempt')):<19} "
              f"{stamp(s.get('last_sent')):<19} {s.get('pending', 0):>7}")
        if s.get("last_error"):
            print(f"{'':<28}   last error: {clean_line(s['last_error'], 200)}")
