"""Canonicalisation of one matched model name (see mentions.py for the canonical ids): the family
id and, for a dated or pinned variant, its version; plus the context check of ambiguous names.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from .mention_grammar import CONTEXT, CONTEXT_WINDOW, ORG_CASE, ORG_FAMILIES, name_rx

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
        s = re.sub(r"^gpt-35-turbo", "gpt-3.5-turbo", s)                  # Azure's spelling
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
    assert m is not None, s   # callers pass only names that start with qwen / qwq
    head = "QwQ" if m.group(1) == "qwq" else "Qwen" + (m.group(2) or "")
    parts = []
    for t in re.split(r"[-\s:_]+", s[m.end():]):
        if t:
            parts.append(t.upper() if _SIZE.fullmatch(t) else _QWEN_WORDS.get(t, t))
    return "Qwen/" + "-".join([head, *parts]), None


_PHI_WORDS = {"moe": "MoE"}


def _phi(s: str, orig: str) -> tuple[str, str | None] | None:
    """Hugging Face's id under microsoft/: "Phi 3.5 mini" -> "microsoft/Phi-3.5-mini". Prose with a
    space needs the capital ("phi 2" may be the Greek letter)."""
    if s[3:4] == " " and orig[:1] != "P":
        return None
    m = re.match(r"phi[-\s]?(\d(?:\.5)?)", s)
    if m is None:
        return None
    parts = [_PHI_WORDS.get(t, t) for t in re.split(r"[-\s_]+", s[m.end():]) if t]
    return "microsoft/" + "-".join([f"Phi-{m.group(1)}", *parts]), None


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
    families = ORG_FAMILIES.get(org)
    if families and name_rx().fullmatch(" " + name):
        parsed = canonical(orig_name)
        if parsed is not None and parsed[1] is None and parsed[2] in families:
            return parsed[0]
    return f"{ORG_CASE.get(org, org)}/{orig_name}", None


_FAMILY_PREFIXES = (
    ("gpt", "openai"), ("chatgpt", "openai"), ("text-", "openai"), ("davinci", "openai"), ("babbage", "openai"),
    ("whisper", "openai"), ("tts", "openai"), ("dall", "openai"), ("sora", "openai"), ("omni", "openai"),
    ("codex", "openai"), ("computer", "openai"), ("claude", "anthropic"), ("sonnet", "anthropic"),
    ("opus", "anthropic"), ("haiku", "anthropic"), ("gemini", "gemini"), ("gemma", "gemma"), ("llama", "llama"),
    ("meta", "llama"), ("qwen", "qwen"), ("qwq", "qwen"), ("deepseek", "deepseek"), ("grok", "grok"),
    ("command", "cohere"), ("phi", "phi"),
)


@lru_cache(maxsize=8192)
def canonical(orig: str) -> tuple[tuple[str, str | None], str | None, str] | None:
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
    elif family == "phi":
        res = _phi(s, orig)
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


def in_context(need: str, low: str, start: int, end: int, memo: dict[str, Any]) -> bool:
    """Whether a context word of kind `need` is within CONTEXT_WINDOW characters of low[start:end].

    The first few checks search their window; a text with many candidates (a list of "o1"/"o3")
    gets the offsets of all context words once and then bisects.
    """
    rx = CONTEXT[need]
    lo, hi = max(0, start - CONTEXT_WINDOW), end + CONTEXT_WINDOW
    offsets = memo.get(need)
    if offsets is None:
        checks = memo.get(need + "#", 0)
        if checks < 8:
            memo[need + "#"] = checks + 1
            return rx.search(low, lo, hi) is not None
        offsets = memo[need] = [c.start() for c in rx.finditer(low)]
    i = bisect_left(offsets, lo)
    return i < len(offsets) and offsets[i] < hi


def lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # A few characters lower-case to two ("İ" -> "i̇"): keep those as they are so offsets stay valid.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
