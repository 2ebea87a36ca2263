"""The four real catalogue formats, read into `CatalogEntry`s (FORMATS.md in the shared fixtures
says what each field really means; the names lie).

- LiteLLM: `deprecation_date` is the provider's *shutdown* date (it equals deprecations.info's
  `shutdown_date`, never its `deprecation_date`); `successor_model` is the replacement; an entry
  with only `alias_of` is a pointer; retired models are mostly removed, so presence means listed.
- deprecations.info: a JSON array (or its JSON Feed, rows in `items[]._deprecation`); a shutdown
  date may be `""`; some rows are products, not models.
- modeldeprecations.dev: `{"models": [...]}`, id `provider/model`; `aliases`; `shutdown_on`, or the
  soft `earliest_shutdown_on` (not a shutdown); `replacements[]` with at most one `recommended`.
- models.dev: `{provider: {"models": {id: {...}}}}`; no dates, only `status = "deprecated"`.

A document of the wrong shape raises `CatalogFormatError` (one line); a malformed entry is skipped
and counted, so one bad row never costs the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import FeedwatchError
from .entries import CatalogEntry, Tally, clean_date, clean_id, clean_text, clean_url, make_entry

__all__ = ["CatalogFormatError", "parse_catalog", "PARSERS"]

MAX_ENTRIES = 200_000     # far above any real catalogue (LiteLLM: ~5,000); a bigger one is refused


class CatalogFormatError(FeedwatchError, ValueError):
    """The document is not the catalogue format it was configured as; str() is one line."""


def _type(value: Any) -> str:
    names: dict[type, str] = {dict: "an object", list: "an array", str: "a string"}
    return names.get(type(value), type(value).__name__)


def _litellm(doc: Any, name: str, tally: Tally) -> list[CatalogEntry]:
    if not isinstance(doc, dict):
        raise CatalogFormatError(f"expected a JSON object of model ids (LiteLLM), got {_type(doc)}")
    out = []
    for raw_id, spec in doc.items():
        if raw_id == "sample_spec":
            continue
        model_id = clean_id(raw_id)
        if model_id is None or not isinstance(spec, dict):
            tally.dropped += 1
            continue
        if "alias_of" in spec:
            target = clean_id(spec.get("alias_of"))
            if target is None:
                tally.dropped += 1
                continue
            out.append(make_entry(name, model_id, alias_of=target))
            continue
        out.append(make_entry(
            name, model_id, provider=clean_text(spec.get("litellm_provider")) or "",
            shutdown_date=clean_date(spec.get("deprecation_date"), tally),
            replacement=clean_id(spec.get("successor_model")),
            source_url=clean_url(spec.get("deprecation_source"))))
    return out


def _deprecations_info(doc: Any, name: str, tally: Tally) -> list[CatalogEntry]:
    if isinstance(doc, dict) and isinstance(doc.get("items"), list):      # the JSON Feed form
        rows = [i.get("_deprecation") if isinstance(i, dict) else None for i in doc["items"]]
    elif isinstance(doc, list):
        rows = doc
    else:
        raise CatalogFormatError(f"expected a JSON array of deprecations (deprecations.info), got {_type(doc)}")
    out = []
    for row in rows:
        model_id = clean_id(row.get("model_id")) if isinstance(row, dict) else None
        if model_id is None or not isinstance(row, dict):
            tally.dropped += 1
            continue
        replacements = row.get("replacement_models")
        first = next((clean_id(r) for r in replacements if clean_id(r)), None) if isinstance(replacements, list) \
            else None
        out.append(make_entry(
            name, model_id, provider=clean_text(row.get("provider")) or "",
            deprecation_date=clean_date(row.get("deprecation_date"), tally),
            shutdown_date=clean_date(row.get("shutdown_date"), tally),
            replacement=first, source_url=clean_url(row.get("url"))))
    return out


def _modeldeprecations(doc: Any, name: str, tally: Tally) -> list[CatalogEntry]:
    models = doc.get("models") if isinstance(doc, dict) else None
    if not isinstance(models, list):
        raise CatalogFormatError("expected an object with a \"models\" array (modeldeprecations.dev), got "
                                 + (_type(doc) if not isinstance(doc, dict) else "no such array"))
    out = []
    for m in models:
        if not isinstance(m, dict):
            tally.dropped += 1
            continue
        provider, model = clean_id(m.get("provider")), clean_id(m.get("model"))
        if provider is None or model is None:
            tally.dropped += 1
            continue
        status = m.get("status")
        aliases = found if isinstance(found := m.get("aliases"), list) else []
        reps = [r for r in m.get("replacements") or [] if isinstance(r, dict)] \
            if isinstance(m.get("replacements"), list) else []
        rep = next((r for r in reps if r.get("recommended") is True), reps[0] if reps else None)
        sources = listed if isinstance(listed := m.get("sources"), list) else []
        out.append(make_entry(
            name, f"{provider}/{model}", provider=provider,
            status=status if status in ("active", "deprecated", "retired") else None,
            deprecation_date=clean_date(m.get("deprecated_on"), tally),
            shutdown_date=clean_date(m.get("shutdown_on"), tally),
            earliest_shutdown=clean_date(m.get("earliest_shutdown_on"), tally),
            replacement=clean_id(rep.get("model")) if rep else None,
            release_date=clean_date(m.get("released_on"), tally, month_ok=True),
            source_url=next((u for u in (clean_url(s.get("url")) for s in sources if isinstance(s, dict)) if u), None),
            aliases=tuple(a for a in (clean_id(x) for x in aliases) if a)))
    return out


def _models_dev(doc: Any, name: str, tally: Tally) -> list[CatalogEntry]:
    if not isinstance(doc, dict):
        raise CatalogFormatError(f"expected a JSON object of providers (models.dev), got {_type(doc)}")
    out = []
    for provider_id, provider in doc.items():
        models = provider.get("models") if isinstance(provider, dict) else None
        pid = clean_id(provider_id)
        if not isinstance(models, dict) or pid is None:
            tally.dropped += 1
            continue
        for raw_id, spec in models.items():
            model_id = clean_id(raw_id)
            if model_id is None or not isinstance(spec, dict):
                tally.dropped += 1
                continue
            status = spec.get("status")
            out.append(make_entry(
                name, model_id, provider=pid,
                status="deprecated" if status == "deprecated" else "active",
                release_date=clean_date(spec.get("release_date"), tally, month_ok=True)))
    return out


PARSERS: dict[str, Callable[[Any, str, Tally], list[CatalogEntry]]] = {
    "litellm": _litellm, "deprecations-info": _deprecations_info,
    "modeldeprecations": _modeldeprecations, "models-dev": _models_dev,
}


def parse_catalog(kind: str, name: str, body: bytes) -> tuple[list[CatalogEntry], Tally]:
    """Entries of one catalogue document; raises CatalogFormatError (invalid JSON, wrong shape, empty)."""
    import json
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise CatalogFormatError(f"invalid JSON: {str(exc).splitlines()[0][:120]}") from None
    tally = Tally()
    entries = PARSERS[kind](doc, name, tally)
    if len(entries) > MAX_ENTRIES:
        raise CatalogFormatError(f"{len(entries)} models is more than the {MAX_ENTRIES} a catalogue may hold")
    if not entries:
        raise CatalogFormatError("no models found" + (f" ({tally.note()})" if tally.note() else ""))
    # one entry per (provider, id): a later duplicate is a data error, the first one is kept
    seen: set[tuple[str, str]] = set()
    unique = []
    for e in entries:
        if (e.provider, e.model_id) in seen:
            tally.dropped += 1
            continue
        seen.add((e.provider, e.model_id))
        unique.append(e)
    tally.entries = len(unique)
    return unique, tally
