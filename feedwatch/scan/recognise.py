"""Is this literal a model id, and which one? Scanner syntax is peeled here; the canonical id comes
from the one canonicaliser (`feedwatch.enrich.mentions.normalize_model`).

A literal is a model when, once the wrappers of the place it is written in are removed (promptfoo
`openai:chat:`, LiteLLM routes `bedrock/`, Bedrock `us.anthropic.` and `-v2:0`, Vertex
`publishers/google/models/`, Azure's `gpt-35-turbo`, Ollama `:8b` tags), the model-name grammar
matches all of it, or the model catalogue (`known`, canonical ids) knows it. A literal that merely
contains a name ("results/gpt-4o-eval.json", "llama_index") is not a model: precision first. A bare
id the grammar only accepts in context ("o1") needs a model-ish key on its line (`model="o1"`).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from ..enrich.mention_grammar import HF_ORGS, name_rx
from ..enrich.mentions import find_mentions, normalize_model
from ..enrich.model_ids import ROUTING, platform_hint

# promptfoo provider ids (`openai:gpt-4o`, `openai:chat:gpt-4o`, `ollama:chat:llama3.1:8b`, `bedrock:...`).
_PROMPTFOO = re.compile(
    r"^(?:openai|anthropic|azure|azureopenai|bedrock|vertex|google|googleai|gemini|ollama|mistral|groq|together"
    r"|openrouter|deepseek|xai|huggingface|hf|localai|vllm|cohere|replicate|perplexity|fireworks|litellm|watsonx"
    r"|voyage|jina|cloudflare-ai|llamafile|llama|databricks|cerebras|sambanova|ai21|alibaba|github)"
    r":(?:(?:chat|completion|messages|embedding|embeddings|responses|text-generation|feature-extraction"
    r"|assistant|realtime|image|moderation|classification|converse|completions):)?(?=.)")
# Routing prefixes of LiteLLM, Genkit and gateways (`vertex_ai/gemini-1.5-pro`, `googleai/gemini-2.0-flash`).
_ROUTERS = frozenset({
    "azure", "azure_ai", "bedrock", "bedrock_converse", "vertex_ai", "vertex_ai_beta", "vertexai", "googleai",
    "openai", "anthropic", "gemini", "ollama", "ollama_chat", "groq", "together_ai", "openrouter", "deepinfra",
    "fireworks_ai", "mistral", "huggingface", "hosted_vllm", "sagemaker", "watsonx", "xai", "deepseek",
    "perplexity", "replicate", "cohere", "text-completion-openai", "databricks", "nvidia_nim", "cerebras",
    "sambanova", "anyscale", "cloudflare", "lm_studio", "github", "models", "litellm_proxy",
})
_VERTEX_PATH = re.compile(r"(?:^|/)publishers/[\w-]+/models/([^/]+)$")
_BEDROCK = re.compile(r"^(?:(?:us|eu|apac|global|us-gov|ca|jp|au)\.)?"
                      r"(?:anthropic|meta|amazon|cohere|mistral|ai21|deepseek|openai|qwen|writer|stability)\.(.+)$")
_AZURE_35 = re.compile(r"^gpt-35-turbo", re.I)
_SUFFIX = re.compile(r"^(?:-v\d+(?::\d+)?|:[\w.-]+|@[\w.-]+)?$")   # Bedrock -v1:0, Ollama :8b, Vertex @001
_SHAPE = re.compile(r"^[\w.:/@+-]{2,160}$")
_FILE_EXT = re.compile(r"\.(?:csv|tsv|jsonl?|txt|md|py|ya?ml|toml|png|jpe?g|log|html?|pkl|parquet|zip|gz|ipynb"
                       r"|js|ts|go|sh|bin|pt|onnx|gguf|safetensors|db|sqlite)$", re.I)
# The clouds that host other vendors' models on retirement schedules of their own (Azure often retires
# a model months before OpenAI does): a literal that names one keeps it, in LiteLLM's spelling, so
# the asset's model gets that platform's dates ("azure/gpt-4o-mini", see lifecycle/catalog.py).
_HOSTS = {"azure": "azure", "bedrock": "bedrock", "vertex": "vertex_ai"}
_PROMPTFOO_HOSTS = {"azure": "azure", "azureopenai": "azure", "bedrock": "bedrock", "vertex": "vertex"}
#: Keys under which a bare, ambiguous id is still a model.
MODEL_KEYS = re.compile(r"model|engine|deployment|(?:^|[_.-])llm$", re.I)


def peel(token: str) -> str:
    """The model part of a literal: the wrappers of promptfoo, routers, Bedrock, Vertex and Azure removed."""
    t = token.strip()
    m = _PROMPTFOO.match(t)
    if m:
        t = t[m.end():]
    m = _VERTEX_PATH.search(t)
    if m:
        t = m.group(1)
    while "/" in t:
        head, rest = t.split("/", 1)
        if head.lower() not in _ROUTERS or not rest:
            break
        t = rest
    m = _BEDROCK.match(t)
    if m:
        t = m.group(1)
    if _AZURE_35.match(t):
        t = "gpt-3.5-turbo" + t[12:]
    return t


def host_of(token: str) -> str | None:
    """The cloud platform (azure | bedrock | vertex) a literal says its model is served on, if any:
    a promptfoo or LiteLLM prefix, a Bedrock invoke id, a Vertex "@version" or model path, or
    Azure's own "gpt-35-turbo" spelling."""
    t = token.strip()
    m = _PROMPTFOO.match(t)
    if m:
        host = _PROMPTFOO_HOSTS.get(t.split(":", 1)[0].lower())
        if host:
            return host
        t = t[m.end():]
    if _VERTEX_PATH.search(t):
        return "vertex"
    hint = platform_hint(t)
    if hint in _HOSTS:
        return hint
    return "azure" if _AZURE_35.match(ROUTING.sub("", t)) else None


