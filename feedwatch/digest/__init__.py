"""The weekly digest: collect a period's items, links, experiments and failures, render md / html / json.

    period = week.parse_week("2026-W48")            # or last_complete_week(today), parse_range(...)
    digest = build_digest(db, config, period.since, period.until)
    text = render(digest, "md")                       # same database + period -> same bytes

Headless (no textual): the CLI (`feedwatch digest`) and the TUI both call these. The JSON schema is
documented in SCHEMA.md.
"""

from __future__ import annotations

from .build import SCHEMA, Digest, Limits, build_digest
from .week import Period, PeriodError, last_complete_week, parse_range, parse_week

__all__ = ["FORMATS", "SCHEMA", "Digest", "Limits", "Period", "PeriodError", "build_digest", "last_complete_week",
           "parse_range", "parse_week", "render"]

FORMATS = ("md", "html", "json")

# Words shared by the Markdown and HTML renderings.
TITLE = "feedwatch digest"
SECTIONS = {"highlights": "Highlights", "stack": "What affects our stack", "retirements": "Retirements ahead",
            "tags": "By tag",
            "experiments": "Experiments", "failed_sources": "Sources that failed"}


def render(digest: Digest, fmt: str) -> str:
    """The digest as Markdown ("md"), a self-contained HTML page ("html") or JSON ("json")."""
    if fmt == "md":
        from .render_md import render_md
        return render_md(digest)
    if fmt == "html":
        from .render_html import render_html
        return render_html(digest)
    if fmt == "json":
        from .render_json import render_json
        return render_json(digest)
    raise ValueError(f"unknown digest format {fmt!r} (use one of {', '.join(FORMATS)})")


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
