"""Hugging Face Hub model listings -> `ParsedFeed`.

Hugging Face has no RSS for models, so feedwatch polls
`GET {huggingface}/api/models?author=X&sort=createdAt&limit=N` (newest first) and turns each
record of the JSON array into an `Entry`. See /work/shared/FEEDS-REFERENCE.md §4.

A record looks like {"_id", "id": "meta-llama/Llama-3.1-8B-Instruct", "author", "createdAt",
"lastModified", "downloads", "likes", "pipeline_tag", "library_name", "tags": [...], "private"};
which fields are present depends on `expand[]`/`full`, so every field is optional except `id`.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from feedwatch.dates import parse_date
from feedwatch.entry import Entry, ParsedFeed
from feedwatch.sources.arxiv_ids import split_arxiv_id
from feedwatch.text import clean_line, safe_url

__all__ = ["parse_hf_models", "is_placeholder_created_at"]

# Repos that existed before the Hub stored creation dates were back-filled when the field was
# introduced: the documented floor is 2022-03-02T23:29:04.000Z, but the back-fill ran for a few
# seconds (real model records say 23:29:04 and 23:29:05, dataset records 23:29:22). Any createdAt
# inside that minute means "created at some unknown time before March 2022", not a release date.
_PLACEHOLDER_MINUTE = "2022-03-02T23:29:"

# Repo ids: "name" or "owner/name" of letters, digits, "-", "_", "." (no "..", no leading dot/dash).
_REPO_ID_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,95}(?:/[A-Za-z0-9_][A-Za-z0-9_.\-]{0,95})?")

# Tags that say nothing about what a model is: Hub/deployment flags and weight file formats.
_NOISE_TAGS = frozenset(
    """
    endpoints_compatible autotrain_compatible text-generation-inference has_space model-index
    inference_endpoints eval-results custom_code exbert
    pytorch tf jax flax rust safetensors onnx coreml tflite openvino tensorboard keras joblib
    """.split()
)
# "prefix:value" tags: some become structured facts in `extra`, the rest are noise.
_NOISE_PREFIXES = ("region:", "deploy:", "doi:", "template:", "diffusers:", "endpoints:")
_LANG_RE = re.compile(r"[a-z]{2,3}")  # "en", "fr", "zho": language codes, too many to be useful
_MAX_TAGS = 6
# base_model:<kind>:<repo> tags -> how the summary says it.
_BASE_RELATIONS = {
    "finetune": "Fine-tune of",
    "quantized": "Quantized from",
    "adapter": "Adapter for",
    "merge": "Merge of",
}


def is_placeholder_created_at(iso: str | None) -> bool:
    """True for the Hub's back-filled creation date of repos older than March 2022."""
    return iso is not None and iso.startswith(_PLACEHOLDER_MINUTE)


def parse_hf_models(body: bytes, base_url: str) -> ParsedFeed:
    """Parse a `/api/models` listing; `base_url` is the Hub root, e.g. "https://huggingface.co".

    Raises ValueError when the body is not a JSON array (an API error object gives its message).
    Records that are not objects, or have no usable id, are skipped and counted in `warning`.
    """
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else clean_line(str(exc), 120)
        raise ValueError(f"Hugging Face API: not valid JSON: {msg}") from None
    if isinstance(doc, dict):
        err = doc.get("error")
        if err is not None:
            text = err if isinstance(err, str) else json.dumps(err, ensure_ascii=False)[:300]
            raise ValueError(f"Hugging Face API error: {clean_line(text, 300) or 'unknown error'}")
        raise ValueError("Hugging Face API: expected a JSON array of models, got an object")
    if not isinstance(doc, list):
        raise ValueError(f"Hugging Face API: expected a JSON array of models, got {type(doc).__name__}")

    base = (base_url or "").strip().rstrip("/")
    entries: list[Entry] = []
    seen: set[str] = set()
    skipped = 0
    for record in doc:
        entry = _entry(record, base) if isinstance(record, dict) else None
        if entry is None:
            skipped += 1
            continue
        if entry.guid in seen:
            continue
        seen.add(entry.guid)
        entries.append(entry)

    authors = {e.authors[0] for e in entries if e.authors}
    title = f"Hugging Face models by {next(iter(authors))}" if len(authors) == 1 else "Hugging Face models"
    warning = f"{skipped} Hugging Face record(s) skipped (not a model object or bad id)" if skipped else None
    return ParsedFeed(title=title, entries=entries, warning=warning)


