"""Merging proposed assets into feeds.toml, and what changed since the last scan.

The last scan is feeds.toml itself: a discovered asset carries `discovered_from = ["repo:path:line",
...]` and the models and prompts seen then, so no state file or database table is needed and the
diff survives a copy of the config. The document is edited with tomlkit, so comments and layout
stay. Hand-written assets (no `discovered_from`) are never renamed or removed; they only gain
models the scan newly sees. Discovered assets follow the scan (models added and gone, a prompt
file that moved); one no longer seen is reported, not deleted, since items and experiments may
link to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tomlkit

from ..enrich.mentions import normalize_model
from ..files import write_text_atomic
from .assets import Proposal


@dataclass(frozen=True, slots=True)
class Change:
    asset: str
    what: str            # "new", "models added", "models gone", "prompt moved", "not seen"
    detail: str = ""

    def line(self) -> str:
        return f"{self.asset}: {self.what}" + (f": {self.detail}" if self.detail else "")


def _strs(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _array(values: list[str], multiline: bool = False):
    arr = tomlkit.array()
    arr.extend(values)
    if multiline and len(values) > 2:
        arr.multiline(True)
    return arr


def _repos_of(table) -> set[str]:
    return {e.split(":", 1)[0] for e in _strs(table.get("discovered_from"))}


def _path_match(table, p: Proposal) -> bool:
    path = str(table.get("path") or "").strip().removeprefix("./").rstrip("/")
    if not path or not p.path:
        return False
    return path == p.path or (p.kind == "pipeline" and path.startswith(p.path + "/"))


def merge(doc, proposals: list[Proposal], scanned_repos: set[str]) -> list[Change]:
    """Apply `proposals` to the tomlkit document `doc` in place; the changes since its last scan."""
    if "assets" not in doc:
        doc.append("assets", tomlkit.aot())
    tables = doc["assets"]
    changes: list[Change] = []
    matched: set[int] = set()
    for p in proposals:
        t = next((t for t in tables if t.get("name") == p.name), None)
        if t is None:
            t = next((t for t in tables if "discovered_from" not in t and _path_match(t, p)), None)
        if t is None:
            t = tomlkit.table()
            t["name"] = p.name
            t["kind"] = p.kind
            if p.models:
                t["models"] = _array(p.models)
            if p.prompts:
                t["prompts"] = _array(p.prompts)
            if p.path:
                t["path"] = p.path
            t["discovered_from"] = _array(p.evidence, multiline=True)
            t.add(tomlkit.nl())
            tables.append(t)
            matched.add(id(tables[-1]))
            changes.append(Change(p.name, "new", f"{p.kind}" + (f", models {', '.join(p.models)}" if p.models else "")))
            continue
        matched.add(id(t))
        name = str(t.get("name"))
        old = _strs(t.get("models"))
        old_norm = {normalize_model(m).lower() for m in old}
        added = [m for m in p.models if normalize_model(m).lower() not in old_norm]
        if "discovered_from" not in t:                    # hand-written: only gains models
            if added:
                if isinstance(t.get("models"), list):
                    t["models"].extend(added)
                else:
                    t["models"] = _array(added)
                changes.append(Change(name, "models added", ", ".join(added)))
            continue
        new_norm = {normalize_model(m).lower() for m in p.models}
        gone = [m for m in old if normalize_model(m).lower() not in new_norm]
        if added:
            changes.append(Change(name, "models added", ", ".join(added)))
        if gone:
            changes.append(Change(name, "models gone", ", ".join(gone)))
        if added or gone:
            t["models"] = _array(p.models)
        old_path = str(t.get("path") or "")
        if p.kind == "prompt" and p.path and old_path and old_path != p.path:
            changes.append(Change(name, "prompt moved", f"{old_path} -> {p.path}"))
        if p.path and old_path != p.path:
            t["path"] = p.path
        if p.prompts != _strs(t.get("prompts")):
            if p.prompts:
                t["prompts"] = _array(p.prompts)
            elif "prompts" in t:
                del t["prompts"]
        if p.evidence != _strs(t.get("discovered_from")):
            t["discovered_from"] = _array(p.evidence, multiline=True)
    for t in tables:
        if id(t) not in matched and "discovered_from" in t and _repos_of(t) & scanned_repos:
            changes.append(Change(str(t.get("name")), "not seen",
                                  "kept in feeds.toml; remove it by hand if it is gone"))
    return changes


def match_proposals(assets, proposals: list[Proposal]) -> dict[str, Proposal]:
    """Config assets (feedwatch.config.Asset) -> the proposal that is about them: same name, or for a
    hand-written asset the same `path`, as `merge` matches them."""
    out = {}
    for a in assets:
        p = next((p for p in proposals if p.name == a.name), None)
        if p is None and not a.discovered_from:
            p = next((p for p in proposals if _path_match({"path": a.path}, p)), None)
        if p is not None:
            out[a.name] = p
    return out


def load_doc(path: Path):
    return tomlkit.parse(path.read_text(encoding="utf-8"))


def write_doc(path: Path, doc) -> bool:
    """Write `doc` atomically when it differs from the file; True when it was written."""
    text = tomlkit.dumps(doc)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_text_atomic(path, text)
    return True
