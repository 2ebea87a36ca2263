"""Which child elements of an RSS/RDF or Atom item the fast parser reads, by namespace.

Each element name maps to a field code (F_TITLE, F_LINK, ...), so the parser handles a child with
one dict lookup and skips everything else (media:*, itunes:title, unknown extensions). The maps
follow feedparser: the elements of the document's default namespace are core RSS elements,
whatever that namespace is.
"""

from __future__ import annotations

from typing import Any

ATOM10 = "http://www.w3.org/2005/Atom"
ATOM03 = "http://purl.org/atom/ns#"
XHTML = "http://www.w3.org/1999/xhtml"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS10 = "http://purl.org/rss/1.0/"
RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
ARXIV_ANNOUNCE = "http://arxiv.org/schemas/atom"

# Field codes of the child elements we read; everything else (media:*, itunes:title, unknown
# extensions) is skipped with one dict lookup per child.
(F_TITLE, F_LINK, F_ATOMLINK, F_GUID, F_DESC, F_CONTENT, F_ENCODED, F_AUTHOR, F_ATOM_AUTHOR, F_CATEGORY,
 F_PUBLISHED, F_UPDATED, F_ANNOUNCE, F_ID, F_SUMMARY) = range(15)

# Namespaces whose elements feedparser reads as core RSS elements.
RSS_CORE_NS = ("", RSS10, RSS090, "http://backend.userland.com/rss",
                "http://blogs.law.harvard.edu/tech/rss", "http://purl.org/rss/1.0/modules/rss091#")
RSS_CORE = {
    "title": F_TITLE, "link": F_LINK, "guid": F_GUID, "description": F_DESC, "author": F_AUTHOR,
    "category": F_CATEGORY, "pubDate": F_PUBLISHED,
}
RSS_EXT = {
    f"{{{DC}}}title": F_TITLE, f"{{{DC}}}description": F_DESC, f"{{{DC}}}creator": F_AUTHOR,
    f"{{{DC}}}author": F_AUTHOR, f"{{{DC}}}subject": F_CATEGORY, f"{{{DC}}}date": F_PUBLISHED,
    f"{{{DCTERMS}}}issued": F_PUBLISHED, f"{{{DCTERMS}}}created": F_PUBLISHED,
    f"{{{DCTERMS}}}modified": F_UPDATED, f"{{{CONTENT}}}encoded": F_ENCODED,
    f"{{{ATOM10}}}title": F_TITLE, f"{{{ATOM10}}}link": F_ATOMLINK, f"{{{ATOM10}}}content": F_CONTENT,
    f"{{{ATOM10}}}published": F_PUBLISHED, f"{{{ATOM10}}}updated": F_UPDATED,
    f"{{{ITUNES}}}author": F_AUTHOR, f"{{{ARXIV_ANNOUNCE}}}announce_type": F_ANNOUNCE,
}
ATOM_CORE = {
    "id": F_ID, "title": F_TITLE, "link": F_LINK, "summary": F_SUMMARY, "content": F_CONTENT,
    "author": F_ATOM_AUTHOR, "contributor": F_ATOM_AUTHOR, "category": F_CATEGORY,
    "published": F_PUBLISHED, "issued": F_PUBLISHED, "created": F_PUBLISHED,
    "updated": F_UPDATED, "modified": F_UPDATED,
}
ATOM_EXT = {
    f"{{{DC}}}creator": F_AUTHOR, f"{{{DC}}}subject": F_CATEGORY, f"{{{DC}}}date": F_PUBLISHED,
    f"{{{ARXIV_ANNOUNCE}}}announce_type": F_ANNOUNCE,
}


def field_map(core: dict[str, Any], ext: dict[str, Any], core_ns: tuple[str, ...]) -> dict[str, Any]:
    m = dict(ext)
    for ns in core_ns:
        for name, code in core.items():
            m[f"{{{ns}}}{name}" if ns else name] = code
    return m


RSS_MAP = field_map(RSS_CORE, RSS_EXT, RSS_CORE_NS)
ATOM_MAPS = {ns: field_map(ATOM_CORE, ATOM_EXT, (ns,)) for ns in (ATOM10, ATOM03)}
ITEM_TAGS = {f"{{{ns}}}item" if ns else "item" for ns in RSS_CORE_NS}
RDF_ABOUT = f"{{{RDF}}}about"

HTML_TYPES = frozenset(("text/html", "application/xhtml+xml", "html", "xhtml"))


_extra_maps: dict[str, dict[str, Any]] = {}


def rss_fields(tag: str) -> dict[str, Any]:
    """The field map for the children of an RSS element (channel, item) with this tag.

    feedparser reads the elements of the document's default namespace as core RSS elements,
    whatever that namespace is; the known ones share one precomputed map.
    """
    if tag[0] != "{":
        return RSS_MAP
    ns = tag[1:tag.find("}")]
    if ns in RSS_CORE_NS:
        return RSS_MAP
    m = _extra_maps.get(ns)
    if m is None:
        m = field_map(RSS_CORE, RSS_MAP, (ns,))
        if len(_extra_maps) < 16:  # bounded: namespaces are chosen by whoever wrote the feed
            _extra_maps[ns] = m
    return m
