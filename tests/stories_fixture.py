"""A labelled set of items for story grouping (issue 16): multi-source stories and the traps.

Each row: (story label, source, title, url, text, arxiv id, published, GitHub repo of the source).
Items with the same label report the same thing; a label used once is a lone item.
"""

from __future__ import annotations

D = "2026-11-{:02d}T{:02d}:00:00Z"

ITEMS = [
    # --- a paper: listing, HF papers page, a lab blog post with a catchier title --------------------------
    ("p1", "arxiv-cs-cl", "Scaling Test-Time Compute for Long-Context Retrieval", "https://arxiv.org/abs/2611.01234",
     "We study ...", "2611.01234", D.format(10, 1), None),
    ("p1", "hf-papers", "Scaling Test-Time Compute for Long-Context Retrieval", "https://huggingface.co/papers/2611.01234",
     "Daily paper.", None, D.format(10, 9), None),
    ("p1", "lab-blog", "Thinking longer beats retrieving more", "https://lab.example.com/blog/thinking-longer",
     "Our new paper (https://arxiv.org/abs/2611.01234) shows that ...", None, D.format(11, 8), None),
    ("p1", "community-news", "Scaling test-time compute for long-context retrieval",
     "https://news.example.org/items/881", "Discussion.", None, D.format(11, 12), None),
    # --- two papers whose titles differ by the word that matters ------------------------------------------
    ("p2", "arxiv-cs-cl", "Sparse Attention Is All You Need for Long Documents", "https://arxiv.org/abs/2611.02222",
     "...", "2611.02222", D.format(12, 1), None),
    ("p3", "arxiv-cs-lg", "Dense Attention Is All You Need for Long Documents", "https://arxiv.org/abs/2611.03333",
     "...", "2611.03333", D.format(12, 1), None),
    ("p2", "hf-papers", "Sparse Attention Is All You Need for Long Documents", "https://huggingface.co/papers/2611.02222",
     "", None, D.format(12, 10), None),
    ("p4", "arxiv-cs-cl", "Chain-of-Thought Prompting Improves Multilingual Reasoning", "https://arxiv.org/abs/2611.04444",
     "...", "2611.04444", D.format(13, 1), None),
    ("p5", "community-news", "Chain-of-Thought Prompting Does Not Improve Multilingual Reasoning",
     "https://news.example.org/items/900", "A rebuttal.", None, D.format(13, 15), None),
    ("p4", "hf-papers", "Chain-of-thought prompting improves multilingual reasoning",
     "https://huggingface.co/papers/2611.04444", "", None, D.format(13, 9), None),
    # --- a roundup linking several papers keys none of them ----------------------------------------------
    ("r1", "weekly-roundup", "Papers of the week: retrieval, attention and reasoning",
     "https://roundup.example.net/2026-w47", "https://arxiv.org/abs/2611.01234 https://arxiv.org/abs/2611.02222 "
     "https://arxiv.org/abs/2611.04444", None, D.format(15, 7), None),
    # --- releases: v0.14.0 and v0.14.1 of vLLM ------------------------------------------------------------
    ("v140", "vllm-releases", "v0.14.0", "https://github.com/vllm-project/vllm/releases/tag/v0.14.0",
     "Highlights ...", None, D.format(14, 18), "vllm-project/vllm"),
    ("v140", "vllm-blog", "vLLM v0.14.0: Faster Speculative Decoding and FP4 KV Cache",
     "https://blog.vllm.ai/2026/11/14/v0.14.0.html", "Today we release ...", None, D.format(14, 20), None),
    ("v140", "weekly-roundup", "vLLM 0.14.0 released with faster speculative decoding",
     "https://roundup.example.net/vllm-0-14-0", "", None, D.format(15, 9), None),
    ("v141", "vllm-releases", "v0.14.1", "https://github.com/vllm-project/vllm/releases/tag/v0.14.1",
     "Bug fixes.", None, D.format(17, 10), "vllm-project/vllm"),
    ("v141", "vllm-blog", "vLLM v0.14.1 patch release", "https://blog.vllm.ai/2026/11/17/v0.14.1.html",
     "Fixes ...", None, D.format(17, 12), None),
    ("tf", "transformers-releases", "v4.58.0", "https://github.com/huggingface/transformers/releases/tag/v4.58.0",
     "", None, D.format(14, 18), "huggingface/transformers"),
    ("lc", "llama-cpp-releases", "b7001", "https://github.com/ggml-org/llama.cpp/releases/tag/b7001", "", None,
     D.format(14, 18), "ggml-org/llama.cpp"),
    ("lc2", "llama-cpp-releases", "b7002", "https://github.com/ggml-org/llama.cpp/releases/tag/b7002", "", None,
     D.format(14, 19), "ggml-org/llama.cpp"),
    # --- one model family, two sizes -----------------------------------------------------------------------
    ("l8", "meta-blog", "Introducing Llama 4.1 8B, our fastest small model", "https://ai.meta.com/blog/llama-4-1-8b",
     "Today we release Llama 4.1 8B ...", None, D.format(18, 16), None),
    ("l8", "hf-meta-llama", "meta-llama/Llama-4.1-8B", "https://huggingface.co/meta-llama/Llama-4.1-8B",
     "New model released.", None, D.format(18, 17), None),
    ("l70", "meta-blog", "Introducing Llama 4.1 70B for long-context reasoning",
     "https://ai.meta.com/blog/llama-4-1-70b", "Today we release Llama 4.1 70B ...", None, D.format(18, 16), None),
    ("l70", "hf-meta-llama", "meta-llama/Llama-4.1-70B", "https://huggingface.co/meta-llama/Llama-4.1-70B",
     "New model released.", None, D.format(18, 17), None),
    # --- a retirement: deprecations.info and the vendor's announcement ---------------------------------------
    ("dep", "deprecations", "OpenAI: gpt-4o-2024-05-13", "https://developers.openai.com/api/docs/deprecations",
     "gpt-4o-2024-05-13 is deprecated; it shuts down on 2026-10-23.", None, D.format(3, 2), None),
    ("dep", "openai-news", "Deprecating gpt-4o-2024-05-13 in the API", "https://openai.com/index/deprecating-gpt-4o-0513",
     "We are retiring gpt-4o-2024-05-13 ...", None, D.format(3, 18), None),
    ("dep2", "deprecations", "OpenAI: gpt-4.1-nano", "https://developers.openai.com/api/docs/deprecations#gpt-4-1-nano",
     "gpt-4.1-nano is deprecated; it shuts down on 2026-10-23.", None, D.format(3, 2), None),
    # --- the same news under near-identical titles, no shared link -------------------------------------------
    ("atlas", "tech-news", "OpenAI launches ChatGPT Atlas, a browser with an agent built in",
     "https://technews.example.com/openai-atlas", "", None, D.format(20, 17), None),
    ("atlas", "ai-digest", "OpenAI Launches ChatGPT Atlas, a Browser With an Agent Built In",
     "https://aidigest.example.org/p/atlas", "", None, D.format(20, 19), None),
    ("atlas", "community-news", "OpenAI launches ChatGPT Atlas: a browser with an agent built-in",
     "https://news.example.org/items/950", "", None, D.format(21, 2), None),
    ("gem35", "google-blog", "Gemini 3.5 Flash is now generally available", "https://blog.google/gemini-3-5-flash-ga",
     "", None, D.format(19, 16), None),
    ("gem30", "tech-news", "Gemini 3.0 Flash is now generally available", "https://technews.example.com/gemini-3-flash",
     "", None, D.format(19, 18), None),
    ("gem35", "ai-digest", "Gemini 3.5 Flash now generally available", "https://aidigest.example.org/p/gemini-35-ga",
     "", None, D.format(19, 20), None),
    ("opt1", "lab-blog", "Optimisation tricks for serving mixture-of-experts models",
     "https://lab.example.com/blog/moe-serving", "", None, D.format(22, 9), None),
    ("opt1", "tech-news", "Optimization tricks for serving mixture of experts models",
     "https://technews.example.com/moe-serving", "", None, D.format(22, 14), None),
    # --- weekly digests: the same title on different dates --------------------------------------------------
    ("batch1", "the-batch", "The Batch: weekly AI news", "https://batch.example.com/issue-300", "", None,
     D.format(6, 9), None),
    ("batch2", "the-batch", "The Batch: weekly AI news", "https://batch.example.com/issue-301", "", None,
     D.format(13, 9), None),
    ("batch3", "other-digest", "The Batch: weekly AI news", "https://mirror.example.com/batch-301", "", None,
     D.format(20, 9), None),
    ("iai1", "import-ai", "Import AI 431: agents that negotiate", "https://importai.example.com/431", "", None,
     D.format(10, 6), None),
    ("iai2", "import-ai", "Import AI 432: agents that negotiate", "https://importai.example.com/432", "", None,
     D.format(17, 6), None),
    # --- the same URL from two feeds -------------------------------------------------------------------------
    ("url1", "anthropic-news", "Claude Opus 5.1 system card", "https://www.anthropic.com/news/opus-5-1-system-card",
     "", None, D.format(23, 17), None),
    ("url1", "ai-digest", "Read: the Claude Opus 5.1 system card",
     "https://www.anthropic.com/news/opus-5-1-system-card?utm_source=digest", "", None, D.format(24, 8), None),
    # --- lone items ------------------------------------------------------------------------------------------
    *[(f"lone{i}", src, title, f"https://{src}.example.com/{i}", "", None, D.format(5 + i % 20, 10), None)
      for i, (src, title) in enumerate([
          ("lab-blog", "How we evaluate agents in production"),
          ("lab-blog", "A field guide to prompt caching"),
          ("tech-news", "Chip export rules tighten again"),
          ("tech-news", "Startup raises $200M for inference hardware"),
          ("ai-digest", "Five prompt injection attacks to test this week"),
          ("ai-digest", "Structured outputs: lessons from a year in production"),
          ("community-news", "Ask: how do you version your prompts?"),
          ("community-news", "Show: a tiny eval harness for RAG"),
          ("openai-news", "Introducing the Responses API batch mode"),
          ("openai-news", "Safety evaluations hub update"),
          ("anthropic-news", "Claude for Financial Services"),
          ("anthropic-news", "Our approach to model welfare"),
          ("google-blog", "Gemini in Chrome: what's new"),
          ("google-blog", "A new open model for on-device translation"),
          ("meta-blog", "Segment Anything 4"),
          ("vllm-blog", "Disaggregated prefill in practice"),
          ("weekly-roundup", "Evaluating long-context models: a survey of benchmarks"),
          ("tech-news", "Evaluating long-context models fails on multilingual benchmarks"),
          ("arxiv-cs-cl", "Retrieval heads in small language models"),
          ("arxiv-cs-lg", "Retrieval heads in large language models"),
          ("hf-papers", "Reward models for code review"),
          ("the-decoder", "Reward models for code review are not enough"),
          ("tech-news", "TLS 1.3 in practice: lessons from a migration"),     # a version named, no release
          ("lab-blog", "TLS 1.3 deployment guide for inference servers"),
          ("ai-digest", "Python 3.12 tips for faster tokenizers"),
      ])],
]
