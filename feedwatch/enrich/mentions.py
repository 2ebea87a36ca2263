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
  Gemma -> "google/gemma-2-9b-it"; gpt-oss -> "openai/gpt-oss-120b".
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
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Mention", "find_mentions", "normalize_model", "same_model", "split_model"]


@dataclass(frozen=True, slots=True)
class Mention:
    model: str           # canonical family id, e.g. "gpt-4o-mini", "claude-3-5-sonnet"
    version: str | None  # dated/versioned variant when present, e.g. "claude-3-5-sonnet-20241022"
    text: str            # the text as found
    start: int           # offset in the searched text


# --------------------------------------------------------------------------------------------------
# The grammar (over lower-cased text)
# --------------------------------------------------------------------------------------------------

_H = "[-\u2010\u2011]"                       # hyphen, Unicode hyphen, non-breaking hyphen (OpenAI writes GPT‑4o)
_SP = "[ \u00a0\u202f]"                      # one space; never a line break (title and body are joined by \n)
_S = "[-\u2010\u2011 \u00a0\u202f]"          # hyphen or space
_END = r"(?!\w|[.,]\d)"                     # right boundary: not "gpt-4x", not "gpt-4.1" read as "gpt-4"
_YMD = rf"\d{{4}}{_H}\d{{2}}{_H}\d{{2}}(?!\d)"
_MMDD = r"(?:0[1-9]|1[0-2])[0-3]\d(?!\d)"
_YYMM = r"2\d(?:0[1-9]|1[0-2])(?!\d)"
_NUM = rf"\d(?!\d)(?:\.\d(?!\d)|{_H}\d(?![\w.]))?"          # 3 | 3.5 | 3-5 (API ids, URL slugs)

# OpenAI ------------------------------------------------------------------------------------------
_GPT_CORE = (rf"(?:oss(?:{_S}\d+b(?!\w))?|(?:image|realtime|audio)(?:{_H}\d(?:\.\d)?(?!\d))?"
             rf"|[3-9]{_H}\d(?![\w.])|\d(?:\.\d{{1,2}})?o?(?!\d))")
_GPT_TOK = (rf"(?:turbo|mini|nano|pro|codex(?:{_SP}(?:max|mini)(?!\w))?|max|spark|preview|realtime|audio|transcribe"
            rf"|diarize|tts|search|instruct|chat|vision|deep{_H}research|\d{{1,3}}k|latest|hd|{_YMD}|{_MMDD})(?!\w)")
_OPENAI = [
    rf"gpt{_S}?{_GPT_CORE}(?:{_H}{_GPT_TOK}){{0,6}}"
    rf"(?:{_SP}(?:mini|nano|pro|turbo|codex(?:{_S}(?:max|mini))?)(?!\w))?{_END}",
    rf"o[1-9](?!\d)(?:{_H}(?:mini|pro|preview|deep{_H}research|{_YMD})(?!\w)){{0,4}}(?:{_SP}(?:mini|pro)(?!\w))?{_END}",
    rf"chatgpt{_H}4o(?:{_H}latest)?{_END}",
    rf"text{_H}embedding{_H}(?:3{_H}(?:small|large)|ada{_H}002){_END}",
    rf"text{_H}(?:davinci|curie|babbage|ada){_H}00\d{_END}",
    rf"davinci{_H}00\d{_END}",
    rf"babbage{_H}00\d{_END}",
    rf"whisper{_H}1{_END}",
    rf"tts{_H}1(?:{_H}hd)?(?:{_H}{_MMDD})?{_END}",
    rf"dall(?:[-\u2010\u2011\u00b7\u2022 .]?)e{_S}?[23]{_END}",
    rf"sora{_H}2(?:{_H}pro)?(?:{_H}{_YMD})?{_END}",
    rf"omni{_H}moderation(?:{_H}(?:latest|{_YMD}))?{_END}",
    rf"codex{_H}mini(?:{_H}latest)?{_END}",
    rf"computer{_H}use{_H}preview(?:{_H}{_YMD})?{_END}",
]

# Anthropic ---------------------------------------------------------------------------------------
_TIER = "(?:haiku|sonnet|opus)"
_CL_VER = (rf"(?:(?:{_H}v\d)?[-\u2010\u2011@]20\d{{6}}(?!\d)|{_H}latest(?!\w))?"
           rf"(?:{_H}v\d(?::\d)?(?!\w))?")
