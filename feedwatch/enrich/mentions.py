"""Model names and versions in item text, normalised so an item can be linked to the assets that run on them.

`find_mentions(text)` finds names such as "GPT-4o mini", "claude-3-5-sonnet-20241022", "Gemini 2.5 Pro",
"Llama 3.1 70B Instruct" or "Qwen/Qwen2.5-72B-Instruct" and gives each a canonical `model` (the family
id) and, when the text names a dated or pinned variant, a `version`. `normalize_model(name)` gives the
canonical id of a name a user writes in feeds.toml (`models = [...]` of an asset), and
`same_model(asset_model, mention)` says whether a mention is about that model or a version of it.

Canonical ids
-------------
* Closed API models use the provider's API id, lower case: "gpt-4o-mini", "gpt-4.1-nano", "o3-mini",
  "text-embedding-3-small", "dall-e-3", "gemini-2.5-pro", "grok-3-mini", "command-r-plus",
  "mistral-large", "mixtral-8x7b", "codestral", "deepseek-r1". Prose forms map to the same id:
  "GPT-4o mini" / "GPT 4o mini" -> "gpt-4o-mini", "Gemini 2.0 Flash-Lite" -> "gemini-2.0-flash-lite",
  "Command R+" -> "command-r-plus". URL slugs "gpt-4-1", "gemini-2-5-pro" read as 4.1 / 2.5.
* Anthropic: the API family id. Generation first up to Claude 3.x ("Claude 3.5 Sonnet" ->
  "claude-3-5-sonnet"), tier first from Claude 4 on ("Claude Sonnet 4.5" -> "claude-sonnet-4-5",
  "claude-opus-4-0" -> "claude-opus-4"); "claude-2.1", "claude-instant-1.2" keep their dotted API ids.
* Versions are the dated/pinned API id of the variant: OpenAI "-YYYY-MM-DD" and "-MMDD"
  ("gpt-3.5-turbo-0125"), Anthropic "-YYYYMMDD" (Vertex "@YYYYMMDD" and Bedrock "-v2:0" forms are
  read too), Gemini "-001"/"-MM-DD"/"-MMDD", Mistral "-YYMM" and generation numbers of tier models
  ("Mistral Small 3.1" -> model "mistral-small", version "mistral-small-3.1"), DeepSeek/Grok "-MMDD",
  Cohere "-MM-YYYY", and "-latest" everywhere. The date is removed to get the model:
  "gpt-4o-realtime-preview-2024-10-01" -> model "gpt-4o-realtime-preview".
* Open-weight families render Hugging Face repo ids with Hugging Face capitalisation, built only from
  the parts the text states (nothing is invented, so prose can give a prefix of a real repo id):
  Llama -> "meta-llama/Llama-3.1-70B-Instruct" ("Meta-Llama-3-8B-Instruct" for Llama 3.0, lower-case
  sizes "Llama-2-7b-chat-hf" for Llama 2, "Meta-Llama-3.1-..." is read as its new name "Llama-3.1-...",
  "Llama 4 Scout" -> "meta-llama/Llama-4-Scout"); Qwen -> "Qwen/Qwen2.5-7B-Instruct", "Qwen/QwQ-32B";
  Gemma -> "google/gemma-2-9b-it"; gpt-oss -> "openai/gpt-oss-120b"; Phi -> "microsoft/Phi-4-mini-instruct"
  (a prose "Phi 3.5 mini" needs the capital: "phi 2" may be the Greek letter). Azure's "gpt-35-turbo"
  is "gpt-3.5-turbo".
* A Hugging Face repo id "org/Name" of a known model org keeps its exact id (org in its usual
  spelling, e.g. "Qwen", "deepseek-ai"), except that a name of the org's own family is canonicalised
  as above ("meta-llama/meta-llama-3.1-8b-instruct" -> "meta-llama/Llama-3.1-8B-Instruct",
  "openai/gpt-4o" -> "gpt-4o"). The repo name must contain a digit, and github.com/gitlab.com paths are
  not repo ids, which keeps "openai/openai-python" and "github.com/google/jax" out.

Precision
---------
A name must not touch a letter, digit, "_" or "-" on either side (Latin, Greek and Cyrillic letters;
CJK and other scripts do separate names, so "使用GPT-4o" is found; "/" and "." do too, for URLs and
"anthropic.claude-..."), and it needs a version number: "GPT", "GPTs", "ChatGPT", "Llama", "Claude
Code", "Gemini", "4o" and "v4.1" alone are not mentions. Spaced prose suffixes are a short closed list
("GPT-4o mini", "Gemini 2.5 Pro", "Llama 3.1 70B Instruct"), and a name never runs over a line break.
The o-series is the delicate one: "o3-mini", "o1-pro", "o1-2024-12-17" are always mentions; a bare
"o1"/"o3" only when written in lower case and within 100 characters of "OpenAI", "ChatGPT", "GPT",
"model", "reasoning" or "o4-mini"-like names, so "O3 levels" or "ozone (O3)" are not. The same kind of
rule keeps keyboard shortcuts and verbs out: a prose "Grok 3" needs the capital G; Cohere's
"Command R"/"Command A" need "Cohere" nearby (lower-case API ids "command-r-plus", "command-a-03-2025"
and "Command R+" do not); bare "Sonnet 4.5"/"Opus 4.1" need the capital and a decimal.

Matching assets (`same_model`)
------------------------------
Both sides are normalised. Closed API ids match on the family only: "claude-3-5-sonnet" matches
"claude-3-5-sonnet-20241022", "gpt-4o" matches neither "gpt-4o-mini" nor "gpt-4o-realtime-preview".
An asset pinned to a version ("gpt-4o-2024-05-13") matches the family and that version, not another
snapshot; "-latest" pins nothing. Hugging Face ids also match the same repo name under another org
("deepseek-r1" ~ "deepseek-ai/DeepSeek-R1") and size/variant refinements ("Llama 3.3 70B" ~
"meta-llama/Llama-3.3-70B-Instruct", "Mistral 7B" ~ "mistralai/Mistral-7B-Instruct-v0.3"), never another
size or sub-family (8B is not 70B, Coder is not Instruct). `normalize_model` keeps a pinned version
("gpt-4o-2024-08-06" stays), `split_model` gives (family, version).

Speed
-----
One compiled regex over the lower-cased text, no loop over models. It starts with a character class
(the left boundary), so the regex engine runs through the inside of words in C and only tries a name
after a space or punctuation; the alternatives are grouped by first letter so most tries stop after
one comparison. Canonicalisation runs only per match and is cached. Measured with Python 3.11 on a
shared 2-CPU machine (best of several runs, CPU time): ~20 µs per KB of English prose without names,
~30 µs per KB of prose naming several models, ~25-30 µs per KB on the real feeds, changelogs and
releases under shared/fixtures/real (2.4 MB in ~70 ms) - under the 50 µs/KB budget of the offline
enricher (>= 2,000 items/s).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .mention_grammar import ORG_CASE, name_rx
from .model_ids import BEDROCK as _BEDROCK, ROUTING as _ROUTING, platform_hint
from .model_names import canonical, in_context, lower_same_length

__all__ = ["Mention", "catalog_key", "model_facts", "platform_hint", "find_mentions", "normalize_model", "same_model",
           "split_model"]


@dataclass(frozen=True, slots=True)
class Mention:
    model: str           # canonical family id, e.g. "gpt-4o-mini", "claude-3-5-sonnet"
    version: str | None  # dated/versioned variant when present, e.g. "claude-3-5-sonnet-20241022"
    text: str            # the text as found
    start: int           # offset in the searched text


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------

def find_mentions(text: str, lowered: str | None = None) -> list[Mention]:
    """Model mentions in `text`, in order of appearance, one per (model, version).

    `lowered`, when given, is `text.lower()` (a caller that has it already saves lower-casing again).
    """
    if not text:
        return []
    if lowered is None or len(lowered) != len(text):
        lowered = lower_same_length(text)
    low = " " + lowered                      # the leading space is the left boundary of a name at offset 0
    out: list[Mention] = []
    seen: set[tuple[str, str | None]] = set()
    context: dict[str, Any] = {}                     # per kind: checks made, then offsets of context words
    for m in name_rx().finditer(low):
        start, end = m.start(1), m.end(1)
        orig = text[start - 1:end - 1]
        parsed = canonical(orig)
        if parsed is None:
            continue
        key, need, _family = parsed
        if key in seen:
            continue
        if need is not None and not in_context(need, low, start, end, context):
            continue
        seen.add(key)
        out.append(Mention(key[0], key[1], orig, start - 1))
    return out


@lru_cache(maxsize=4096)
def split_model(name: str) -> tuple[str, str | None]:
    """(canonical family id, version or None) of a model name as a user writes it.

    A name that is one recognised model gives its canonical form. Otherwise wrappers are looked
    through when the name contains exactly one recognised model: provider prefixes
    ("anthropic/claude-3.5-sonnet", Bedrock "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
    "models/gemini-1.5-pro") and fine-tunes ("ft:gpt-4o-mini-2024-07-18:acme::id" -> the base model,
    which is what a deprecation affects). Anything else is kept: a Hugging Face id "org/Name" as
    written, other names lower-cased with spaces and underscores as hyphens.
    """
    name = " ".join(str(name).split())
    if not name:
        return "", None
    low = " " + lower_same_length(name)
    if name_rx().fullmatch(low):
        parsed = canonical(name)           # a whole name needs no context, even a bare "o3"
        if parsed is not None:
            return parsed[0]
    found = find_mentions(name)
    if len(found) == 1:
        return found[0].model, found[0].version
    if "/" in name:
        org, rest = name.split("/", 1)
        return f"{ORG_CASE.get(org.lower(), org)}/{rest}", None
    return re.sub(r"[\s_]+", "-", name.lower()), None


def normalize_model(name: str) -> str:
    """Canonical id of a model name, e.g. "GPT-4o mini" -> "gpt-4o-mini".

    A pinned version stays pinned ("Claude 3.5 Sonnet 20241022" is not written that way, but
    "claude-3-5-sonnet-20241022" -> itself, "gpt-4o-2024-08-06" -> itself); use
    `split_model(name)[0]` for the family id that `Mention.model` holds.
    """
    model, version = split_model(name)
    return version or model


@lru_cache(maxsize=16384)
def catalog_key(model_id: str) -> str:
    """The id a model catalogue's entry and an asset's model are matched on: `normalize_model`'s
    canonical id after looking through routing prefixes and platform spellings.

    "azure/gpt-4o-mini" and "openai/gpt-4o-mini" -> "gpt-4o-mini"; Bedrock
    "us.anthropic.claude-3-5-haiku-20241022-v1:0" and Vertex "claude-3-5-haiku@20241022" ->
    "claude-3-5-haiku-20241022"; "bedrock/nova-premier" and "amazon.nova-premier-v1:0" -> "nova-premier".
    Unlike `split_model` it never keeps only part of an id: "gpt-5.6-sol" is not "gpt-5.6" (a
    catalogue lists both, with different dates), so an id the grammar does not cover whole is kept
    whole, lower-cased.
    """
    name = " ".join(str(model_id).split())
    rest = _ROUTING.sub("", name) or name
    bedrock = _BEDROCK.match(rest)
    if bedrock:
        rest = bedrock.group(1)
    if name_rx().fullmatch(" " + lower_same_length(rest)):
        parsed = canonical(rest)
        if parsed is not None:
            model, version = parsed[0]
            return version or model
    if "/" in rest:
        org, tail = rest.split("/", 1)
        return f"{ORG_CASE.get(org.lower(), org)}/{tail}"
    return re.sub(r"[\s_]+", "-", rest.lower())


def model_facts(model: str) -> dict[str, str | None]:
    """What lifecycle matching needs to know of a model id, in one call (and so one cache entry, see
    `lifecycle.names`): its `catalog_key`, the platform its spelling names, its family as
    `split_model` reads it, and the catalogue keys of that family and of its base model."""
    family, version = split_model(model)
    base = version or family
    return {"key": catalog_key(model), "hint": platform_hint(model), "family": family.lower(),
            "versioned": "1" if version else None,
            "family_key": catalog_key(family) if version and family else None,
            "base_key": catalog_key(base) if base else None}


_VARIANT = re.compile(r"\d+(?:\.\d+)?[bm]|\d+e|e\d+b|a\d+(?:\.\d+)?b|\d+x\d+b|\d{4}|v\d+(?:\.\d+)*|instruct|it|pt"
                      r"|chat|hf|base|fp8|bf16|awq|gptq|gguf|int4|int8|mlx|[48]bit|original|qat")


def _open_weight_match(a: str, b: str) -> bool:
    """Hugging Face ids: the same repo name under any org, or one a size/variant refinement of the other.

    "meta-llama/Llama-3.3-70B" (from "Llama 3.3 70B") matches "meta-llama/Llama-3.3-70B-Instruct";
    "mistral-7b" matches "mistralai/Mistral-7B-Instruct-v0.3"; "deepseek-r1" matches
    "deepseek-ai/DeepSeek-R1". Sizes and sub-families must agree: 8B is not 70B, Coder is not Instruct.
    """
    ta = a.lower().rsplit("/", 1)[-1].split("-")
    tb = b.lower().rsplit("/", 1)[-1].split("-")
    if len(ta) > len(tb):
        ta, tb = tb, ta
    return tb[:len(ta)] == ta and all(_VARIANT.fullmatch(t) for t in tb[len(ta):])


def same_model(asset_model: str, mention: Mention) -> bool:
    """True when `mention` is about `asset_model` or a version of it.

    Both sides are normalised. Closed API ids must be the same family: "claude-3-5-sonnet" matches
    "claude-3-5-sonnet-20241022", but "gpt-4o" does not match "gpt-4o-mini" nor "gpt-4o-realtime-preview".
    An asset pinned to a version ("gpt-4o-2024-05-13") matches mentions of the family and of that
    version, not of another version ("gpt-4o-2024-08-06"); "-latest" pins nothing. Hugging Face ids
    also match across orgs and size/variant refinements (see `_open_weight_match`).
    """
    a_model, a_version = split_model(asset_model)
    if not a_model:
        return False
    m_model = split_model(mention.model)[0] if mention.model else ""
    m_version = split_model(mention.version)[1] if mention.version else None
    if not m_model:
        return False
    if (a_version and m_version and not a_version.endswith("-latest") and not m_version.endswith("-latest")
            and a_version.lower() != m_version.lower()):
        return False
    if a_model.lower() == m_model.lower():
        return True
    if "/" in a_model or "/" in m_model:
        return _open_weight_match(a_model, m_model)
    return False
