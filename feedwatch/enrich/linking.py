"""Rule-based links from an item to the team's assets: model mentions first, then topics.

A release, deprecation or new version of a model an asset runs on is the strongest signal;
a shared topic is a weak one. Every link says why, in words a teammate can check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import Asset
from .base import ItemText, LinkSuggestion
from .mentions import Mention, find_mentions, same_model

_DEPRECATION_RE = re.compile(r"\b(deprecat\w*|retir(?:e|es|ed|ing|ement)|shut\s?down|sunset\w*|end[- ]of[- ]life|"
                             r"discontinu\w*|decommission\w*)\b", re.IGNORECASE)
_RELEASE_RE = re.compile(r"\b(releas\w*|launch\w*|introduc\w*|now available|available (?:today|now)|announc\w*|"
                         r"new (?:model|version|checkpoint)s?|general availability|GA|preview|open[- ]sourc\w*|"
                         r"we(?:'re| are) (?:excited|releasing)|ships?)\b", re.IGNORECASE)

SCORES = {"deprecation": 0.95, "release": 0.85, "mention": 0.6}
TOPIC_SCORE = 0.4


@dataclass(slots=True)
class _AssetMatcher:
    asset: Asset
    topics: list[tuple[str, re.Pattern]]


def detect_event(item: ItemText, text: str) -> str:
    """deprecation | release | mention: what the item says about the models it names."""
    if item.extra.get("_deprecation") or _DEPRECATION_RE.search(item.title) or _DEPRECATION_RE.search(text[:1500]):
        return "deprecation"
    if _RELEASE_RE.search(item.title) or item.source.endswith("releases") or _RELEASE_RE.search(text[:600]):
        return "release"
    return "mention"


def item_mentions(item: ItemText, text: str) -> list[Mention]:
    """Model mentions in title and text; a deprecations.info record names its model exactly."""
    found = find_mentions(item.title + "\n" + text)
    dep = item.extra.get("_deprecation")
    if isinstance(dep, dict) and isinstance(dep.get("model_id"), str):
        found = find_mentions(dep["model_id"]) + found
    return found


class Linker:
    def __init__(self, assets: tuple[Asset, ...]):
        self.matchers = [_AssetMatcher(a, [(t, None) for t in a.topics]) for a in assets]
        # every topic of every asset in one regex over lower-cased text (one pass per item, not one per topic)
        topics = {_norm_topic(t) for a in assets for t in a.topics if _norm_topic(t)}
        alternation = "|".join(r"[\s-]+".join(map(re.escape, t.split())) for t in sorted(topics, key=len, reverse=True))
        self._topic_re = re.compile(rf"\b(?:{alternation})\b") if topics else None

    def topics_in(self, text: str) -> set[str]:
        if self._topic_re is None:
            return set()
        return {_norm_topic(m.group(0)) for m in self._topic_re.finditer(text.lower())}

    def links(self, item: ItemText, text: str, mentions: list[Mention], tags: list[str]) -> list[LinkSuggestion]:
        event = detect_event(item, text) if mentions else "mention"
        out: list[LinkSuggestion] = []
        found_topics = self.topics_in(item.title + "\n" + text)
        for m in self.matchers:
            best: LinkSuggestion | None = None
            for model in m.asset.models:
                hit = next((x for x in mentions if same_model(model, x)), None)
                if hit is None:
                    continue
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
                for topic, _ in m.topics:
                    if _norm_topic(topic) in found_topics or topic.replace(" ", "-").lower() in tags:
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
