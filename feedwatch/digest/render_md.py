"""The digest as Markdown that reads well on GitHub and in chat (CommonMark / GFM).

Every piece of text is escaped so it renders literally: Markdown punctuation (emphasis, links,
code, headings, tables, strikethrough, math, raw HTML, @mentions) is backslash-escaped, entity
references lose their '&', and a line-start list / heading marker cannot form. So a title such as
`[x](javascript:alert(1))` or `](http://evil)` stays text and cannot open or hijack a link. Only
http(s) URLs become links (they were checked with `safe_url` when the digest was built), and their
destination is percent-encoded where Markdown would otherwise end or split it.
"""

from __future__ import annotations

import re

from .build import Digest, Item
from .retirements import retirement_meta
from .words import (
    SECTIONS,
    TITLE,
    asset_meta,
    change_line,
    experiment_meta,
    failure_meta,
    item_meta,
    link_label,
    more,
    overview,
    tag_meta,
)

_SPECIAL = re.compile(r"([\\`*_\[\]()<>#|~$@])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_LIST_START = re.compile(r"^(\d+)\.")
_URL_ESCAPES = str.maketrans({"(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C", " ": "%20",
                              '"': "%22", "`": "%60", "|": "%7C", "[": "%5B", "]": "%5D"})
SEP = " · "


def md_escape(text: str) -> str:
    """Plain (already cleaned, single-line) text as Markdown that renders exactly that text."""
    text = _SPECIAL.sub(r"\\\1", text)
    if "&" in text:
        text = _ENTITY.sub(r"\\&", text)
    if text[:1] in ("-", "+", "="):
        text = "\\" + text
    elif text[:1].isdigit():
        text = _LIST_START.sub(r"\1\\.", text)
    return text


def md_url(url: str) -> str:
    return url.translate(_URL_ESCAPES)


def _link(item: Item) -> str:
    title = md_escape(item.title)
    return f"[{title}]({md_url(item.url)})" if item.url else title


def _meta(parts: list[str]) -> str:
    return SEP.join(md_escape(p) for p in parts)


def _entry(line: str, note: str = "") -> list[str]:
    """A list item, with a second line for the note when there is one (two trailing spaces: a line break)."""
    return [f"{line}  ", f"  {md_escape(note)}"] if note else [line]


def render_md(d: Digest) -> str:
    out = [f"# {md_escape(TITLE)}: {md_escape(d.period.label)}", "", _meta(overview(d))]

    if d.highlights.items:
        out += ["", f"## {SECTIONS['highlights']}", ""]
        for item in d.highlights.items:
            star = "★ " if item.starred else ""
            out += _entry(f"- {star}{_link(item)}{SEP}{_meta(item_meta(item))}", item.summary)
        if d.highlights.more:
            out.append(f"- {more(d.highlights.more, 'starred item')}")

    if d.stack:
        out += ["", f"## {SECTIONS['stack']}"]
        for section in d.stack:
            out += ["", f"### {md_escape(section.asset)}", "", _meta(asset_meta(section)), ""]
            for link in section.links:
                out += _entry(f"- {md_escape(link_label(link))}{SEP}{_link(link.item)}{SEP}{md_escape(link.item.date)}",
                              link.reason)
            if section.more:
                out.append(f"- {more(section.more)}")

    if d.retirements:
        out += ["", f"## {SECTIONS['retirements']}", ""]
        for r in d.retirements:
            out += _entry(f"- **{md_escape(r.asset)}**{SEP}{_meta(retirement_meta(r))}",
                          r.experiment.title if r.experiment else "")

    if d.tags:
        out += ["", f"## {SECTIONS['tags']}"]
        for tag_section in d.tags:
            out += ["", f"### {md_escape(tag_section.tag)}{SEP}{md_escape(tag_meta(tag_section))}", ""]
            out += [f"- {_link(item)}{SEP}{_meta(item_meta(item, relevance=False))}" for item in tag_section.items]
            if tag_section.more:
                out.append(f"- {more(tag_section.more)}")
        if d.tags_more:
            out += ["", md_escape(more(d.tags_more, "tag"))]

    ex = d.experiments
    if ex.opened or ex.closed or ex.updated:
        out += ["", f"## {SECTIONS['experiments']}"]
        for kind, events in (("opened", ex.opened), ("closed", ex.closed), ("updated", ex.updated)):
            if not events:
                continue
            out += ["", f"### {kind.capitalize()} ({len(events)})", ""]
            for e in events:
                out += _entry(f"- **{md_escape(e.title)}**{SEP}{_meta(experiment_meta(e, kind))}",
                              e.hypothesis if kind == "opened" else "")
                out += [f"  - {md_escape(change_line(c))}" for c in e.changes]
                if e.changes_more:
                    out.append(f"  - {more(e.changes_more, 'change')}")

    if d.failed_sources:
        out += ["", f"## {SECTIONS['failed_sources']}", ""]
        for f in d.failed_sources:
            line = f"- **{md_escape(f.source)}**{SEP}{_meta(failure_meta(f))}"
            out.append(line + (f"{SEP}{md_escape(f.last_error)}" if f.last_error else ""))
    return "\n".join(out) + "\n"