_CL_NOT_TIER = (r"(?!(?:instant|code|for|api|cli|app|desktop|gov|agent|sdk|team|teams|plugin|pro|max|web|mobile"
                r"|chrome|slack|excel|word|cowork|enterprise|education|partner|skills|march|new)(?![a-z]))")
_ANTHROPIC = [
    rf"claude{_S}instant(?:{_S}v?\d(?:[.\-]\d)?(?!\d))?{_END}",
    rf"claude{_S}?{_NUM}(?:{_S}{_TIER})?(?!\w){_CL_VER}{_END}",
    rf"claude{_S}{_TIER}{_S}{_NUM}{_CL_VER}{_END}",
    rf"claude{_H}{_CL_NOT_TIER}[a-z]{{3,12}}{_H}{_NUM}{_CL_VER}{_END}",   # future tiers from API ids
    rf"sonnet{_SP}[3-9]\.\d(?!\d){_END}",                                  # bare "Sonnet 4.5" (capital checked)
    rf"opus{_SP}[3-9]\.\d(?!\d){_END}",
    rf"haiku{_SP}[3-9]\.\d(?!\d){_END}",
]

# Google ------------------------------------------------------------------------------------------
_GEM_TOK_H = (rf"(?:pro|flash|lite|ultra|nano|exp|experimental|preview|thinking|image|live|audio|native{_H}audio"
              rf"|tts|vision|8b|latest|00\d|\d{{2}}{_H}\d{{2}}|\d{{4}})(?!\w)")
_GEM_TOK_S = r"(?:pro|flash|lite|ultra|nano|preview)(?!\w)"
_GSIZE = r"(?:\d++(?:\.\d+)?[bm]|e\d++b)(?!\w)"
_GOOGLE = [
    rf"gemini{_S}\d(?!\d)(?:\.\d(?!\d)|{_H}\d(?={_H}(?:pro|flash)))?(?!\w|\.\d)"
    rf"(?:{_H}{_GEM_TOK_H}|{_SP}{_GEM_TOK_S}){{0,8}}{_END}",
    rf"gemini{_H}(?:pro|ultra)(?:{_H}vision)?(?:{_H}(?:00\d|latest))?{_END}",
    rf"gemini{_H}(?:exp{_H}\d{{4}}|embedding(?:{_H}exp)?(?:{_H}\d{{2,4}})?){_END}",
    rf"gemma{_S}?\d(?:\.\d)?n?(?!\w|\.\d)(?:[-\u2010\u2011 \u00a0:_]{_GSIZE}){{0,3}}"
    rf"(?:{_H}(?:it|pt|qat)(?!\w)){{0,3}}{_END}",
    rf"gemma{_S}\d+(?:\.\d+)?b(?!\w)(?:{_H}(?:it|pt)(?!\w))?{_END}",
]

# Meta Llama --------------------------------------------------------------------------------------
_LL_TOK_H = r"(?:instruct|vision|scout|maverick|behemoth|chat|hf|fp8|\d++(?:\.\d+)?b|\d++e|\d++x\d+b)(?!\w)"
_LL_TOK_S = r"(?:instruct|vision|scout|maverick|behemoth|\d++(?:\.\d+)?b)(?!\w)"
_LLAMA = (rf"llama{_S}?(?:guard{_S}?)?\d(?!\d)(?:\.\d(?!\d)|{_H}\d(?![\w.]))?(?!\w|\.\d)"
          rf"(?:[-\u2010\u2011_:]{_LL_TOK_H}|{_SP}{_LL_TOK_S}){{0,8}}{_END}")
_META = [_LLAMA, rf"meta{_S}{_LLAMA}"]

# Qwen --------------------------------------------------------------------------------------------
_QW_TOK_H = (r"(?:\d++(?:\.\d+)?[bm]|a\d++(?:\.\d+)?b|instruct|chat|coder|vl|math|omni|audio|next|thinking|base"
             r"|embedding|reranker|awq|gguf|gptq|int[48]|fp8|preview|max|2[4-9](?:0[1-9]|1[0-2]))(?!\w)")
