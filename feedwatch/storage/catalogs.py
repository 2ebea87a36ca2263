"""Stored model catalogues: each configured catalogue's fetch state and its last good data.

A successful update replaces that catalogue's rows whole, in one transaction with its fetch state,
so readers see the old data or the new, never a mix; a failed one only records the failure, so
the last good data stays. Rows cross this boundary as plain dicts with the `catalog_models`
columns (`lifecycle.entries` turns them into entries): storage knows nothing of the formats.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .db import Conn, Database
from .params import in_list, in_lists
from .predicates import linked, newest_first, recency

if TYPE_CHECKING:
    from ..entry import Entry

COLUMNS = ("catalog", "provider", "model_id", "model_key", "status", "deprecation_date", "shutdown_date",
           "earliest_shutdown", "replacement", "release_date", "source_url", "aliases", "alias_of", "family",
           "alias_keys", "alias_of_key")
_STATE_COLUMNS = ("name, kind, url, etag, last_modified, last_attempt, last_success, last_status, last_error, "
                  "consecutive_errors, next_due, models")


@dataclass(slots=True)
class CatalogState:
    """A catalogue's fetch state and health, as `catalog update` and `sources` show it."""
    name: str
    kind: str = ""
    url: str = ""
    etag: str | None = None
    last_modified: str | None = None
    last_attempt: str | None = None
    last_success: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    consecutive_errors: int = 0
    next_due: str | None = None
    models: int = 0


def catalog_states(db: Database) -> dict[str, CatalogState]:
    return {r["name"]: CatalogState(**r) for r in db.query(f"SELECT {_STATE_COLUMNS} FROM catalogs ORDER BY name")}


def any_catalog_stored(db: Database, names: list[str]) -> bool:
    """Whether one of these catalogues has data from a successful update (from then on the bundled
    snapshot is not used)."""
    return any(db.query("SELECT 1 AS x FROM catalogs WHERE last_success IS NOT NULL AND models > 0 AND name IN "
                        f"({inside}) LIMIT 1", params) for inside, params in in_lists(names, "c"))


def _upsert_state(c: Conn, name: str, kind: str, url: str, now: str) -> None:
    c.execute("INSERT INTO catalogs (name, kind, url, last_attempt) VALUES (:n, :k, :u, :now) "
              "ON CONFLICT (name) DO UPDATE SET kind = :k, url = :u, last_attempt = :now",
              {"n": name, "k": kind, "u": url, "now": now})


def replace_models(db: Database, name: str, kind: str, url: str, rows: list[dict[str, Any]], *, etag: str | None,
                   last_modified: str | None, status: int, now: str, next_due: str | None,
                   keys_of: str | None = None) -> dict[str, str]:
    """Store a catalogue's new data instead of its old; returns the old alias map (`alias_map`) so the
    caller can tell which aliases moved. `keys_of` names the canonicaliser that worked out the rows'
    keys (see stale_keys)."""
    with db.transaction() as c:
        _upsert_state(c, name, kind, url, now)
        old = alias_map(c, name)
        c.execute("DELETE FROM catalog_models WHERE catalog = :n", {"n": name})
        sql = (f"INSERT INTO catalog_models ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + k for k in COLUMNS)})")
        for start in range(0, len(rows), 2000):
            c.executemany(sql, [{**r, "catalog": name, "aliases": json.dumps(list(r["aliases"])),
                                 "alias_keys": json.dumps(list(r["alias_keys"]))} for r in rows[start:start + 2000]])
        c.execute("UPDATE catalogs SET etag = :etag, last_modified = :lm, last_success = :now, last_status = :st, "
                  "last_error = NULL, consecutive_errors = 0, next_due = :due, models = :m, keys_of = :ko "
                  "WHERE name = :n",
                  {"etag": etag, "lm": last_modified, "now": now, "st": status, "due": next_due, "m": len(rows),
                   "ko": keys_of, "n": name})
    return old


