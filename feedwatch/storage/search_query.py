"""The search box's syntax (also `items --query`): text parsed into a `Query`.

Syntax (terms are ANDed; order does not matter)::

    free words            every word must occur (title, summary, AI summary, content, authors, tags);
                          the last word is a prefix while typing ("transf" finds "transformer")
    "exact phrase"        the words in this order; an unclosed quote runs to the end of the text
    tag:model-release     tag in the feed's, the enricher's or the user's tags (case-insensitive)
    source:arxiv-cl       delivered by this source (any of the item's sources)
    asset:support-bot     linked to this asset (suggested or confirmed; dismissed links do not count)
    story:123             in this story (every item reporting the same thing; see `items --format jsonl`)
    is:unread is:read is:starred is:hidden   (the searching person's own triage state)
    since:7d              published (else first seen) at or after: 12h, 7d, 2w, 2026-11-01, ISO time
    key:"quoted value"    for values with spaces
    -word -"phrase" -tag:x -source:x -asset:x -is:starred   negation; -since:7d means "older than"

Unknown `key:` prefixes (and `is:` values) are plain words. A known key with nothing after the
colon is ignored (the user is still typing). `parse_query` never raises, except `QueryError` for a
`since:` value that is not a date; no user text ever reaches FTS5 or tsquery syntax: every word is
quoted (FTS5) or goes through phraseto_tsquery as a bound parameter (PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .rows import QueryError, parse_since

__all__ = ["FLAGS", "KEYS", "Query", "QueryError", "Term", "parse_query"]

KEYS = ("tag", "source", "asset", "is", "since", "story")
FLAGS = ("unread", "read", "starred", "hidden")
MAX_TERMS = 64          # words, phrases and filters together; the rest of a pasted essay is ignored
MAX_TERM_CHARS = 200


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase to find in the text; `prefix`: its last token may be the start of a word."""
    text: str
    phrase: bool = False
    prefix: bool = False


@dataclass(slots=True)
class Query:
    terms: list[Term] = field(default_factory=list)
    exclude_terms: list[Term] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    exclude_tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    exclude_sources: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    exclude_assets: list[str] = field(default_factory=list)
    stories: list[int] = field(default_factory=list)
    exclude_stories: list[int] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)            # "unread" | "read" | "starred" | "hidden"
    exclude_flags: list[str] = field(default_factory=list)
    since: str | None = None                                    # ISO UTC, inclusive
    until: str | None = None                                    # ISO UTC, exclusive (-since:)

    def is_empty(self) -> bool:
        return not any((self.terms, self.exclude_terms, self.tags, self.exclude_tags, self.sources,
                        self.exclude_sources, self.assets, self.exclude_assets, self.stories,
                        self.exclude_stories, self.flags,
                        self.exclude_flags, self.since, self.until))


# -- parsing -------------------------------------------------------------------------------------

@dataclass(slots=True)
class _Token:
    negate: bool
    key: str | None
    value: str
    quoted: bool = False
    closed: bool = True


def _clean(text: object) -> str:
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    # control characters (NUL included) and lone surrogates become spaces
    return "".join(" " if (ord(ch) < 32 or 127 <= ord(ch) < 160 or 0xD800 <= ord(ch) <= 0xDFFF) else ch
                   for ch in text)


def _quoted(text: str, start: int) -> tuple[str, int, bool]:
    """The text of a quote opened at text[start]; (value, index after it, closed?)."""
    end = text.find('"', start + 1)
    if end == -1:
        return text[start + 1:], len(text), False
    return text[start + 1:end], end + 1, True


def _tokens(text: str) -> Iterator[_Token]:
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negate = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        if negate:
            i += 1
        if text[i] == '"':
            value, i, closed = _quoted(text, i)
            yield _Token(negate, None, value, quoted=True, closed=closed)
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] != '"':
            j += 1
        word = text[i:j]
        key, sep, value = word.partition(":")
        key = key.lower()
        if sep and key in KEYS:
            quoted = closed = False
            if not value and j < n and text[j] == '"':
                value, j, closed = _quoted(text, j)
                quoted = True
            yield _Token(negate, key, value.strip(), quoted=quoted, closed=closed or not quoted)
        else:
            yield _Token(negate, None, word)
        i = j


def _searchable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def parse_query(text: str) -> Query:
    """The search box's text as a `Query`; raises only `QueryError`, for a bad `since:` value."""
    text = _clean(text)
    q = Query()
    tokens: list[_Token] = []
    for tok in _tokens(text):
        if len(tokens) >= MAX_TERMS:
            break
        tokens.append(tok)
    last = tokens[-1] if tokens else None
    typing = bool(text) and not text[-1].isspace()
    for tok in tokens:
        key, value, neg = tok.key, tok.value, tok.negate
        if key == "is" and value.lower() not in FLAGS and value:
            key, value = None, f"is:{value}"          # unknown flag: plain words
        if key is None:
            value = value[:MAX_TERM_CHARS]
            if not _searchable(value):
                continue
            prefix = tok is last and typing and not neg and (not tok.quoted or not tok.closed)
            term = Term(" ".join(value.split()), phrase=tok.quoted, prefix=prefix)
            (q.exclude_terms if neg else q.terms).append(term)
        elif not value:
            continue                                    # "tag:" with nothing after it yet
        elif key == "since":
            try:
                when = parse_since(value)
            except (QueryError, ValueError, OverflowError):   # "99999999d", year 0: out of range
                raise QueryError(f"since:{value[:40]} is not a date or age (use 7d, 12h, 2w, 2026-11-01 "
                                 "or an ISO time)") from None
            if neg:
                q.until = when if q.until is None else min(q.until, when)
            else:
                q.since = when if q.since is None else max(q.since, when)
        elif key == "is":
            (q.exclude_flags if neg else q.flags).append(value.lower())
        elif key == "tag":
            (q.exclude_tags if neg else q.tags).append(value.lower())
        elif key == "source":
            (q.exclude_sources if neg else q.sources).append(value)
        elif key == "asset":
            (q.exclude_assets if neg else q.assets).append(value)
        elif key == "story":
            if not value.isdigit() or len(value) > 18:
                raise QueryError(f"story:{value[:40]} is not a story id (a number, as `items --format jsonl` "
                                 "gives it)")
            (q.exclude_stories if neg else q.stories).append(int(value))
    return q