_QW_TOK_S = r"(?:\d++(?:\.\d+)?b|a\d++b|instruct|coder|vl|math|omni)(?!\w)"
_QW_TAIL = rf"(?:[-\u2010\u2011_:]{_QW_TOK_H}|{_SP}{_QW_TOK_S}){{0,8}}{_END}"
_QWEN = [
    rf"qwen{_S}?\d(?!\d)(?:\.\d(?!\d))?(?!\w|\.\d){_QW_TAIL}",
    rf"qwen(?={_S}\d+(?:\.\d+)?b(?!\w)){_QW_TAIL}",                     # Qwen 1: "Qwen-7B"
    rf"qwq(?!\w){_QW_TAIL}",
]

# Mistral -----------------------------------------------------------------------------------------
_MTIER = "(?:large|medium|small|tiny|nemo|embed|saba|moderation|ocr)"
_MVER = rf"(?:{_H}(?:{_YYMM}|latest(?!\w)))"
_MISTRAL_OPEN = [
    rf"mistral{_S}{_MTIER}(?!\w)(?:{_S}\d(?!\d)(?:\.\d(?!\d))?(?!\w|\.\d)|{_MVER})?{_END}",
    rf"mistral{_S}\d+b(?!\w){_END}",
    rf"mixtral(?:{_S}\d+x\d+b(?!\w))?{_END}",
]
_MISTRAL = [
    *_MISTRAL_OPEN,
    *(rf"open{_H}{p}" for p in _MISTRAL_OPEN),
    rf"ministral{_S}\d+b(?!\w){_MVER}?{_END}",
    rf"codestral(?:{_H}(?:mamba|embed)(?!\w))?{_MVER}?{_END}",
    rf"pixtral{_S}(?:large|\d+b)(?!\w){_MVER}?{_END}",
    rf"magistral{_S}(?:medium|small)(?!\w){_MVER}?{_END}",
    rf"devstral(?:{_S}(?:small|medium)(?!\w))?{_MVER}?{_END}",
]

# DeepSeek, xAI, Cohere ---------------------------------------------------------------------------
_OTHERS = [
    rf"deepseek{_S}?(?:v\d(?:\.\d)?|r\d|chat|reasoner|coder(?:{_S}?v2(?:\.5)?)?|prover(?:{_H}v\d(?:\.\d)?)?|vl2?"
    rf"|math|llm|moe)(?!\w|\.\d)"
    rf"(?:{_H}(?:exp|terminus|zero|lite|instruct|base|distill{_H}(?:qwen|llama){_H}\d+(?:\.\d+)?b|{_MMDD})"
    rf"(?!\w)){{0,6}}"
    rf"{_END}",
    rf"grok{_S}\d(?!\d)(?:\.\d(?!\d))?(?!\w|\.\d)"
    rf"(?:{_H}(?:mini|vision|beta|fast|reasoning|non{_H}reasoning|heavy|code|{_MMDD})(?!\w)){{0,6}}"
    rf"(?:{_SP}(?:mini|heavy|fast)(?!\w))?{_END}",
    rf"grok{_H}(?:code{_H}fast{_H}\d|beta|vision{_H}beta){_END}",
    rf"command{_S}(?:r(?:\+|{_S}plus|7b)?|a)(?!\w)(?:{_H}(?:plus|vision|reasoning|translate)(?!\w)){{0,3}}"
    rf"(?:{_H}\d{{2}}{_H}20\d{{2}}(?!\d))?(?![\w+]|[.,]\d)",
    rf"command{_H}(?:light|nightly){_END}",
]

