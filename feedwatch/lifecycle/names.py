"""A persistent cache of what the canonicaliser says of the model ids assets list.

`feedwatch stack` needs `mentions.model_facts` for a few dozen ids, but the model-name grammar
behind it takes ~0.1 s to compile in every new process, most of a 150 ms budget. The answers only
change when the canonicaliser's code does, so they are kept in a small JSON file in the user cache
directory (`FEEDWATCH_CACHE_DIR` overrides it), under a fingerprint of that code: a changed
grammar starts a new cache. A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

MAX_NAMES = 20_000
_SOURCES = ("mention_grammar.py", "model_names.py", "mentions.py", "model_ids.py")


@lru_cache(maxsize=1)
def fingerprint() -> str:
    digest = hashlib.sha256()
    enrich = Path(__file__).resolve().parent.parent / "enrich"
    for name in _SOURCES:
        digest.update((enrich / name).read_bytes())
    return digest.hexdigest()[:20]


def cache_path() -> Path:
    base = os.environ.get("FEEDWATCH_CACHE_DIR")
    if base:
        return Path(base) / "model-names.json"
    from platformdirs import user_cache_path
    return user_cache_path("feedwatch") / "model-names.json"


def _read(path: Path) -> dict[str, dict]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict) or doc.get("fingerprint") != fingerprint() or not isinstance(doc.get("names"), dict):
        return {}
    return doc["names"]


def _write(path: Path, names: dict[str, dict]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"fingerprint": fingerprint(), "names": names}), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def model_facts(models: Iterable[str]) -> dict[str, dict]:
    """`mentions.model_facts` of each id, from the cache where it can."""
    wanted = list(dict.fromkeys(models))
    path = cache_path()
    names = _read(path)
    missing = [m for m in wanted if m not in names]
    if missing:
        from ..enrich.mentions import model_facts as compute
        if len(names) + len(missing) > MAX_NAMES:
            names = {}
        for m in missing:
            names[m] = compute(m)
        _write(path, names)
    return {m: names[m] for m in wanted}
