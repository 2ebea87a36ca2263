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
