"""What an item says about the models it names: a deprecation, a release, or a plain mention.

Kept apart from the model-name grammar (linking.py, mentions.py) because it needs none of it: story
grouping asks it first and compiles the grammar only for the items that announce something.
"""

from __future__ import annotations

import re

from .base import ItemText

_DEPRECATION_RE = re.compile(r"\b(deprecat\w*|retir(?:e|es|ed|ing|ement)|shut\s?down|sunset\w*|end[- ]of[- ]life|"
                             r"discontinu\w*|decommission\w*)\b", re.IGNORECASE)
_RELEASE_RE = re.compile(r"\b(releas\w*|launch\w*|introduc\w*|now available|available (?:today|now)|announc\w*|"
                         r"new (?:model|version|checkpoint)s?|general availability|GA|preview|open[- ]sourc\w*|"
                         r"we(?:'re| are) (?:excited|releasing)|ships?)\b", re.IGNORECASE)

# "gpt-4o-mini now points to gpt-4o-mini-2025-04-14": an alias an asset runs on moves to another snapshot


def detect_event(item: ItemText, text: str) -> str:
    """deprecation | release | mention: what the item says about the models it names."""
    if item.extra.get("_deprecation") or _DEPRECATION_RE.search(item.title) or _DEPRECATION_RE.search(text[:1500]):
        return "deprecation"
    if _RELEASE_RE.search(item.title) or item.source.endswith("releases") or _RELEASE_RE.search(text[:600]):
        return "release"
    return "mention"