def stale_keys(db: Database, names: list[str], keys_of: str) -> list[str]:
    """The stored catalogues (of these) whose match keys another canonicaliser worked out (migration 0012)."""
    out: list[str] = []
    for inside, params in in_lists(names, "c"):
        out += [r["name"] for r in db.query(
            f"SELECT name FROM catalogs WHERE name IN ({inside}) AND models > 0 "
            "AND (keys_of IS NULL OR keys_of <> :ko)", {**params, "ko": keys_of})]
    return out


def rekey(db: Database, name: str, keys_of: str,
          keys: Callable[[str, tuple[str, ...], str | None], dict[str, Any]]) -> None:
    """Work a stored catalogue's match keys out again from its model ids, in one transaction.

    `keys(model_id, aliases, alias_of)` gives the new `model_key`, `family`, `alias_keys` (a tuple)
    and `alias_of_key`; only rows whose keys changed are written."""
    with db.transaction() as c:
        changed = []
        for r in c.execute("SELECT provider, model_id, model_key, family, aliases, alias_of, alias_keys, "
                           "alias_of_key FROM catalog_models WHERE catalog = :n", {"n": name}):
            new = keys(r["model_id"], tuple(json.loads(r["aliases"])), r["alias_of"])
            new_alias_keys = json.dumps(list(new["alias_keys"]))
            if (new["model_key"], new["family"], new_alias_keys, new["alias_of_key"]) != \
                    (r["model_key"], r["family"], r["alias_keys"], r["alias_of_key"]):
                changed.append({"n": name, "p": r["provider"], "m": r["model_id"], "k": new["model_key"],
                                "f": new["family"], "ak": new_alias_keys, "aok": new["alias_of_key"]})
        if changed:
            c.executemany("UPDATE catalog_models SET model_key = :k, family = :f, alias_keys = :ak, "
                          "alias_of_key = :aok WHERE catalog = :n AND provider = :p AND model_id = :m", changed)
        c.execute("UPDATE catalogs SET keys_of = :ko WHERE name = :n", {"ko": keys_of, "n": name})


def record_not_modified(db: Database, name: str, kind: str, url: str, *, now: str, next_due: str | None) -> None:
    with db.transaction() as c:
        _upsert_state(c, name, kind, url, now)
        c.execute("UPDATE catalogs SET last_success = :now, last_status = 304, last_error = NULL, "
                  "consecutive_errors = 0, next_due = :due WHERE name = :n", {"now": now, "due": next_due, "n": name})


def record_failure(db: Database, name: str, kind: str, url: str, *, error: str, status: int | None, now: str,
                   next_due: str | None) -> None:
    """A failed update: the error is recorded, the stored data is left as it was."""
    with db.transaction() as c:
        _upsert_state(c, name, kind, url, now)
        c.execute("UPDATE catalogs SET last_status = :st, last_error = :err, "
                  "consecutive_errors = consecutive_errors + 1, next_due = :due WHERE name = :n",
                  {"st": status, "err": error, "due": next_due, "n": name})


def alias_map(c: Conn, name: str) -> dict[str, str]:
    """alias id -> the id it points to, as written, in one catalogue (LiteLLM `alias_of`,
    modeldeprecations.dev `aliases`)."""
    out: dict[str, str] = {}
    for r in c.execute("SELECT model_id, aliases, alias_of FROM catalog_models WHERE catalog = :n "
                       "AND (alias_of IS NOT NULL OR aliases <> '[]')", {"n": name}):
        if r["alias_of"]:
            out[r["model_id"]] = r["alias_of"]
        else:
            for alias in json.loads(r["aliases"]):
                out[alias] = r["model_id"]
    return out


