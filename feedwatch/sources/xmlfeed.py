"""Fast RSS 0.9x/1.0/2.0, RDF and Atom 0.3/1.0 parsing with lxml.

feedparser costs ~1.9 ms per item here, 50x lxml; this parser handles the well-formed documents
that make up nearly all real traffic and returns None whenever it is unsure (ill-formed XML,
an unknown root, an encoding lxml rejects), so the caller falls back to full feedparser
behaviour. External entities and DTDs are never loaded.
"""

from __future__ import annotations

from lxml import etree

from ..dates import parse_date
from ..entry import Entry, ParsedFeed
from ..text import clean_body, clean_line, html_to_text, safe_url
from .arxiv_ids import split_arxiv_id

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True, recover=False)

ATOM10 = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
XHTML = "http://www.w3.org/1999/xhtml"
SUMMARY_MAX = 2000
CONTENT_MAX = 50000
ARXIV_ANNOUNCE = "http://arxiv.org/schemas/atom"


def _local(tag) -> str:
    if not isinstance(tag, str):
        return ""
    i = tag.rfind("}")
    return tag[i + 1:] if i >= 0 else tag


def _text(el) -> str:
    return "".join(el.itertext()) if len(el) else (el.text or "")


def _html_or_text(value: str, max_len: int) -> str:
    if "<" in value or "&" in value:
        return html_to_text(value, max_len)
    return clean_body(value, max_len)


def parse_xml_feed(body: bytes, url: str) -> ParsedFeed | None:
    """Parse a feed document; None means "not sure, use feedparser"."""
    try:
        root = etree.fromstring(body, _PARSER, base_url=url)
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    name = _local(root.tag)
    ns = etree.QName(root).namespace
    if name == "feed" and ns in (ATOM10, ATOM03):
        return _atom(root, url)
    if name == "rss":
        channel = next((c for c in root if _local(c.tag) == "channel"), None)
        if channel is None:
            return None
        return _rss(channel, list(channel), url)
    if name == "RDF":
        children = list(root)
        channel = next((c for c in children if _local(c.tag) == "channel"), None)
        # RSS 1.0/0.9: items are siblings of the channel (0.9x sometimes nests them)
        items = [c for c in children if _local(c.tag) == "item"]
        if channel is not None:
            items += [c for c in channel if _local(c.tag) == "item"]
        return _rss(channel, items, url, rdf=True)
    return None


def _rss(channel, children, url: str, rdf: bool = False) -> ParsedFeed:
    feed = ParsedFeed()
    if channel is not None:
        for c in channel:
            if _local(c.tag) == "title":
                feed.title = clean_line(_text(c))
                break
    for el in children:
        if _local(el.tag) != "item":
            continue
        entry = _rss_item(el, url, rdf)
        if entry is not None:
            feed.entries.append(entry)
    return feed


def _rss_item(el, url: str, rdf: bool) -> Entry | None:
    title = link = guid = description = content = ""
    permalink = None
    authors: list[str] = []
    categories: list[str] = []
    published = updated = None
    extra: dict = {}
    for c in el:
        tag = c.tag
        if not isinstance(tag, str):
            continue
        name = _local(tag)
        if name == "title":
            title = _text(c)
        elif name == "link":
            link = link or (c.text or c.get("href") or "").strip()
        elif name == "guid":
            guid = (c.text or "").strip()
            if c.get("isPermaLink", "true").lower() != "false":
                permalink = guid
        elif name == "description":
            description = _text(c)
        elif name == "encoded" or (name == "content" and not content):
            content = _text(c)
        elif name in ("creator", "author"):
            text = _text(c)
            authors.extend(_split_authors(text))
        elif name == "category" or name == "subject":
            t = clean_line(_text(c), 100)
            if t:
                categories.append(t)
        elif name in ("pubDate", "date", "issued"):
            published = published or parse_date(c.text)
        elif name in ("modified", "updated"):
            updated = parse_date(c.text)
        elif name == "announce_type":
            extra["announce_type"] = clean_line(c.text, 40)
    if rdf and not guid:
        guid = el.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about", "").strip()
    base = el.base or url
    item_url = safe_url(link, base) or (safe_url(permalink, base) if permalink else None)
    guid = guid or link or ""
    if not guid:
        guid = _fallback_guid(title, description)
    entry = Entry(guid=guid[:1000], title=_title(title, description), url=item_url,
                  authors=authors, categories=categories, published=published, updated=updated,
                  extra=extra)
    if description:
        entry.summary = _html_or_text(description, SUMMARY_MAX)
    if content:
        entry.content = _html_or_text(content, CONTENT_MAX)
        if not entry.summary:
            entry.summary = entry.content[:SUMMARY_MAX]
    _arxiv_listing(entry)
    return entry


