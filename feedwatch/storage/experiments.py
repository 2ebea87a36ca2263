"""Experiments: what the team tries because of what it read, stored with the items and shared by the team.

An experiment has a title, a hypothesis, a status (proposed -> running -> done | abandoned), an outcome
once done (improved, regressed, no-change, inconclusive), an owner, a due date, Markdown notes (each under
a timestamped heading) and results, linked items and assets, and links to external runs (MLflow, W&B,
promptfoo reports). Every change appends a line to its history (who, when, what) in the same transaction.

Concurrent edits are optimistic: each row carries a `version`, bumped by every change; a change made with
`expected_version` (the version the caller read) is refused with `ConflictError` when someone else saved
in between, so nothing is silently overwritten. Without it (the CLI), a change applies to what is current.

All errors a user can cause are `ExperimentError` (a ValueError) with a one-line message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..dates import utc_now_iso
from ..text import clean_line
from . import experiment_rules as rules
from .db import Conn, Database
from .params import in_lists

_COLUMNS = ("id, title, hypothesis, status, outcome, owner, notes, results, created_at, updated_at, closed_at, "
            "version, due")


@dataclass(slots=True)
class Experiment:
    id: int
    title: str
    hypothesis: str = ""
    status: str = "proposed"
    outcome: str | None = None
    owner: str | None = None
    notes: str = ""                 # Markdown; each note under a "### <time> (<who>)" heading
    results: str = ""               # Markdown
    created_at: str = ""
    updated_at: str = ""
    closed_at: str | None = None    # set when done or abandoned
    version: int = 1                # pass back as expected_version when saving a change
    due: str | None = None          # YYYY-MM-DD the work must be done by (a migration: the shutdown date)
    items: list[int] = field(default_factory=list)      # item ids, ascending
    assets: list[str] = field(default_factory=list)     # asset names, sorted
    links: list[dict[str, Any]] = field(default_factory=list)     # {"url", "label", "added_at"}, oldest first
    history: list[dict[str, Any]] = field(default_factory=list)   # {"at", "who", "what"}, oldest first

    @property
    def is_final(self) -> bool:
        return self.status in rules.FINAL

    @property
    def next_statuses(self) -> tuple[str, ...]:
        """The statuses this experiment may move to ("done" only through close(), with an outcome)."""
        return rules.TRANSITIONS.get(self.status, ())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def get(db: Database, experiment_id: int) -> Experiment | None:
    """One experiment with everything linked to it, or None."""
    with db.transaction(write=False) as c:
        rows = c.execute(f"SELECT {_COLUMNS} FROM experiments WHERE id = :id", {"id": rules.parse_id(experiment_id)})
        found = _load(c, rows)
    return found[0] if found else None


def list_experiments(db: Database, status: str | None = None, asset: str | None = None,
                     item: int | None = None) -> list[Experiment]:
    """Experiments, overdue ones first (earliest due first), then most recently changed first;
    optionally only those with a status, asset or linked item."""
    where, params = list[str](), dict[str, Any]()
    if status is not None:
        where.append("status = :status")
        params["status"] = rules.parse_status(status)
    if asset is not None:
        where.append("EXISTS (SELECT 1 FROM experiment_assets a WHERE a.experiment_id = experiments.id "
                     "AND a.asset = :asset)")
        params["asset"] = asset.strip()
    if item is not None:
        where.append("EXISTS (SELECT 1 FROM experiment_items x WHERE x.experiment_id = experiments.id "
                     "AND x.item_id = :item)")
        params["item"] = int(item)
    sql = (f"SELECT {_COLUMNS} FROM experiments" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY updated_at DESC, id DESC")
    with db.transaction(write=False) as c:
        found = _load(c, c.execute(sql, params))
    today = utc_now_iso()[:10]
    overdue = sorted((e for e in found if rules.is_overdue(e.due, e.status, today)), key=lambda e: (e.due, e.id))
    return overdue + [e for e in found if not rules.is_overdue(e.due, e.status, today)]


def linked_items(db: Database, experiment_id: int) -> list[dict[str, Any]]:
    """The items an experiment links, with what is needed to show them: id, title, url, source, published."""
    return db.query("SELECT i.id, i.title, i.url, i.source, i.published FROM experiment_items x "
                    "JOIN items i ON i.id = x.item_id WHERE x.experiment_id = :id ORDER BY i.id",
                    {"id": int(experiment_id)})


def changed_between(db: Database, since: str, until: str) -> list[dict[str, Any]]:
    """Experiments with any change (created, updated, closed) in since <= time < until, for the digest.

    Each is `Experiment.to_dict()` plus `created_in_window` and `closed_in_window` (bools) and
    `changes_in_window` (its history entries in the window, oldest first); most recently changed first.
    """
    with db.transaction(write=False) as c:
        exps = _load(c, c.execute(
            f"SELECT {_COLUMNS} FROM experiments WHERE EXISTS (SELECT 1 FROM experiment_history h "
            "WHERE h.experiment_id = experiments.id AND h.at >= :since AND h.at < :until) "
            "ORDER BY updated_at DESC, id DESC", {"since": since, "until": until}))
    out = []
    for e in exps:
        d = e.to_dict()
        d["created_in_window"] = since <= e.created_at < until
        d["closed_in_window"] = e.closed_at is not None and since <= e.closed_at < until
        d["changes_in_window"] = [h for h in e.history if since <= h["at"] < until]
        out.append(d)
    return out


def _load(c: Conn, rows: list[dict[str, Any]]) -> list[Experiment]:
    """Experiments for the given experiments rows, in that order, with their items, assets, links, history."""
    exps = {r["id"]: Experiment(**r) for r in rows}
    ids = list(exps)
    for inside, params in in_lists(ids, "e"):
        for r in c.execute(f"SELECT experiment_id, item_id FROM experiment_items WHERE experiment_id IN ({inside}) "
                           "ORDER BY item_id", params):
            exps[r["experiment_id"]].items.append(r["item_id"])
        for r in c.execute(f"SELECT experiment_id, asset FROM experiment_assets WHERE experiment_id IN ({inside}) "
                           "ORDER BY asset", params):
            exps[r["experiment_id"]].assets.append(r["asset"])
        for r in c.execute(f"SELECT experiment_id, url, label, added_at FROM experiment_links "
                           f"WHERE experiment_id IN ({inside}) ORDER BY added_at, url", params):
            exps[r.pop("experiment_id")].links.append(r)
        for r in c.execute(f"SELECT experiment_id, at, who, what FROM experiment_history "
                           f"WHERE experiment_id IN ({inside}) ORDER BY id", params):
            exps[r.pop("experiment_id")].history.append(r)
    return list(exps.values())


def create(db: Database, title: str, hypothesis: str = "", items: Iterable[int] = (), assets: Iterable[str] = (),
           owner: str | None = None, *, who: str | None = None, now: str | None = None,
           due: str | None = None) -> Experiment:
    """A new proposed experiment (version 1). `who` (for the history) defaults to the owner."""
    with db.transaction() as c:
        eid = insert(c, title, hypothesis, items, assets, owner, who=who, now=now, due=due)
        return _load(c, c.execute(f"SELECT {_COLUMNS} FROM experiments WHERE id = :id", {"id": eid}))[0]


def insert(c: Conn, title: str, hypothesis: str = "", items: Iterable[int] = (), assets: Iterable[str] = (),
           owner: str | None = None, *, who: str | None = None, now: str | None = None,
           due: str | None = None) -> int:
    """`create` inside a caller's transaction (a migration proposal is created with its ledger row)."""
    owner = clean_line(owner or "", rules.NAME_MAX) or None
    values: dict[str, Any] = {"title": rules.clean_title(title), "hypothesis": rules.clean_text(hypothesis),
                              "owner": owner, "now": now or utc_now_iso(), "due": rules.parse_due(due) or None}
    who = rules.clean_who(who if who is not None else owner)
    asset_names, item_ids = rules.clean_assets(assets), _items(c, items)
    [row] = c.execute("INSERT INTO experiments (title, hypothesis, status, owner, notes, results, created_at, "
                      "updated_at, version, due) VALUES (:title, :hypothesis, 'proposed', :owner, '', '', :now, "
                      ":now, 1, :due) RETURNING id", values)
    eid, now, due = int(row["id"]), values["now"], values["due"]
    c.executemany("INSERT INTO experiment_items (experiment_id, item_id) VALUES (:e, :i)",
                  [{"e": eid, "i": i} for i in item_ids])
    c.executemany("INSERT INTO experiment_assets (experiment_id, asset) VALUES (:e, :a)",
                  [{"e": eid, "a": a} for a in asset_names])
    _history(c, eid, now, who, "created" + (f" (due {due})" if due else ""))
    return eid


