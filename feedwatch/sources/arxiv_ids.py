"""Recognise arXiv identifiers in the forms feeds and APIs write them.

Used to deduplicate papers that arrive through several routes (RSS listings, the query API,
blog links). Only whole identifiers are accepted: the text must be exactly one of the forms below
(surrounding whitespace aside), so prose that merely contains a number is never mistaken for one.

    2401.01234v2                          new scheme (YYMM.NNNN before 2015, YYMM.NNNNN since)
    arXiv:2401.01234                      citation form (any case)
    oai:arXiv.org:2401.01234v3            OAI-PMH / rss.arxiv.org guid
    http(s)://arxiv.org/abs/2401.01234v2  also /pdf/ (with or without ".pdf"), /html/, /format/,
                                          www. and export. hosts, a trailing slash, query or fragment
    hep-th/0601001v1                      old scheme archive[.SUBJ]/YYMMNNN (the subject class is dropped)
    https://doi.org/10.48550/arXiv.2401.01234   arXiv-issued DataCite DOI
"""

from __future__ import annotations

import re

__all__ = ["split_arxiv_id"]

# New scheme: YYMM.NNNN (0704..1412) or YYMM.NNNNN (1501..). Old scheme: archive/YYMMNNN, where
# archive is e.g. "hep-th", "astro-ph", "math", "cond-mat", "q-bio", optionally with a subject
# class ("math.AG/0601001", "cs.LG/9901001") that is not part of the canonical identifier.
_NEW = r"(?P<new>(?P<yymm>\d{4})\.(?P<num>\d{4,5}))"
_OLD = r"(?P<old>(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[A-Za-z]{2})?/(?P<oldnum>\d{7}))"
_ID = rf"(?:{_NEW}|{_OLD})(?:v(?P<version>\d{{1,4}}))?"

_PREFIX = (
    r"(?:"
    r"arxiv:"
    r"|oai:arxiv\.org:"
    r"|(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format)/"
    r"|(?:https?://(?:dx\.)?doi\.org/|doi:)?10\.48550/arxiv\."
    r")?"
)
_SUFFIX = r"(?:\.pdf)?/?(?:[?#].*)?"

_RE = re.compile(rf"{_PREFIX}{_ID}{_SUFFIX}", re.IGNORECASE)


def split_arxiv_id(text: str | None) -> tuple[str, int | None] | None:
    """(canonical id without version, version or None) for an arXiv id in any common form.

    >>> split_arxiv_id("oai:arXiv.org:2401.01234v3")
    ('2401.01234', 3)
    >>> split_arxiv_id("http://arxiv.org/abs/astro-ph/0601001")
    ('astro-ph/0601001', None)
    >>> split_arxiv_id("not an id") is None
    True
    """
    if not text or not isinstance(text, str) or len(text) > 300:
        return None
    m = _RE.fullmatch(text.strip())
    if m is None:
        return None
    if m.group("new"):
        yymm, num = m.group("yymm"), m.group("num")
        month = int(yymm[2:])
        if not 1 <= month <= 12:
            return None
        # arXiv switched from 4- to 5-digit sequence numbers in January 2015 (1501).
        if (len(num) == 5) != (int(yymm) >= 1501):
            return None
        arxiv_id = f"{yymm}.{num}"
    else:
        oldnum = m.group("oldnum")
        month = int(oldnum[2:4])
        if not 1 <= month <= 12:
            return None
        arxiv_id = f"{m.group('archive').lower()}/{oldnum}"
    version = m.group("version")
    v = int(version) if version is not None else None
    if v == 0:
        return None
    return arxiv_id, v
