"""`feedwatch assets scan`: find the models and prompts the team's repositories use, propose assets,
and (with --write) merge them into feeds.toml. Output is data from untrusted files: control
characters are replaced and nothing is rendered as markup.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .cli_common import EXIT_OK, EXIT_USAGE, CliError, _config_path


def _add_assets_parser(sub) -> None:
    a = sub.add_parser("assets", help="the asset registry: scan repositories for models and prompts")
    asub = a.add_subparsers(dest="assets_command", metavar="ACTION", required=True)
    s = asub.add_parser("scan", help="find models and prompts in local checkouts (the [[repos]] of the "
                        "config when no PATH is given) and propose assets")
    s.add_argument("paths", nargs="*", metavar="PATH", help="directories to scan (read only)")
    s.add_argument("--format", choices=("table", "jsonl"), default="table")
    s.add_argument("--write", action="store_true", help="merge the proposed assets into feeds.toml (comments kept)")


def known_models(config, args) -> frozenset[str] | None:
    """The model catalogue's canonical ids (the stored catalogues, or the bundled snapshot), so ids the
    grammar does not parse ("amazon.nova-premier-v1:0") are still found. A database that cannot be
    opened costs only those ids: the scan goes on with the grammar alone, and says so."""
    from .cli_common import _open_db
    from .lifecycle import known_models as catalogue_ids
    from .storage.db import StorageError
    try:
        db = _open_db(args, config)
    except StorageError as exc:
        print(f"feedwatch: note: model catalogue not used ({exc})", file=sys.stderr)
        return None
    try:
        return frozenset(catalogue_ids(db, config))
    finally:
        db.close()


def _roots(args, config) -> list[tuple[str, str]]:
    from .scan.assets import slug
    from .scan.walk import ScanError, check_root
    by_path = {}
    for r in (config.repos if config else ()):
        try:
            by_path[check_root(r.path)] = r.name
        except ScanError:
            pass
    if args.paths:
        roots = []
        for p in args.paths:
            try:
                root = check_root(p)
            except ScanError as exc:
                raise CliError(str(exc), EXIT_USAGE) from None
            roots.append((by_path.get(root) or slug(root.name) or "repo", p))
        return roots
    if config is None or not config.repos:
        raise CliError("nothing to scan: give a PATH, or add [[repos]] (name, path) to feeds.toml", EXIT_USAGE)
    for r in config.repos:
        try:
            check_root(r.path)
        except ScanError as exc:
            raise CliError(f"repo '{r.name}': {exc}", EXIT_USAGE) from None
    return [(r.name, r.path) for r in config.repos]


def cmd_assets(args) -> int:
    from .config import bundled_config_path, load_config
    from .scan import ScanError, clean, scan_root
    from .scan.merge import load_doc, merge, write_doc

    config_path = _config_path(args)
    bundled = config_path.resolve() == bundled_config_path().resolve()
    if args.paths and not args.config and not config_path.exists():
        config = None                                  # scanning given paths needs no config
    else:
        config = load_config(config_path)              # a broken feeds.toml is reported, not skipped
    if args.write and (config is None or bundled):
        raise CliError("no feeds.toml to write to: pass --config PATH (or run where ./feeds.toml is)", EXIT_USAGE)
    roots = _roots(args, None if bundled and args.paths else config)
    known = known_models(config, args) if config is not None else None
    results = []
    for name, path in roots:
        try:
            results.append(scan_root(path, name, known))
        except ScanError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
    out = sys.stdout
    report = sys.stderr if args.format == "jsonl" else sys.stdout
    for res in results:
        if args.format == "jsonl":
            for f in res.findings:
                out.write(json.dumps(f.as_json()) + "\n")
        else:
            _table(res, out)
    if config is None or bundled:
        return EXIT_OK                                 # no team config: nothing recorded to compare with
    doc = load_doc(config_path)
    changes = merge(doc, [p for r in results for p in r.proposals], {r.repo for r in results})
    label = "changes written to" if args.write else "changes since the last scan recorded in"
    print(f"{label} {config_path}:" if changes else f"no changes since the last scan recorded in {config_path}",
          file=report)
    for c in changes:
        print("  " + clean(c.line()), file=report)
    if args.write and write_doc(Path(config_path), doc):
        load_config(config_path)                       # what we wrote must load
    elif changes and not args.write:
        print("  (run with --write to record them)", file=report)
    return EXIT_OK


def _table(res, out) -> None:
    from .scan import clean
    out.write(f"{res.repo} ({res.root}): {res.files} files, {len(res.findings)} findings, "
              f"{len(res.proposals)} proposed assets\n")
    rows = [(f"{f.path}:{f.line}", f.kind, f.model or "-", f.text, f.asset or "-") for f in res.findings]
    if rows:
        widths = [min(60, max(len(r[i]) for r in rows)) for i in range(4)]
        for r in rows:
            out.write("  " + "  ".join(clean(c)[:60].ljust(widths[i]) for i, c in enumerate(r[:4]))
                      + "  " + clean(r[4]) + "\n")
    for p in res.proposals:
        extra = f" models: {', '.join(p.models)}" if p.models else ""
        extra += f" prompts: {', '.join(p.prompts)}" if p.prompts else ""
        out.write(f"  proposed {p.kind} {p.name} ({p.path or '.'}){extra}\n")