def on_host(model: str, host: str | None) -> str:
    """`model` as served on `host`: "azure/gpt-4o-mini"; the model itself with no host."""
    return f"{_HOSTS[host]}/{model}" if host in _HOSTS else model


class Recognizer:
    """Decides whether literals are model ids; `known` is the catalogue's canonical ids (or None)."""

    def __init__(self, known: Collection[str] | None = None):
        self.known = frozenset(k.lower() for k in known) if known else frozenset()
        self._cache: dict[tuple[str, bool], str | None] = {}

    def model(self, token: str, key: str = "") -> str | None:
        """The canonical id when `token` (a whole literal or value) is a model id, else None; prefixed
        with the cloud that serves it when the literal names one ("azure/gpt-4o-mini", see _HOSTS)."""
        keyed = bool(key) and MODEL_KEYS.search(key) is not None
        ck = (token, keyed)
        if ck in self._cache:
            return self._cache[ck]
        out = self._model(token, keyed)
        if out is not None:
            out = on_host(out, host_of(token))
        if len(self._cache) < 100_000:
            self._cache[ck] = out
        return out

    def _model(self, token: str, keyed: bool) -> str | None:
        t = token.strip()
        if not _SHAPE.match(t) or "://" in t or _FILE_EXT.search(t):
            return None
        core = peel(t)
        if not core:
            return None
        low = core.lower()
        if name_rx().fullmatch(" " + low):
            if find_mentions(core) or keyed:                # bare "o1" needs a model key
                return normalize_model(core)
            return None
        found = find_mentions(core)
        if len(found) == 1 and found[0].start == 0 and _SUFFIX.match(core[len(found[0].text):]):
            base = core[:len(found[0].text)]
            rest = core[len(base):]
            # Keep what the canonicaliser reads (Bedrock/Vertex pins); drop an Ollama tag it does not.
            return normalize_model(core if rest.startswith(("-v", "@")) else base)
        return self._catalogued(core, keyed)

    def _catalogued(self, core: str, keyed: bool) -> str | None:
        """An id the grammar does not parse but the catalogue knows (e.g. "nova-premier-v1:0")."""
        if not self.known:
            return None
        bare = re.sub(r"(?:-v\d+(?::\d+)?|:\d+k?|@[\w.-]+)$", "", core)
        for cand in (core, bare):
            low = cand.lower()
            if not (keyed or re.search(r"\d", core) and re.search(r"[a-z]{2}", low)):
                continue                # written without a digit ("search-api"): only under a model key
            if low in self.known:
                return low
            norm = normalize_model(cand)
            if norm.lower() in self.known:
                return norm
        return None


def prefilter_words(known: Collection[str] | None = None) -> list[str]:
    """Substrings one of which every line holding a model id or a prompt constant contains.

    They are the first letters of each alternative of the grammar, the Hugging Face orgs, the stems
    of the catalogue's ids, and "prompt"; used by the scanner to skip lines (and files) fast.
    """
    words = {"gpt", "chatgpt", "o1", "o3", "o4", "o5", "text-embedding", "text-davinci", "davinci", "babbage",
             "whisper", "tts-1", "dall", "sora", "omni-moderation", "codex", "computer-use", "claude", "sonnet",
             "opus", "haiku", "gemini", "gemma", "llama", "qwen", "qwq", "mistral", "mixtral", "ministral",
             "codestral", "pixtral", "magistral", "devstral", "deepseek", "grok", "command", "phi", "prompt"}
    words.update(o.lower() + "/" for o in HF_ORGS)
    for k in known or ():
        name = re.sub(r"^[a-z-]+\.(?=[a-z])", "", k.lower().rsplit("/", 1)[-1])   # "amazon.nova-pro" -> "nova-pro"
        stem = m.group() if (m := re.match(r"[a-z]*", name)) else ""
        if len(stem) >= 3:
            words.add(stem)
    return sorted(words)
