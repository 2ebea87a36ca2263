"""The demo's other sources: lab blogs, GitHub releases, Hugging Face models, deprecation notices."""

from __future__ import annotations

import random
from datetime import timedelta

from ..text import clean_line
from .common import HOSTILE_TITLES, SITE, Fetch, Timeline, make_entry
from .sources import DEMO_SOURCES

# --- blogs -----------------------------------------------------------------------------------
# source -> [(days_ago, hour, title, summary, authors)]
_BLOGS: dict[str, list[tuple[int, int, str, str, list[str]]]] = {
    "openai-news": [
        (20, 17, "Prompt caching now applies to Batch API requests",
         "Cached input tokens in Batch API jobs are now billed at the prompt caching discount. Long shared "
         "system prompts across a batch cost up to 75% less per million tokens.", ["OpenAI"]),
        (16, 18, "Structured Outputs: recursive JSON schemas and larger enums",
         "Structured Outputs now accept recursive JSON schema definitions and enums with up to 1,000 values. "
         "Constrained decoding guarantees the response matches the schema.", ["OpenAI"]),
        (12, 17, "How we evaluate long-context retrieval",
         "A look at the needle-in-a-haystack style evals we run on every model. We publish the harness and the "
         "results for context windows from 8k to 1M tokens.", ["OpenAI"]),
        (9, 18, "Upcoming retirement of gpt-4o-mini-2024-07-18 and older embedding snapshots",
         "We are retiring the gpt-4o-mini-2024-07-18 snapshot and text-embedding-3-small version 1 in the API. "
         "Requests will fail after the shutdown date; migrate to the newer gpt-4o-mini snapshot and re-embed "
         "your documents with the replacement embedding model.", ["OpenAI"]),
        (6, 17, "A new GPT-4o mini snapshot is now available in the API",
         "Today we are releasing gpt-4o-mini-2026-11-04, a new GPT-4o mini snapshot with better instruction "
         "following and function calling. The gpt-4o-mini alias will point to it in two weeks.", ["OpenAI"]),
        (4, 19, "Realtime API: lower latency speech-to-speech",
         "The Realtime API now streams audio out 40% sooner on average. Voice agents feel more natural, and "
         "pricing per audio minute is unchanged.", ["OpenAI"]),
        (2, 16, "Function calling in the Responses API: parallel tool calls by default",
         "Agents built on the Responses API now get parallel tool calls by default. You can turn them off per "
         "request when tools must run in order.", ["OpenAI"]),
    ],
    "anthropic-news": [
        (19, 15, "Message Batches: a larger discount for long-context requests",
         "Batched requests with more than 200k input tokens now get an extra discount. Pricing for prompt "
         "caching is unchanged.", []),
        (14, 16, "Claude 3.5 Haiku will be retired: migrate to Claude Haiku 4.5",
         "Claude 3.5 Haiku (claude-3-5-haiku-20241022) is deprecated and will be retired on the API, Amazon "
         "Bedrock and Google Cloud Vertex AI. Claude Haiku 4.5 is the recommended replacement and costs the "
         "same per million tokens for most workloads.", []),
        (10, 15, "Mitigating prompt injection in browser agents",
         "How we red-team computer use and browser agents against prompt injection hidden in web pages, and "
         "the guardrails we added to Claude for Chrome.", []),
        (7, 16, "Citations for retrieval-augmented answers",
         "The Citations API grounds answers in the documents you pass and returns the exact passages used. "
         "Early users report fewer hallucinations in RAG pipelines.", []),
        (3, 15, "Claude Sonnet 4.5 is now available in more regions",
         "Claude Sonnet 4.5 is now available in three more cloud regions, with the same pricing.", []),
    ],
    "google-deepmind": [
        (18, 14, "Gemini 2.5 Flash-Lite is now generally available",
         "Our fastest and most cost-efficient Gemini model is now generally available, with a 1M token context "
         "window and lower latency for high-volume classification.", ["Gemini team"]),
        (13, 15, "Gemma 3n: multimodal models for phones and laptops",
         "Introducing Gemma 3n, open-weight multimodal models that take text, image and audio input and run "
         "on-device in under 3 GB of memory.", ["Gemma team"]),
        (8, 14, "FACTS Grounding v2: a benchmark for long-form factuality",
         "An updated leaderboard that measures whether long answers stay grounded in the provided documents, "
         "with LLM-as-a-judge scoring from three different model families.", ["Google DeepMind"]),
        (3, 16, "Gemini Embedding: state-of-the-art retrieval in 100+ languages",
         "The Gemini embedding model tops multilingual retrieval benchmarks. It is now available in the Gemini "
         "API for semantic search and RAG.", ["Gemini team"]),
    ],
    "meta-ai": [
        (17, 16, "Llama Guard 4: one safety classifier for text and images",
         "Llama Guard 4 is a 12B multimodal safety classifier that screens prompts and responses for policy "
         "violations. Available today under the Llama license.", []),
        (5, 17, "An updated model card and safety guidance for Llama 3.1 8B Instruct",
         "We published a new version of the Llama 3.1 8B Instruct model card with evaluation results on recent "
         "benchmarks and updated guidance for tool calling and JSON output.", []),
    ],
    "mistral-news": [
        (15, 10, "Mistral Small 3.2: better instruction following and function calling",
         "Mistral Small 3.2 is now available on la Plateforme and as open weights under Apache 2.0, with fewer "
         "infinite generations and more reliable function calling.", []),
        (11, 9, "Deprecation of older Mistral Large and Codestral versions",
         "mistral-large-2407 and codestral-2405 are deprecated and will be retired. Move to the latest "
         "versions; pricing per million tokens is lower.", []),
        (2, 10, "Voxtral: open speech understanding models",
         "Voxtral Mini and Voxtral Small transcribe and understand speech in eight languages, and are available "
         "as open weights and through the API.", []),
    ],
    "huggingface-blog": [
        (20, 12, "Serving hundreds of LoRA adapters with TGI",
         "Multi-LoRA serving lets one deployment answer for hundreds of fine-tuned adapters. We benchmark "
         "throughput and latency with 8B base models.", ["Alicia Moreau", "Jun Tanaka"]),
        (15, 13, "Fine-tuning embedding models for domain retrieval",
         "A walkthrough of fine-tuning an embedding model and a reranker on your own support articles. Hybrid "
         "search with the fine-tuned embeddings lifts recall@10 by 11 points.", ["Priya Iyer"]),
        (11, 12, "Open LLM Leaderboard: new evals for instruction following",
         "The leaderboard adds IFEval-style instruction following and a long-context evaluation. Scores for 400 "
         "open models are recomputed.", ["Leaderboard team"]),
        (8, 13, "Quantizing Llama 3.1 8B Instruct to 4 bits without breaking JSON",
         "We compare GPTQ, AWQ and GGUF quantization of Llama 3.1 8B Instruct on structured output tasks. With "
         "constrained decoding, 4-bit models keep 99% JSON schema validity at half the memory.",
         ["Mateo Silva", "Hana Kim"]),
        (4, 12, "Introducing a benchmark for support-ticket triage",
         "TicketBench is a public benchmark of 20k anonymised support tickets for classification and routing. "
         "Small open models fine-tuned with LoRA match GPT-4o mini at a fraction of the inference cost.",
         ["Noor Haddad"]),
        (1, 14, "Reranking in production: cross-encoders vs. late interaction",
         "Latency and quality trade-offs of reranking for RAG, with recipes for serving rerankers on CPU.",
         ["Chidi Okafor"]),
    ],
    "vllm-blog": [
        (13, 18, "Structured outputs in vLLM: the xgrammar backend by default",
         "vLLM now uses xgrammar for guided decoding by default. JSON schema constrained decoding adds less "
         "than 5% latency even with large batch sizes.", ["vLLM team"]),
        (6, 19, "Serving Llama 3.1 8B Instruct at 12k tokens/s on a single GPU",
         "How FP8 weights, FP8 KV cache and speculative decoding combine in vLLM v0.14 to serve Llama 3.1 8B "
         "Instruct at 12k output tokens per second on one H100.", ["vLLM team"]),
    ],
    "llm-community-digest": [
        (16, 8, HOSTILE_TITLES[0], "A breathless post about tokenizers. Nothing to see here.", ["anon"]),
        (12, 8, HOSTILE_TITLES[1], "Too good to be true: it is a phishing page.", ["anon"]),
        (10, 8, "Weekly digest: evals, prompt caching and a new reranker",
         "This week: three papers on LLM-as-a-judge evaluation, prompt caching tips, and a new open reranker "
         "for RAG.", ["digest bot"]),
        (9, 8, HOSTILE_TITLES[2], "An ordinary weekly digest with an unbalanced markup tag in its title.",
         ["digest bot"]),
        (5, 8, HOSTILE_TITLES[3], "A title with a right-to-left override that disguises a file extension.",
         ["anon"]),
        (3, 8, HOSTILE_TITLES[4], "A title that tries to colour your terminal red.", ["anon"]),
        (1, 8, "Weekly digest: agents, MCP servers and function calling",
         "Links on tool calling, model context protocol servers and agent evaluation.", ["digest bot"]),
    ],
}


