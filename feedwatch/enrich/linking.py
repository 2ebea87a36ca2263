"""Rule-based links from an item to the team's assets: model mentions first, then topics.

A release, deprecation or new version of a model an asset runs on is the strongest signal;
a shared topic is a weak one. Every link says why, in words a teammate can check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Asset
from .base import ItemText, LinkSuggestion
from .events import detect_event
from .mentions import Mention, catalog_key, find_mentions, same_model, split_model
from .phrases import alternation

_ALIAS_MOVE_RE = re.compile(r"\b(now points? to|will point to|points? to|now (?:routes?|resolves?|maps?) to|"
                            r"will (?:be updated|route|resolve|map) to|(?:is|are) being (?:updated|upgraded|moved) to|"
                            r"alias(?:es)? (?:now|will))\b", re.IGNORECASE)

SCORES = {"deprecation": 0.95, "alias-move": 0.9, "release": 0.85, "mention": 0.6}


def move_reason(alias: str, before: str, after: str, asset: str, model: str) -> str:
    """The reason of a link from an alias move a catalogue reported (see lifecycle/alias_moves.py)."""
    return f"{alias} now points to {after} (was {before}); {asset} runs on {model}"
TOPIC_SCORE = 0.4


@dataclass(slots=True)
class _AssetMatcher:
    asset: Asset
    topics: list[tuple[str, re.Pattern[str] | None]]


def item_mentions(item: ItemText, text: str, low: str | None = None) -> list[Mention]:
    """Model mentions in title and text; a deprecations.info record names its model exactly.

    `low`, when given, is `(item.title + "\\n" + text).lower()`."""
    found = find_mentions(item.title + "\n" + text, low)
    dep = item.extra.get("_deprecation")
    if isinstance(dep, dict) and isinstance(dep.get("model_id"), str):
        found = find_mentions(dep["model_id"]) + found
    return found


class Linker:
    def __init__(self, assets: tuple[Asset, ...]):
        self.matchers = [_AssetMatcher(a, [(t, None) for t in a.topics]) for a in assets]
        # every topic of every asset in one regex over lower-cased text (one pass per item, not one per topic)
        # (a trie of the topics: the same matches as the longest-first alternation, see phrases.py)
        topics = {_norm_topic(t) for a in assets for t in a.topics if _norm_topic(t)}
        self._topic_re = re.compile(rf"\b(?:{alternation(sorted(topics))})\b") if topics else None
        self._norm_of_match: dict[str, str] = {}
        # per asset: (topic as written, its normalised form, its tag spelling), normalised once here
        self._topic_keys = [[(t, _norm_topic(t), t.replace(" ", "-").lower()) for t, _ in m.topics]
                            for m in self.matchers]

    def topics_in(self, text: str, lowered: bool = False) -> set[str]:
        """Normalised topics in `text` (`lowered`: the text is lower case already)."""
        if self._topic_re is None:
            return set()
        memo = self._norm_of_match
        found = set()
        for matched in self._topic_re.findall(text if lowered else text.lower()):
            norm = memo.get(matched)
            if norm is None:
                if len(memo) > 4096:
                    memo.clear()
                norm = memo[matched] = _norm_topic(matched)
            found.add(norm)
        return found

    def links(self, item: ItemText, text: str, mentions: list[Mention], tags: list[str],
              low: str | None = None) -> list[LinkSuggestion]:
        """`low`, when given, is `(item.title + "\\n" + text).lower()`."""
        event = detect_event(item, text) if mentions else "mention"
        out: list[LinkSuggestion] = []
        found_topics = (self.topics_in(low, lowered=True) if low is not None
                        else self.topics_in(item.title + "\n" + text))
        move = item.extra.get("_alias_move")
        move = move if isinstance(move, dict) and all(isinstance(move.get(k), str) for k in ("alias", "from", "to")) \
            else None
        moves_text = bool(mentions) and event != "deprecation" and _ALIAS_MOVE_RE.search(
            item.title + "\n" + text[:1500]) is not None
        for m, topic_keys in zip(self.matchers, self._topic_keys, strict=True):
            best: LinkSuggestion | None = None
            for model in m.asset.models:
                if move is not None and catalog_key(model) == catalog_key(move["alias"]):
                    best = LinkSuggestion(m.asset.name, move_reason(move["alias"], move["from"], move["to"],
                                                                    m.asset.name, model), SCORES["alias-move"])
                    break
                hit = next((x for x in mentions if same_model(model, x)), None)
                if hit is None:
                    continue
                if moves_text and split_model(model)[1] is None:
                    to = next((x.version for x in mentions if x.version and same_model(model, x)), None)
                    if to is not None:
                        best = LinkSuggestion(m.asset.name, f"moves the alias {model} to {to}; {m.asset.name} "
                                              f"runs on {model}", SCORES["alias-move"])
                        break
                named = hit.version or hit.model
                if event == "deprecation":
                    what = f"announces {named} deprecation" + _deprecation_detail(item)
                elif event == "release":
                    what = f"announces a release or new version of {named}"
                else:
                    what = f"mentions {named}"
                best = LinkSuggestion(m.asset.name, f"{what}; {m.asset.name} runs on {model}", SCORES[event])
                break
            if best is None:
                for topic, norm, as_tag in topic_keys:
                    if norm in found_topics or as_tag in tags:
                        best = LinkSuggestion(m.asset.name, f"about {topic}, a topic of {m.asset.name}", TOPIC_SCORE)
                        break
            if best is not None:
                out.append(best)
        return out


def _norm_topic(topic: str) -> str:
    return " ".join(topic.lower().replace("-", " ").split())


def _deprecation_detail(item: ItemText) -> str:
    dep = item.extra.get("_deprecation")
    if not isinstance(dep, dict):
        return ""
    parts = []
    if isinstance(dep.get("shutdown_date"), str) and dep["shutdown_date"]:
        parts.append(f"shutdown {dep['shutdown_date'][:10]}")
    repl = [r for r in dep.get("replacement_models") or [] if isinstance(r, str) and r.strip("- ")]
    if repl:
        parts.append("replacement: " + ", ".join(repl[:3]))
    return f" ({'; '.join(parts)})" if parts else ""