def _atom(root, url: str) -> ParsedFeed:
    feed = ParsedFeed()
    for c in root:
        name = _local(c.tag)
        if name == "title":
            feed.title = clean_line(_atom_text(c, 300))
        elif name == "entry":
            feed.entries.append(_atom_entry(c, url))
    return feed


def _atom_text(el, max_len: int) -> str:
    kind = (el.get("type") or "text").lower()
    if kind in ("xhtml", "application/xhtml+xml"):
        return html_to_text(etree.tostring(el, encoding="unicode", method="html"), max_len)
    value = _text(el)
    if kind in ("html", "text/html") or el.get("mode") == "escaped":
        return html_to_text(value, max_len)
    return clean_body(value, max_len)


def _atom_entry(el, url: str) -> Entry:
    guid = title = ""
    link = None
    summary = content = ""
    authors: list[str] = []
    categories: list[str] = []
    published = updated = None
    extra: dict = {}
    for c in el:
        tag = c.tag
        if not isinstance(tag, str):
            continue
        name = _local(tag)
        if name == "id":
            guid = (c.text or "").strip()
        elif name == "title":
            title = _atom_text(c, 2000)
        elif name == "link":
            rel = c.get("rel", "alternate")
            if rel == "alternate" and link is None:
                link = safe_url(c.get("href"), c.base or url)
        elif name == "summary":
            summary = _atom_text(c, SUMMARY_MAX)
        elif name == "content":
            content = _atom_text(c, CONTENT_MAX)
        elif name == "author" or name == "contributor":
            for a in c:
                if _local(a.tag) == "name":
                    authors.extend(_split_authors(_text(a)))
        elif name == "category":
            t = clean_line(c.get("term") or c.get("label") or "", 100)
            if t:
                categories.append(t)
        elif name in ("published", "issued", "created"):
            published = published or parse_date(c.text)
        elif name in ("updated", "modified"):
            updated = parse_date(c.text)
        elif name == "announce_type":
            extra["announce_type"] = clean_line(c.text, 40)
    guid = guid or link or _fallback_guid(title, summary or content)
    entry = Entry(guid=guid[:1000], title=_title(title, summary or content), url=link, summary=summary,
                  content=content, authors=authors, categories=categories,
                  published=published or updated, updated=updated, extra=extra)
    if not entry.summary and content:
        entry.summary = content[:SUMMARY_MAX]
    _arxiv_listing(entry)
    return entry


def _title(raw: str, fallback: str) -> str:
    title = clean_line(html_to_text(raw, 2000) if ("<" in raw or "&" in raw) else raw, 300)
    if not title:
        title = clean_line(fallback, 100) or "(untitled)"
    return title


def _split_authors(text: str) -> list[str]:
    """dc:creator often carries a whole list ("A, B, C" or "A and B"); arXiv listings do."""
    text = clean_line(text, 5000)
    if not text:
        return []
    if "," in text or " and " in text:
        parts = [p.strip() for chunk in text.split(",") for p in chunk.split(" and ")]
        return [clean_line(p, 200) for p in parts if p.strip()][:200]
    return [clean_line(text, 200)]


def _fallback_guid(title: str, body: str) -> str:
    import hashlib
    return "sha1:" + hashlib.sha1((title + "\x00" + body[:2000]).encode("utf-8", "replace")).hexdigest()


def _arxiv_listing(entry: Entry) -> None:
    """rss.arxiv.org items: id from the oai guid or abs link, and the abstract without its prefix."""
    guid = entry.guid
    url = entry.url or ""
    if not (guid.startswith("oai:arXiv.org:") or "arxiv.org/abs/" in url or "arxiv.org/pdf/" in url):
        return
    found = split_arxiv_id(guid) or split_arxiv_id(url)
    if not found:
        return
    entry.arxiv_id, entry.arxiv_version = found
    summary = entry.summary
    if summary.startswith("arXiv:"):
        i = summary.find("Abstract:")
        if 0 <= i < 200:
            head = summary[:i]
            if "announce_type" not in entry.extra and "Announce Type:" in head:
                entry.extra["announce_type"] = clean_line(head.split("Announce Type:", 1)[1], 40)
            entry.summary = summary[i + len("Abstract:"):].strip()
