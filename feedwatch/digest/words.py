"""Words shared by the Markdown and HTML renderings (a leaf, so the renderers never import the package)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .build import Digest

TITLE = "feedwatch digest"
SECTIONS = {"highlights": "Highlights", "stack": "What affects our stack", "retirements": "Retirements ahead",
            "tags": "By tag",
            "experiments": "Experiments", "failed_sources": "Sources that failed"}


def overview(d: Digest) -> list[str]:
    """The period and the counts, as short phrases joined with " · " under the title."""
    parts = [f"{d.period.first_day} to {d.period.last_day} UTC"]
    if not d.totals.items:
        return parts + ["no items"]
    parts.append(_count(d.totals.items, "item"))
    if d.totals.starred:
        parts.append(f"{d.totals.starred} starred")
    if d.totals.affecting:
        parts.append(f"{d.totals.affecting} affecting our stack")
    return parts


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def item_meta(item, *, relevance: bool = True) -> list[str]:
    parts = [" + ".join(item.sources) if len(item.sources) > 1 else item.source, item.date]
    if relevance and item.relevance is not None:
        parts.append(f"relevance {item.relevance:.2f}")
    return parts


def link_label(link) -> str:
    """'confirmed by alice', 'confirmed', 'suggested, score 0.90'."""
    if link.status == "confirmed":
        return f"confirmed by {link.updated_by}" if link.updated_by else "confirmed"
    return f"suggested, score {link.score:.2f}"


def asset_meta(section) -> list[str]:
    parts = [p for p in (section.kind, f"owner {section.owner}" if section.owner else None) if p]
    parts.append(_count(section.total, "item") + (f", {section.confirmed} confirmed" if section.confirmed else ""))
    return parts


def tag_meta(section) -> str:
    return _count(section.count, "item")


def more(n: int, noun: str = "") -> str:
    """'…and 3 more', '…and 1 more tag', '…and 2 more starred items'."""
    if not noun:
        return f"…and {n} more"
    return f"…and {n} more {noun}" + ("" if n == 1 else "s")


def experiment_meta(e, kind: str) -> list[str]:
    """'done', 'outcome improved', 'owner alice', 'closed 2026-11-26', 'assets a, b'."""
    parts = [e.status]
    if e.outcome:
        parts.append(f"outcome {e.outcome}")
    if e.owner:
        parts.append(f"owner {e.owner}")
    when = {"opened": e.created_at, "closed": e.closed_at}.get(kind)
    if when:
        parts.append(f"{kind} {when[:10]}")
    if e.assets:
        parts.append(("asset " if len(e.assets) == 1 else "assets ") + ", ".join(e.assets))
    return parts


def change_line(c) -> str:
    """'2026-11-24 alice: status proposed -> running'."""
    return f"{c.at[:10]} {c.who}: {c.what}" if c.who else f"{c.at[:10]}: {c.what}"


def failure_meta(f) -> list[str]:
    parts = [_count(f.failures, "failure")]
    if f.last_at:
        parts.append(f"last {f.last_at[:16].replace('T', ' ')} UTC")
    if f.last_status is not None:
        parts.append(f"HTTP {f.last_status}")
    return parts
