"""The merged catalogue: every catalogue's entries indexed by `catalog_key`, and what they say
together of one model on one day.

Matching: a model as an asset writes it ("azure/gpt-4o-mini", a Bedrock or Vertex id, any case) is
looked up by its `catalog_key`, which every entry also has, so spellings meet. Platforms are kept
apart: a spelling that names one ("azure/...", a Bedrock id, a Vertex "@date") takes that
platform's entries (all of the vendor's own when it is the vendor's own cloud: Vertex for Gemini), a
bare id its vendor's own (OpenAI's gpt-4o-mini is not retired because Azure retires a deployment of
it); entries that name no platform speak for all, and when no entry of the wanted platform exists
for the id or its family, every platform's entries are used rather than none. A Hugging Face repo id
written without a platform is open weights a team may serve itself: a cloud's retirement of its
deployment does not retire it. An id that is only
an alias (LiteLLM `alias_of`, modeldeprecations.dev `aliases`) takes the lifecycle of the id it
points to, unless the catalogues say something of the alias itself. A dated snapshot nobody lists
takes its family's lifecycle (deprecations.info lists Vertex models without their @date), a
fine-tune ("ft:gpt-4o-mini:acme::x") its base model's, and a family id nobody lists itself
("claude-3-5-haiku") that of its dated snapshots.

Merging: the earliest shutdown date wins (retiring late is the expensive mistake) and every
catalogue that gave lifecycle data is named; the replacement comes from the catalogue whose date
won, else from the first catalogue (config order) that names one. Status on a day: `retired` once a
shutdown date is on or before it; `deprecated` with a later shutdown date, a passed deprecation
date, or a catalogue that says deprecated or retired; `active` when some catalogue lists the model
and none of that holds; `unknown` when none lists it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .entries import CatalogEntry, platform_of
from .names import model_facts

# The platforms that serve a family first-hand: a bare "gpt-4o-mini" means OpenAI's, not an Azure
# deployment's, so Azure's retirement date does not retire it (but "azure/gpt-4o-mini" gets it).
_FIRST_PARTY = (
    (re.compile(r"^(?:gpt|o\d|chatgpt|text-|dall-e|whisper|tts|davinci|babbage|omni-|codex|sora|computer-use)"),
     frozenset({"openai"})),
    (re.compile(r"^claude"), frozenset({"anthropic"})),
    (re.compile(r"^(?:gemini|gemma|google/|imagen|veo)"), frozenset({"google", "vertex"})),
    (re.compile(r"^command"), frozenset({"cohere"})),
    (re.compile(r"^grok"), frozenset({"xai"})),
    (re.compile(r"^(?:mistral|mixtral|codestral|ministral|magistral|pixtral|devstral|open-mistral)"),
     frozenset({"mistral"})),
    (re.compile(r"^deepseek"), frozenset({"deepseek"})),
    (re.compile(r"^(?:nova-|titan-)"), frozenset({"bedrock"})),
)


def _platforms(facts: dict) -> frozenset[str] | None:
    """The platforms whose entries speak for a model as written; None: every platform's.

    A spelling that names a platform takes that platform's entries, or all of the vendor's own when
    it names one of those ("vertex_ai/gemini-1.5-pro" is Google's Gemini on Google's own cloud)."""
    first = None
    for low in (facts["key"].lower(), facts["family"]):      # the second: a fine-tune's base model
        first = next((p for rx, p in _FIRST_PARTY if rx.match(low)), None)
        if first is not None:
            break
    hint = facts["hint"]
    if hint is not None:
        return first if first is not None and hint in first else frozenset({hint})
    if first is None and "/" in facts["key"]:
        return _SELF_HOSTED
    return first


# A Hugging Face repo id with no platform ("microsoft/Phi-4", "meta-llama/Llama-3.1-8B-Instruct") names
# open weights, which a team may serve itself: a cloud retiring its deployment of them is not their
# retirement (that is written with the platform: "azure_ai/Phi-4", a Bedrock id). Only entries that
# name no platform speak for them, and no other platform's data stands in.
_SELF_HOSTED: frozenset[str] = frozenset()


def _mine(found: list[CatalogEntry], platforms: frozenset[str] | None) -> list[CatalogEntry]:
    """The entries of those platforms, or that name no platform."""
    if platforms is None:
        return found
    return [e for e in found if not e.provider or platform_of(e.provider) in platforms]


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """What the catalogues say together of one model, as of one day."""
    model: str                        # as asked
    canonical: str                    # its catalog_key
    status: str                       # active | deprecated | retired | unknown
    provider: str | None = None
    deprecation_date: str | None = None
    shutdown_date: str | None = None
    replacement: str | None = None
    sources: tuple[str, ...] = ()     # catalogues that gave lifecycle data (dates or a status)
    alias_of: str | None = None       # the asked id is an alias of this id (its lifecycle is shown)
    via: str | None = None            # how the entries were found when not by the id itself (entries_for)
    entries: tuple[CatalogEntry, ...] = ()

    def days_left(self, as_of: date) -> int | None:
        return (date.fromisoformat(self.shutdown_date) - as_of).days if self.shutdown_date else None


class Catalogue:
    """An index over catalogue entries; `order` ranks catalogues for ties (config order)."""

    def __init__(self, entries: Iterable[CatalogEntry], order: Iterable[str] = ()):
        self.by_key: dict[str, list[CatalogEntry]] = {}
        self.by_family: dict[str, list[CatalogEntry]] = {}   # family -> its dated snapshots' entries
        self.aliases: dict[str, tuple[str, str]] = {}         # alias key -> (target id as written, target key)
        self.rank = {name: i for i, name in enumerate(order)}
        self._facts: dict[str, dict] = {}
        for e in entries:
            if e.alias_of and e.alias_of_key:
                self.aliases.setdefault(e.key, (e.alias_of, e.alias_of_key))
                continue
            self.by_key.setdefault(e.key, []).append(e)
            if e.family:
                self.by_family.setdefault(e.family, []).append(e)
            for alias_key in e.alias_keys:
                self.aliases.setdefault(alias_key, (e.model_id, e.key))
        for found in self.by_key.values():
            found.sort(key=lambda e: (self.rank.get(e.catalog, len(self.rank)), e.catalog, e.provider, e.model_id))

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_key.values())

    def known_keys(self) -> frozenset[str]:
        """Every canonical id some catalogue lists, aliases included (what a scanner may recognise)."""
        return frozenset(self.by_key) | frozenset(self.aliases)

    def prepare(self, models: Iterable[str]) -> None:
        """Read what the canonicaliser says of these ids at once (from its cache, see names.py)."""
        self._facts.update(model_facts(m for m in models if m not in self._facts))

    def facts(self, model: str) -> dict:
        if model not in self._facts:
            self.prepare([model])
        return self._facts[model]

    def entries_for(self, model: str) -> tuple[str, list[CatalogEntry], str | None, str | None]:
        """(key, the entries that speak for it, alias target or None, how they were found: None for
        the id itself, else "family", "base model", "snapshots" or "another platform")."""
        facts = self.facts(model)
        key = facts["key"]
        platforms = _platforms(facts)
        own_all = self.by_key.get(key, [])
        own = _mine(own_all, platforms)
        target, target_key = self.aliases.get(key, (None, None))
        if target_key == key:
            target = None
        if target is not None and target_key and not any(e.has_lifecycle for e in own):
            found = _mine(self.by_key.get(target_key, []), platforms)
            if found:
                return key, found, target, None
        if own:
            return key, own, target, None
        family_key, base_key = facts["family_key"], facts["base_key"]
        if family_key and family_key.lower() != key.lower():   # a dated snapshot: its family's retirement covers it
            found = _mine(self.by_key.get(family_key, []), platforms)
            if any(e.has_lifecycle for e in found):
                return key, found, None, "family"
        if base_key and base_key != key:                       # a fine-tune or wrapper: its base model
            found = _mine(self.by_key.get(base_key, []), platforms)
            if found:
                return key, found, None, "base model"
        if not facts["versioned"]:                             # a family nobody lists itself: its snapshots
            snaps = [e for e in _mine(self.by_family.get(key.lower(), []), platforms) if e.has_lifecycle]
            if snaps:
                return key, snaps, None, "snapshots"
        if platforms == _SELF_HOSTED:                         # open weights: no other platform stands in
            return key, [], target, None
        if own_all:                                            # only another platform lists it: better than none
            return key, own_all, target, "another platform"
        if family_key and family_key.lower() != key.lower():   # ... or only another platform's family
            found = [e for e in self.by_key.get(family_key, []) if e.has_lifecycle]
            if found:
                return key, found, None, "another platform"
        return key, [], target, None

    def lifecycle(self, model: str, as_of: date) -> Lifecycle:
        key, found, alias_of, via = self.entries_for(model)
        if not found:
            return Lifecycle(model, key, "unknown", alias_of=alias_of)
        today = as_of.isoformat()
        dated = [e for e in found if e.shutdown_date]
        winner = min(dated, key=lambda e: e.shutdown_date or "") if dated else None
        shutdown = winner.shutdown_date if winner else None
        deprecations = [e.deprecation_date for e in found if e.deprecation_date]
        deprecation = min(deprecations) if deprecations else None
        said = {e.status for e in found}
        if shutdown and shutdown <= today:
            status = "retired"
        elif "retired" in said and not shutdown:
            status = "retired"
        elif shutdown or (deprecation and deprecation <= today) or "deprecated" in said or "retired" in said:
            status = "deprecated"
        else:
            status = "active"
        replacement = (winner.replacement if winner and winner.replacement else
                       next((e.replacement for e in found if e.replacement), None))
        sources = tuple(dict.fromkeys(e.catalog for e in found if e.has_lifecycle))
        provider = next((platform_of(e.provider) for e in ([winner] if winner else []) + list(found) if e.provider),
                        None)
        return Lifecycle(model, key, status, provider, deprecation, shutdown, replacement, sources,
                         alias_of, via, tuple(found))