def _entry(rec: dict[str, Any], base: str) -> Entry | None:
    model_id = rec.get("id") or rec.get("modelId")
    if not isinstance(model_id, str) or not _valid_repo_id(model_id):
        return None

    author = clean_line(rec.get("author"), 100) if isinstance(rec.get("author"), str) else ""
    if not author and "/" in model_id:
        author = model_id.split("/", 1)[0]

    pipeline = _word(rec.get("pipeline_tag"))
    library = _word(rec.get("library_name"))
    tags_field = rec.get("tags")
    raw_tags = [t for t in tags_field if isinstance(t, str)] if isinstance(tags_field, list) else []

    extra: dict[str, Any] = {}
    tags: list[str] = []
    base_models: list[str] = []
    relation = ""
    arxiv_ids: list[str] = []
    datasets: list[str] = []
    for raw in raw_tags:
        tag = clean_line(raw, 150)
        low = tag.lower()
        if not tag:
            continue
        if low.startswith("license:"):
            extra.setdefault("license", tag.split(":", 1)[1])
        elif low.startswith("base_model:"):
            # "base_model:org/name" or "base_model:finetune:org/name" (also quantized/adapter/merge)
            rest = tag.split(":", 1)[1]
            kind, _, target = rest.partition(":")
            if target and kind in _BASE_RELATIONS:
                relation = relation or kind
                rest = target
            if _valid_repo_id(rest) and rest not in base_models:
                base_models.append(rest)
        elif low.startswith("arxiv:"):
            found = split_arxiv_id(tag)
            if found and found[0] not in arxiv_ids:
                arxiv_ids.append(found[0])
        elif low.startswith("dataset:"):
            name = tag.split(":", 1)[1]
            if name and name not in datasets:
                datasets.append(name)
        elif ":" in low or low.startswith(_NOISE_PREFIXES) or low in _NOISE_TAGS or _LANG_RE.fullmatch(low):
            continue
        elif low not in (pipeline, library) and tag not in tags and len(tags) < _MAX_TAGS:
            tags.append(tag)

    for key, listed in (("base_models", base_models), ("arxiv_ids", arxiv_ids), ("datasets", datasets[:10])):
        if listed:
            extra[key] = listed
    if base_models and relation:
        extra["base_model_relation"] = relation
    for key in ("downloads", "likes"):
        count = rec.get(key)
        if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
            extra[key] = count
    for key in ("private", "gated"):
        value = rec.get(key)
        if isinstance(value, bool):
            extra[key] = value
        elif key == "gated" and isinstance(value, str) and value:  # "auto" / "manual"
            extra[key] = clean_line(value, 20)

    published = _date(rec.get("createdAt"))
    if is_placeholder_created_at(published):
        published = None

    categories = [c for c in (pipeline, library) if c]
    categories += [t for t in tags if t not in categories]

    return Entry(
        guid=model_id,
        title=model_id,
        url=safe_url(f"{base}/{quote(model_id, safe='/')}") if base else None,
        summary=_summary(author, pipeline, library, tags, base_models, relation),
        authors=[author] if author else [],
        published=published,
        updated=_date(rec.get("lastModified")),
        categories=categories,
        extra=extra,
    )


def _summary(
    author: str, pipeline: str, library: str, tags: list[str], base_models: list[str], relation: str
) -> str:
    """e.g. "New text-generation model by meta-llama (transformers). Tags: llama, conversational." """
    what = f"New {pipeline} model" if pipeline else "New model"
    if author:
        what += f" by {author}"
    if library:
        what += f" ({library})"
    parts = [what + "."]
    if base_models:
        label = _BASE_RELATIONS.get(relation, "Based on")
        parts.append(f"{label} {base_models[0]}.")
    if tags:
        parts.append("Tags: " + ", ".join(tags) + ".")
    return clean_line(" ".join(parts), 1000)


def _valid_repo_id(value: str) -> bool:
    return bool(_REPO_ID_RE.fullmatch(value)) and ".." not in value and "--" not in value


def _word(value: object) -> str:
    return clean_line(value, 60) if isinstance(value, str) else ""


def _date(value: object) -> str | None:
    return parse_date(value) if isinstance(value, str) and value.strip() else None