def transition(db: Database, experiment_id: int, status: str, who: str | None,
               expected_version: int | None = None, *, now: str | None = None) -> Experiment:
    """Move to another status: proposed -> running | abandoned, running -> abandoned (done: use close())."""
    return update(db, experiment_id, who, expected_version=expected_version, status=status, now=now)


def close(db: Database, experiment_id: int, outcome: str, result: str | None, who: str | None,
          expected_version: int | None = None, *, now: str | None = None) -> Experiment:
    """Finish a running experiment: status done, the outcome, and the results text (when given)."""
    return update(db, experiment_id, who, expected_version=expected_version, status="done", outcome=outcome,
                  result=result, now=now)


def add_note(db: Database, experiment_id: int, text: str, who: str | None, expected_version: int | None = None,
             *, now: str | None = None) -> Experiment:
    """Append a note (Markdown) under a "### <time> (<who>)" heading."""
    return update(db, experiment_id, who, expected_version=expected_version, note=text, now=now)


def add_link(db: Database, experiment_id: int, url: str, who: str | None, label: str = "",
             expected_version: int | None = None, *, now: str | None = None) -> Experiment:
    """Link an external run or report (http(s) only). An empty label is guessed: MLflow, W&B, promptfoo."""
    return update(db, experiment_id, who, expected_version=expected_version, link=url, label=label, now=now)


