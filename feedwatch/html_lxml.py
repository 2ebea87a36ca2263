"""HTML to text through libxml2: any markup, however broken (see html_text for the fast path).

libxml2 parses, lxml's C code drops unwanted elements and serialises the text; Python only plants
break markers on block elements (`MARKS`), then lays the flat text out once (`layout`). Never raises
on any input string: what lxml cannot handle gets a crude regex tag stripping (`fallback`).
"""

from __future__ import annotations

import html as _html
import re
import threading
from typing import TYPE_CHECKING

from .text import CONTROL_RE, capped, clean_body

if TYPE_CHECKING:
    from lxml import etree  # imported where HTML is parsed: the app's first screen never needs it

#
# Design for speed: libxml2 parses, lxml's C code drops unwanted elements and serialises the text;
# Python only plants break markers on block elements, then splits the flat text once on them.
# A per-node Python walk (iterwalk + text/tail handling) was about twice as slow.

# Elements whose content is never readable text (code, embedded documents, metadata).
_DROP = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "applet",
    "head", "title", "svg", "select",
)
# Paragraph-like blocks get a blank line around them, line-like blocks a single line break.
_PARA = frozenset(
    "p blockquote h1 h2 h3 h4 h5 h6 figure section article ul ol dl table".split()
)
_LINE = frozenset(
    "div br tr dt dd header footer aside nav main address figcaption hr caption details summary"
    " form fieldset center".split()
)
_PRE = frozenset(("pre", "textarea", "listing", "xmp", "plaintext"))

# Break markers planted in the tree (private-use characters; lxml refuses control characters).
# Every marker starts with _MARK, so the flat text is cut into runs by one str.split (a regex split
# on a character class was ~7% of all feed parsing); a line break is _MARK alone, the other
# markers add a character that says which they are. Input text never contains any of the five.
_MARK = "\ue001"
BR, PARA_BR, BULLET = _MARK, _MARK + "\ue002", _MARK + "\ue003"
_PRE_ON, _PRE_OFF = _MARK + "\ue004", _MARK + "\ue005"
_KIND = {"\ue002": 1, "\ue003": 2, "\ue004": 3, "\ue005": 4}   # after _MARK: para, bullet, pre on, pre off
# tag -> (marker before its content, marker after it); ("", None) flags an element to drop.
MARKS: dict[str, tuple[str, str | None]] = {
    **{t: ("", None) for t in _DROP},
    **{t: (BR, BR) for t in _LINE},
    **{t: (PARA_BR, PARA_BR) for t in _PARA},
    **{t: (_PRE_ON, _PRE_OFF) for t in _PRE},
    "br": ("", BR),
    "li": (BULLET, ""),
    "td": (" ", " "),  # table cells side by side, rows on their own lines
    "th": (" ", " "),
}
_MARKERS = ("\ue001", "\ue002", "\ue003", "\ue004", "\ue005")   # the characters markers are made of
_MARKERS_RE = re.compile("[\ue001-\ue005]")

_CDATA_RE = re.compile(r"<!\[CDATA\[(.*?)(?:\]\]>|\Z)", re.S)
# A doctype with an internal subset (e.g. billion-laughs entity declarations) is removed before
# parsing; libxml2's HTML parser does not expand such entities anyway, but "]>" would leak as text.
# Anchored at the start (where doctypes live) so hostile input cannot make it scan quadratically.
_DOCTYPE_RE = re.compile(r"\s*<!doctype[^>\[]*(?:\[[^\]]*\])?[^>]*>?", re.I)
# Escaped HTML ("&lt;p&gt;...") is unescaped and parsed only when it clearly contains markup,
# so plain text that merely mentions "&lt;b&gt;" keeps its words.
ESCAPED_MARKUP_RE = re.compile(
    r"<(?:p|div|br|li|ul|ol|h[1-6]|pre|blockquote|table|tr|a\s+href|img\s)\b[^<>]*>", re.I
)
_FALLBACK_DROP_RE = re.compile(
    r"<(script|style|noscript|template|iframe|object|head|title|svg)\b.*?(?:</\1\s*>|\Z)",
    re.I | re.S,
)
_FALLBACK_BLOCK_RE = re.compile(
    r"<\s*/?\s*(?:p|div|br|li|h[1-6]|pre|blockquote|tr|section|article|figure)\b[^<>]*>", re.I
)
_TAG_RE = re.compile(r"<[^>]*>?")

_local = threading.local()


def _parser() -> etree.HTMLParser:
    """One HTML parser per thread (lxml parsers are cheaper unshared).

    libxml2's HTML parser loads no DTD, ignores entity declarations and has no_network=True, so
    neither network nor file system can be touched; huge_tree=False caps nesting depth (256).
    Input is always handed over as UTF-8 bytes, so <meta charset> cannot change the decoding.
    """
    p = getattr(_local, "parser", None)
    if p is None:
        from lxml import etree
        p = _local.parser = etree.HTMLParser(
            encoding="utf-8",
            remove_comments=True,
            remove_pis=True,
            no_network=True,
            collect_ids=False,
            default_doctype=False,
            huge_tree=False,
        )
    return p


