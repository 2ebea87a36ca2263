"""Full feedparser parsing, for what the fast path is unsure of.

feedparser knows two decades of broken feeds (mis-declared encodings, ill-formed XML, old
formats); we pay its cost only for those documents. HTML sanitising and URI resolution are off
because we turn HTML into plain text and resolve links ourselves.
"""

from __future__ import annotations

import re
from typing import Any

from ..dates import parse_date
from ..entry import Entry, ParsedFeed
from ..errors import FeedwatchError
from ..html_text import html_to_text
from ..text import clean_body, clean_line, safe_url
from .entry_rules import CONTENT_MAX, SUMMARY_MAX, arxiv_listing, display_title, fallback_guid, split_authors


class NotAFeed(FeedwatchError, ValueError):
    """The document is neither a feed feedparser understands nor an empty one."""


def parse_with_feedparser(body: bytes, headers: dict[str, str], url: str) -> ParsedFeed:
    import feedparser

    h = {k.lower(): v for k, v in headers.items()}
    h["content-location"] = url
    d = feedparser.parse(_tame_doctype(body), response_headers=h, sanitize_html=False,
                         resolve_relative_uris=False)
    exc = d.get("bozo_exception")
    # A missing or non-XML Content-Type (text/plain, text/html: common for feeds) says nothing
    # about the document; feedparser still parses it strictly, so a real error would replace it.
    bozo = bool(d.get("bozo")) and not isinstance(exc, feedparser.NonXMLContentType)
    if not d.entries and not d.feed.get("title") and bozo:
        raise NotAFeed(f"not a feed ({_reason(exc)})")
    if not d.entries and not d.get("version"):
        raise NotAFeed("not a feed (no RSS, Atom or JSON Feed document found)")
    title = d.feed.get("title", "") or ""
    if "html" in ((d.feed.get("title_detail") or {}).get("type") or ""):
        title = html_to_text(title, 300)
    feed = ParsedFeed(title=clean_line(title))
    if bozo:
        feed.warning = f"ill-formed feed, parsed leniently ({_reason(exc)})"
    for e in d.entries:
        feed.entries.append(_entry(e, url))
    return feed


_FIRST_ELEMENT_RE = re.compile(rb"<\w")
_ENTITY_DECL_RE = re.compile(rb"<!ENTITY([^>]*?)>")
_SAFE_ENTITY_RE = re.compile(rb'\s+(\w+)\s+"(&#\w+;|[^&"]*)"')  # feedparser's RE_SAFE_ENTITY_PATTERN
_ENTITY_BUDGET = 1_000_000  # bytes that declared entities may add to a document
_MAX_ENTITY_DECLS = 64


def _tame_doctype(body: bytes) -> bytes:
    """Make feedparser's own DOCTYPE sanitising apply, and bound what entities may expand to.

    feedparser keeps only "safe" entity declarations (a plain-text value or one character
    reference: no nested entities, so no billion laughs), but it only finds declarations that
    start a line. A one-line document (`<?xml ...?><!DOCTYPE rss [<!ENTITY ...>]>`) reached expat
    whole, which expands nested entities up to its amplification limit (1.6 s and ~70 MB for a
    billion-laughs bomb). Safe declarations whose expansion would exceed the budget (the
    "quadratic blowup": one big entity referenced thousands of times, which feedparser's loose
    parser expands without limit) are dropped, so those references stay as written.
    """
    m = _FIRST_ELEMENT_RE.search(body)
    end = m.start() if m else len(body)
    head = body[:end]
    if b"<!ENTITY" not in head:
        return body
    rest = body[end:]
    many = len(_ENTITY_DECL_RE.findall(head)) > _MAX_ENTITY_DECLS
    budget = _ENTITY_BUDGET

    def tame(decl: re.Match[bytes]) -> bytes:
        nonlocal budget
        safe = _SAFE_ENTITY_RE.match(decl.group(1))
        if safe is not None:  # feedparser would keep it: check what it costs
            if many:
                return b""
            name, value = safe.groups()
            budget -= len(value) * rest.count(b"&" + name + b";")
            if budget < 0:
                return b""
        return b"\n" + decl.group(0)

    head = _ENTITY_DECL_RE.sub(tame, head).replace(b"<!DOCTYPE", b"\n<!DOCTYPE")
    return head + rest


def _reason(exc: object) -> str:
    text = clean_line(str(exc) if exc else "", 160)
    return text or "unknown error"


def _text_of(detail_value: str, kind: str, max_len: int) -> str:
    """Plain text of a feedparser text construct: HTML types are rendered, plain text kept as is."""
    if not detail_value:
        return ""
    if "html" in (kind or "html"):
        return html_to_text(detail_value, max_len)
    return clean_body(detail_value, max_len)


def _entry(e: Any, url: str) -> Entry:
    link = safe_url(e.get("link"), url)
    title_detail = e.get("title_detail") or {}
    raw_title = e.get("title", "") or ""
    if "html" in (title_detail.get("type") or ""):
        raw_title = html_to_text(raw_title, 2000)
    summary_raw = e.get("summary", "") or ""
    summary_type = (e.get("summary_detail") or {}).get("type") or "text/html"
    content_raw = content_type = ""
    if e.get("content"):
        content_raw = e["content"][0].get("value", "") or ""
        content_type = e["content"][0].get("type") or "text/html"
    # feedparser copies an Atom <content> into `summary` when there is no <summary>; keep the full
    # text as content (the summary is capped), exactly like the fast parser does.
    content = _text_of(content_raw, content_type, CONTENT_MAX)
    summary = _text_of(summary_raw, summary_type, SUMMARY_MAX) if summary_raw != content_raw else ""
    summary = summary or content[:SUMMARY_MAX]
    authors: list[str] = []
    for a in e.get("authors", []) or []:
        if a.get("name"):
            authors.extend(split_authors(a["name"]))
    if not authors and e.get("author"):
        authors = split_authors(e["author"])
    if len(authors) > 1:
        authors = list(dict.fromkeys(authors))
    guid = (e.get("id") or e.get("guid") or e.get("link") or "").strip()
    title = display_title(raw_title, summary)
    # dict.get: FeedParserDict maps a missing `updated` to `published` (with a DeprecationWarning),
    # which would give every entry an "updated" date equal to its publication date.
    updated = parse_date(dict.get(e, "updated")) or parse_date(dict.get(e, "updated_parsed"))
    published = (parse_date(e.get("published") or e.get("created"))
                 or parse_date(e.get("published_parsed") or e.get("created_parsed")) or updated)
    entry = Entry(
        guid=(guid or fallback_guid(title, summary))[:1000],
        title=title,
        url=link,
        summary=summary,
        content=content,
        authors=authors,
        categories=[c for c in (clean_line(t.get("term") or "", 100) for t in e.get("tags", []) or []) if c],
        published=published,
        updated=updated,
    )
    if e.get("arxiv_announce_type"):
        entry.extra["announce_type"] = clean_line(e["arxiv_announce_type"], 40)
    arxiv_listing(entry)
    return entry