def update_fields(db: Database, experiment_id: int, who: str | None, expected_version: int | None,
                  title: str | None = None, hypothesis: str | None = None, items: Iterable[int] | None = None,
                  assets: Iterable[str] | None = None, owner: str | None = None, *,
                  now: str | None = None) -> Experiment:
    """Edit fields; None leaves one unchanged. `items`/`assets` replace the whole set; owner "" clears it."""
    return update(db, experiment_id, who, expected_version=expected_version, title=title, hypothesis=hypothesis,
                  items=items, assets=assets, owner=owner, now=now)


def update(db: Database, experiment_id: int, who: str | None, *, expected_version: int | None = None,
           title: str | None = None, hypothesis: str | None = None, items: Iterable[int] | None = None,
           assets: Iterable[str] | None = None, owner: str | None = None, status: str | None = None,
           outcome: str | None = None, result: str | None = None, note: str | None = None,
           link: str | None = None, label: str = "", now: str | None = None,
           due: str | None = None) -> Experiment:
    """Any combination of changes, all or nothing, in one transaction and one version bump.

    Raises NotFoundError, ConflictError (expected_version is stale), TransitionError, ExperimentError.
    A call that changes nothing leaves the experiment (and its version) as it was.
    """
    eid = rules.parse_id(experiment_id)
    who = rules.clean_who(who)
    now = now or utc_now_iso()
    # validate what needs no database first, so bad input never waits for a lock
    new_title = rules.clean_title(title) if title is not None else None
    new_hypothesis = rules.clean_text(hypothesis) if hypothesis is not None else None
    new_assets = rules.clean_assets(assets) if assets is not None else None
    new_owner = (clean_line(owner, rules.NAME_MAX) or None) if owner is not None else None
    if status is not None:
        status = rules.parse_status(status)
    if outcome is not None:
        outcome = rules.parse_outcome(outcome)
        if status is None:
            status = "done"
        elif status != "done":
            raise rules.ExperimentError(f"an outcome is only given when closing an experiment as done, not {status}")
    note_text = None
    if note is not None:
        note_text = rules.clean_text(note)
        if not note_text:
            raise rules.ExperimentError("the note is empty")
    result_text = rules.clean_text(result) if result is not None else None
    url = rules.clean_url(link) if link is not None else None
    new_due = rules.parse_due(due)

    with db.transaction() as c:
        row = _lock(c, db.dialect, eid, expected_version)
        sets: dict[str, Any] = {}
        events: list[str] = []
        if new_title is not None and new_title != row["title"]:
            sets["title"] = new_title
            events.append(f'title "{row["title"]}" -> "{new_title}"')
        if new_hypothesis is not None and new_hypothesis != row["hypothesis"]:
            sets["hypothesis"] = new_hypothesis
            events.append("hypothesis changed")
        if owner is not None and new_owner != row["owner"]:
            sets["owner"] = new_owner
            events.append(f"owner {row['owner'] or '-'} -> {new_owner or '-'}")
        if new_due is not None and (new_due or None) != row["due"]:
            sets["due"] = new_due or None
            events.append(f"due {row['due'] or '-'} -> {new_due or '-'}")
        if items is not None:
            events += _replace_items(c, eid, _items(c, items))
        if new_assets is not None:
            events += _replace_assets(c, eid, new_assets)
        if status is not None:
            rules.check_transition(eid, row["status"], status, outcome)
            sets["status"] = status
            if status in rules.FINAL:
                sets["closed_at"] = now
            if status == "done":
                sets["outcome"] = outcome
                events.append(f"status {row['status']} -> done (outcome {outcome})")
            else:
                events.append(f"status {row['status']} -> {status}")
        if result_text:
            sets["results"] = result_text
            events.append("results " + ("replaced" if row["results"] else "added"))
        if note_text is not None:
            heading = f"### {now}" + (f" ({who})" if who else "")
            before = row["notes"].rstrip("\n")
            sets["notes"] = (before + "\n\n" if before else "") + f"{heading}\n\n{note_text}\n"
            events.append(f"added a note: {clean_line(note_text, 60)}")
        if url is not None:
            if c.execute("SELECT 1 AS x FROM experiment_links WHERE experiment_id = :e AND url = :u",
                         {"e": eid, "u": url}):
                raise rules.ExperimentError(f"experiment {eid} already links {url}")
            label_text = clean_line(label, rules.LABEL_MAX) or rules.guess_label(url)
            c.execute("INSERT INTO experiment_links (experiment_id, url, label, added_at) VALUES (:e, :u, :l, :now)",
                      {"e": eid, "u": url, "l": label_text, "now": now})
            events.append(f"added link {url}" + (f" ({label_text})" if label_text else ""))
        if events:
            _save(c, row, sets, now)
            for what in events:
                _history(c, eid, now, who, what)
        return _load(c, c.execute(f"SELECT {_COLUMNS} FROM experiments WHERE id = :id", {"id": eid}))[0]


