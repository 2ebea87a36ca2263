"""Collect a digest: what happened in a period, as a tree of plain, deterministically ordered data.

The same database, config and period always give the same `Digest` (and so byte-identical output):
every list is sorted here, in Python (never by a database collation), ties are broken by id, and
nothing depends on the clock. All text is cleaned (`clean_line`) and every URL checked
(`safe_url`), so renderers only have to escape for their format.

Order and limits (see SCHEMA.md):
- items rank by relevance (highest first; none = lowest), then date (newest first), then id; lists
  of items show starred ones first;
- highlights: the items starred by anyone on the team (at most `Limits.starred`) plus the first `Limits.highlights`
  items by rank, without repeats: when fewer items have a relevance, the week's newest unenriched items
  fill the places, so a week nobody enriched or starred still lists its items;
- what affects our stack: per asset, the confirmed links and the suggestions scoring at least
  `AFFECTS_MIN_SCORE` (the TUI's "Affects our stack" rule; dismissed links never), confirmed first,
  then by score; at most `Limits.per_asset` per asset;
- by tag: tags by item count (then name), at most `Limits.tags` of them, each with its top
  `Limits.per_tag` items; every cut is reported as a `more` count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from ..dates import format_iso
from ..storage.experiments import changed_between
from ..storage.health import failures_by_source
from ..storage.queries import ListedItem, period_items
from ..text import clean_line, safe_url
from .retirements import Retirement, retirements
from .stories import one_per_story
from .week import Period, period

SCHEMA = "feedwatch.digest/1"
SUMMARY_MAX = 300


@dataclass(frozen=True, slots=True)
class Limits:
    highlights: int = 10    # items of highest relevance in highlights, beside the starred ones
    starred: int = 25       # starred items shown in highlights
    per_asset: int = 15     # items per asset in "what affects our stack"
    tags: int = 30          # tags shown in "by tag"
    per_tag: int = 15       # items per tag
    changes: int = 10       # history lines per experiment


@dataclass(frozen=True, slots=True)
class Item:
    id: int
    title: str
    url: str | None         # http(s) only, else None
    source: str
    date: str               # YYYY-MM-DD of the published date, else of the first-seen date
    published: str | None
    first_seen: str
    starred: bool
    relevance: float | None
    tags: tuple[str, ...]
    summary: str            # the AI summary, else the feed's summary; one line, capped
    sources: tuple[str, ...] = ()   # every source that reported the story (feedwatch/stories), sorted


@dataclass(frozen=True, slots=True)
class Highlights:
    items: tuple[Item, ...] = ()
    more: int = 0           # starred items left out (over Limits.starred)


@dataclass(frozen=True, slots=True)
class Link:
    item: Item
    status: str             # confirmed | suggested
    reason: str
    score: float
    origin: str             # rule | llm | user
    updated_by: str | None


@dataclass(frozen=True, slots=True)
class AssetSection:
    asset: str
    kind: str | None        # from the config (prompt | pipeline); None for an asset no longer configured
    owner: str | None
    confirmed: int
    total: int
    links: tuple[Link, ...]
    more: int


@dataclass(frozen=True, slots=True)
class TagSection:
    tag: str
    count: int
    items: tuple[Item, ...]
    more: int


@dataclass(frozen=True, slots=True)
class Change:
    at: str
    who: str
    what: str               # "status proposed -> running", "added a note: ...", ...


@dataclass(frozen=True, slots=True)
class Experiment:
    id: int
    title: str
    status: str             # proposed | running | done | abandoned
    outcome: str | None     # improved | regressed | no-change | inconclusive, once done
    owner: str | None
    hypothesis: str         # one line, capped
    created_at: str
    closed_at: str | None
    updated_at: str
    assets: tuple[str, ...]
    changes: tuple[Change, ...]     # its history in the period, oldest first
    changes_more: int


@dataclass(frozen=True, slots=True)
class Experiments:
    opened: tuple[Experiment, ...] = ()
    closed: tuple[Experiment, ...] = ()
    updated: tuple[Experiment, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceFailure:
    source: str
    failures: int
    first_at: str | None
    last_at: str | None
    last_status: int | None
    last_error: str


@dataclass(frozen=True, slots=True)
class Totals:
    items: int = 0
    starred: int = 0
    affecting: int = 0      # items with at least one link in "what affects our stack"
    tags: int = 0


@dataclass(frozen=True, slots=True)
class Digest:
    period: Period
    totals: Totals
    highlights: Highlights
    stack: tuple[AssetSection, ...]
    retirements: tuple[Retirement, ...]
    tags: tuple[TagSection, ...]
    tags_more: int          # tags left out (over Limits.tags)
    experiments: Experiments
    failed_sources: tuple[SourceFailure, ...]
    limits: Limits = field(default_factory=Limits)
    schema: str = SCHEMA


def _stamp(value) -> str:
    if isinstance(value, datetime):
        return format_iso(value)
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00Z"
    return value


def build_digest(db, config, since, until, limits: Limits | None = None) -> Digest:
    """The digest of [since, until): stored-form timestamps ("YYYY-MM-DDTHH:MM:SSZ"), datetimes or dates."""
    limits = limits or Limits()
    span = period(_stamp(since), _stamp(until))
    read, links = period_items(db, span.since, span.until)     # items and their links from one snapshot
    clean_tags = _tag_cleaner()
    rows = [replace(r, relevance=None if r.relevance is None else round(float(r.relevance), 3), tags=clean_tags(r.tags))
            for r in read]
    rows, sources, links = one_per_story(rows, links)     # a story once, with all its sources
    # relevance (none lowest), newest, lowest id; then the same order with starred items first
    ranked = sorted(rows, key=lambda r: (-1.0 if r.relevance is None else r.relevance, r.when, -r.id), reverse=True)
    starred = [r for r in ranked if r.starred]
    ordered = starred + [r for r in ranked if not r.starred]
    position = {r.id: n for n, r in enumerate(ordered)}
    by_id = {r.id: r for r in rows}
    items: dict[int, Item] = {}

    def item(r: ListedItem) -> Item:
        made = items.get(r.id)
        if made is None:
            made = items[r.id] = _item(r, sources[r.id])
        return made

    shown = starred[:limits.starred]
    seen = {r.id for r in shown}
    top = ranked[:limits.highlights]   # items without a relevance rank last (newest first): they fill the places
    shown += [r for r in top if r.id not in seen]
    highlights = Highlights(tuple(item(r) for r in shown), len(starred) - sum(1 for r in shown if r.starred))

    links = [x for x in links if x["item_id"] in by_id]
    stack = _stack(links, config, limits, position, by_id, item)
    tag_sections, tags_more, tag_count = _by_tag(ordered, limits, item)
    totals = Totals(items=len(rows), starred=len(starred), affecting=len({x["item_id"] for x in links}),
                    tags=tag_count)
    return Digest(period=span, totals=totals, highlights=highlights, stack=stack,
                  retirements=retirements(db, config, span.last_day), tags=tag_sections,
                  tags_more=tags_more, experiments=_experiments(db, span, limits),
                  failed_sources=_failed_sources(db, span), limits=limits)


def _tag_cleaner() -> Callable[[list[str]], list[str]]:
    """Merged tags, cleaned for a page (empty ones dropped), sorted; each distinct tag cleaned once."""
    cleaned: dict[str, str] = {}

    def clean(tags: list[str]) -> list[str]:
        out = set()
        for t in tags:
            c = cleaned.get(t)
            if c is None:
                c = cleaned[t] = clean_line(t, 60)
            if c:
                out.add(c)
        return sorted(out)
    return clean


def _item(r: ListedItem, sources: tuple[str, ...]) -> Item:
    return Item(id=r.id, title=clean_line(r.title) or "(untitled)", url=safe_url(r.url),
                source=clean_line(r.source, 100), date=r.when[:10], published=r.published,
                first_seen=r.first_seen, starred=r.starred, relevance=r.relevance, tags=tuple(r.tags),
                summary=clean_line(r.ai_summary or r.summary, SUMMARY_MAX),
                sources=tuple(clean_line(x, 100) for x in sources or (r.source,)))


def _stack(links: list[dict], config, limits: Limits, position: dict, by_id: dict, item) -> tuple[AssetSection, ...]:
    configured = {a.name: a for a in getattr(config, "assets", ()) or ()}
    per_asset: dict[str, list[dict]] = {}
    for x in links:
        per_asset.setdefault(clean_line(x["asset"], 100) or "(unnamed)", []).append(x)
    sections = []
    for name in sorted(per_asset):
        group = sorted(per_asset[name], key=lambda x: (x["status"] != "confirmed", -float(x["score"] or 0),
                                                       position[x["item_id"]], x["asset"]))
        asset = configured.get(name)
        shown = tuple(Link(item=item(by_id[x["item_id"]]), status=x["status"], reason=clean_line(x["reason"]),
                           score=round(float(x["score"] or 0), 3), origin=clean_line(x["origin"], 20),
                           updated_by=clean_line(x["updated_by"], 100) or None)
                      for x in group[:limits.per_asset])
        sections.append(AssetSection(asset=name, kind=asset.kind if asset else None,
                                     owner=(asset.owner or None) if asset else None,
                                     confirmed=sum(1 for x in group if x["status"] == "confirmed"),
                                     total=len(group), links=shown, more=max(0, len(group) - limits.per_asset)))
    return tuple(sections)


def _by_tag(ordered: list[ListedItem], limits: Limits, item) -> tuple[tuple[TagSection, ...], int, int]:
    members: dict[str, list[ListedItem]] = {}
    for r in ordered:   # already in display order, so each tag's list is too
        for t in r.tags:
            members.setdefault(t, []).append(r)
    names = sorted(members, key=lambda t: (-len(members[t]), t))
    sections = tuple(TagSection(tag=t, count=len(members[t]), items=tuple(item(r) for r in members[t][:limits.per_tag]),
                                more=max(0, len(members[t]) - limits.per_tag))
                     for t in names[:limits.tags])
    return sections, max(0, len(names) - limits.tags), len(names)


# --- experiments and failed sources ---------------------------------------------------------------

def _experiments(db, span: Period, limits: Limits) -> Experiments:
    """Opened (created) and closed in the period, and updated (any other change in it); chronological."""
    opened, closed, updated = [], [], []
    for x in changed_between(db, span.since, span.until):
        changes = [Change(at=h["at"], who=clean_line(h["who"], 100), what=clean_line(h["what"]))
                   for h in x["changes_in_window"]]
        e = Experiment(id=x["id"], title=clean_line(x["title"]) or "(untitled)", status=clean_line(x["status"], 40),
                       outcome=clean_line(x["outcome"], 40) or None, owner=clean_line(x["owner"], 100) or None,
                       hypothesis=clean_line(x["hypothesis"], SUMMARY_MAX), created_at=x["created_at"],
                       closed_at=x["closed_at"], updated_at=x["updated_at"],
                       assets=tuple(sorted({a for a in (clean_line(a, 100) for a in x["assets"]) if a})),
                       changes=tuple(changes[:limits.changes]), changes_more=max(0, len(changes) - limits.changes))
        last_change = changes[-1].at if changes else e.updated_at
        if x["created_in_window"]:
            opened.append((e.created_at, e.id, e))
        if x["closed_in_window"]:
            closed.append((e.closed_at, e.id, e))
        if not (x["created_in_window"] or x["closed_in_window"]):
            updated.append((last_change, e.id, e))
    return Experiments(*(tuple(e for *_, e in sorted(group)) for group in (opened, closed, updated)))


def _failed_sources(db, span: Period) -> tuple[SourceFailure, ...]:
    """Sources with at least one failed fetch in the period: most failures first, then by name."""
    out = [SourceFailure(source=clean_line(f["source"], 100) or "(unnamed)", failures=f["failures"],
                         first_at=f["first_at"], last_at=f["last_at"], last_status=f["last_status"],
                         last_error=clean_line(f["last_error"]))
           for f in failures_by_source(db, span.since, span.until)]
    return tuple(sorted(out, key=lambda f: (-f.failures, f.source)))
