"""phrases.alternation: the trie regex finds exactly what the longest-first alternation finds."""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from feedwatch.enrich.phrases import alternation

WORDS = ["a", "b", "ab", "c", "c++", ".net", "x_y", "é", "prompt", "prompts", "injection", "release", "notes", "1m"]
phrases_st = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
                      min_size=1, max_size=12, unique=True)
text_st = st.lists(st.sampled_from(WORDS + [" ", "-", " - ", "\n", ".", ",", "x", "A"]), max_size=40).map("".join)


def _longest_first(phrases) -> str:
    return "|".join(r"[\s-]+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))


@given(phrases_st, text_st)
@settings(max_examples=400, deadline=None)
def test_same_matches_as_the_longest_first_alternation(phrases, text):
    for left, right in ((r"(?<!\w)", r"(?!\w)"), (r"\b", r"\b")):
        old = re.compile(rf"{left}(?:{_longest_first(phrases)}){right}")
        new = re.compile(rf"{left}(?:{alternation(phrases)}){right}")
        assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)]


def test_shares_prefixes_and_tries_the_longer_phrase_first():
    assert alternation(["prompt", "prompts", "prompt injection"]) == r"prompt(?:s|[\s-]+injection|)"
    assert re.findall(rf"(?<!\w)(?:{alternation(['release', 'release notes'])})(?!\w)", "release notes, release") \
        == ["release notes", "release"]