# --- internals ----------------------------------------------------------------------------------
def _lock(c: Conn, dialect: str, eid: int, expected_version: int | None) -> dict[str, Any]:
    """Read the row for a change (locked on PostgreSQL; SQLite already holds the write lock)."""
    rows = c.execute(f"SELECT {_COLUMNS} FROM experiments WHERE id = :id"
                     + (" FOR UPDATE" if dialect == "postgresql" else ""), {"id": eid})
    if not rows:
        raise rules.NotFoundError(f"no experiment with id {eid}")
    row = rows[0]
    if expected_version is not None and row["version"] != int(expected_version):
        raise _conflict(c, eid, int(expected_version), row["version"])
    return row


def _save(c: Conn, row: dict[str, Any], sets: dict[str, Any], now: str) -> None:
    """The optimistic write: only if the row is still at the version read."""
    assignments = "".join(f"{k} = :v_{k}, " for k in sets)
    params = {f"v_{k}": v for k, v in sets.items()}
    params.update(id=row["id"], expected=row["version"], now=now)
    if not c.execute(f"UPDATE experiments SET {assignments}updated_at = :now, version = version + 1 "
                     "WHERE id = :id AND version = :expected RETURNING version", params):
        current = c.execute("SELECT version FROM experiments WHERE id = :id", {"id": row["id"]})
        if not current:
            raise rules.NotFoundError(f"experiment {row['id']} was deleted")
        raise _conflict(c, row["id"], row["version"], current[0]["version"])


