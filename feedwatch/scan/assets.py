"""Proposed assets from findings: a prompt file is a `prompt` asset; the service or package
directory around code and config that names models is a `pipeline` asset with those models and
the prompts it loads. Names come from the paths, so a re-scan proposes the same names again.

A "unit" (service/package directory) is the deepest directory with a project marker
(pyproject.toml, package.json, go.mod, Dockerfile, ...), else a child of a conventional container
(`services/x`, `apps/x`, `packages/x`, ...), else the top-level directory, else the repository.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .prompts import prompt_stem

MARKERS = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "package.json", "go.mod", "Cargo.toml",
                     "Dockerfile", "requirements.txt", "pom.xml", "build.gradle", "deno.json"})
CONTAINERS = frozenset({"services", "apps", "packages", "libs", "cmd", "pipelines", "workers", "functions",
                        "lambdas", "jobs", "agents", "projects"})
MAX_EVIDENCE = 50


@dataclass
class Proposal:
    name: str
    kind: str                                   # "prompt" or "pipeline"
    repo: str
    path: str                                   # the unit directory or the prompt file, repo-relative
    models: list[str] = field(default_factory=list)
    prompts: list[str] = field(default_factory=list)       # names of prompt assets a pipeline loads
    evidence: list[str] = field(default_factory=list)      # "repo:path:line"


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:60].rstrip("-")


def assign_units(rels: set[str]) -> Callable[[str], str]:
    """A function from a file (repo-relative) to its unit directory ("" for the repository itself)."""
    marked = {posixpath.dirname(r) for r in rels if posixpath.basename(r) in MARKERS}

    def unit(rel: str) -> str:
        parts = rel.split("/")[:-1]
        for i in range(len(parts), 0, -1):
            d = "/".join(parts[:i])
            if d in marked:
                return d
        for i, p in enumerate(parts[:-1]):
            if p in CONTAINERS:
                return "/".join(parts[:i + 2])
        return parts[0] if parts else ""
    return unit


def _names(repo: str, keys: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Unique asset names for (kind, path) keys: "<repo>-<last part>", longer paths on a clash."""
    r = slug(repo) or "repo"
    out: dict[tuple[str, str], str] = {}
    taken: set[str] = set()

    def base(kind: str, path: str, full: bool) -> str:
        if kind == "prompt":
            stem = slug(path.split("#", 1)[1]) if "#" in path else slug(prompt_stem(path))
            parent = posixpath.dirname(path)
            tail = stem if not full else slug(parent.replace("/", "-") + "-" + stem)
        else:
            tail = slug(path if full else path.rsplit("/", 1)[-1])
        if not tail or tail == r:
            return r
        return tail if tail.startswith(r + "-") else f"{r}-{tail}"
    first = {k: base(*k, False) for k in keys}
    counts: dict[str, int] = {}
    for name in first.values():
        counts[name] = counts.get(name, 0) + 1
    for k in keys:
        name = first[k] if counts[first[k]] == 1 else base(*k, True)
        while name in taken:
            name += "-2"
        taken.add(name)
        out[k] = name
    return out


def propose(repo: str, raws: list, refs: list[tuple[str, int, str]], unit: Callable[[str], str],
            prompt_files: set[str]) -> tuple[list[Proposal], Callable]:
    """The proposed assets, and a function giving each raw finding's asset name (or None)."""
    keys: dict[tuple[str, str], dict] = {}
    owner: dict[int, tuple[str, str]] = {}
    for r in raws:
        if r.prompt_file is not None or r.path in prompt_files:
            k = ("prompt", r.prompt_file or r.path)
        elif r.kind == "prompt" and r.path.endswith(".json"):
            k = ("prompt", f"{r.path}#{r.text}")             # one prompt of a Langfuse/LangSmith export
        else:
            k = ("pipeline", unit(r.path))
        owner[id(r)] = k
        d = keys.setdefault(k, {"models": set(), "evidence": [], "has_model": False})
        if r.model:
            d["models"].add(r.model)
            d["has_model"] = True
        d["evidence"].append(f"{repo}:{r.path}:{r.line}")
    # A pipeline is proposed when it uses models; prompt constants elsewhere stay unowned findings.
    keep = [k for k, d in keys.items() if k[0] == "prompt" or d["has_model"]]
    names = _names(repo, sorted(keep))
    by_base: dict[str, list[str]] = {}
    for f in prompt_files:
        by_base.setdefault(posixpath.basename(f).lower(), []).append(f)
    loads: dict[tuple[str, str], set[str]] = {}
    for path, line, literal in refs:
        lit = literal.strip().removeprefix("file://").lstrip("./").lower()
        for f in by_base.get(posixpath.basename(lit), ()):
            if f.lower().endswith(lit) and (k := ("pipeline", unit(path))) in names and ("prompt", f) in names:
                loads.setdefault(k, set()).add(names[("prompt", f)])
                keys[k]["evidence"].append(f"{repo}:{path}:{line}")
    proposals = []
    for k in sorted(keep, key=lambda k: names[k]):
        d = keys[k]
        ev = list(dict.fromkeys(d["evidence"]))[:MAX_EVIDENCE]
        proposals.append(Proposal(names[k], k[0], repo, k[1].split("#", 1)[0], sorted(d["models"]),
                                  sorted(loads.get(k, ())), ev))

    def asset_of(r: object) -> str | None:
        k = owner.get(id(r))
        return None if k is None else names.get(k)
    return proposals, asset_of
