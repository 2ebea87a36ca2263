"""A story is listed once in the digest, with all its sources (feedwatch/stories groups them).

The period's items of one story collapse into its lead item (or, when the lead is outside the
period, the story's best-ranked item): starred if any of them is, the highest relevance, every
tag, and every source that reported it. Their asset links move to that item, one per asset (a
confirmed one first, then the highest score).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..storage.rows import ListedItem


def one_per_story(rows: list[ListedItem], links: list[dict[str, Any]]
                  ) -> tuple[list[ListedItem], dict[int, tuple[str, ...]], list[dict[str, Any]]]:
    """The rows one per story (by id), the sources of each kept row's story, and the links moved to them."""
    groups: dict[int, list[ListedItem]] = {}
    for r in rows:
        groups.setdefault(r.story or r.id, []).append(r)
    kept, moved, sources = [], {}, {}
    for members in groups.values():
        rep = min(members, key=lambda r: (not r.lead, -(r.relevance or -1.0), r.when, r.id))
        sources[rep.id] = tuple(sorted({r.source for r in members}))
        if len(members) > 1:
            scores = [r.relevance for r in members if r.relevance is not None]
            rep = replace(rep, starred=any(r.starred for r in members), relevance=max(scores) if scores else None,
                          tags=sorted({t for r in members for t in r.tags}))
            for r in members:
                moved[r.id] = rep.id
        kept.append(rep)
    best: dict[tuple[int, str], dict[str, Any]] = {}
    for x in links:
        x = {**x, "item_id": moved.get(x["item_id"], x["item_id"])}
        key = (x["item_id"], x["asset"])
        held = best.get(key)
        rank = (x["status"] == "confirmed", float(x["score"] or 0), -len(x["reason"] or ""))
        if held is None or rank > (held["status"] == "confirmed", float(held["score"] or 0),
                                   -len(held["reason"] or "")):
            best[key] = x
    return (sorted(kept, key=lambda r: r.id), sources,
            sorted(best.values(), key=lambda x: (x["item_id"], x["asset"])))
