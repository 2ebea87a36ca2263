"""The headless core never imports textual: the TUI and CLI are thin layers over it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "feedwatch"


def test_no_textual_import_outside_tui():
    offenders = []
    for path in PKG.rglob("*.py"):
        if "tui" in path.relative_to(PKG).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            if any(n == "textual" or n.startswith("textual.") for n in names):
                offenders.append(str(path.relative_to(PKG)))
    assert offenders == []


def test_fetch_path_stays_light():
    """Importing the CLI and the ingest core must not pull in textual, SQLAlchemy or openai (start-up cost)."""
    code = ("import sys, feedwatch.cli, feedwatch.ingest.run, feedwatch.storage.db, feedwatch.sources.xmlfeed; "
            "print(sorted(m for m in ('textual', 'sqlalchemy', 'openai', 'feedparser', 'arxiv') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