def blog_fetches(tl: Timeline, rng: random.Random) -> list[Fetch]:
    fetches = []
    for source, posts in _BLOGS.items():
        for n, (days_ago, hour, title, summary, authors) in enumerate(posts):
            published = tl.at(days_ago, hour, rng.randrange(60))
            words = ("".join(ch for ch in w.lower() if ch.isalnum()) for w in clean_line(title).split())
            url = f"{SITE}/{source}/{'-'.join(w for w in words if w)[:60].strip('-') or n}"
            entry = make_entry(url, title, url, published, summary=summary, content=summary, authors=authors)
            fetches.append(Fetch(published + timedelta(minutes=rng.randrange(20, 180)), source, [entry]))
    return fetches


# --- GitHub releases -------------------------------------------------------------------------
# source -> (repository id, author, [(days_ago, hour, tag, title or None, notes)])
_RELEASES: dict[str, tuple[int, str, list[tuple[int, int, str, str | None, str]]]] = {
    "vllm-releases": (599547518, "release-bot", [
        (20, 21, "v0.13.0", None,
         "Highlights\n\n- V1 engine is the only engine; prefix caching on by default.\n"
         "- FP8 KV cache for Hopper and Blackwell.\n- OpenAI-compatible server: Responses API endpoint.\n\n"
         "Model support\n\n- Qwen3-Next, Gemma 3n, Llama Guard 4."),
        (15, 22, "v0.13.1", None,
         "Bug fixes\n\n- Fix tool-call parsing for Llama 3.1 8B Instruct with the llama3_json parser (#27012).\n"
         "- Fix a memory leak with structured outputs under high concurrency (#27044)."),
        (9, 20, "v0.14.0rc1", None,
         "Release candidate for v0.14.0. Speculative decoding with EAGLE-3 heads, xgrammar by default for "
         "guided decoding."),
        (6, 21, "v0.14.0", None,
         "Highlights\n\n- Speculative decoding with EAGLE-3 drafts: up to 2.1x throughput for Llama 3.1 8B "
         "Instruct.\n- xgrammar is the default structured output backend.\n- FP8 KV cache on by default on "
         "Hopper.\n\nBreaking change: the --guided-decoding-backend flag is renamed --structured-outputs-backend."),
        (1, 20, "v0.14.1", None,
         "Bug fixes\n\n- Fix wrong logprobs with prefix caching and speculative decoding (#27390).\n"
         "- Fix a crash when a JSON schema has a recursive $ref (#27402)."),
    ]),
    "llama-cpp-releases": (612354784, "github-actions[bot]", [
        (21, 3, "b7301", None, "server : add --reasoning-budget flag (#16801)"),
        (20, 7, "b7305", None, "ggml-cuda : faster Q4_K matmul on Ada (#16810)"),
        (19, 11, "b7312", None, "model : add support for Qwen3-Next (#16822)"),
        (17, 5, "b7320", None, "server : fix tool calls with the Llama 3.1 8B Instruct chat template (#16840)"),
        (16, 9, "b7326", None, "vulkan : fix FP16 overflow in soft_max (#16851)"),
        (14, 13, "b7333", None, "gguf-py : add Gemma 3n tensor names (#16860)"),
        (13, 2, "b7341", None, "llama : KV cache defragmentation 30% faster (#16872)"),
        (11, 8, "b7350", None, "common : JSON schema to grammar supports recursive refs (#16890)"),
        (10, 16, "b7356", None, "metal : speed up prompt processing for MoE models (#16897)"),
        (8, 6, "b7362", None, "server : OpenAI-compatible /v1/responses endpoint (#16905)"),
        (7, 12, "b7369", None, "convert : support Mistral Small 3.2 (#16911)"),
        (5, 4, "b7375", None, "ggml : add IQ4_NL repacking for ARM (#16920)"),
        (4, 15, "b7380", HOSTILE_TITLES[5],
         "A release whose title carries an OSC 8 hyperlink escape and Rich link markup."),
        (3, 10, "b7384", None, "llama : speculative decoding with draft model on CPU (#16933)"),
        (2, 6, "b7391", None, "quantize : faster imatrix for Llama 3.1 8B (#16941)"),
        (1, 9, "b7398", None, "server : fix streaming of parallel tool calls (#16950)"),
    ]),
    "transformers-releases": (155220641, "release-bot", [
        (18, 15, "v5.2.0", "v5.2.0: Qwen3-Omni, Gemma 3n and faster generation",
         "New models\n\n- Qwen3-Omni\n- Gemma 3n\n\nGeneration is faster with the static KV cache by default. "
         "See the migration guide for breaking changes in the tokenizer API."),
        (16, 11, "v5.2.1", "Patch release v5.2.1", "Fixes a regression in chat templates with tool calls."),
        (5, 14, "v5.3.0", "v5.3.0: Voxtral, continuous batching in generate",
         "New models\n\n- Voxtral\n- Llama Guard 4\n\nContinuous batching for generate() and a serve CLI. "
         "Release notes with all changes are in the changelog."),
    ]),
    "openai-python-releases": (723415789, "release-bot", [
        (19, 18, "v2.14.0", None, "Features\n\n- api: add prompt caching fields to Batch API usage"),
        (15, 19, "v2.15.0", None, "Features\n\n- api: structured outputs accept recursive JSON schemas"),
        (9, 20, "v2.16.0", None,
         "Chores\n\n- types: mark gpt-4o-mini-2024-07-18 and text-embedding-3-small version 1 as deprecated "
         "in the model enums"),
        (6, 18, "v2.17.0", None,
         "Features\n\n- api: add gpt-4o-mini-2026-11-04 to the model enums\n- client: retry on 529 responses"),
        (2, 17, "v2.17.1", None, "Bug fixes\n\n- streaming: fix parallel tool call deltas"),
    ]),
    "anthropic-python-releases": (669347812, "release-bot", [
        (14, 18, "v0.81.0", None,
         "Features\n\n- api: add claude-haiku-4-5 to the model enums\n- types: mark claude-3-5-haiku-20241022 "
         "deprecated"),
        (7, 17, "v0.82.0", None, "Features\n\n- api: citations in streaming responses"),
        (3, 16, "v0.82.1", None, "Bug fixes\n\n- client: respect retry-after-ms"),
    ]),
}


