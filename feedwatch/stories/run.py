"""The grouping pass: put every item not grouped yet into a story, oldest first, and store it.

Run after each fetch (CLI, the app's refresh, the demo). It reads the new items, the stories they
may join (those holding their strong evidence, and those with a title of the same signature), and
writes what it decided in one transaction: nothing already grouped is re-clustered.

The item a list shows for a story (its lead): the paper (an arXiv item, or a source tagged
`paper`), then the vendor's own word (a source tagged lab-blog, release, model-hub, changelog, sdk or
deprecation), then any other source, then roundups (newsletter, community, roundup, digest); the
earliest first within each, then the lowest id.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..config import Config
from ..enrich.evidence import StoryItem, keys, model_event_keys, stored_evidence
from ..storage import stories as store
from ..storage.db import Database
from ..story_titles import signature
from .assign import StoryIndex

VENDOR_TAGS = frozenset({"lab-blog", "release", "model-hub", "changelog", "sdk", "deprecation", "vendor"})
ROUNDUP_TAGS = frozenset({"newsletter", "community", "community-feed", "roundup", "digest", "aggregator"})
BATCH = 5000


@dataclass(slots=True)
class GroupingSummary:
    items: int = 0          # items grouped in this pass
    joined: int = 0         # of which joined a story with other items


def lead_rank(item: dict) -> tuple:
    tags = set(item.get("tags") or ())
    if item.get("arxiv_id") or "paper" in tags:
        kind = 0
    elif tags & VENDOR_TAGS:
        kind = 1
    elif tags & ROUNDUP_TAGS:
        kind = 3
    else:
        kind = 2
    return (kind, item.get("published") or "", item["id"])


def group_pending(db: Database, config: Config | None = None, window_days: float = 3.0) -> GroupingSummary:
    """Group every item not grouped yet; returns how many, and how many joined another item's story.

    Most new items share no evidence and no title signature with any other item: those are alone in
    their stories, whatever the order, so they only leave the queue (and leave their keys for later
    items). The others go through the index, oldest first, a batch at a time.
    """
    repos = {s.name: s.repo for s in (config.sources if config else ()) if s.kind == "github" and s.repo}
    kinds = {s.name: s.kind for s in (config.sources if config else ())}
    summary = GroupingSummary()
    waiting = store.queued(db)
    if not waiting:
        return summary
    alone, keys_of = _alone(db, waiting)
    if alone:
        store.save(db, {}, {k: i for i in alone for k in keys_of.get(i, ()) if not k.startswith("url:")}, {},
                   alone)
        summary.items += len(alone)
    left = set(alone)
    rest = [q.id for q in sorted((q for q in waiting if q.id not in left), key=lambda q: (q.published, q.id))]
    for start in range(0, len(rest), BATCH):
        rows = store.pending(db, rest[start:start + BATCH])
        rows.sort(key=lambda r: (r["published"], r["id"]))
        summary.joined += _group(db, rows, repos, kinds, window_days, rest[start:start + BATCH])
        summary.items += len(rows)
    return summary


def _alone(db: Database, waiting: list[store.Queued]) -> tuple[list[int], dict[int, tuple[str, ...]]]:
    """The queued items that can join no story and no other item (evidence and signature their own),
    and the keys of those that have them."""
    evidence = {q.id: stored_evidence(q.evidence) for q in waiting if q.evidence is not None}
    count = Counter(k for ks in evidence.values() for k in ks)
    sigs = Counter(q.sig for q in waiting if q.sig is not None)
    taken = set(store.stories_of_keys(db, sorted(k for k in count if not k.startswith("url:"))))
    shared = store.grouped_signatures(db) if sigs else set()
    alone = [q.id for q in waiting
             if q.id in evidence and (q.sig is None or (sigs[q.sig] == 1 and q.sig not in shared))
             and all(count[k] == 1 and k not in taken for k in evidence[q.id])]
    return alone, {i: evidence[i] for i in alone if evidence[i]}


def _group(db: Database, rows: list[dict], repos: dict[str, str], kinds: dict[str, str], window_days: float,
           done: list[int]) -> int:
    items = []
    item_keys = {}
    for r in rows:
        text = r["text"] or ""              # only a text that links a paper (see storage.stories.pending)
        if r["evidence"] is not None:
            events: tuple[str, ...] = ()
        else:
            events = model_event_keys(r["source"], r["title"], text, r["extra"], kinds.get(r["source"]))
        item = StoryItem(r["id"], r["source"], r["title"], r["url"], text, r["arxiv_id"], r["published"] or "",
                         repos.get(r["source"]), events,
                         r["story_sig"] if r["story_sig"] is not None else signature(r["title"]))
        items.append(item)
        item_keys[item.id] = stored_evidence(r["evidence"]) if r["evidence"] is not None else keys(item)
    new_keys = sorted({k for ks in item_keys.values() for k in ks})
    sigs = {it.id: it.sig for it in items}
    story_ids = (store.stories_of_signatures(db, sorted({g for g in sigs.values() if g}))
                 | set(store.stories_of_keys(db, new_keys).values()))
    known = store.members(db, story_ids)
    story_keys = store.keys_of_stories(db, list(known))
    index = StoryIndex(window_days=window_days)
    for sid, found in known.items():
        for n, m in enumerate(found):
            index.seed(m["id"], sid, m["source"], m["title"], m["published"] or "",
                       tuple(story_keys.get(sid, ())) if n == 0 else (), bool(m["story_pinned"]), m["story_sig"])
    for it in items:
        index.add(it, item_keys[it.id])
    by_id = {r["id"]: r for r in rows} | {m["id"]: m for found in known.values() for m in found}
    assigned, leads = {}, {}
    for sid in index.touched:
        story = index.stories[sid]
        if len(story.items) > 1:          # a lone item keeps story_id NULL and leads its story already
            for i in story.items:
                assigned[i] = sid
            leads[sid] = min((by_id[i] for i in story.items), key=lead_rank)["id"]
    key_map = {k: sid for k, sid in index.by_key.items() if sid in index.touched}
    store.save(db, assigned, key_map, leads, done)
    return sum(1 for it in items if len(index.stories[index.story_of[it.id]].items) > 1)