# Hugging Face repo ids ---------------------------------------------------------------------------
#: Known model orgs, in their usual spelling (ids are case-insensitive on the Hub).
HF_ORGS = (
    "meta-llama", "mistralai", "Qwen", "google", "microsoft", "deepseek-ai", "nvidia", "allenai", "ibm-granite",
    "tiiuae", "bigscience", "bigcode", "EleutherAI", "HuggingFaceTB", "HuggingFaceH4", "openai", "openai-community",
    "CohereForAI", "CohereLabs", "01-ai", "stabilityai", "black-forest-labs", "mosaicml", "databricks", "Salesforce",
    "NousResearch", "THUDM", "zai-org", "moonshotai", "MiniMaxAI", "openbmb", "internlm", "baichuan-inc", "xai-org",
    "apple", "facebook", "FacebookAI", "google-bert", "Alibaba-NLP", "BAAI", "intfloat", "sentence-transformers",
    "nomic-ai", "jinaai", "Snowflake", "LiquidAI", "ServiceNow-AI", "upstage", "amazon", "tencent", "baidu",
    "ByteDance-Seed", "inclusionAI", "stepfun-ai", "ai21labs", "answerdotai", "mixedbread-ai", "lmsys",
    "unsloth", "TheBloke", "bartowski", "mlx-community", "lmstudio-community",
)
_ORG_CASE = {o.lower(): o for o in HF_ORGS}
# The look-behinds come after "org/" so that every alternative starts with plain letters (which the
# regex engine can reject with one comparison): no "blog.google/...", "github.com/openai/...".
_HF = [rf"{re.escape(o)}/(?<!\.{re.escape(o)}/)(?<!github\.com/{re.escape(o)}/)(?<!gitlab\.com/{re.escape(o)}/)"
       rf"\w[\w.\-]{{0,95}}(?<=\w)(?!\w|[.\-]\w)"
       for o in sorted(_ORG_CASE, key=len, reverse=True)]

# Families whose ids an org may canonicalise inside "org/name" (its own models).
_ORG_FAMILIES = {
    "meta-llama": {"llama"}, "qwen": {"qwen"}, "google": {"gemma", "gemini"}, "openai": {"openai"},
    "mistralai": {"mistral"},
}


#: Characters that continue a word: digits, "_" and the letters of Latin, Greek and Cyrillic scripts
#: (lower case: the text is lower-cased). Names must not touch them on either side, so "4o" in
#: "gpt-4o" or "gpt-4" in "gpt-4x" are not names. Other scripts (CJK, Arabic, ...) do separate words
#: from names: Chinese puts "GPT-4o" between ideographs without spaces. "\\w" in the grammar means this.
_WORD = "0-9_a-z\u00aa\u00b5\u00ba\u00df-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u052f"
#: What may stand just before a name: anything else except a hyphen.
_BOUNDARY = f"[^{_WORD}\\-\u2010\u2011]"
# Word-initial letters of English text, most frequent first: the regex tries the groups in this order.
_INITIAL_ORDER = "taoswichbpmfdlrengyuvkjqxz0123456789"


def _build(alternatives: list[str]) -> re.Pattern[str]:
    """One regex: a left-boundary character, then the alternatives grouped by their first letter.

    Starting with a character class lets the regex engine skip the letters and digits inside words
    without trying the pattern (names only start after a boundary); grouping by first letter keeps
    each attempt to a few comparisons.
    """
    groups: dict[str, list[str]] = {}
    for alt in alternatives:
        groups.setdefault(alt[0], []).append(alt[1:])
    order = sorted(groups, key=lambda c: _INITIAL_ORDER.find(c) % 99)
    body = "|".join(f"{re.escape(c)}(?:{'|'.join(groups[c])})" for c in order)
    body = body.replace("[\\w", f"[{_WORD}").replace("\\w", f"[{_WORD}]")
    return re.compile(f"{_BOUNDARY}({body})")


_ALTERNATIVES = [*_HF, *_OPENAI, *_ANTHROPIC, *_GOOGLE, *_META, *_QWEN, *_MISTRAL, *_OTHERS]
_RX = _build(_ALTERNATIVES)

_CONTEXT = {
    "openai": re.compile(r"openai|chatgpt|gpt|model|reasoning|o[1-9]-(?:mini|pro)"),
    "cohere": re.compile(r"cohere"),
}
_CONTEXT_WINDOW = 100


# --------------------------------------------------------------------------------------------------
# Canonicalisation of one matched name
# --------------------------------------------------------------------------------------------------

_SEP_TRANS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u00a0": " ", "\u202f": " ", "\u00b7": "-",
                            "\u2022": "-"})
_OPENAI_DATE = re.compile(r"-(?:\d{4}-\d{2}-\d{2}|(?:0[1-9]|1[0-2])[0-3]\d|latest)(?=-|$)")
_GEMINI_DATE = re.compile(r"-(?:00\d|latest|\d{2}-\d{2}|\d{4})(?=-|$)")
_MMDD_DATE = re.compile(r"-(?:(?:0[1-9]|1[0-2])[0-3]\d|latest)(?=-|$)")
_COHERE_DATE = re.compile(r"-(?:\d{2}-20\d{2}|latest)$")
_SIZE = re.compile(r"\d+(?:\.\d+)?[bm]|\d+x\d+b|a\d+(?:\.\d+)?b|\d+e")