def _conflict(c: Conn, eid: int, expected: int, current: int) -> rules.ConflictError:
    last = c.execute("SELECT at, who, what FROM experiment_history WHERE experiment_id = :id "
                     "ORDER BY id DESC LIMIT 1", {"id": eid})
    change = ""
    if last:
        h = last[0]
        change = (f" by {clean_line(h['who'], rules.NAME_MAX)}" if h["who"] else "") + f" at {h['at']} " \
                 f"({clean_line(h['what'], 80)})"
    message = (f"experiment {eid} was changed{change} after you read it (now version {current}, you had "
               f"{expected}); nothing was saved: reload it and try again")
    return rules.ConflictError(message, eid, expected, current)


def _history(c: Conn, eid: int, at: str, who: str | None, what: str) -> None:
    c.execute("INSERT INTO experiment_history (experiment_id, at, who, what) VALUES (:e, :at, :who, :what)",
              {"e": eid, "at": at, "who": who, "what": clean_line(what, rules.WHAT_MAX)})


def _replace_items(c: Conn, eid: int, wanted: list[int]) -> list[str]:
    return _replace_links(c, eid, "experiment_items", "item_id", wanted, "item")


def _replace_assets(c: Conn, eid: int, wanted: list[str]) -> list[str]:
    return _replace_links(c, eid, "experiment_assets", "asset", wanted, "asset")


def _replace_links(c: Conn, eid: int, table: str, column: str, wanted: list[Any], noun: str) -> list[str]:
    """Make the experiment's set in `table` exactly `wanted`; history lines for what changed.
    `table` and `column` are constants of this module, never user text."""
    have = {r["v"] for r in c.execute(f"SELECT {column} AS v FROM {table} WHERE experiment_id = :e", {"e": eid})}
    added = [v for v in wanted if v not in have]
    removed = sorted(have - set(wanted))
    c.executemany(f"INSERT INTO {table} (experiment_id, {column}) VALUES (:e, :v)", [{"e": eid, "v": v} for v in added])
    for v in removed:
        c.execute(f"DELETE FROM {table} WHERE experiment_id = :e AND {column} = :v", {"e": eid, "v": v})
    events = []
    if added:
        events.append(_plural(f"linked {noun}", sorted(added)))
    if removed:
        events.append(_plural(f"unlinked {noun}", removed))
    return events


def _plural(what: str, values: list[Any]) -> str:
    return f"{what}{'s' if len(values) > 1 else ''} {', '.join(str(v) for v in values)}"


def _items(c: Conn, ids: Iterable[int]) -> list[int]:
    """Distinct item ids in the given order; every one must exist."""
    if isinstance(ids, (int, str)):
        ids = [ids]
    wanted: list[int] = []
    for value in ids:
        try:
            i = int(value)
        except (TypeError, ValueError):
            raise rules.ExperimentError(f"not an item id: {clean_line(str(value), 40)!r}") from None
        if i not in wanted:
            wanted.append(i)
    found: set[int] = set()
    for inside, params in in_lists(wanted):
        found.update(r["id"] for r in c.execute(f"SELECT id FROM items WHERE id IN ({inside})", params))
    missing = [i for i in wanted if i not in found]
    if missing:
        raise rules.ExperimentError(f"no item with id {', '.join(str(i) for i in missing)}")
    return wanted
