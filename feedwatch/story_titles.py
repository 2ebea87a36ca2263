"""Near-identical titles: the fuzzy part of story grouping (feedwatch/stories), tuned for precision.

A leaf module (text in, text out) because a title's `signature` is worked out when an item is stored,
in the parse workers, beside the parsing, rather than in the grouping pass after a fetch.

Two titles are near-identical when, after normalisation (case, accents, punctuation, hyphenation,
a leading "Source:" or "[R]" tag), they have the same numbers (versions, sizes, years: "v0.14.0"
is not "v0.14.1", "8B" is not "70B") and every content word of one has a counterpart in the other,
the same word or a spelling variant of it (rapidfuzz ratio >= 90: "summarisation"/"summarization",
"model"/"models"), never a word that turns the meaning ("not", "without", "sparse"/"dense" are not
variants), and the whole titles score >= 90 with rapidfuzz's token_sort_ratio. A wrong merge hides
news, so anything less is two stories.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TAG = re.compile(r"^\s*(?:\[[^\]]{1,20}\]\s*|\([^)]{1,20}\)\s*)+")
_SOURCE = re.compile(r"^[A-Za-z][\w.&-]{0,20}(?: [\w.&-]{1,20})?:\s+(?=\S)")   # "OpenAI: ", "Hugging Face: "
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*[a-z]{0,2}")
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)*[a-z]*")
STOPWORDS = frozenset("""a an the of for and or to in on with by from at as is are be via into our your its this that
these those we you it new""".split())
# Words that turn a title's meaning: never a "spelling variant", never dropped.
MEANING = frozenset("""not no non without vs versus against beyond un anti fails failure cannot can't dont don't
never less more fewer before after old new deprecated deprecating retiring retired launch launching""".split())
VARIANT_MIN = 90
TITLE_MIN = 90


@lru_cache(maxsize=65536)
def normalise(title: str) -> str:
    """Lower case, accents folded, a leading tag or "Source: " dropped, punctuation as spaces."""
    text = title
    if not text.isascii():                     # accents folded (the common ASCII title skips the pass)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    if text.lstrip()[:1] in ("[", "("):
        text = _TAG.sub("", text)
    if ":" in text:
        text = _SOURCE.sub("", text, count=1)
    text = text.lower().replace("-", " ").replace("_", " ").replace("’", "'")
    return " ".join(_WORD.findall(text))


def numbers(norm: str) -> tuple[str, ...]:
    return tuple(sorted(_NUMBER.findall(norm)))


def content_words(norm: str) -> frozenset[str]:
    words = set(norm.split())
    words -= STOPWORDS
    return frozenset(w for w in words if w[0] not in _DIGITS)


_DIGITS = frozenset("0123456789")


def _variant(a: str, b: str) -> bool:
    if a in MEANING or b in MEANING:
        return False
    from rapidfuzz import fuzz  # here, not at the top: storing an item needs only `signature`
    return fuzz.ratio(a, b) >= VARIANT_MIN


def near_identical(a: str, b: str) -> bool:
    """Whether two (raw) titles say the same thing (see the module docstring)."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    if numbers(na) != numbers(nb):
        return False
    wa, wb = content_words(na), content_words(nb)
    if len(wa) < 3 or len(wb) < 3:            # "Release notes", "Weekly update": too little to tell
        return False
    only_a, only_b = wa - wb, wb - wa
    if len(only_a) + len(only_b) > max(2, (len(wa) + len(wb)) // 6):
        return False
    if any(w in MEANING for w in only_a | only_b):
        return False
    if not all(any(_variant(x, y) for y in only_b) for x in only_a):
        return False
    if not all(any(_variant(y, x) for x in only_a) for y in only_b):
        return False
    from rapidfuzz import fuzz
    return fuzz.token_sort_ratio(na, nb) >= TITLE_MIN


@lru_cache(maxsize=65536)
def signature(title: str) -> str | None:
    """What near-identical titles share (for looking candidates up by index): the numbers, and the first
    five letters of each content word ("optimisation" and "optimization" agree); None for a title too
    short to match by (fewer than three content words)."""
    norm = normalise(title)
    has_digit = _HAS_DIGIT.search(norm) is not None
    words = set(norm.split()) - STOPWORDS       # content_words, inline: this runs for every stored item
    if has_digit:
        words = {w for w in words if w[0] not in _DIGITS}
    if len(words) < 3:
        return None
    prefixes = {w[:5] for w in words}
    if has_digit:
        prefixes.update(_NUMBER.findall(norm))
    return " ".join(sorted(prefixes))[:400]


_HAS_DIGIT = re.compile(r"\d")