_LLAMA_WORDS = {"instruct": "Instruct", "vision": "Vision", "scout": "Scout", "maverick": "Maverick",
                "behemoth": "Behemoth", "fp8": "FP8", "chat": "chat", "hf": "hf"}
_QWEN_WORDS = {"instruct": "Instruct", "chat": "Chat", "coder": "Coder", "vl": "VL", "math": "Math", "omni": "Omni",
               "audio": "Audio", "next": "Next", "thinking": "Thinking", "base": "Base", "embedding": "Embedding",
               "reranker": "Reranker", "awq": "AWQ", "gguf": "GGUF", "gptq": "GPTQ", "int4": "Int4", "int8": "Int8",
               "fp8": "FP8", "preview": "Preview", "max": "Max"}
_MISTRAL_GENERATION_TIERS = {"large", "medium", "small", "tiny"}
_OPENAI_ALIASES = {"gpt-4-preview": "gpt-4-turbo-preview"}   # gpt-4-1106-preview, gpt-4-0125-preview


def _dated(name: str, date_rx: re.Pattern[str]) -> tuple[str, str | None]:
    """(model, version): the version is the whole id when it carries a date or "-latest"."""
    model = date_rx.sub("", name)
    return (model, name) if model != name else (name, None)


def _openai(s: str) -> tuple[str, str | None] | None:
    s = s.replace(" ", "-")
    if s.startswith("gpt"):
        s = re.sub(r"^gpt-?", "gpt-", s)
        s = re.sub(r"^gpt-([3-9])-(\d)(?=-|$)", r"gpt-\1.\2", s)          # URL slug "gpt-4-1" = GPT-4.1
        if s.startswith("gpt-oss"):
            return "openai/" + s, None
    elif s.startswith("dall"):
        s = re.sub(r"^dall[-. ]?e-?", "dall-e-", s)
    model, version = _dated(s, _OPENAI_DATE)
    return _OPENAI_ALIASES.get(model, model), version


def _anthropic(s: str, orig: str) -> tuple[str, str | None] | None:
    toks = [t for t in re.split(r"[-\s.@:]+", s) if t]
    if toks[0] != "claude":                    # bare "Sonnet 4.5": only with the capital
        if not orig[:1].isupper():
            return None
    nums: list[str] = []
    tier = date = None
    latest = after_v = False
    for t in toks:
        if t == "claude":
            continue
        if re.fullmatch(r"20\d{6}", t):
            date = t
        elif t == "latest":
            latest = True
        elif re.fullmatch(r"v\d", t):
            after_v = True                     # Vertex "-v2@date", Bedrock "-v2:0": not part of the id
        elif t.isdigit():
            if not after_v:
                nums.append(t)
        else:
            tier = t
    if not nums:
        if tier != "instant":
            return None
        model = "claude-instant"
    else:
        major = nums[0]
        minor = nums[1] if len(nums) > 1 and nums[1] != "0" else None
        if tier == "instant":
            model = f"claude-instant-{major}" + (f".{minor}" if minor else "")
        elif tier is None:
            sep = "." if int(major) <= 2 else "-"
            model = f"claude-{major}" + (f"{sep}{minor}" if minor else "")
        elif int(major) >= 4:
            model = f"claude-{tier}-{major}" + (f"-{minor}" if minor else "")
        else:
            model = f"claude-{major}" + (f"-{minor}" if minor else "") + f"-{tier}"
    if date:
        return model, f"{model}-{date}"
    if latest:
        return model, f"{model}-latest"
    return model, None


def _gemini(s: str) -> tuple[str, str | None]:
    s = s.replace(" ", "-")
    s = re.sub(r"^gemini-(\d)-(\d)(?=-|$)", r"gemini-\1.\2", s)
    return _dated(s, _GEMINI_DATE)


def _gemma(s: str) -> tuple[str, str | None]:
    toks = [t for t in re.split(r"[-\s:_]+", re.sub(r"^gemma", "", s)) if t]
    parts = ["gemma"] + [t.upper() if re.fullmatch(r"e\d+b", t) else t for t in toks]
    return "google/" + "-".join(parts), None


