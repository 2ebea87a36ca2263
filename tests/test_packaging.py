"""Every third-party module the package imports is declared in pyproject.toml; the version has one source."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import feedwatch

ROOT = Path(__file__).resolve().parents[1]


def _imported_top_names() -> set[str]:
    names = set()
    for path in (ROOT / "feedwatch").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "feedwatch"}


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra, extra_reqs in project["optional-dependencies"].items():
        if extra != "test":    # test-only tools do not count as declaring what the package imports
            reqs += extra_reqs
    return {re.split(r"[\s<>=!~\[;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in reqs}


def test_every_imported_distribution_is_declared():
    dists = packages_distributions()
    missing = {}
    for name in _imported_top_names():
        for dist in dists.get(name, [name]):
            if dist.lower().replace("_", "-") not in _declared():
                missing[name] = dist
    assert missing == {}


def test_version_has_one_source():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "feedwatch.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", feedwatch.__version__)


def test_package_is_marked_typed():
    assert (ROOT / "feedwatch" / "py.typed").is_file()
