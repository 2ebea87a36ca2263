#!/usr/bin/env python3
"""Launch to first screen, as a person waits for it: `feedwatch` under tmux against a bare Textual
app, interleaved (../shared/bench/tuilaunch.py), on 100,000 items and on a new user's empty database.

    .venv/bin/python benchmarks/launch.py                 # both cases, 5 runs each
    .venv/bin/python benchmarks/launch.py --reps 9 --case 100k

Target (issue 18): each case's median within 1.5x the bare app's, measured in the same minutes.
The 100k database is built once (as benchmarks/tui.py builds it, 1,000 sources) at --db; the empty
case starts each run on a fresh database with the bundled feeds.toml (migrations, config and all).
Needs tmux and ../shared/bench (or FEEDWATCH_SHARED).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
SHARED = Path(os.environ.get("FEEDWATCH_SHARED", ROOT.parent / "shared"))


def _config_toml(path: Path, sources: int) -> None:
    """The 100k case's config, as benchmarks/tui.py configures the app (TOML, for --config)."""
    from tui import PERSON
    lines = [f'user = "{PERSON}"\n', '[[tags]]\nname = "bench"\nkeywords = ["benchmark"]\n']
    lines += [f'[[sources]]\nname = "feed-{s:04d}"\nkind = "feed"\nurl = "http://127.0.0.1:9/{s}"\n'
              for s in range(sources)]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--case", choices=("100k", "empty", "both"), default="both")
    ap.add_argument("--db", type=Path, default=Path("/tmp/feedwatch-launch-100k.db"))
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    tool = SHARED / "bench" / "tuilaunch.py"
    if not tool.exists():
        print(f"launch.py: {tool} not found (set FEEDWATCH_SHARED)", file=sys.stderr)
        return 2
    python = ROOT / ".venv" / "bin" / "python"
    feedwatch = ROOT / ".venv" / "bin" / "feedwatch"
    subprocess.run([str(python), "-m", "compileall", "-q", str(ROOT / "feedwatch")], check=True)  # as installed
    work = Path(tempfile.mkdtemp(prefix="feedwatch-launch-"))
    env = f"HOME={shlex.quote(str(work / 'home'))} XDG_CACHE_HOME={shlex.quote(str(work / 'cache'))}"
    cases = []
    if args.case in ("100k", "both"):
        if args.rebuild or not args.db.exists():
            from tui import build
            for suffix in ("", "-wal", "-shm", ".migrate-lock"):
                Path(str(args.db) + suffix).unlink(missing_ok=True)
            build(args.db, 100_000, 1000)
        config = work / "bench.toml"
        _config_toml(config, 1000)
        cases.append(("100,000 items, 1,000 sources",
                      f"{env} {feedwatch} --config {shlex.quote(str(config))} --db {shlex.quote(str(args.db))}"))
    if args.case in ("empty", "both"):
        db = work / "new.db"
        cases.append(("a new user: empty database, the bundled feeds.toml",
                      f"rm -f {db}*; {env} {feedwatch} --config {shlex.quote(str(ROOT / 'feeds.toml'))} "
                      f"--db {shlex.quote(str(db))}"))
    for title, cmd in cases:
        print(f"## {title}\n$ {cmd}", flush=True)
        subprocess.run([sys.executable, str(tool), "--python", str(python), "--cmd", cmd, "--reps", str(args.reps)],
                       check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