def _llama(s: str) -> tuple[str, str | None] | None:
    rest = re.sub(r"^(?:meta[-\s])?llama[-\s]?", "", s)
    guard = rest.startswith("guard")
    if guard:
        rest = re.sub(r"^guard[-\s]?", "", rest)
    m = re.match(r"(\d)(?:\.(\d)|-(\d)(?![\w.]))?", rest)
    if not m:
        return None
    major, minor = m.group(1), m.group(2) or m.group(3)
    ver = major + (f".{minor}" if minor else "")
    parts = []
    for t in re.split(r"[-\s:_]+", rest[m.end():]):
        if not t:
            continue
        if _SIZE.fullmatch(t):
            parts.append(t if major == "2" else t.upper())
        else:
            parts.append(_LLAMA_WORDS.get(t, t))
    if guard:
        head = f"Llama-Guard-{ver}"
    elif ver == "3":
        head = "Meta-Llama-3"
    else:
        head = f"Llama-{ver}"
    return "meta-llama/" + "-".join([head, *parts]), None


def _qwen(s: str) -> tuple[str, str | None]:
    m = re.match(r"(qwq|qwen)(?:[-\s]?(\d(?:\.\d)?)(?![\w.]))?", s)
    head = "QwQ" if m.group(1) == "qwq" else "Qwen" + (m.group(2) or "")
    parts = []
    for t in re.split(r"[-\s:_]+", s[m.end():]):
        if t:
            parts.append(t.upper() if _SIZE.fullmatch(t) else _QWEN_WORDS.get(t, t))
    return "Qwen/" + "-".join([head, *parts]), None


def _mistral(s: str) -> tuple[str, str | None]:
    toks = re.sub(r"^open-", "", s.replace(" ", "-")).split("-")
    last = toks[-1]
    if len(toks) > 1 and (last == "latest" or re.fullmatch(r"2\d(?:0[1-9]|1[0-2])", last)
                          or (toks[-2] in _MISTRAL_GENERATION_TIERS and re.fullmatch(r"\d(?:\.\d)?", last))):
        return "-".join(toks[:-1]), "-".join(toks)
    return "-".join(toks), None


def _deepseek(s: str) -> tuple[str, str | None]:
    s = re.sub(r"^deepseek-?", "deepseek-", s.replace(" ", "-"))
    return _dated(s, _MMDD_DATE)


def _grok(s: str, orig: str) -> tuple[str, str | None] | None:
    if s[4:5] == " " and orig[:1] != "G":          # "to grok 2 ideas" is a verb
        return None
    return _dated(s.replace(" ", "-"), _MMDD_DATE)


def _cohere(s: str, orig: str) -> tuple[tuple[str, str | None], str | None] | None:
    """((model, version), context needed)."""
    api_form = orig == s and " " not in s             # lower-case API id as written in code
    s = s.replace("r+", "r-plus").replace(" ", "-")
    model, version = _dated(s, _COHERE_DATE)
    if " " in orig or "\u00a0" in orig:
        if not (orig.startswith("Command") and orig[8:9].isupper()):
            return None
        need = None if model in ("command-r-plus", "command-r7b") else "cohere"
    elif model in ("command-a", "command-light", "command-nightly") and version is None:
        need = "cohere"
    elif not api_form:
        need = "cohere"                                 # "Command-R" is also a keyboard shortcut
    else:
        need = None
    return (model, version), need


def _hf(s: str, orig: str) -> tuple[str, str | None] | None:
    org, name = s.split("/", 1)
    orig_name = orig.split("/", 1)[1]
    if not any(c.isdigit() for c in name):
        return None
    families = _ORG_FAMILIES.get(org)
    if families and _RX.fullmatch(" " + name):
        parsed = _canonical(orig_name)
        if parsed is not None and parsed[1] is None and parsed[2] in families:
            return parsed[0]
    return f"{_ORG_CASE.get(org, org)}/{orig_name}", None


_FAMILY_PREFIXES = (
    ("gpt", "openai"), ("chatgpt", "openai"), ("text-", "openai"), ("davinci", "openai"), ("babbage", "openai"),
    ("whisper", "openai"), ("tts", "openai"), ("dall", "openai"), ("sora", "openai"), ("omni", "openai"),
    ("codex", "openai"), ("computer", "openai"), ("claude", "anthropic"), ("sonnet", "anthropic"),
    ("opus", "anthropic"), ("haiku", "anthropic"), ("gemini", "gemini"), ("gemma", "gemma"), ("llama", "llama"),
    ("meta", "llama"), ("qwen", "qwen"), ("qwq", "qwen"), ("deepseek", "deepseek"), ("grok", "grok"),
    ("command", "cohere"),
)


