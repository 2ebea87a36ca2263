"""The offline enricher: deterministic, no key, no network, thousands of items a second.

Extractive summary (the first informative sentences), vocabulary tags by keyword and phrase,
asset links by model mention and topic, and a relevance score built from those signals.
"""

from __future__ import annotations

import re

from ..config import Asset, Tag
from ..text import clean_line
from .base import Enrichment, ItemText
from .events import detect_event
from .linking import Linker, item_mentions
from .phrases import alternation

SUMMARY_MAX = 300
_PREFIX = 1200           # characters of the text where the summary's sentences are looked for first
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(\[])")
_BOILERPLATE = re.compile(r"^(arXiv:\S+|Announce Type:|Abstract:|The post .* appeared first on"
                          r"|Read more|Continue reading)",
                          re.IGNORECASE)


def extractive_summary(text: str, title: str, limit: int = SUMMARY_MAX) -> str:
    """At most two sentences and `limit` characters, taken from the start of the text."""
    sentences = None
    cut = text.rfind(" ", 0, _PREFIX) if len(text) > _PREFIX else -1
    if cut > 0:
        # Usually both sentences are near the start: look for them in the start only. Cut at a space,
        # the start's normalised text is the start of the whole normalised text, so two sentences
        # followed by a sentence boundary inside it are the whole text's first two.
        sentences = _first_sentences(" ".join(text[:cut].split()), 2, complete=True)
    if sentences is None:
        text = " ".join(text.split())
        sentences = _first_sentences(text, 2)
        if not sentences:
            return clean_line(text or title, limit)
    summary = sentences[0]
    if len(sentences) > 1 and len(summary) + 1 + len(sentences[1]) <= limit:
        summary += " " + sentences[1]
    if len(summary) > limit:
        clipped = summary[: limit - 1].rsplit(" ", 1)[0]
        summary = clipped.rstrip(",;:") + "…"
    return summary


def _first_sentences(text: str, n: int, complete: bool = False) -> list[str] | None:
    """The first `n` informative sentences: `[s for s in _SENTENCE_END.split(text) if ...][:n]`, but
    the text is only split as far as needed (a summary reads two sentences of a 4,000-character body).

    `complete`: `text` is only the start of the text; None unless `n` sentences, each followed by a
    sentence boundary, are found in it."""
    out: list[str] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        s = text[pos:m.start()]
        pos = m.end()
        if len(s) >= 20 and not _BOILERPLATE.match(s):
            out.append(s)
            if len(out) == n:
                return out
    if complete:
        return None
    s = text[pos:]
    if len(s) >= 20 and not _BOILERPLATE.match(s):
        out.append(s)
    return out


def _norm(phrase: str) -> str:
    """Keyword identity: case, hyphens and runs of spaces do not matter ("Fine-tuning" = "fine tuning")."""
    return " ".join(phrase.lower().replace("-", " ").split())


class OfflineEnricher:
    name = "offline"
    model = ""
    prompt_version = "offline-1"

    def __init__(self, tags: tuple[Tag, ...], assets: tuple[Asset, ...]):
        self.tag_names = [t.name for t in tags]
        phrases: dict[str, set[str]] = {}
        for t in tags:
            for kw in (*t.keywords, t.name):
                kw = _norm(kw)
                if kw:
                    phrases.setdefault(kw, set()).add(t.name)
        self._phrase_tags = phrases
        # matched against lower-cased text: a case-insensitive regex this size is 3x slower; a trie of
        # the phrases (phrases.alternation) matches what the longest-first alternation does, ~2.5x faster
        self._tag_re = re.compile(rf"(?<!\w)(?:{alternation(phrases)})(?!\w)") if phrases else None
        self._tags_of_match: dict[str, frozenset[str]] = {}    # matched text -> its tags (few distinct)
        self.linker = Linker(assets)

    def tags_for(self, item: ItemText, text: str, low: str | None = None) -> list[str]:
        """`low`, when given, is `(item.title + "\\n" + text).lower()` (computed once per item)."""
        found: set[str] = set()
        if self._tag_re is not None:
            if low is None:
                low = (item.title + "\n" + text).lower()
            memo = self._tags_of_match
            for matched in self._tag_re.findall(low):
                tags = memo.get(matched)
                if tags is None:
                    if len(memo) > 4096:
                        memo.clear()
                    tags = memo[matched] = frozenset(self._phrase_tags.get(_norm(matched), ()))
                found |= tags
        for c in item.categories:
            if c.lower() in self.tag_names:
                found.add(c.lower())
        return sorted(found)

    def enrich(self, item: ItemText) -> Enrichment:
        text = item.body()
        low = (item.title + "\n" + text).lower()
        tags = self.tags_for(item, text, low)
        mentions = item_mentions(item, text, low)
        links = self.linker.links(item, text, mentions, tags, low)
        relevance = 0.1 + 0.1 * min(len(tags), 3) + 0.5 * max((link.score for link in links), default=0.0)
        if mentions and detect_event(item, text) in ("release", "deprecation"):
            relevance += 0.1
        return Enrichment(item_id=item.id, summary=extractive_summary(text, item.title), tags=tags,
                          relevance=round(min(relevance, 1.0), 3), links=links, enricher=self.name,
                          prompt_version=self.prompt_version)