def release_fetches(tl: Timeline, rng: random.Random) -> list[Fetch]:
    fetches = []
    by_name = {name: spec for name, _, spec in DEMO_SOURCES}
    for source, (repo_id, author, releases) in _RELEASES.items():
        repo = by_name[source]["repo"]
        for days_ago, hour, tag, title, notes in releases:
            published = tl.at(days_ago, hour, rng.randrange(60))
            entry = make_entry(f"tag:github.com,2008:Repository/{repo_id}/{tag}", title or tag,
                           f"{SITE}/github/{repo}/releases/tag/{tag}", published, summary=notes, content=notes,
                           authors=[author])
            fetches.append(Fetch(published + timedelta(minutes=rng.randrange(10, 170)), source, [entry]))
    return fetches


# --- Hugging Face models ---------------------------------------------------------------------
# source -> [(days_ago, repo id, pipeline, library, tags, base model, relation)]
_MODELS_HF: dict[str, list[tuple[int, str, str, str, list[str], str | None, str | None]]] = {
    "hf-meta-llama": [
        (17, "meta-llama/Llama-Guard-4-12B", "image-text-to-text", "transformers", ["llama", "safety"], None, None),
        (9, "meta-llama/Llama-3.1-8B-Instruct-QAT-INT4", "text-generation", "transformers",
         ["llama", "conversational", "int4"], "meta-llama/Llama-3.1-8B-Instruct", "quantized"),
        (4, "meta-llama/Llama-Prompt-Guard-3-86M", "text-classification", "transformers", ["safety"], None, None),
    ],
    "hf-qwen": [
        (20, "Qwen/Qwen3-Embedding-0.6B", "feature-extraction", "sentence-transformers", ["embeddings"], None, None),
        (19, "Qwen/Qwen3-Reranker-4B", "text-ranking", "transformers", ["reranker"], None, None),
        (14, "Qwen/Qwen3-30B-A3B-Instruct-2611", "text-generation", "transformers", ["conversational", "moe"],
         None, None),
        (13, "Qwen/Qwen3-30B-A3B-Instruct-2611-FP8", "text-generation", "transformers", ["conversational", "fp8"],
         "Qwen/Qwen3-30B-A3B-Instruct-2611", "quantized"),
        (8, "Qwen/Qwen3-VL-8B-Instruct", "image-text-to-text", "transformers", ["conversational", "vision"],
         None, None),
        (6, "Qwen/Qwen3-Coder-30B-A3B-Instruct", "text-generation", "transformers", ["code", "conversational"],
         None, None),
        (2, "Qwen/Qwen3-4B-Instruct-2611-GGUF", "text-generation", "gguf", ["conversational"],
         "Qwen/Qwen3-4B-Instruct-2611", "quantized"),
    ],
    "hf-mistralai": [
        (15, "mistralai/Mistral-Small-3.2-24B-Instruct-2611", "text-generation", "vllm", ["conversational"],
         None, None),
        (10, "mistralai/Devstral-Small-2611", "text-generation", "vllm", ["code", "agents"], None, None),
        (2, "mistralai/Voxtral-Mini-3B-2611", "automatic-speech-recognition", "transformers", ["audio"], None, None),
    ],
    "hf-google": [
        (13, "google/gemma-3n-E4B-it", "image-text-to-text", "transformers", ["conversational", "audio"], None, None),
        (12, "google/gemma-3-12b-it-qat-q4_0-gguf", "text-generation", "gguf", ["conversational"],
         "google/gemma-3-12b-it", "quantized"),
        (3, "google/embeddinggemma-300m", "feature-extraction", "sentence-transformers", ["embeddings"], None, None),
    ],
    "hf-deepseek-ai": [
        (16, "deepseek-ai/DeepSeek-V3.2-Exp", "text-generation", "transformers", ["conversational", "moe"],
         None, None),
        (7, "deepseek-ai/DeepSeek-OCR-2", "image-text-to-text", "transformers", ["ocr"], None, None),
    ],
}
_RELATIONS = {"quantized": "Quantized from", "finetune": "Fine-tuned from", "adapter": "Adapter for"}


