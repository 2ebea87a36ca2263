"""feedparser's repairs of feed text, so that the fast parser and feedparser agree on every string.

Mis-encoded text (UTF-8 read as Latin-1, C1 controls that are windows-1252), entity references
left by a parser that resolves none (HTML named entities, plain-text internal declarations), and
feedparser's test for HTML in a plain-text title. Split from xmlfeed so the parser reads as one.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

# feedparser's _cp1252 table: C1 controls that are really windows-1252 characters
# (a feed declared ISO-8859-1 but written in windows-1252, the most common encoding lie).
_CP1252 = {
    0x80: "\u20ac", 0x82: "\u201a", 0x83: "\u0192", 0x84: "\u201e", 0x85: "\u2026", 0x86: "\u2020",
    0x87: "\u2021", 0x88: "\u02c6", 0x89: "\u2030", 0x8a: "\u0160", 0x8b: "\u2039", 0x8c: "\u0152",
    0x8e: "\u017d", 0x91: "\u2018", 0x92: "\u2019", 0x93: "\u201c", 0x94: "\u201d", 0x95: "\u2022",
    0x96: "\u2013", 0x97: "\u2014", 0x98: "\u02dc", 0x99: "\u2122", 0x9a: "\u0161", 0x9b: "\u203a",
    0x9c: "\u0153", 0x9e: "\u017e", 0x9f: "\u0178",
}
_C1_RE = re.compile("[\x80-\x9f]")   # one C-level scan (a generator over 32 characters cost ~10x more)
_C1_TABLE = bytes(0x80 if 0x80 <= i < 0xA0 else 0 for i in range(256))  # C1 byte -> 0x80, others -> 0

# feedparser's looks_like_html(): tags it accepts as HTML in a plain-text RSS title.
_HTML_TAGS = frozenset("""a abbr acronym address area article aside audio b big blockquote br button
canvas caption center cite code col colgroup command datagrid datalist dd del details dfn dialog dir
div dl dt em event-source fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 header hr i
img input ins kbd keygen label legend li m map menu meter multicol nav nextid noscript ol optgroup
option output p pre progress q s samp section select small sound source spacer span strike strong
sub sup table tbody td textarea tfoot th thead time tr tt u ul var video""".split())
_HTML_HINT_RE = re.compile(r"</\w+>|&#?\w+;")
_TAG_NAME_RE = re.compile(r"</?(\w+)")
_ENTITY_NAME_RE = re.compile(r"&(\w+);")
def repair(s: str) -> str:
    """feedparser's repairs of mis-encoded text, so both parsers agree on every string.

    UTF-8 that was decoded as Latin-1 somewhere upstream ("Ã©" for "é") is decoded again, and C1
    controls are mapped to the windows-1252 characters they almost always are. O(1) for ASCII;
    for other text about 1 ns per character (C-level scans only).
    """
    if s.isascii():
        return s
    try:
        b = s.encode("latin-1")
    except UnicodeEncodeError:  # characters above U+00FF: cannot be UTF-8 read as Latin-1
        if _C1_RE.search(s):
            s = s.translate(_CP1252)
        return s
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError:
        if b"\x80" in b.translate(_C1_TABLE):
            s = s.translate(_CP1252)
        return s
    if not s.isascii() and _C1_RE.search(s):
        s = s.translate(_CP1252)
    return s


_DECLARED_RE = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")
_C1_BYTES_RE = re.compile(b"\xc2[\x80-\x9f]")                    # U+0080-U+009F in UTF-8
_PAIR_BYTES_RE = re.compile(b"\xc3[\x82-\xb4]\xc2[\x80-\xbf]")    # U+00C2-U+00F4 then U+0080-U+00BF
_HIGH_REF_RE = re.compile(rb"&#(?:[xX]0*[89a-fA-F][0-9a-fA-F]|0*(?:1[2-9][0-9]|2[0-5][0-9]));")   # &#128;-&#255;


def repair_is_identity(body: bytes) -> bool:
    """Whether repair leaves every leaf text of this document as it is, so it can be skipped there.

    repair changes a string only if it has a C1 character, or a character U+00C2-U+00F4 right before
    one in U+0080-U+00BF (UTF-8 read as Latin-1). In a UTF-8 document without character references
    to U+0080-U+00FF and without entity declarations, such characters can only come from these
    bytes; most documents have none, and two memchr-led scans cost less than repair on every string
    that is not ASCII (~9% of parsing on a corpus with accented names). Texts made of several
    nodes still go through repair(): a pair could span two of them.
    """
    head = body[3:200] if body.startswith(b"\xef\xbb\xbf") else body[:200]
    if b"\x00" in head[:4] or head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return False
    m = _DECLARED_RE.match(head)
    if m and m.group(1).strip().lower() not in (b"utf-8", b"utf8"):
        return False
    if b"\xc2" in body and _C1_BYTES_RE.search(body):
        return False
    if b"\xc3" in body and _PAIR_BYTES_RE.search(body):
        return False
    if b"&#" in body and _HIGH_REF_RE.search(body):
        return False
    return b"<!ENTITY" not in body


_SAFE_ENTITY_RE = re.compile(r"&#\w+;|[^&]*")
_EXPANSION_BUDGET = 1_000_000  # characters per element; libxml2 refuses real bombs before this


def expand_entities(el: Any) -> None:
    """Replace the entity references the parser left in `el` (resolve_entities=False) by text.

    As feedparser does: HTML named entities (RSS 0.91 documents declare the Netscape DTD and use
    &eacute;...), and internal entities whose declared value is plain text or one character
    reference. External entities and entities built from other entities stay as written.
    """
    from html.entities import name2codepoint

    dtd = el.getroottree().docinfo.internalDTD
    declared = {}
    if dtd is not None:
        for decl in dtd.entities():
            if decl.system_url is None and decl.content is not None and _SAFE_ENTITY_RE.fullmatch(decl.orig or ""):
                declared[decl.name] = decl.content
    budget = _EXPANSION_BUDGET
    for ent in list(el.iter(etree.Entity)):
        name = ent.name
        value = declared.get(name)
        if value is None:
            if name in declared or name not in name2codepoint:
                continue
            value = chr(name2codepoint[name])
        budget -= len(value)
        if budget < 0:
            break
        parent = ent.getparent()
        if parent is None:
            continue
        text = value + (ent.tail or "")
        prev = ent.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(ent)


def looks_like_html(s: str) -> bool:
    """feedparser's test for HTML in a plain-text element (RSS titles)."""
    if not _HTML_HINT_RE.search(s):
        return False
    if any(t.lower() not in _HTML_TAGS for t in _TAG_NAME_RE.findall(s)):
        return False
    from html.entities import entitydefs
    return all(e in entitydefs for e in _ENTITY_NAME_RE.findall(s))
