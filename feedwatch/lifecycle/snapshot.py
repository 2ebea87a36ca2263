"""The bundled catalogue snapshot: real data from the four public catalogues, shipped in the package
so that lifecycle works before the first `catalog update` and with no network.

It serves only until some configured catalogue has been updated successfully; from then on only
the configured catalogues' own data counts (the snapshot's dates must never outvote a team's own
mirror). Its entries all carry the catalogue name `bundled`, so every row built from it says so.

Rebuild it from the catalogues' real files (LiteLLM's JSON, deprecations.info's JSON, the
modeldeprecations.dev and models.dev source trees) with
`python -m feedwatch.lifecycle.snapshot DIR` (DIR laid out as shared/fixtures/real/catalog;
needs PyYAML); after a change to the model-name grammar, `... snapshot --rekey` works its match
keys out again and keeps the data. A test checks every stored key is what the canonicaliser gives today.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

from .entries import CatalogEntry

PATH = Path(__file__).resolve().parent.parent / "data" / "catalog_snapshot.json.gz"
NAME = "bundled"
_FIELDS = ("provider", "model_id", "key", "status", "deprecation_date", "shutdown_date", "earliest_shutdown",
           "replacement", "release_date", "source_url", "aliases", "alias_of", "family", "alias_keys", "alias_of_key")

ATTRIBUTION = (
    {"kind": "modeldeprecations", "from": "mnfst/modeldeprecations.dev models/ at 9d331166 (2026-08-21)",
     "license": "MIT"},
    {"kind": "deprecations-info", "from": "deprecations/deprecations-rss docs/v1/deprecations.json at b1885cd3 "
     "(2026-07-24), (c) 2025 Francois Leblanc", "license": "MIT"},
    {"kind": "litellm", "from": "BerriAI/litellm 1.110.2 model_prices_and_context_window_backup.json",
     "license": "MIT"},
    {"kind": "models-dev", "from": "anomalyco/models.dev providers/ at f3fc6922 (2026-07-02), (c) 2025 models.dev",
     "license": "MIT"},
)


@lru_cache(maxsize=1)
def _document() -> tuple[dict, list[list]]:
    """(header without entries, every entry as its stored row, in `_FIELDS` order), read once."""
    with gzip.open(PATH, "rt", encoding="utf-8") as fh:
        doc = json.load(fh)
    rows = [row for part in doc.pop("catalogs") for row in part["entries"]]
    return doc, rows


def _entry(row: list) -> CatalogEntry:
    values = dict(zip(_FIELDS, row, strict=False))
    values["aliases"] = tuple(values["aliases"])
    values["alias_keys"] = tuple(values["alias_keys"])
    return CatalogEntry(catalog=NAME, **values)


@lru_cache(maxsize=1)
def load() -> tuple[dict, tuple[CatalogEntry, ...]]:
    """(header without entries, every entry), read once per process."""
    header, rows = _document()
    return header, tuple(_entry(row) for row in rows)


_KEY, _FAMILY, _ALIAS_KEYS, _ALIAS_OF_KEY = (_FIELDS.index(f) for f in ("key", "family", "alias_keys", "alias_of_key"))


def entries_for(keys: set[str]) -> tuple[CatalogEntry, ...]:
    """Only the entries a lookup of these match keys can need, chosen as `storage.catalogs.load_models`
    chooses stored rows: the entries of those keys and of their families' snapshots, every entry with
    aliases, and the entries the matched aliases point to. `stack` looks up a few dozen models; making
    all ~5,300 entries took most of its time before any `catalog update`."""
    _, rows = _document()
    chosen: dict[int, list] = {}
    pending, first = set(keys), True
    done: set[str] = set()
    while pending:
        batch, pending = pending, set()
        for n, row in enumerate(rows):
            if n in chosen or not (row[_KEY] in batch or row[_FAMILY] in batch or (first and row[_ALIAS_KEYS])):
                continue
            chosen[n] = row
            if row[_ALIAS_OF_KEY] and row[_KEY] in keys and row[_ALIAS_OF_KEY] not in done | batch:
                pending.add(row[_ALIAS_OF_KEY])     # an alias we look up: also the id it points to
            if row[_ALIAS_KEYS] and set(row[_ALIAS_KEYS]) & keys and row[_KEY] not in done | batch:
                pending.add(row[_KEY])
        done |= batch
        pending -= done
        first = False
    return tuple(_entry(chosen[n]) for n in sorted(chosen))


def build(root: Path, as_of: str) -> dict:
    """The snapshot document from the catalogues' real files under `root`."""
    from .build import modeldeprecations_api, models_dev_api
    from .formats import parse_catalog
    docs = {
        "modeldeprecations": json.dumps(modeldeprecations_api(root / "modeldeprecations", as_of)).encode(),
        "deprecations-info": (root / "deprecations-info" / "v1" / "deprecations.json").read_bytes(),
        "litellm": (root / "litellm" / "model_prices_and_context_window_backup.json").read_bytes(),
        "models-dev": json.dumps(models_dev_api(root / "models-dev")).encode(),
    }
    parts = []
    for source in ATTRIBUTION:
        entries, _ = parse_catalog(source["kind"], NAME, docs[source["kind"]])
        parts.append({**source, "entries": [[list(v) if isinstance(v, tuple) else v
                                             for v in (getattr(e, f) for f in _FIELDS)] for e in entries]})
    return {"format": 1, "built": as_of, "note": "the catalogues' own data, unchanged but for cleaning; see "
            "feedwatch/lifecycle/snapshot.py", "catalogs": parts}


def rekeyed(doc: dict) -> dict:
    """The snapshot document with every entry's match keys worked out again by today's canonicaliser
    (after a change to the model-name grammar: the data itself stays as it was built)."""
    from .entries import entry_keys
    i = {name: n for n, name in enumerate(_FIELDS)}
    for part in doc["catalogs"]:
        for row in part["entries"]:
            keys = entry_keys(row[i["model_id"]], tuple(row[i["aliases"]]), row[i["alias_of"]])
            row[i["key"]], row[i["family"]] = keys["model_key"], keys["family"]
            row[i["alias_keys"]], row[i["alias_of_key"]] = list(keys["alias_keys"]), keys["alias_of_key"]
    return doc


if __name__ == "__main__":   # python -m feedwatch.lifecycle.snapshot DIR | --rekey
    import sys
    from datetime import date
    if sys.argv[1] == "--rekey":
        with gzip.open(PATH, "rt", encoding="utf-8") as fh:
            doc = rekeyed(json.load(fh))
    else:
        doc = build(Path(sys.argv[1]), date.today().isoformat())
    with gzip.open(PATH, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(doc, fh, separators=(",", ":"))
    print(f"wrote {PATH} ({PATH.stat().st_size // 1024} KB, {sum(len(p['entries']) for p in doc['catalogs'])} entries)")
