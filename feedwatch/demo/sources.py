"""The demo's sources and the config that points all of them at the refused loopback port."""

from __future__ import annotations

from ..config import Config, bundled_config_path, load_config, parse_config
from .common import LOOPBACK

# (name, kind, kind-specific key/value); titles, tags and intervals come from the bundled
# feeds.toml when it has a source of that name.
DEMO_SOURCES: tuple[tuple[str, str, dict], ...] = (
    ("arxiv-cs-cl", "feed", {}),
    ("arxiv-cs-lg", "feed", {}),
    ("arxiv-prompting", "arxiv", {"query": 'cat:cs.CL AND (abs:"prompt engineering" OR abs:"in-context learning")',
                                  "max_results": 50}),
    ("arxiv-llm-security", "arxiv", {"query": '(cat:cs.CL OR cat:cs.CR) AND (abs:"prompt injection" OR abs:jailbreak)',
                                     "max_results": 50}),
    ("openai-news", "feed", {}),
    ("anthropic-news", "feed", {}),
    ("google-deepmind", "feed", {}),
    ("meta-ai", "feed", {}),
    ("mistral-news", "feed", {}),
    ("huggingface-blog", "feed", {}),
    ("vllm-blog", "feed", {}),
    ("llm-community-digest", "feed", {"title": "LLM community digest (demo: hostile titles)",
                                      "tags": ["newsletter", "community-feed"], "interval": "6h"}),
    ("vllm-releases", "github", {"repo": "vllm-project/vllm"}),
    ("llama-cpp-releases", "github", {"repo": "ggml-org/llama.cpp"}),
    ("transformers-releases", "github", {"repo": "huggingface/transformers"}),
    ("openai-python-releases", "github", {"repo": "openai/openai-python"}),
    ("anthropic-python-releases", "github", {"repo": "anthropics/anthropic-sdk-python"}),
    ("hf-meta-llama", "huggingface", {"author": "meta-llama"}),
    ("hf-qwen", "huggingface", {"author": "Qwen"}),
    ("hf-mistralai", "huggingface", {"author": "mistralai"}),
    ("hf-google", "huggingface", {"author": "google"}),
    ("hf-deepseek-ai", "huggingface", {"author": "deepseek-ai"}),
    ("deprecations-info", "feed", {}),
)

# Sources whose last fetch failed, so source health has something to show:
# name -> (HTTP status, error message, consecutive errors, hours since the last success)
FAILING = {
    "anthropic-news": (503, "HTTP 503 Service Unavailable", 4, 46),
    "hf-deepseek-ai": (429, "HTTP 429 Too Many Requests; server asks to retry after 900 s", 1, 4),
}


def demo_config(base: Config | None = None) -> Config:
    """The demo's config: its sources (fetching only from 127.0.0.1:9), the bundled tags and assets."""
    base = base or load_config(bundled_config_path())
    sources = []
    for name, kind, spec in DEMO_SOURCES:
        known = base.source(name)
        table: dict = {"name": name, "kind": kind}
        table["title"] = spec.get("title") or (known.title if known and known.title else name)
        tags = spec.get("tags") or (list(known.tags) if known else [])
        if tags:
            table["tags"] = list(tags)
        interval = spec.get("interval") or (known and known.interval and _duration(known.interval))
        if interval:
            table["interval"] = interval
        if kind == "feed":
            table["url"] = f"{LOOPBACK}/feeds/{name}.xml"
        for key in ("query", "max_results", "repo", "author"):
            if key in spec:
                table[key] = spec[key]
        sources.append(table)
    data = {
        "fetch": {"timeout": 5, "interval": "1h"},
        "endpoints": {"arxiv_api": f"{LOOPBACK}/api/query", "github": LOOPBACK, "huggingface": LOOPBACK},
        "sources": sources,
        "tags": [{"name": t.name, "description": t.description, "keywords": list(t.keywords)} for t in base.tags],
        "assets": [_asset_table(a) for a in base.assets],
        "llm": {"enabled": False},
    }
    return parse_config(data)


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _asset_table(a) -> dict:
    table = {"name": a.name, "kind": a.kind, "description": a.description, "models": list(a.models),
             "topics": list(a.topics), "owner": a.owner}
    if a.path:
        table["path"] = a.path
    return table
