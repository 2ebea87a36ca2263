"""A PostgreSQL --db URL on the base install (no psycopg) is one line that names the extra to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# the base install, as far as imports go: psycopg cannot be imported (ModuleNotFoundError, as when absent)
BASE_INSTALL = ("import sys; sys.modules['psycopg'] = None; sys.modules['psycopg2'] = None; "
                "from feedwatch.cli import main; sys.exit(main(sys.argv[1:]))")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BASE_INSTALL, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_postgresql_url_without_psycopg_names_the_extra():
    r = run("--db", "postgresql+psycopg://team:s3cret@127.0.0.1:5432/feedwatch", "items")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == ("feedwatch: database error: postgresql+psycopg://team:***@127.0.0.1:5432/feedwatch needs the "
                        "psycopg module, which is not installed: pip install 'feedwatch[postgres]'\n")


def test_other_commands_say_the_same(tmp_path):
    config = tmp_path / "feeds.toml"
    config.write_text("", encoding="utf-8")
    for command in (["digest"], ["sources"], ["enrich"]):
        r = run("--config", str(config), "--db", "postgresql+psycopg://127.0.0.1/x", *command)
        assert r.returncode == 1, r.stderr
        assert r.stderr.endswith("pip install 'feedwatch[postgres]'\n") and r.stderr.count("\n") == 1
