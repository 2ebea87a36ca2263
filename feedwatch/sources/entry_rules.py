"""Rules both feed parsers (the fast lxml one and the feedparser fallback) apply to an entry, so
that an entry is the same whichever parser read it: limits, display title, author lists, the
fallback guid, and the rss.arxiv.org listing fields.
"""

from __future__ import annotations

from ..entry import Entry
from ..text import clean_line
from .arxiv_ids import split_arxiv_id

SUMMARY_MAX = 2000
CONTENT_MAX = 50000


def display_title(text: str, summary: str) -> str:
    """The display title from plain text; the summary's start when there is none."""
    return clean_line(text, 300) or clean_line(summary, 100) or "(untitled)"


def split_authors(text: str) -> list[str]:
    """dc:creator often carries a whole list ("A, B, C" or "A and B"); arXiv listings do."""
    text = clean_line(text, 5000)
    if not text:
        return []
    if "," in text or " and " in text:
        parts = [p.strip() for chunk in text.split(",") for p in chunk.split(" and ")]
        return [clean_line(p, 200) for p in parts if p][:200]
    return [text if len(text) <= 200 else clean_line(text, 200)]   # clean already: only the cap is left


def fallback_guid(title: str, summary: str) -> str:
    """A stable guid for an entry with neither guid/id nor link, from its cleaned title and summary.

    Both parsers call it with the same cleaned values, so the guid does not depend on which one ran.
    """
    import hashlib
    return "sha1:" + hashlib.sha1((title + "\x00" + summary[:2000]).encode("utf-8", "replace")).hexdigest()


def arxiv_listing(entry: Entry) -> None:
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