@lru_cache(maxsize=8192)
def _canonical(orig: str) -> tuple[tuple[str, str | None], str | None, str] | None:
    """((model, version), context needed or None, family) of a matched name, or None to drop it."""
    s = orig.translate(_SEP_TRANS).lower()
    need = None
    if "/" in s:
        res = _hf(s, orig)
        return (res, None, "hf") if res else None
    family = next((f for p, f in _FAMILY_PREFIXES if s.startswith(p)), None)
    if family is None:
        if re.match(r"o\d", s):
            family = "openai"
            if not re.match(r"o\d-", s):           # bare "o1"/"o3" (or "o1 pro"): lower case and in context
                if orig[0] != "o":
                    return None
                need = "openai"
        else:
            family = "mistral"
    if family == "openai":
        res = _openai(s)
    elif family == "anthropic":
        res = _anthropic(s, orig)
    elif family == "gemini":
        res = _gemini(s)
    elif family == "gemma":
        res = _gemma(s)
    elif family == "llama":
        res = _llama(s)
    elif family == "qwen":
        res = _qwen(s)
    elif family == "deepseek":
        res = _deepseek(s)
    elif family == "grok":
        res = _grok(s, orig)
    elif family == "cohere":
        out = _cohere(s, orig)
        if out is None:
            return None
        res, need = out
    else:
        res = _mistral(s)
    if res is None:
        return None
    return res, need, family


def _in_context(need: str, low: str, start: int, end: int, memo: dict) -> bool:
    """Whether a context word of kind `need` is within _CONTEXT_WINDOW characters of low[start:end].

    The first few checks search their window; a text with many candidates (a list of "o1"/"o3")
    gets the offsets of all context words once and then bisects.
    """
    rx = _CONTEXT[need]
    lo, hi = max(0, start - _CONTEXT_WINDOW), end + _CONTEXT_WINDOW
    offsets = memo.get(need)
    if offsets is None:
        checks = memo.get(need + "#", 0)
        if checks < 8:
            memo[need + "#"] = checks + 1
            return rx.search(low, lo, hi) is not None
        offsets = memo[need] = [c.start() for c in rx.finditer(low)]
    i = bisect_left(offsets, lo)
    return i < len(offsets) and offsets[i] < hi


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # A few characters lower-case to two ("İ" -> "i̇"): keep those as they are so offsets stay valid.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


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
        lowered = _lower_same_length(text)
    low = " " + lowered                      # the leading space is the left boundary of a name at offset 0
    out: list[Mention] = []
    seen: set[tuple[str, str | None]] = set()
    context: dict = {}                     # per kind: checks made, then offsets of context words
    for m in _RX.finditer(low):
        start, end = m.start(1), m.end(1)
        orig = text[start - 1:end - 1]
        parsed = _canonical(orig)
        if parsed is None:
            continue
        key, need, _family = parsed
        if key in seen:
            continue
        if need is not None and not _in_context(need, low, start, end, context):
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
    low = " " + _lower_same_length(name)
    if _RX.fullmatch(low):
        parsed = _canonical(name)           # a whole name needs no context, even a bare "o3"
        if parsed is not None:
            return parsed[0]
    found = find_mentions(name)
    if len(found) == 1:
        return found[0].model, found[0].version
    if "/" in name:
        org, rest = name.split("/", 1)
        return f"{_ORG_CASE.get(org.lower(), org)}/{rest}", None
    return re.sub(r"[\s_]+", "-", name.lower()), None


def normalize_model(name: str) -> str:
    """Canonical id of a model name, e.g. "GPT-4o mini" -> "gpt-4o-mini".

    A pinned version stays pinned ("Claude 3.5 Sonnet 20241022" is not written that way, but
    "claude-3-5-sonnet-20241022" -> itself, "gpt-4o-2024-08-06" -> itself); use
    `split_model(name)[0]` for the family id that `Mention.model` holds.
    """
    model, version = split_model(name)
    return version or model


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
