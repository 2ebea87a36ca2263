"""feedwatch.enrich.mentions: model names and versions in item text, normalised so items link to assets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from feedwatch.enrich.mentions import Mention, find_mentions, normalize_model, same_model, split_model

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures" / "real"
needs_real = pytest.mark.skipif(not REAL.is_dir(), reason=f"real-world fixtures not found at {REAL} "
                                                          "(the shared fixtures checkout is absent)")


def found(text: str) -> list[tuple[str, str | None]]:
    return [(m.model, m.version) for m in find_mentions(text)]


def one(text: str) -> Mention:
    mentions = find_mentions(text)
    assert len(mentions) == 1, (text, mentions)
    return mentions[0]


# --------------------------------------------------------------------------------------------------
# Positives: (text, model, version) - the mention must be among those found
# --------------------------------------------------------------------------------------------------

POSITIVES = [
    # OpenAI
    ("We moved to gpt-3.5-turbo last year", "gpt-3.5-turbo", None),
    ("pinned gpt-3.5-turbo-0125 in prod", "gpt-3.5-turbo", "gpt-3.5-turbo-0125"),
    ("gpt-3.5-turbo-16k-0613 is retired", "gpt-3.5-turbo-16k", "gpt-3.5-turbo-16k-0613"),
    ("GPT-4 is still around", "gpt-4", None),
    ("gpt-4-0613 snapshot", "gpt-4", "gpt-4-0613"),
    ("GPT-4 Turbo with vision", "gpt-4-turbo", None),
    ("gpt-4-turbo-2024-04-09", "gpt-4-turbo", "gpt-4-turbo-2024-04-09"),
    ("gpt-4-1106-preview is deprecated", "gpt-4-turbo-preview", "gpt-4-1106-preview"),
    ("Hello GPT-4o", "gpt-4o", None),
    ("Hello GPT‑4o (non-breaking hyphen)", "gpt-4o", None),
    ("GPT 4o and friends", "gpt-4o", None),
    ("gpt4o in lower case", "gpt-4o", None),
    ("gpt-4o-2024-08-06 supports structured outputs", "gpt-4o", "gpt-4o-2024-08-06"),
    ("GPT-4o mini: advancing cost-efficient intelligence", "gpt-4o-mini", None),
    ("gpt-4o-mini-2024-07-18", "gpt-4o-mini", "gpt-4o-mini-2024-07-18"),
    ("GPT-4.1 nano is cheap", "gpt-4.1-nano", None),
    ("gpt-4.1-mini and more", "gpt-4.1-mini", None),
    ("openai.com/index/gpt-4-1/ (URL slug)", "gpt-4.1", None),
    ("GPT-4.5 research preview", "gpt-4.5", None),
    ("gpt-4.5-preview-2025-02-27", "gpt-4.5-preview", "gpt-4.5-preview-2025-02-27"),
    ("GPT-5 is here", "gpt-5", None),
    ("gpt-5-mini, then", "gpt-5-mini", None),
    ("GPT-5 Pro for hard problems", "gpt-5-pro", None),
    ("gpt-5-codex is tuned for agents", "gpt-5-codex", None),
    ("GPT-5.1-Codex Max landed", "gpt-5.1-codex-max", None),
    ("api: gpt 5.2", "gpt-5.2", None),
    ("OpenAI o1 System Card", "o1", None),
    ("o1-mini reasoning", "o1-mini", None),
    ("o1-pro now available through the API", "o1-pro", None),
    ("o1-2024-12-17 snapshot", "o1", "o1-2024-12-17"),
    ("add o3 and o4-mini model IDs", "o3", None),
    ("add o3 and o4-mini model IDs", "o4-mini", None),
    ("o3-mini-2025-01-31", "o3-mini", "o3-mini-2025-01-31"),
    ("O3-mini in a headline", "o3-mini", None),
    ("o3-deep-research for reports", "o3-deep-research", None),
    ("text-embedding-3-small vectors", "text-embedding-3-small", None),
    ("text-embedding-3-large vectors", "text-embedding-3-large", None),
    ("text-embedding-ada-002 is old", "text-embedding-ada-002", None),
    ("transcribe with whisper-1", "whisper-1", None),
    ("gpt-image-1 edits", "gpt-image-1", None),
    ("gpt-realtime models", "gpt-realtime", None),
    ("gpt-realtime-2025-08-28", "gpt-realtime", "gpt-realtime-2025-08-28"),
    ("gpt-4o-transcribe-diarize on audio", "gpt-4o-transcribe-diarize", None),
    ("DALL·E 3 in ChatGPT", "dall-e-3", None),
    ("dall-e-2 endpoint", "dall-e-2", None),
    ("chatgpt-4o-latest alias", "chatgpt-4o", "chatgpt-4o-latest"),
    ("omni-moderation-latest", "omni-moderation", "omni-moderation-latest"),
    ("gpt-oss-120b weights", "openai/gpt-oss-120b", None),
    ("deprecations: OpenAI: gpt-4o-realtime-preview-2024-10-01",
     "gpt-4o-realtime-preview", "gpt-4o-realtime-preview-2024-10-01"),
    # Anthropic
    ("claude-3-haiku-20240307", "claude-3-haiku", "claude-3-haiku-20240307"),
    ("claude-3-sonnet-20240229", "claude-3-sonnet", "claude-3-sonnet-20240229"),
    ("claude-3-opus-latest", "claude-3-opus", "claude-3-opus-latest"),
    ("claude-3-5-haiku-20241022", "claude-3-5-haiku", "claude-3-5-haiku-20241022"),
    ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet", "claude-3-5-sonnet-20241022"),
    ("claude-3-5-sonnet-latest", "claude-3-5-sonnet", "claude-3-5-sonnet-latest"),
    ("claude-3-7-sonnet-20250219", "claude-3-7-sonnet", "claude-3-7-sonnet-20250219"),
    ("claude-sonnet-4-20250514", "claude-sonnet-4", "claude-sonnet-4-20250514"),
    ("claude-opus-4-20250514", "claude-opus-4", "claude-opus-4-20250514"),
    ("--model claude-opus-4-0", "claude-opus-4", None),
    ("claude-opus-4-1-20250805", "claude-opus-4-1", "claude-opus-4-1-20250805"),
    ("claude-sonnet-4-5 everywhere", "claude-sonnet-4-5", None),
    ("claude-haiku-4-5-20251001", "claude-haiku-4-5", "claude-haiku-4-5-20251001"),
    ("Claude 3.5 Sonnet outperformed", "claude-3-5-sonnet", None),
    ("Claude Sonnet 4.5 is our best", "claude-sonnet-4-5", None),
    ("Fine-tune Claude 3 Haiku in Amazon Bedrock", "claude-3-haiku", None),
    ("remove retired Claude Opus 4.1 models", "claude-opus-4-1", None),
    ("Claude 4 Sonnet (Thinking)", "claude-sonnet-4", None),
    ("upper bound for Sonnet 4.6 models", "claude-sonnet-4-6", None),
    ("a slug: claude-sonnet-3-7", "claude-3-7-sonnet", None),
    ("anthropic/claude-3.5-sonnet on OpenRouter", "claude-3-5-sonnet", None),
    ("claude-2.1 and claude-instant-1.2", "claude-2.1", None),
    ("claude-2.1 and claude-instant-1.2", "claude-instant-1.2", None),
    ("Releasing Claude Instant 1.2", "claude-instant-1.2", None),
    ("Bedrock: anthropic.claude-3-5-sonnet-20241022-v2:0",
     "claude-3-5-sonnet", "claude-3-5-sonnet-20241022"),
    ("Vertex: claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet", "claude-3-5-sonnet-20241022"),
    ("deprecations: Anthropic: claude-3-5-sonnet-20240620", "claude-3-5-sonnet", "claude-3-5-sonnet-20240620"),
    # Google
    ("gemini-1.5-pro is retired", "gemini-1.5-pro", None),
    ("gemini-1.5-flash-002", "gemini-1.5-flash", "gemini-1.5-flash-002"),
    ("gemini-1.5-flash-8b", "gemini-1.5-flash-8b", None),
    ("gemini-2.0-flash-lite", "gemini-2.0-flash-lite", None),
    ("Gemini 2.0 Flash-Lite", "gemini-2.0-flash-lite", None),
    ("Gemini 2.5 Pro (Beta)", "gemini-2.5-pro", None),
    ("gemini-2.5-flash-lite", "gemini-2.5-flash-lite", None),
    ("gemini-2.5-pro-preview-05-06", "gemini-2.5-pro-preview", "gemini-2.5-pro-preview-05-06"),
    ("Gemini 3 Pro Preview", "gemini-3-pro-preview", None),
    ("gemma-2-9b-it", "google/gemma-2-9b-it", None),
    ("Gemma 3 27B", "google/gemma-3-27b", None),
    ("gemma-3n-E4B-it", "google/gemma-3n-E4B-it", None),
    ("ollama run gemma3:27b", "google/gemma-3-27b", None),
    # Meta Llama
    ("Llama 3.1 70B Instruct", "meta-llama/Llama-3.1-70B-Instruct", None),
    ("Llama-3.1-70B-Instruct", "meta-llama/Llama-3.1-70B-Instruct", None),
    ("meta-llama/Llama-3.1-70B-Instruct", "meta-llama/Llama-3.1-70B-Instruct", None),
    ("llama-3.1-70b-instruct", "meta-llama/Llama-3.1-70B-Instruct", None),
    ("meta-llama/Meta-Llama-3.1-8B-Instruct (old name)", "meta-llama/Llama-3.1-8B-Instruct", None),
    ("Meta-Llama-3-8B-Instruct", "meta-llama/Meta-Llama-3-8B-Instruct", None),
    ("Meta Llama 3", "meta-llama/Meta-Llama-3", None),
    ("Llama 3.3 70B", "meta-llama/Llama-3.3-70B", None),
    ("Llama 3.2 11B Vision Instruct", "meta-llama/Llama-3.2-11B-Vision-Instruct", None),
    ("Llama 4 Scout", "meta-llama/Llama-4-Scout", None),
    ("meta-llama/Llama-4-Maverick-17B-128E-Instruct", "meta-llama/Llama-4-Maverick-17B-128E-Instruct", None),
    ("Llama-2-7b-chat-hf", "meta-llama/Llama-2-7b-chat-hf", None),
    ("LLaMA-2 13B", "meta-llama/Llama-2-13b", None),
    ("ollama pull llama3.1:8b", "meta-llama/Llama-3.1-8B", None),
    ("Llama Guard 3 8B", "meta-llama/Llama-Guard-3-8B", None),
    # Mistral
    ("mistral-large-latest", "mistral-large", "mistral-large-latest"),
    ("mistral-large-2411", "mistral-large", "mistral-large-2411"),
    ("Mistral Large 2", "mistral-large", "mistral-large-2"),
    ("mistral-small and mistral-medium", "mistral-small", None),
    ("mistral-small and mistral-medium", "mistral-medium", None),
    ("Mistral Small 3.1", "mistral-small", "mistral-small-3.1"),
    ("ministral-8b-2410", "ministral-8b", "ministral-8b-2410"),
    ("Codestral is fast", "codestral", None),
    ("codestral-2501", "codestral", "codestral-2501"),
    ("mixtral-8x7b", "mixtral-8x7b", None),
    ("open-mixtral-8x22b", "mixtral-8x22b", None),
    ("Mistral 7B", "mistral-7b", None),
    ("Mistral NeMo", "mistral-nemo", None),
    ("mistralai/Mistral-7B-Instruct-v0.3", "mistralai/Mistral-7B-Instruct-v0.3", None),
    # Qwen
    ("Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-7B-Instruct", None),
    ("Qwen/Qwen2.5-72B-Instruct", "Qwen/Qwen2.5-72B-Instruct", None),
    ("Qwen3-235B-A22B", "Qwen/Qwen3-235B-A22B", None),
    ("Qwen3-Coder-480B-A35B-Instruct", "Qwen/Qwen3-Coder-480B-A35B-Instruct", None),
    ("Qwen2.5-VL-72B-Instruct", "Qwen/Qwen2.5-VL-72B-Instruct", None),
    ("Qwen 2.5 32b (Alibaba)", "Qwen/Qwen2.5-32B", None),
    ("Qwen-2.5-7B", "Qwen/Qwen2.5-7B", None),
    ("QwQ-32B", "Qwen/QwQ-32B", None),
    ("qwen2.5:7b via ollama", "Qwen/Qwen2.5-7B", None),
    # DeepSeek, xAI, Cohere
    ("deepseek-v3", "deepseek-v3", None),
    ("DeepSeek-R1 achieves 97.0%", "deepseek-r1", None),
    ("Deepseek R1 (Deepseek)", "deepseek-r1", None),
    ("deepseek-chat and deepseek-reasoner", "deepseek-chat", None),
    ("deepseek-chat and deepseek-reasoner", "deepseek-reasoner", None),
    ("DeepSeek-V3.1", "deepseek-v3.1", None),
    ("deepseek-r1-0528", "deepseek-r1", "deepseek-r1-0528"),
    ("DeepSeek-R1-Distill-Qwen-32B", "deepseek-r1-distill-qwen-32b", None),
    ("deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-V3", None),
    ("grok-2-1212", "grok-2", "grok-2-1212"),
    ("Grok 3 mini", "grok-3-mini", None),
    ("grok-4-0709", "grok-4", "grok-4-0709"),
    ("command-r", "command-r", None),
    ("command-r-plus-08-2024", "command-r-plus", "command-r-plus-08-2024"),
    ("Cohere's Command R+ is", "command-r-plus", None),
    ("Cohere released Command A", "command-a", None),
    ("command-a-03-2025", "command-a", "command-a-03-2025"),
    # Hugging Face repo ids of known model orgs keep their exact id
    ("microsoft/Phi-3-mini-4k-instruct", "microsoft/Phi-3-mini-4k-instruct", None),
    ("nvidia/Llama-3.1-Nemotron-70B-Instruct-HF", "nvidia/Llama-3.1-Nemotron-70B-Instruct-HF", None),
    ("allenai/OLMo-2-1124-7B", "allenai/OLMo-2-1124-7B", None),
    ("ibm-granite/granite-3.1-8b-instruct", "ibm-granite/granite-3.1-8b-instruct", None),
    ("https://huggingface.co/google/gemma-2-9b-it/tree/main", "google/gemma-2-9b-it", None),
    ("openai/gpt-4o via a router", "gpt-4o", None),
    # Azure's spelling of GPT-3.5 Turbo, and Microsoft's Phi (Hugging Face ids under microsoft/)
    ("Azure OpenAI: gpt-35-turbo (0613) retires", "gpt-3.5-turbo", None),
    ("gpt-35-turbo-0613", "gpt-3.5-turbo", "gpt-3.5-turbo-0613"),
    ("Microsoft retires Phi-4 on Azure AI Foundry", "microsoft/Phi-4", None),
    ("We tested Phi 3.5 mini on", "microsoft/Phi-3.5-mini", None),
    ("Phi-3.5-MoE-instruct", "microsoft/Phi-3.5-MoE-instruct", None),
    ("Introducing Phi-4-mini-reasoning", "microsoft/Phi-4-mini-reasoning", None),
    ("microsoft/phi-4", "microsoft/Phi-4", None),
]


@pytest.mark.parametrize(("text", "model", "version"), POSITIVES)
def test_finds(text, model, version):
    assert (model, version) in found(text)


# Exactly these mentions, in order of appearance.
EXACT = [
    ("We tried GPT-4o mini, GPT 4o and GPT-4.1 nano.",
     [("gpt-4o-mini", None), ("gpt-4o", None), ("gpt-4.1-nano", None)]),
    ("OpenAI: gpt-4o-realtime-preview-2024-10-01",
     [("gpt-4o-realtime-preview", "gpt-4o-realtime-preview-2024-10-01")]),
    ("Anthropic: claude-3-5-sonnet-20240620", [("claude-3-5-sonnet", "claude-3-5-sonnet-20240620")]),
    ("Llama 4 Scout, or Llama 4 Maverick", [("meta-llama/Llama-4-Scout", None), ("meta-llama/Llama-4-Maverick", None)]),
    ("GPT-4o vs gpt-4o vs GPT 4o", [("gpt-4o", None)]),                                  # deduplicated
    ("gpt-4o-2024-05-13 then gpt-4o-2024-08-06 then gpt-4o",
     [("gpt-4o", "gpt-4o-2024-05-13"), ("gpt-4o", "gpt-4o-2024-08-06"), ("gpt-4o", None)]),
    ("GPT-2 1.5B release: openai.com/index/gpt-2-1-5b-release", [("gpt-2", None)]),   # not GPT-2.1
    ("New Models: DeepSeek-R1, DeepSeek-V3 and o3-mini",
     [("deepseek-r1", None), ("deepseek-v3", None), ("o3-mini", None)]),
    ("Sonnet 4.5 and Opus 4.1 are the defaults", [("claude-sonnet-4-5", None), ("claude-opus-4-1", None)]),
    # A GitHub path is not a Hub id: the repo name is read on its own.
    ("github.com/Qwen/Qwen2.5-VL", [("Qwen/Qwen2.5-VL", None)]),
    ("github.com/deepseek-ai/DeepSeek-V3", [("deepseek-v3", None)]),
    # A domain is not an org: blog.google/... is a Google blog post.
    ("https://blog.google/technology/gemini-2-5-pro-update/", [("gemini-2.5-pro", None)]),
]


@pytest.mark.parametrize(("text", "expected"), EXACT)
def test_finds_exactly(text, expected):
    assert found(text) == expected


# --------------------------------------------------------------------------------------------------
# Negatives: nothing is a model mention here
# --------------------------------------------------------------------------------------------------

NEGATIVES = [
    "GPT",
    "GPTs are custom versions of ChatGPT",
    "ChatGPT for writing: draft, revise and refine",
    "AutoGPT, nanoGPT and gpt4all are projects",
    "gpt-engineer and gpt-rosalind",
    "O3 level",
    "Ozone (O3) levels rose in the city",
    "the o3 concentration in the lower atmosphere",
    "see figure o1 and panel o3",
    "complexity O(1) per lookup",
    "Llama farm",
    "a llama and an alpaca",
    "LLaMA",
    "llama-startup-program and llamacon",
    "4o",
    "the 4o suffix",
    "v4.1",
    "ubuntu 22.04, Python 3.12, node-18, iOS 17.1 and v4.1.2",
    "release 4.5 of the tool",
    "Claude Code",
    "Claude Code 2.0 is out",
    "claude-code-2 and claude-for-education",
    "Claude Monet and Claude Shannon",
    "claude.ai/code",
    "Gemini",
    "the Gemini constellation",
    "Gemma",
    "the mistral wind",
    "Mistral AI raised money",
    "Qwen",
    "DeepSeek",
    "Shakespeare's Sonnet 18",
    "a sonnet 4.5 lines long",
    "Beethoven's Opus 4",
    "to grok 3 new concepts",
    "Grok",
    "run the command a second time",
    "press Command R to reload",
    "Command-R reloads the page",
    "command-light",
    "text-embedding models",
    "whisper",
    "version 1.0.0-rc1",
    "github.com/openai/openai-python and github.com/google/jax",
    "microsoft/vscode and google/protobuf",
    "Sabia 3 (Maritaca)",
    "SWE-1.6 and GLM 4",
    "the golden ratio phi 1.618",
    "phi 2 is the angle",
    "Phi Beta Kappa",
    "gpt-35 is not a model",
    "",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_no_false_positives(text):
    assert find_mentions(text) == []


def test_bare_o_series_needs_openai_context():
    assert found("OpenAI o3 is out") == [("o3", None)]
    assert found("the o3 model") == [("o3", None)]
    assert found("o1 and o1-mini") == [("o1", None), ("o1-mini", None)]
    assert found("o3 and o4 again") == []
    assert found("In ChatGPT, choose o1 pro") == [("o1-pro", None)]
    # A long list of candidates uses the same rule (and stays fast).
    assert found("o3 " * 500) == []
    assert found("o3 " * 500 + " openai")[0] == ("o3", None)


def test_cohere_command_needs_context_unless_an_api_id():
    assert found("command-r-plus and command-r7b-12-2024") == [("command-r-plus", None),
                                                               ("command-r7b", "command-r7b-12-2024")]
    assert found("Command A") == []
    assert found("Cohere: Command A and Command R") == [("command-a", None), ("command-r", None)]


# --------------------------------------------------------------------------------------------------
# Mention fields
# --------------------------------------------------------------------------------------------------

def test_text_and_start_are_those_of_the_searched_text():
    text = "Migrating from GPT-4o mini to claude-3-5-sonnet-20241022 (and Llama 3.1 8B Instruct)."
    for m in find_mentions(text):
        assert text[m.start:m.start + len(m.text)] == m.text
    assert [(m.text, m.start) for m in find_mentions(text)] == [
        ("GPT-4o mini", 15), ("claude-3-5-sonnet-20241022", 30), ("Llama 3.1 8B Instruct", 62)]


def test_offsets_survive_characters_whose_lower_case_is_longer():
    text = "İİİ İstanbul: GPT-4o"           # "İ".lower() has two characters
    m = one(text)
    assert (m.model, m.text, text[m.start:m.start + len(m.text)]) == ("gpt-4o", "GPT-4o", "GPT-4o")


def test_mention_at_start_and_end_and_in_markup():
    assert found("gpt-4o") == [("gpt-4o", None)]
    assert found("<title>Hello GPT-4o</title>") == [("gpt-4o", None)]
    assert found("&lt;h3&gt;Gemini 3 Flash&lt;/h3&gt;") == [("gemini-3-flash", None)]
    assert found("(claude-opus-4-1)") == [("claude-opus-4-1", None)]
    assert found("`gpt-4o-mini`.") == [("gpt-4o-mini", None)]
    assert found("“GPT-4o”") == [("gpt-4o", None)]
    assert found("使用GPT-4o进行测试") == [("gpt-4o", None)]


def test_mention_is_frozen():
    m = one("gpt-4o")
    with pytest.raises(AttributeError):
        m.model = "x"  # type: ignore[misc]


@given(st.lists(st.one_of(st.text(max_size=30),
                          st.sampled_from(["GPT-4o mini", "o3", "claude-3-5-sonnet-20241022", "Llama 3.1 8B",
                                           "meta-llama/", "Qwen/", "İ", "-", " ", "\n", "gpt-", "Claude 3.",
                                           "2024-08-06", "Command R", "openai"])), max_size=12))
@settings(max_examples=300, deadline=None)
def test_never_raises_and_offsets_are_exact(parts):
    text = "".join(parts)
    seen = set()
    for m in find_mentions(text):
        assert text[m.start:m.start + len(m.text)] == m.text
        assert m.model and (m.model, m.version) not in seen
        seen.add((m.model, m.version))


# --------------------------------------------------------------------------------------------------
# normalize_model / split_model
# --------------------------------------------------------------------------------------------------

NORMALIZE = [
    ("GPT-4o mini", "gpt-4o-mini"),
    ("gpt-4o-mini", "gpt-4o-mini"),
    ("GPT 4o", "gpt-4o"),
    ("GPT-4.1 nano", "gpt-4.1-nano"),
    ("gpt-4o-2024-08-06", "gpt-4o-2024-08-06"),                 # a pinned version stays pinned
    ("o3", "o3"),
    ("O3-mini", "o3-mini"),
    ("text-embedding-3-small", "text-embedding-3-small"),
    ("Claude 3.5 Sonnet", "claude-3-5-sonnet"),
    ("claude-3-5-haiku", "claude-3-5-haiku"),
    ("Claude Sonnet 4.5", "claude-sonnet-4-5"),
    ("claude-opus-4-0", "claude-opus-4"),
    ("claude-3-5-sonnet-latest", "claude-3-5-sonnet-latest"),
    ("anthropic/claude-3.5-sonnet", "claude-3-5-sonnet"),
    ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet-20241022"),
    ("claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet-20241022"),
    ("Gemini 2.5 Pro", "gemini-2.5-pro"),
    ("models/gemini-1.5-pro", "gemini-1.5-pro"),
    ("meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct"),
    ("Llama 3.1 8B Instruct", "meta-llama/Llama-3.1-8B-Instruct"),
    ("llama-3.1-8b-instruct", "meta-llama/Llama-3.1-8B-Instruct"),
    ("meta-llama/llama-3.1-70b-instruct", "meta-llama/Llama-3.1-70B-Instruct"),
    ("qwen/qwen2.5-72b-instruct", "Qwen/Qwen2.5-72B-Instruct"),
    ("deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-R1"),
    ("unsloth/Llama-3.2-1B-Instruct", "unsloth/Llama-3.2-1B-Instruct"),
    ("openai/gpt-4o-mini", "gpt-4o-mini"),
    ("gpt-oss-120b", "openai/gpt-oss-120b"),
    ("Mistral Large", "mistral-large"),
    ("mistral-large-latest", "mistral-large-latest"),
    ("Command R+", "command-r-plus"),
    ("ft:gpt-4o-mini-2024-07-18:acme::abc123", "gpt-4o-mini-2024-07-18"),   # a fine-tune: its base model
    ("my-finetune", "my-finetune"),
    ("  My Custom_Model  ", "my-custom-model"),
    ("", ""),
]


@pytest.mark.parametrize(("name", "expected"), NORMALIZE)
def test_normalize_model(name, expected):
    assert normalize_model(name) == expected


def test_split_model_gives_the_family_of_a_pinned_version():
    assert split_model("gpt-4o-2024-08-06") == ("gpt-4o", "gpt-4o-2024-08-06")
    assert split_model("claude-3-5-sonnet-20241022") == ("claude-3-5-sonnet", "claude-3-5-sonnet-20241022")
    assert split_model("GPT-4o mini") == ("gpt-4o-mini", None)


def test_normalized_names_are_what_find_mentions_reports():
    for name in ["GPT-4o mini", "Claude 3.5 Sonnet", "Llama 3.1 8B Instruct", "Gemini 2.5 Pro", "Qwen2.5-7B-Instruct",
                 "mistral-large-2411", "grok-4-0709", "claude-sonnet-4-5-20250929"]:
        m = one(f"News about {name} today.")
        assert normalize_model(name) == (m.version or m.model)


# --------------------------------------------------------------------------------------------------
# same_model
# --------------------------------------------------------------------------------------------------

SAME = [
    ("azure/gpt-3.5-turbo", "gpt-35-turbo retires on Azure", True),
    ("azure_ai/Phi-4", "Phi-4 retires on Azure", True),
    ("microsoft/Phi-4", "Phi-4-mini-instruct is out", False),
    ("claude-3-5-sonnet", "claude-3-5-sonnet-20241022", True),
    ("claude-3-5-sonnet", "Claude 3.5 Sonnet", True),
    ("Claude 3.5 Sonnet", "claude-3-5-sonnet-latest", True),
    ("claude-3-5-sonnet", "claude-3-7-sonnet", False),
    ("claude-3-5-sonnet", "claude-3-5-haiku", False),
    ("claude-sonnet-4", "claude-sonnet-4-5", False),
    ("claude-opus-4", "claude-opus-4-0", True),
    ("gpt-4o", "gpt-4o-2024-08-06", True),
    ("gpt-4o", "GPT-4o", True),
    ("gpt-4o", "gpt-4o-mini", False),
    ("gpt-4o", "GPT-4o mini", False),
    ("gpt-4o", "gpt-4o-realtime-preview-2024-10-01", False),
    ("gpt-4o-mini", "gpt-4o", False),
    ("gpt-4", "gpt-4o", False),
    ("gpt-4", "gpt-4.1", False),
    ("GPT-4o mini", "gpt-4o-mini-2024-07-18", True),
    ("gpt-4o-2024-05-13", "gpt-4o", True),                     # the family is news for a pinned asset
    ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13", True),
    ("gpt-4o-2024-05-13", "gpt-4o-2024-08-06", False),         # another snapshot is not
    ("claude-3-5-sonnet-latest", "claude-3-5-sonnet-20241022", True),
    ("o3", "o3-mini", False),
    ("o3-mini", "o3-mini-2025-01-31", True),
    ("text-embedding-3-small", "text-embedding-3-large", False),
    ("meta-llama/Llama-3.1-8B-Instruct", "Llama 3.1 8B Instruct", True),
    ("meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-8b-instruct", True),
    ("meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Meta-Llama-3.1-8B-Instruct", True),
    ("meta-llama/Llama-3.1-8B-Instruct", "Llama 3.1 8B", True),      # same weights, base or instruct news
    ("meta-llama/Llama-3.1-8B-Instruct", "Llama 3.1 is out", True),  # the family
    ("meta-llama/Llama-3.1-8B-Instruct", "Llama 3.1 70B Instruct", False),
    ("meta-llama/Llama-3.1-8B-Instruct", "Llama 3.2 1B", False),
    ("meta-llama/Llama-3.1-8B-Instruct", "Llama 3 8B", False),
    ("meta-llama/Llama-3.3-70B-Instruct", "Llama 3.3 70B", True),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "Llama 4 Scout", True),
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "Llama 4 Maverick", False),
    ("Qwen/Qwen2.5-7B-Instruct", "Qwen 2.5 7B", True),
    ("Qwen/Qwen2.5-7B-Instruct", "Qwen2.5-Coder-7B-Instruct", False),
    ("deepseek-r1", "deepseek-ai/DeepSeek-R1", True),
    ("deepseek-ai/DeepSeek-R1", "DeepSeek R1", True),
    ("deepseek-r1", "DeepSeek-R1-Distill-Qwen-32B", False),
    ("mistralai/Mistral-7B-Instruct-v0.3", "Mistral 7B", True),
    ("mistral-large-latest", "mistral-large-2411", True),
    ("mistral-large", "mistral-small", False),
    ("gemini-2.0-flash", "gemini-2.0-flash-lite", False),
    ("gemini-1.5-pro", "gemini-1.5-pro-002", True),
    ("google/gemma-2-9b-it", "Gemma 2 9B", True),
    ("gemma-2-9b-it", "gemma-2-9b-it", True),
]


@pytest.mark.parametrize(("asset_model", "text", "expected"), SAME)
def test_same_model(asset_model, text, expected):
    mention = one(text)
    assert same_model(asset_model, mention) is expected


def test_same_model_normalises_a_hand_made_mention():
    assert same_model("gpt-4o-mini", Mention("GPT-4o mini", None, "GPT-4o mini", 0))
    assert same_model("claude-3-5-sonnet", Mention("claude-3-5-sonnet", "claude-3-5-sonnet-20241022", "", 0))
    assert not same_model("", Mention("gpt-4o", None, "gpt-4o", 0))
    assert not same_model("gpt-4o", Mention("", None, "", 0))


def test_feeds_toml_asset_models_link_to_their_mentions():
    """The models of the example assets in feeds.toml against the news that should reach them."""
    news = {
        "gpt-4o-mini": "OpenAI: gpt-4o-mini-2024-07-18 will be retired",
        "claude-3-5-haiku": "Anthropic: claude-3-5-haiku-20241022 deprecation",
        "meta-llama/Llama-3.1-8B-Instruct": "Fine-tuning Llama 3.1 8B Instruct on a laptop",
        "text-embedding-3-small": "text-embedding-3-small price cut",
    }
    for asset_model, text in news.items():
        assert any(same_model(asset_model, m) for m in find_mentions(text)), (asset_model, text)
    assert not any(same_model("gpt-4o-mini", m) for m in find_mentions("Hello GPT-4o, and GPT-4o Realtime"))


# --------------------------------------------------------------------------------------------------
# Real documents
# --------------------------------------------------------------------------------------------------

def _read(rel: str) -> str:
    return (REAL / rel).read_bytes().decode("utf-8", "replace")


REAL_EXPECTED = {
    "vendor-changelog/anthropic-sdk-python_CHANGELOG_2026-08-07.md": [
        ("claude-opus-4-1", "claude-opus-4-1-20250805"), ("claude-sonnet-4-5", "claude-sonnet-4-5-20250929"),
        ("claude-3-5-sonnet", "claude-3-5-sonnet-20240620"), ("claude-opus-4-1", None), ("claude-sonnet-4-5", None),
        ("claude-2.1", None)],
    "vendor-changelog/openai-python_CHANGELOG_2026-08-19.md": [
        ("gpt-4o", "gpt-4o-2024-11-20"), ("gpt-3.5-turbo", "gpt-3.5-turbo-0125"), ("o3-pro", None), ("o3", None),
        ("o4-mini", None), ("gpt-4.1", None), ("gpt-4.5-preview", None), ("gpt-5.1-codex-max", None),
        ("gpt-4o-mini", None), ("o1-pro", None)],
    "blog-feeds/openai_research_unofficial-olshansk_rss_2026-08.xml": [
        ("gpt-4o-mini", None), ("gpt-4o", None), ("o1", None), ("o1-mini", None), ("o3-mini", None),
        ("dall-e-2", None), ("gpt-2", None)],
    "blog-feeds/meta-ai_blog_unofficial-olshansk_rss_2026-08.xml": [
        ("meta-llama/Llama-4-Scout", None), ("meta-llama/Llama-4-Maverick", None),
        ("meta-llama/Llama-3.1-70B-Instruct", None), ("meta-llama/Llama-3.1-8B", None)],
    "blog-feeds/anthropic_engineering_unofficial-olshansk_rss_2026-08.xml": [
        ("claude-3-5-sonnet", None), ("claude-opus-4-6", None)],
    "vendor-changelog/windsurf_changelog_unofficial-olshansk_rss_2026-06.xml": [
        ("gemini-2.5-pro", None), ("gemini-3-pro", None), ("deepseek-r1", None), ("deepseek-v3", None),
        ("claude-sonnet-4", None), ("gpt-5.1-codex", None), ("o4-mini", None)],
    "vendor-changelog/claude-code_changelog_unofficial-olshansk_rss_2026-04.xml": [
        ("claude-opus-4", None), ("claude-opus-4-5", None), ("claude-sonnet-4-5", None)],
    "arxiv-api/arxivpy-2026_q_testing_s0_m100_cfe7536492ca.xml": [
        ("deepseek-r1", None), ("claude-3-5-sonnet", None), ("Qwen/Qwen2.5-32B", None), ("gpt-4o", None)],
    "arxiv-rss/zotero-arxiv-daily_rss.arxiv.org-atom-cs.AI_2025-08-20_trimmed7.xml": [
        ("meta-llama/Llama-3.1-8B", None), ("Qwen/Qwen2.5-7B", None)],
    "vendor-html/anthropic_newsroom_page_2026-04.html": [
        ("claude-haiku-4-5", None), ("claude-3-7-sonnet", None), ("claude-3-5-haiku", None),
        ("claude-instant-1.2", None)],
}


@needs_real
@pytest.mark.parametrize("rel", sorted(REAL_EXPECTED))
def test_real_documents_known_mentions(rel):
    path = REAL / rel
    if not path.is_file():
        pytest.skip(f"{path} is not in this fixtures checkout")
    got = set(found(_read(rel)))
    missing = [e for e in REAL_EXPECTED[rel] if e not in got]
    assert missing == [], f"not found in {rel}: {missing}"


REAL_WITHOUT_MODELS = [
    "blog-feeds/openai_news_official_rss_2026-04-13_20items.xml",   # "ChatGPT" everywhere, no model name
    "github-releases/astral-sh_ty_releases_2025-12.atom",           # version numbers of a Python tool
    "github-releases/Shopify_Timber_releases_2015-02.atom",
    "encoding-edge/miniflux_encoding_WINDOWS-1251.xml",
    "encoding-edge/miniflux_urdu_UTF8.xml",
    "arxiv-api/arxivpy-2016_search_au-del_maestro.xml",
]


@needs_real
@pytest.mark.parametrize("rel", REAL_WITHOUT_MODELS)
def test_real_documents_without_models(rel):
    path = REAL / rel
    if not path.is_file():
        pytest.skip(f"{path} is not in this fixtures checkout")
    assert find_mentions(_read(rel)) == []


@needs_real
def test_real_documents_positions():
    """Offsets point at the text as found (speed is measured in benchmarks/enrich.py, not here)."""
    texts = [p.read_bytes().decode("utf-8", "replace") for p in sorted(REAL.rglob("*"))
             if p.is_file() and "LICENSES" not in p.parts]
    assert texts
    for text in texts:
        for m in find_mentions(text):
            assert text[m.start:m.start + len(m.text)] == m.text


@pytest.mark.parametrize("written, key", [
    ("openai/gpt-4o-mini", "gpt-4o-mini"), ("azure/gpt-4o-mini", "gpt-4o-mini"), ("GPT-4o mini", "gpt-4o-mini"),
    ("anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku-20241022"),
    ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5-20251001"),
    ("claude-3-5-haiku@20241022", "claude-3-5-haiku-20241022"),
    ("vertex_ai/claude-3-haiku@20240307", "claude-3-haiku-20240307"),
    ("gemini/gemini-2.5-flash", "gemini-2.5-flash"), ("vertex/gemini-2.5-flash", "gemini-2.5-flash"),
    ("amazon.nova-premier-v1:0", "nova-premier"), ("bedrock/nova-premier", "nova-premier"),
    ("gpt-5.6-sol", "gpt-5.6-sol"),                 # never only part of an id
    ("openai/gpt-oss-120b", "openai/gpt-oss-120b"),  # a Hugging Face repo id stays whole
    ("mistralai/Mistral-7B-Instruct-v0.3", "mistralai/Mistral-7B-Instruct-v0.3"),
    ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13"), ("DeepSeek-R1", "deepseek-r1"),
    ("azure/gpt-35-turbo-0613", "gpt-3.5-turbo-0613"), ("azure_ai/Phi-4", "microsoft/Phi-4"),
    ("deepinfra/microsoft/phi-4", "microsoft/Phi-4"),
])
def test_catalog_key_looks_through_routing_prefixes_and_platform_spellings(written, key):
    from feedwatch.enrich.mentions import catalog_key
    assert catalog_key(written) == key
