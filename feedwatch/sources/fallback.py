"""Full feedparser parsing, for what the fast path is unsure of.

feedparser knows two decades of broken feeds (mis-declared encodings, ill-formed XML, old
formats); we pay its cost only for those documents. HTML sanitising and URI resolution are off
because we turn HTML into plain text and resolve links ourselves.
"""

from __future__ import annotations

from ..dates import parse_date
from ..entry import Entry, ParsedFeed
from ..text import clean_body, clean_line, html_to_text, safe_url
from .xmlfeed import CONTENT_MAX, SUMMARY_MAX, _arxiv_listing, _fallback_guid, _split_authors


class NotAFeed(ValueError):
    """The document is neither a feed feedparser understands nor an empty one."""


def parse_with_feedparser(body: bytes, headers: dict[str, str], url: str) -> ParsedFeed:
    import feedparser

    h = {k.lower(): v for k, v in headers.items()}
    h["content-location"] = url
    d = feedparser.parse(body, response_headers=h, sanitize_html=False, resolve_relative_uris=False)
    if not d.entries and not d.feed.get("title") and d.get("bozo"):
        reason = d.get("bozo_exception")
        raise NotAFeed(f"not a feed ({_reason(reason)})")
    if not d.entries and not d.get("version"):
        raise NotAFeed("not a feed (no RSS, Atom or JSON Feed document found)")
    feed = ParsedFeed(title=clean_line(d.feed.get("title", "")))
    if d.get("bozo"):
        feed.warning = f"ill-formed feed, parsed leniently ({_reason(d.get('bozo_exception'))})"
    for e in d.entries:
        feed.entries.append(_entry(e, url))
    return feed


def _reason(exc) -> str:
    text = clean_line(str(exc) if exc else "", 160)
    return text or "unknown error"


def _value(detail) -> str:
    if not detail:
        return ""
    value = detail.get("value", "") if isinstance(detail, dict) else str(detail)
    kind = detail.get("type", "") if isinstance(detail, dict) else ""
    return value if "html" not in kind else value


def _entry(e, url: str) -> Entry:
    link = safe_url(e.get("link"), url)
    title_detail = e.get("title_detail") or {}
    raw_title = e.get("title", "")
    if "html" in (title_detail.get("type") or ""):
        raw_title = html_to_text(raw_title, 2000)
    summary_raw = e.get("summary", "") or ""
    content_raw = ""
    if e.get("content"):
        content_raw = e["content"][0].get("value", "") or ""
    summary = html_to_text(summary_raw, SUMMARY_MAX) if summary_raw else ""
    content = html_to_text(content_raw, CONTENT_MAX) if content_raw and content_raw != summary_raw else ""
    authors: list[str] = []
    for a in e.get("authors", []) or []:
        if a.get("name"):
            authors.extend(_split_authors(a["name"]))
    if not authors and e.get("author"):
        authors = _split_authors(e["author"])
    guid = (e.get("id") or e.get("guid") or e.get("link") or "").strip()
    title = clean_line(raw_title, 300) or clean_line(summary, 100) or "(untitled)"
    entry = Entry(
        guid=(guid or _fallback_guid(title, summary))[:1000],
        title=title,
        url=link,
        summary=summary or content[:SUMMARY_MAX],
        content=content,
        authors=authors,
        categories=[clean_line(t.get("term") or "", 100) for t in e.get("tags", []) or [] if t.get("term")],
        published=parse_date(e.get("published") or e.get("updated") or e.get("created")),
        updated=parse_date(e.get("updated")),
    )
    if e.get("arxiv_announce_type"):
        entry.extra["announce_type"] = clean_line(e["arxiv_announce_type"], 40)
    _arxiv_listing(entry)
    return entry
