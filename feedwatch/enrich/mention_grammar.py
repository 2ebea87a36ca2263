"""The grammar of model names (see mentions.py for what it finds and why): one compiled regex
over lower-cased text, built from per-provider alternatives grouped by first letter, plus the
context words that a few ambiguous names need nearby.
"""

from __future__ import annotations

import re
from functools import lru_cache

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
             rf"|35(?={_H}turbo(?!\w))"                    # Azure's name for gpt-3.5-turbo
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

# Microsoft Phi -----------------------------------------------------------------------------------
_PHI_TOK = r"(?:mini|medium|small|vision|moe|multimodal|reasoning|plus|instruct|flash|\d{1,3}k|onnx|gguf)(?!\w)"
_PHI = [
    rf"phi{_S}?[1-9](?:\.5)?(?!\w|\.\d)(?:[-\u2010\u2011_]{_PHI_TOK}){{0,6}}"
    rf"(?:{_SP}(?:mini|medium|small|vision|moe|multimodal|reasoning)(?!\w)){{0,2}}{_END}",
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
ORG_CASE = {o.lower(): o for o in HF_ORGS}
# The look-behinds come after "org/" so that every alternative starts with plain letters (which the
# regex engine can reject with one comparison): no "blog.google/...", "github.com/openai/...".
_HF = [rf"{re.escape(o)}/(?<!\.{re.escape(o)}/)(?<!github\.com/{re.escape(o)}/)(?<!gitlab\.com/{re.escape(o)}/)"
       rf"\w[\w.\-]{{0,95}}(?<=\w)(?!\w|[.\-]\w)"
       for o in sorted(ORG_CASE, key=len, reverse=True)]

# Families whose ids an org may canonicalise inside "org/name" (its own models).
ORG_FAMILIES = {
    "meta-llama": {"llama"}, "qwen": {"qwen"}, "google": {"gemma", "gemini"}, "openai": {"openai"},
    "mistralai": {"mistral"}, "microsoft": {"phi"},
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


_ALTERNATIVES = [*_HF, *_OPENAI, *_ANTHROPIC, *_GOOGLE, *_META, *_QWEN, *_MISTRAL, *_PHI, *_OTHERS]


@lru_cache(maxsize=1)
def name_rx() -> re.Pattern[str]:
    """The grammar, compiled on first use (~0.2 s): a fetch worker that only stores items whose
    titles name no model never pays for it (see `may_name_model`)."""
    return _build(_ALTERNATIVES)


def _lead(alternative: str) -> str:
    """The literal text every match of `alternative` starts with, as a regex ("" if none): its
    leading letters, and the character class after them unless that class is optional."""
    m = re.match(r"(?:[a-z0-9/]|\\[^a-zA-Z0-9])+", alternative)
    if m is None:
        return ""
    lead = re.escape(re.sub(r"\\(.)", r"\1", m.group(0)))
    cls = re.match(r"\[[^\]]*\](?![?*{])", alternative[m.end():])
    return lead + (cls.group(0) if cls else "")


# Every name the grammar can find contains one of these (an HF repo id its "org/"): a cheap test that
# rules out most titles before the grammar is compiled or run.
_LEADS = sorted({_lead(a) for a in _ALTERNATIVES}, key=len, reverse=True)
_ATOM = re.compile(r"\\.|\[[^\]]*\]|.", re.S)   # one character of a lead: escaped, a class, or itself


_Node = dict[str, "_Node"]


def _trie(leads: list[str]) -> str:
    """The leads as one regex that shares their common beginnings ("c(?:laude|ode(?:stral|x))").

    A flat alternation of ~100 leads tries every one of them at every position of a title (~16 µs
    a title); the trie tries one branch per character (~4 µs). Both match the same texts."""
    root: _Node = {}
    for lead in leads:
        node = root
        for atom in _ATOM.findall(lead):
            node = node.setdefault(atom, {})
        node[""] = {}     # a lead ends here

    def emit(node: _Node) -> str:
        alternatives = [atom + emit(child) for atom, child in sorted(node.items()) if atom]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if "" in node else body    # "": a shorter lead ends here, the rest is optional
    return emit(root)


_LEADS_RX = re.compile(_trie(_LEADS)) if all(_LEADS) else re.compile("")


def may_name_model(lowered: str) -> bool:
    """False only if the (lower-cased) text names no model `find_mentions` would find."""
    return _LEADS_RX.search(lowered) is not None


CONTEXT = {
    "openai": re.compile(r"openai|chatgpt|gpt|model|reasoning|o[1-9]-(?:mini|pro)"),
    "cohere": re.compile(r"cohere"),
}
CONTEXT_WINDOW = 100