def _plant_markers(root: etree._Element) -> bool:
    """Mark where block elements start and end, so the flat text keeps the layout.

    Returns whether an element to drop (script, style...) was seen, to skip a needless pass.
    """
    drop = False
    marks = MARKS
    for el in root.iter():  # faster than root.iter(*tags) with this many names
        mark = marks.get(el.tag)
        if mark is None:
            continue
        before, after = mark
        if before:
            text = el.text
            el.text = before + text if text else before
        elif after is None:
            drop = True
            continue
        if after:
            tail = el.tail
            el.tail = after + tail if tail else after
    return drop


def _layout(flat: str) -> tuple[str, bool]:    # html_text._fast_text lays out its runs the same way
    """Turn the marked-up flat text into lines; also says whether they are already clean.

    Splitting once on the markers leaves inline runs, each collapsed with str.split(); a run of
    markers between two runs becomes the strongest break among them (no blank line between
    consecutive <div>s). One split plus a short loop beats a dozen str.replace passes.

    A run that is printable and has no double space needs no split/join: printable text has no
    whitespace but " " (every other whitespace character is a control or separator), so stripping
    its ends is the same collapse. When every emitted run was printable (and there was no <pre>),
    the result is what clean_body would return uncapped (no controls, no trailing spaces, no triple
    newlines, no outer whitespace), and the second flag is True so the caller can skip that pass.
    """
    parts = flat.split(_MARK)
    first = parts[0]
    clean = True
    if "  " not in first and first.isprintable():
        first = first.strip(" ")
    else:
        first = " ".join(first.split())
        clean = first.isprintable()
    out = [first] if first else []
    pending = ""  # break to emit before the next text: "", "\n" or "\n\n"
    bullet = False
    pre = 0
    kinds = _KIND
    for i in range(1, len(parts)):
        text = parts[i]
        kind = kinds.get(text[:1], 0)
        if kind:
            text = text[1:]
        if kind == 0:  # BR
            pending = pending or "\n"
        elif kind == 1:  # PARA_BR
            pending = "\n\n"
        elif kind == 2:  # BULLET
            pending, bullet = pending or "\n", True
        elif kind == 3:  # _PRE_ON
            pending, pre, clean = "\n\n", pre + 1, False
        elif pre:  # _PRE_OFF
            pending, pre = "\n\n", pre - 1
        else:  # stray _PRE_OFF (only from hostile input): keep words apart
            pending, clean = pending or " ", False
        if pre:
            if not text:
                continue
        elif "  " not in text and text.isprintable():
            text = text.strip(" ")
            if not text:
                continue
        else:
            words = text.split()  # also turns &nbsp; into a plain space
            if not words:
                continue
            text = " ".join(words)
            if clean and not text.isprintable():
                clean = False
        if out:
            out.append(pending)
        if bullet:
            out.append("- ")
        out.append(text)
        pending, bullet = "", False
    return "".join(out), clean


def _hit_limit(parser: etree.HTMLParser) -> bool:
    """Whether the last parse stopped at a libxml2 resource limit (and so lost text)."""
    return any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)


def fallback(s: str, max_len: int) -> str:
    """Regex tag stripping for input lxml cannot handle; crude but total."""
    try:
        s = _FALLBACK_DROP_RE.sub(" ", s)
        s = _FALLBACK_BLOCK_RE.sub("\n", s)
        s = _TAG_RE.sub("", s)
        return clean_body(_html.unescape(s), max_len)
    except Exception:  # pragma: no cover - belt and braces
        return clean_body(_TAG_RE.sub("", str(s)), max_len)


def laid_out(flat: str, max_len: int) -> str:
    text, clean = _layout(flat)
    return capped(text, max_len) if clean else clean_body(text, max_len)


def via_lxml(s: str, max_len: int) -> str:
    """html_to_text for any markup: libxml2 parses, the markers are planted in the tree."""
    if "<!" in s:
        if "<![CDATA[" in s:
            s = _CDATA_RE.sub(lambda m: m.group(1), s)
        m = _DOCTYPE_RE.match(s)
        if m:
            s = s[m.end():]
    if not s.isascii():
        try:
            data = s.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: libxml2 would silently truncate there
            data = CONTROL_RE.sub("", s).encode("utf-8")
        if b"\xee\x80" in data and _MARKERS_RE.search(s):   # U+E001-U+E005 are \xee\x80\x81-\x85
            s = _MARKERS_RE.sub("", s)
            try:
                data = s.encode("utf-8")
            except UnicodeEncodeError:
                data = CONTROL_RE.sub("", s).encode("utf-8")
    else:
        data = s.encode("ascii")
    parser = _parser()
    from lxml import etree
    root = etree.fromstring(data, parser) if s.strip() else None
    if data.count(b"<") > 255 and _hit_limit(parser):
        return fallback(s, max_len)  # nesting deeper than 256: libxml2 stopped parsing
    if root is None:  # only whitespace / comments
        return ""
    if _plant_markers(root):
        etree.strip_elements(root, *_DROP, with_tail=False)
    return laid_out(etree.tostring(root, method="text", encoding=str), max_len)