def load_models(db: Database, catalogs: list[str] | None = None, keys: set[str] | None = None) -> list[dict[str, Any]]:
    """The stored rows (of the named catalogues), `aliases` and `alias_keys` decoded to tuples.

    With `keys`, only the rows a lookup of those keys can need: the rows of those keys, the dated
    snapshots of those families, every row with aliases, and the rows the matched aliases point to."""
    sql = f"SELECT {', '.join(COLUMNS)} FROM catalog_models"
    where: list[str] = []
    params: dict[str, Any] = {}
    if catalogs is not None:
        if not catalogs:
            return []
        inside, params = in_list(catalogs, "c")   # the configured catalogues: a handful
        where.append(f"catalog IN ({inside})")
    if keys is None:
        rows = db.query(sql + (" WHERE " + where[0] if where else ""), params)
    else:
        with db.transaction(write=False) as c:
            rows = _rows_for(c, sql, where, params, set(keys))
    for r in rows:
        r["aliases"] = tuple(json.loads(r["aliases"])) if r["aliases"] != "[]" else ()
        r["alias_keys"] = tuple(json.loads(r["alias_keys"])) if r["alias_keys"] != "[]" else ()
    return rows


def _rows_for(c: Conn, sql: str, where: list[str], params: dict[str, Any], keys: set[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    pending, done = set(keys), set()
    first = True
    while pending:
        batch = sorted(pending)[:500]
        inside, key_params = in_list(batch, "k")
        cond = f"(model_key IN ({inside}) OR family IN ({inside})" + (" OR alias_keys <> '[]')" if first else ")")
        found = c.execute(sql + " WHERE " + " AND ".join([*where, cond]), {**params, **key_params})
        done |= set(batch)
        pending -= set(batch)
        first = False
        for r in found:
            ident = (r["catalog"], r["provider"], r["model_id"])
            if ident in seen:
                continue
            seen.add(ident)
            rows.append(r)
            if r["alias_of_key"] and r["model_key"] in keys and r["alias_of_key"] not in done:
                pending.add(r["alias_of_key"])     # an alias we look up: also the id it points to
            if r["alias_keys"] != "[]" and set(json.loads(r["alias_keys"])) & keys and r["model_key"] not in done:
                pending.add(r["model_key"])
    return rows


def record_catalog_item(db: Database, source: str, entry: Entry, links: list[tuple[str, str, float]], now: str) -> int:
    """Store an item a catalogue change produced (`entry`, an `Entry`) with its asset links
    (asset, reason, score), in one transaction; returns the item id. A link a user already decided
    on is left as it is."""
    from .ingest import write_entries
    with db.transaction() as c:
        write_entries(c, source, [entry], [], now)
        [row] = c.execute("SELECT item_id FROM item_sources WHERE source = :s AND guid = :g",
                          {"s": source, "g": entry.guid})
        for asset, reason, score in links:
            c.execute("INSERT INTO asset_links (item_id, asset, reason, score, origin, status, created_at, updated_at) "
                      "VALUES (:id, :asset, :reason, :score, 'lifecycle', 'suggested', :now, :now) "
                      "ON CONFLICT (item_id, asset) DO NOTHING",
                      {"id": row["item_id"], "asset": asset, "reason": reason, "score": score, "now": now})
    return int(row["item_id"])


def items_about(db: Database, asset: str, model: str, phrase_ids: list[int], limit: int = 20) -> list[dict[str, Any]]:
    """Items about a model an asset runs on: those whose link to the asset names the model (newest
    first), then `phrase_ids` (a search for the model's id) not already listed; id, title, date."""
    named = [r["item_id"] for r in db.query(
        "SELECT l.item_id, l.reason FROM asset_links l JOIN items i ON i.id = l.item_id WHERE l.asset = :a "
        f"AND {linked('l')} ORDER BY {newest_first('i')}",
        {"a": asset}) if r["reason"].endswith(f"runs on {model}")]
    ids = list(dict.fromkeys(named + phrase_ids))[:limit]
    if not ids:
        return []
    inside, params = in_list(ids)   # at most `limit`
    rows = {r["id"]: r for r in db.query(
        f"SELECT id, title, source, {recency()} AS date FROM items "
        f"WHERE id IN ({inside})", params)}
    return [rows[i] for i in ids if i in rows]