def hf_fetches(tl: Timeline, rng: random.Random) -> list[Fetch]:
    fetches = []
    for source, models in _MODELS_HF.items():
        for days_ago, repo, pipeline, library, tags, base, relation in models:
            published = tl.at(days_ago, rng.randrange(6, 22), rng.randrange(60))
            author = repo.split("/", 1)[0]
            parts = [f"New {pipeline} model by {author} ({library})."]
            if base:
                parts.append(f"{_RELATIONS.get(relation or '', 'Based on')} {base}.")
            if tags:
                parts.append("Tags: " + ", ".join(tags) + ".")
            extra: dict = {"downloads": rng.randrange(200, 90000), "likes": rng.randrange(5, 900),
                           "license": "llama3.1" if author == "meta-llama" else "apache-2.0"}
            if base:
                extra["base_models"] = [base]
                extra["base_model_relation"] = relation
            entry = make_entry(repo, repo, f"{SITE}/hf/{repo}", published, summary=" ".join(parts), authors=[author],
                           categories=[pipeline, library, *tags], extra=extra)
            fetches.append(Fetch(published + timedelta(minutes=rng.randrange(15, 170)), source, [entry]))
    return fetches


# --- deprecations.info -----------------------------------------------------------------------
# (days_ago first observed, provider, model_id, days until shutdown, replacements, docs anchor)
_DEPRECATIONS: tuple[tuple[int, str, str, int, list[str]], ...] = (
    (21, "Google", "gemini-2.0-flash-001", 95, ["gemini-2.5-flash"]),
    (21, "Google", "gemini-2.0-flash-lite-001", 95, ["gemini-2.5-flash-lite"]),
    (20, "Cohere", "command-r-08-2024", 60, ["command-a-03-2025"]),
    (19, "xAI", "grok-2-1212", 40, ["grok-4"]),
    (18, "OpenAI", "gpt-4o-realtime-preview-2024-12-17", 120, ["gpt-realtime"]),
    (17, "Vertex", "gemini-1.5-pro-002", 30, ["gemini-2.5-pro"]),
    (15, "Groq", "llama-3.1-8b-instant", 45, ["llama-3.3-70b-versatile"]),
    (14, "Anthropic", "claude-3-5-haiku-20241022", 84, ["claude-haiku-4-5-20251001"]),
    (14, "Bedrock", "anthropic.claude-3-5-haiku-20241022-v1:0", 84, ["anthropic.claude-haiku-4-5-20251001-v1:0"]),
    (14, "Vertex", "claude-3-5-haiku@20241022", 84, ["claude-haiku-4-5@20251001"]),
    (12, "Bedrock", "meta.llama3-1-8b-instruct-v1:0", 70, ["meta.llama3-3-70b-instruct-v1:0"]),
    (11, "Mistral", "mistral-large-2407", 75, ["mistral-large-latest"]),
    (11, "Mistral", "codestral-2405", 75, ["codestral-latest"]),
    (9, "OpenAI", "gpt-4o-mini-2024-07-18", 126, ["gpt-4o-mini-2026-11-04"]),
    (9, "OpenAI", "text-embedding-3-small", 126, ["text-embedding-3-large"]),
    (9, "Azure", "gpt-4o-mini-2024-07-18", 140, ["gpt-4.1-mini"]),
    (8, "OpenAI", "o1-mini", 60, ["o4-mini"]),
    (6, "OpenAI", "dall-e-2", 180, ["gpt-image-1"]),
    (5, "Google", "text-embedding-004", 110, ["gemini-embedding-001"]),
    (4, "Azure", "text-embedding-3-small", 150, []),
    (3, "xAI", "grok-3-mini", 90, ["grok-4-fast"]),
    (2, "Cohere", "embed-english-v3.0", 120, ["embed-v4.0"]),
)


