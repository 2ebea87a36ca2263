"""Cleaning of hostile feed text before it reaches storage or the terminal.

Feed titles, authors, summaries and links are written by strangers. Anything we show must not be
able to drive the terminal (ANSI/OSC escapes, C0/C1 controls), reorder what the reader sees (bidi
overrides such as U+202E, "Trojan Source"), hide content (zero-width junk) or crash an encoder
(lone surrogates). URLs must only ever be http(s). Everything here is pure Python and never raises
on any input string, because one broken entry must not stop an ingest run. HTML becomes text in
`html_text` (with `html_lxml` for markup its fast path does not take).

Rich/Textual markup such as "[bold]" is deliberately left as literal text: it is plain text here,
and the display layer must render it without markup interpretation.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

__all__ = ["CONTROL_RE", "capped", "clean_line", "clean_body", "safe_url"]

# ANSI escape sequences are removed whole, so "\x1b[31mred" becomes "red", not "[31mred".
# CSI (ESC [ params final), OSC (ESC ] ... BEL or ST, e.g. OSC 8 hyperlinks), other 2-byte escapes.
_ANSI_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|[@-Z\\-_])")

# Invisible characters that change how text is displayed rather than what it says:
# bidi marks/embeddings/overrides/isolates (incl. U+061C), zero-width space, BOM, word joiner and
# invisible operators, deprecated format chars, interlinear annotations, and lone surrogates
# (they cannot be encoded to UTF-8 and would crash the terminal writer or the database).
# ZWJ/ZWNJ (U+200C/U+200D) are kept: emoji sequences and several scripts need them.
_INVISIBLE = (
    "\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff"
)

#: Everything dropped from any displayed text: C0 controls except \t \n \v \f \r, DEL, C1 controls
#: except NEL, and the invisible characters above. \v, \f, \r, NEL, U+2028/9 are line breaks.
CONTROL_RE = re.compile(f"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f{_INVISIBLE}]")

_BLANK_LINES_RE = re.compile(r"\n{3,}")
_ELLIPSIS = "…"


def capped(s: str, max_len: int) -> str:
    """Cut to at most max_len characters, marking the cut with an ellipsis."""
    if len(s) <= max_len:
        return s
    if max_len <= 0:
        return ""
    return s[: max_len - 1].rstrip() + _ELLIPSIS


def clean_line(s: str | None, max_len: int = 300) -> str:
    """One line of safe display text (titles, author names): no controls, single spaces, capped."""
    if not s:
        return ""
    if not isinstance(s, str):
        s = str(s)
    if not s.isprintable():  # C-speed check; the regexes only run on suspicious text
        if "\x1b" in s:
            s = _ANSI_RE.sub("", s)
        s = CONTROL_RE.sub("", s)
    # str.split() treats \t \n \r \v \f \x1c-\x1f NEL U+2028/9 and Unicode spaces as whitespace.
    return capped(" ".join(s.split()), max_len)


def clean_body(s: str | None, max_len: int = 20000) -> str:
    """Multi-line safe text: like clean_line but keeps newlines and tabs, at most one blank line."""
    if not s:
        return ""
    if not isinstance(s, str):
        s = str(s)
    # Fast path: isprintable() is False for every Cc/Cf/Cs/Zl/Zp and non-ASCII space, so when it
    # holds (once \n and \t are set aside) only " ", "\t" and "\n" can be whitespace here.
    if not s.replace("\n", " ").replace("\t", " ").isprintable():
        if "\x1b" in s:
            s = _ANSI_RE.sub("", s)
        s = CONTROL_RE.sub("", s)
        if "\r" in s:
            s = s.replace("\r\n", "\n").replace("\r", "\n")
        for nl in "\x0b\x0c\x85\u2028\u2029":
            if nl in s:
                s = s.replace(nl, "\n")
        s = "\n".join([line.rstrip() for line in s.split("\n")])
    elif " \n" in s or "\t\n" in s:
        s = "\n".join([line.rstrip() for line in s.split("\n")])
    if "\n\n\n" in s:
        s = _BLANK_LINES_RE.sub("\n\n", s)
    return capped(s.strip(), max_len)


# --- URLs -----------------------------------------------------------------------------------

_URL_STRIP = "".join(map(chr, range(0x21)))  # C0 controls and space
_URL_JUNK_RE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
_URL_SPACE_RE = re.compile(r"\s")
_BAD_HOST_RE = re.compile(r"[\s%<>\"{}|\\^`]")
_MAX_URL = 8192


def _prep_url(url: str) -> str:
    """As browsers do: trim C0+space at the ends, drop tab/newline (and any control) inside;
    inner spaces (any Unicode space) are percent-encoded so the link stays one token."""
    u = _URL_JUNK_RE.sub("", url.strip(_URL_STRIP)).strip()
    return _URL_SPACE_RE.sub(lambda m: quote(m.group()), u) if not u.isprintable() or " " in u else u


# An absolute http(s) URL of printable ASCII with a plain host and no port: nothing to fix or
# resolve. Most feed links look like this, and the full path below costs ~15 µs each.
_PLAIN_URL_RE = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?:[/?#][!#-\[\]-~]*)?\Z")


def safe_url(url: str | None, base: str | None = None) -> str | None:
    """An absolute http(s) URL with a host, or None (javascript:, data:, file:, junk...)."""
    try:
        if not url or not isinstance(url, str) or len(url) > _MAX_URL:
            return None
        if _PLAIN_URL_RE.match(url) and not (base and ("?" in url or "#" in url or ";" in url)):
            # (with a base, the full path's urljoin drops an empty query, fragment or ;params: "x/?" -> "x/")
            return url
        u = _prep_url(url)
        if not u:
            return None
        if base and isinstance(base, str):
            u = urljoin(_prep_url(base), u)
        parts = urlsplit(u)
        scheme = parts.scheme.lower()
        host = parts.hostname
        if scheme not in ("http", "https") or not host or _BAD_HOST_RE.search(host):
            return None
        parts.port  # noqa: B018 - raises ValueError on a malformed port
        return scheme + u[len(parts.scheme):]
    except Exception:
        return None
