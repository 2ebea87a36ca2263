"""Where a model id says it is served: routing prefixes and platform spellings.

Split from mentions.py because it needs none of the model-name grammar (whose one big regex takes
~0.1 s to compile): `platform_hint` and the prefix rules are all `feedwatch stack` needs on a warm
name cache (see lifecycle/names.py). `mentions.catalog_key` uses the same rules.
"""

from __future__ import annotations

import re

# LiteLLM routing prefixes and platform slugs ("azure/gpt-4o-mini", "vertex_ai/claude-3-haiku@20240307",
# modeldeprecations.dev "bedrock/nova-premier"): where a model is served, not part of its id. Hugging Face
# orgs ("mistralai/", "meta-llama/") are not in this list, so their repo ids stay whole.
ROUTING = re.compile(
    r"^(?:(?:openai|azure|azure_ai|azure-openai|bedrock|bedrock_converse|amazon-bedrock|vertex|vertex_ai|"
    r"vertex_ai_beta|google-vertex|google-vertex-anthropic|gemini|anthropic|mistral|groq|xai|deepseek|cohere|"
    r"cohere_chat|together_ai|fireworks_ai|openrouter|perplexity|ollama|ollama_chat|databricks|sagemaker|"
    r"watsonx|cerebras|sambanova|nvidia_nim|deepinfra|replicate|hosted_vllm|lm_studio|github|github_copilot|"
    r"snowflake|oci|dashscope|moonshot|novita|nscale|v0|vercel_ai_gateway|llamagate|heroku|lambda_ai|"
    r"text-completion-openai|us|eu|global|apac)/)+", re.IGNORECASE)
# Bedrock invoke ids: an optional cross-region prefix, the vendor, the model, an optional "-v1:0".
BEDROCK = re.compile(r"^(?:(?:us|eu|apac|ap|global|us-gov|jp|au|ca)\.)?(?:anthropic|amazon|meta|mistral|cohere|"
                      r"ai21|deepseek|openai|qwen|writer|twelvelabs|stability|moonshot|minimax)\.(.+?)"
                      r"(?:-v\d+(?::\d+)?)?(?::\d+k)?$", re.IGNORECASE)


_PLATFORM_PREFIX = {"azure": "azure", "azure_ai": "azure", "azure-openai": "azure", "bedrock": "bedrock",
                    "bedrock_converse": "bedrock", "amazon-bedrock": "bedrock", "vertex": "vertex",
                    "vertex_ai": "vertex",
                    "vertex_ai_beta": "vertex", "google-vertex": "vertex", "google-vertex-anthropic": "vertex",
                    "gemini": "google", "openai": "openai", "anthropic": "anthropic", "groq": "groq", "xai": "xai",
                    "mistral": "mistral", "cohere": "cohere", "cohere_chat": "cohere", "deepseek": "deepseek"}


def platform_hint(model_id: str) -> str | None:
    """The platform a model id names by its spelling, if any: "azure/gpt-4o" -> "azure", a Bedrock
    invoke id -> "bedrock", "claude-3-5-haiku@20241022" -> "vertex"; a bare id names none."""
    name = str(model_id).strip()
    head = name.split("/", 1)[0].lower() if "/" in name else ""
    if head in _PLATFORM_PREFIX:
        return _PLATFORM_PREFIX[head]
    rest = ROUTING.sub("", name) or name
    if BEDROCK.match(rest):
        return "bedrock"
    if "@" in rest:
        return "vertex"
    return None