def deprecation_fetches(tl: Timeline, rng: random.Random) -> list[Fetch]:
    fetches: dict[int, Fetch] = {}
    for days_ago, provider, model_id, until, replacements in _DEPRECATIONS:
        published = tl.at(days_ago, 2, 14) + timedelta(seconds=rng.randrange(60))
        announced = tl.day(days_ago + rng.randrange(1, 5))
        shutdown = (tl.end + timedelta(days=until)).date()
        dep = {"provider": provider, "model_id": model_id, "announcement_date": announced.isoformat(),
               "deprecation_date": announced.isoformat(), "shutdown_date": shutdown.isoformat(),
               "replacement_models": replacements, "first_observed": tl.day(days_ago).isoformat(),
               "last_observed": tl.day(1).isoformat()}
        parts = [f"Shutdown: {dep['shutdown_date']}", f"Deprecated: {dep['deprecation_date']}",
                 f"Announced: {dep['announcement_date']}"]
        if replacements:
            parts.append("Replacement: " + ", ".join(replacements))
        slug = provider.lower()
        entry = make_entry(f"{slug}-{model_id}", f"{provider}: {model_id}", f"{SITE}/deprecations/{slug}#{model_id}",
                       published, summary=". ".join(parts) + ".", authors=["deprecations.info"],
                       categories=[provider, f"shutdown-{shutdown.year}"], extra={"_deprecation": dep})
        fetch = fetches.setdefault(days_ago, Fetch(tl.at(days_ago, 2, 40), "deprecations-info"))
        fetch.entries.append(entry)
    return list(fetches.values())
