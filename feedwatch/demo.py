"""A bundled demo dataset, so `feedwatch demo` shows everything in one command (headless part).

`build_demo(db_path, today)` creates a SQLite database at `db_path` and fills it the way real use
would: a few hundred items across every source kind (arXiv listings and API searches, lab blogs,
GitHub releases, Hugging Face models, deprecations.info notices) spread over the three weeks
before `today`, written fetch by fetch through the normal ingest path; source health with a
couple of failing sources; the offline enrichment (summaries, tags, links to the team's assets
from the bundled feeds.toml); and some triage a team would have done (read, starred,
"needs-experiment", confirmed and dismissed links).

Everything here is invented from hand-written templates: item links point to https://example.org/,
and every fetch URL of the returned config points to http://127.0.0.1:9 (the discard port, always
refused), so an accidental refresh fails at once and shows errors instead of reaching the network.
Same `today` -> same items, ids, tags and links (a fixed random seed; no wall-clock in the data,
except the times stamped on link decisions and enrichment rows by the storage layer).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from .config import Config, load_config, bundled_config_path, parse_config
from .entry import Entry
from .text import clean_body, clean_line

__all__ = ["build_demo", "demo_config", "DEMO_SOURCES", "HOSTILE_TITLES", "LOOPBACK"]

SEED = 20261127
LOOPBACK = "http://127.0.0.1:9"          # TCP discard port: connections are refused at once
SITE = "https://example.org"             # every item link (reserved for documentation, RFC 2606)
WINDOW_DAYS = 21

# Titles as a hostile feed would send them; they are stored cleaned like any fetched title
# (controls, ANSI escapes and bidi overrides removed, markup kept as literal text).
HOSTILE_TITLES = (
    "[bold]URGENT[/] move every prompt to the new tokenizer today",
    "[@click=app.quit]Free GPU credits[/] for open-source maintainers",
    "Weekly links: prompt tricks, evals [/] and a stray closing tag",
    "GPU invoice for October \u202egpj.exe",
    "\x1b[31mSECURITY\x1b[0m: API keys leaked in public notebooks",
    "Release notes \x1b]8;;https://evil.example/\x07(click me)\x1b]8;;\x07 and [link=https://evil.example]more[/link]",
    "Rendering [b]Untrusted[/b] Text: Markup Injection Against Terminal LLM Agents",
)

# --- sources ---------------------------------------------------------------------------------
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


# --- the dataset -----------------------------------------------------------------------------

@dataclass(slots=True)
class _Fetch:
    """One fetch of one source that delivered these entries at `when`."""
    when: datetime
    source: str
    entries: list[Entry] = field(default_factory=list)


class _Timeline:
    """Times relative to the reference day; everything happens before its 00:00 UTC."""

    def __init__(self, today: date):
        self.end = datetime.combine(today, time(0, 0), tzinfo=timezone.utc)

    def at(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        return self.end - timedelta(days=days_ago) + timedelta(hours=hour, minutes=minute)

    def day(self, days_ago: int) -> date:
        return (self.end - timedelta(days=days_ago)).date()


def _iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry(guid: str, title: str, url: str, published: datetime, *, summary: str = "", content: str = "",
           authors: list[str] | None = None, categories: list[str] | None = None, extra: dict | None = None,
           arxiv_id: str | None = None, arxiv_version: int | None = None) -> Entry:
    """An Entry cleaned exactly like a parser would clean it."""
    return Entry(guid=guid, title=clean_line(title) or "(untitled)", url=url, summary=clean_body(summary, 2000),
                 content=clean_body(content), authors=[clean_line(a, 200) for a in authors or []],
                 published=_iso(published), categories=list(categories or []), extra=dict(extra or {}),
                 arxiv_id=arxiv_id, arxiv_version=arxiv_version)


# --- arXiv -----------------------------------------------------------------------------------

_FIRST = ("Amara", "Bo", "Carlos", "Dana", "Elif", "Farid", "Greta", "Hiroshi", "Inês", "Jun", "Kofi", "Lena",
          "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sanjay", "Tomasz", "Uma", "Viktor", "Wen",
          "Ximena", "Yusuf", "Zofia", "Aiko", "Chidi", "Daria", "Emeka", "Freya", "Goran", "Hana", "Ilya",
          "Jana", "Kenji", "Leila", "Mikkel", "Noor", "Søren")
_LAST = ("Abara", "Bianchi", "Chen", "Dimitrov", "Eriksen", "Fernández", "Gupta", "Haddad", "Ivanova", "Jensen",
         "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrova", "Quispe", "Rahman", "Silva", "Tanaka",
         "Usman", "Varga", "Wójcik", "Xu", "Yılmaz", "Zhang", "Brennan", "Castillo", "Duarte", "Esposito",
         "Fischer", "García", "Horvat", "Iyer", "Jovanović", "Kim", "Lindqvist", "Mendes", "Novak", "Osei")

# (title form, prose form, family): family "prompting" / "safety" also feed the arXiv API searches
_TECHNIQUES = (
    ("Chain-of-Thought Prompting", "chain-of-thought prompting", "prompting"),
    ("Few-Shot Prompting", "few-shot prompting", "prompting"),
    ("Automatic Prompt Optimization", "automatic prompt optimization", "prompting"),
    ("In-Context Learning", "in-context learning", "prompting"),
    ("Speculative Decoding", "speculative decoding", "lg"),
    ("KV Cache Compression", "KV cache compression", "lg"),
    ("4-Bit Quantization", "4-bit weight quantization", "lg"),
    ("LoRA Fine-Tuning", "LoRA fine-tuning", "lg"),
    ("Direct Preference Optimization", "direct preference optimization (DPO)", "lg"),
    ("Knowledge Distillation", "knowledge distillation", "lg"),
    ("Retrieval-Augmented Generation", "retrieval-augmented generation", "cl"),
    ("Cross-Encoder Reranking", "cross-encoder reranking", "cl"),
    ("LLM-as-a-Judge Evaluation", "LLM-as-a-judge evaluation", "cl"),
    ("Grammar-Constrained Decoding", "grammar-constrained decoding", "cl"),
    ("Tool Calling", "tool calling", "cl"),
    ("Mixture-of-Experts Routing", "mixture-of-experts routing", "lg"),
    ("Long-Context Attention", "long-context attention", "lg"),
    ("Prompt Injection Defenses", "defending against prompt injection", "safety"),
    ("Jailbreak Detection", "jailbreak detection", "safety"),
    ("Hallucination Detection", "hallucination detection", "cl"),
    ("Self-Consistency Decoding", "self-consistency decoding", "cl"),
    ("Reward Modeling", "reward modeling", "lg"),
    ("Synthetic Instruction Data", "training on synthetic instruction data", "lg"),
    ("Test-Time Compute Scaling", "test-time compute scaling", "lg"),
)
_TASKS = (
    ("Multi-Hop Question Answering", "multi-hop question answering"),
    ("Automated Code Repair", "automated code repair"),
    ("Clinical Note Summarization", "clinical note summarization"),
    ("Low-Resource Machine Translation", "low-resource machine translation"),
    ("Support Ticket Classification", "support ticket classification"),
    ("Legal Document Retrieval", "legal document retrieval"),
    ("Math Word Problems", "math word problems"),
    ("Web Navigation Agents", "web navigation agents"),
    ("Table Question Answering", "table question answering"),
    ("Instruction Following", "instruction following"),
    ("Long-Document Summarization", "long-document summarization"),
    ("Text-to-SQL", "text-to-SQL"),
    ("Scientific Claim Verification", "scientific claim verification"),
    ("Customer Support Assistants", "customer support assistants"),
    ("Multilingual Dialogue", "multilingual dialogue"),
    ("Spreadsheet Formula Generation", "spreadsheet formula generation"),
)
_TITLES = (
    "{a}: {t} for {k}",
    "Does {t} Help {k}? An Empirical Study",
    "{a}: Small Language Models Meet {t}",
    "Rethinking {t} for {k}",
    "{a}: A Benchmark for {k} with {t}",
    "Beyond {t}: Cheaper and More Reliable {k}",
    "{t} Under Distribution Shift: Lessons from {k}",
    "When Does {t} Fail? Evidence from {k}",
    "What Does {t} Cost? A Study on {k}",
    "{a}: Robust {k} via {t}",
)
_ACRO_A = ("Re", "Pro", "Co", "Tri", "Meta", "Hyper", "Sparse", "Flash", "Deep", "Self", "Lite", "Omni", "Micro",
           "Auto", "Fast", "Quill", "Vela", "Nova")
_ACRO_B = ("Prompt", "Judge", "Cache", "Route", "Tune", "Spec", "Align", "Distill", "Bench", "Chain", "Guard",
           "Rank", "Draft", "Plan", "Probe", "Sieve", "Lens", "Forge")
_PROBLEMS = (
    "its benefits are rarely measured under realistic compute budgets",
    "its gains shrink sharply when prompts are paraphrased",
    "little is known about when and why it fails",
    "it adds compute costs that small teams struggle to absorb",
    "most evaluations rely on a handful of English benchmarks",
    "its behaviour on long inputs is poorly understood",
)
_METHODS = (
    "a training-free method that reuses intermediate activations across similar requests",
    "a two-stage pipeline that drafts an answer with a small model and verifies it with a larger one",
    "a data recipe that keeps only synthetic examples on which three independent judges agree",
    "a decoding-time constraint that keeps outputs well-formed without retraining",
    "a test protocol that pairs every input with a perturbed twin",
    "a lightweight router that sends easy inputs to a cheaper model",
    "a calibration step that lets the model abstain when the retrieved evidence is weak",
)
_MODELS = ("Qwen2.5-7B-Instruct", "Qwen3-8B", "Mistral Small 3.1", "Gemma 3 12B", "DeepSeek-V3", "Phi-4",
           "OLMo 2 13B", "Llama 3.3 70B Instruct", "Qwen3-30B-A3B", "Gemma 3 4B", "Mistral Nemo 12B")
_ASSET_MODELS = ("Llama 3.1 8B Instruct", "GPT-4o mini", "Claude 3.5 Haiku")   # what the bundled assets run on
_CODA = (
    "Our analysis also shows that the gains depend strongly on the prompt format.",
    "Most remaining errors come from ambiguous references in the input.",
    "Human raters prefer our outputs in 64% of pairwise comparisons.",
    "The method adds fewer than 200 lines of code to a standard training pipeline.",
    "Code and data are available at https://example.org/code.",
    "",
)


@dataclass(slots=True)
class _Paper:
    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]        # primary first
    family: str
    submitted: datetime


def _paper_text(rng: random.Random, used_titles: set[str], used_acronyms: set[str]) -> tuple[str, str, str]:
    while True:
        tech = rng.choice(_TECHNIQUES)
        task = rng.choice(_TASKS)
        acro = rng.choice(_ACRO_A) + rng.choice(_ACRO_B)
        title = rng.choice(_TITLES).format(a=acro, t=tech[0], k=task[0])
        if title not in used_titles and (acro not in used_acronyms or "{a}" not in title):
            break
    used_titles.add(title)
    used_acronyms.add(acro)
    m1, m2 = rng.sample(_MODELS, 2)
    if rng.random() < 0.12:    # some papers use a model the team runs on: a weak "mentions" link
        m1 = rng.choice(_ASSET_MODELS)
    x, y = round(rng.uniform(1.5, 9.5), 1), rng.randrange(12, 61)
    result = rng.choice((f"gains of {x} points in accuracy at {y}% lower cost",
                         f"a {y}% reduction in cost with no loss in quality",
                         f"that errors fall by {y}% relative to strong baselines",
                         f"improvements of {x} points on average, largest on inputs longer than 32k tokens"))
    prose = tech[1][0].upper() + tech[1][1:]
    name = acro if "{a}" in title else "our approach"
    abstract = (f"{prose} is widely used for {task[1]}, but {rng.choice(_PROBLEMS)}. "
                f"We propose {name}, {rng.choice(_METHODS)}. "
                f"Experiments with {m1} and {m2} on {rng.randrange(3, 15)} datasets show {result}. "
                f"{rng.choice(_CODA)}").strip()
    return title, abstract, tech[2]


# Hand-written papers that matter to the demo's assets (index into the listing days, primary, extras)
_SPECIAL_PAPERS = (
    (1, "cs.CL", "Distilling GPT-4o mini Judges into Llama 3.1 8B Instruct for Cheap Changelog Grading",
     "LLM-as-a-judge evaluation with GPT-4o mini is accurate but costs more than many nightly eval jobs can "
     "afford. We distill its grades into Llama 3.1 8B Instruct with 40k synthetic comparisons and show that the "
     "student agrees with the teacher on 91% of changelog pairs while costing 30 times less to run. "
     "Agreement drops on long inputs, where we recommend keeping the larger judge.", ["cs.LG"]),
    (3, "cs.CL", "Structured Output Drift: JSON Schema Compliance of Small Instruct Models Across Quantization",
     "Ticket routers and extraction pipelines rely on JSON schema compliance, yet quantization changes it in "
     "ways accuracy benchmarks miss. We measure structured output validity of Llama 3.1 8B Instruct, Qwen3-8B "
     "and Gemma 3 12B under 8-bit and 4-bit quantization with and without constrained decoding. Unconstrained "
     "4-bit models break the schema on up to 7% of inputs; grammar-constrained decoding removes the gap.",
     ["cs.LG"]),
    (5, "cs.CL", HOSTILE_TITLES[6],
     "Terminal user interfaces for LLM agents render model output and feed text with rich markup languages. "
     "We show that untrusted text containing markup tags or escape sequences can restyle, hide or trigger "
     "actions in 9 of 12 popular tools, and propose rendering all untrusted text as plain text.", ["cs.CR"]),
    (7, "cs.CL", "Reranking Is Not Enough: Hallucination in Help-Center RAG Answers",
     "Retrieval-augmented generation for customer help centers still produces unsupported answers. Across "
     "12k real questions answered with text-embedding-3-small retrieval, a cross-encoder reranker and GPT-4o "
     "mini, 6% of answers cite passages that do not support them. A simple abstention rule halves the rate.",
     ["cs.IR"]),
)

# papers re-announced as v2 (by position in the generated cs.CL list): (paper index, days later, note)
_REPLACEMENTS = ((0, 6, "This version adds results on three multilingual benchmarks and corrects Table 3."),
                 (9, 4, "v2: extended related work, new ablations on prompt length, typo fixes."))


def _listing_days(tl: _Timeline) -> list[int]:
    """days_ago of the arXiv announcement days (weekdays) in the window, oldest first."""
    return [d for d in range(WINDOW_DAYS, 0, -1) if tl.day(d).weekday() < 5]


def _arxiv(tl: _Timeline, rng: random.Random) -> list[_Fetch]:
    fetches: list[_Fetch] = []
    used_titles: set[str] = set()
    used_acronyms: set[str] = set()
    days = _listing_days(tl)
    papers_by_day: list[list[_Paper]] = []
    seq = 10000 + rng.randrange(4000)
    for n, d in enumerate(days):
        papers: list[_Paper] = []
        listing = tl.at(d, 5)      # arXiv announces at midnight US Eastern
        for i in range(14):
            seq += rng.randrange(7, 60)
            day = tl.day(d + 1)
            arxiv_id = f"{day.year % 100:02d}{day.month:02d}.{seq:05d}"
            primary = "cs.CL" if i < 9 else "cs.LG"
            title, abstract, family = _paper_text(rng, used_titles, used_acronyms)
            extras = []
            if primary == "cs.CL":
                if rng.random() < 0.2:
                    extras.append("cs.LG")
                if rng.random() < 0.35:
                    extras.append("cs.AI")
            else:
                if rng.random() < 0.3:
                    extras.append("cs.CL")
                if rng.random() < 0.2:
                    extras.append("stat.ML")
            if family == "safety" and rng.random() < 0.5:
                extras.append("cs.CR")
            authors = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(rng.randrange(2, 7))]
            submitted = listing - timedelta(days=1 if tl.day(d).weekday() else 3, hours=rng.randrange(2, 20))
            papers.append(_Paper(arxiv_id, title, abstract, list(dict.fromkeys(authors)), [primary, *extras],
                                 family, submitted))
        for idx, primary, title, abstract, extras in _SPECIAL_PAPERS:
            if idx == n:
                seq += rng.randrange(7, 60)
                day = tl.day(d + 1)
                authors = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(3)]
                papers.append(_Paper(f"{day.year % 100:02d}{day.month:02d}.{seq:05d}", title, abstract,
                                     list(dict.fromkeys(authors)), [primary, *extras],
                                     "safety" if "Injection" in title else "prompting",
                                     listing - timedelta(days=1, hours=5)))
        papers_by_day.append(papers)
        for source, cat, minute in (("arxiv-cs-cl", "cs.CL", 20), ("arxiv-cs-lg", "cs.LG", 25)):
            entries = [_listing_entry(p, 1, "new" if p.categories[0] == cat else "cross", listing)
                       for p in papers if cat in p.categories]
            fetches.append(_Fetch(tl.at(d, 5, minute), source, entries))

    # v2 replacements: re-announced in the cs.CL listing a few days later
    cl_papers = [p for day in papers_by_day for p in day if p.categories[0] == "cs.CL"]
    for index, later, note in _REPLACEMENTS:
        paper = cl_papers[index]
        first_day = next(n for n, day in enumerate(papers_by_day) if paper in day)
        n = min(first_day + later, len(days) - 1)
        listing = tl.at(days[n], 5)
        paper.abstract = f"{paper.abstract} {note}"
        fetch = next(f for f in fetches if f.source == "arxiv-cs-cl" and f.when == tl.at(days[n], 5, 20))
        fetch.entries.append(_listing_entry(paper, 2, "replace", listing))

    # the API searches: matching papers the morning after their listing (most already stored via
    # a listing, so they merge), plus a few older ones only the search finds
    for source, family in (("arxiv-prompting", "prompting"), ("arxiv-llm-security", "safety")):
        for n, d in enumerate(days):
            found = [p for p in papers_by_day[n] if p.family == family]
            if n % 5 == 2:
                seq_old = 9000 + n * 37 + (0 if family == "prompting" else 500)
                old = tl.day(d + 12)
                title, abstract, _ = _paper_text(rng, used_titles, used_acronyms)
                authors = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" for _ in range(rng.randrange(2, 5))]
                found.append(_Paper(f"{old.year % 100:02d}{old.month:02d}.{seq_old:05d}", title, abstract,
                                    list(dict.fromkeys(authors)),
                                    ["cs.CL", "cs.CR"] if family == "safety" else ["cs.CL", "cs.IR"], family,
                                    tl.at(d + 12, 14)))
            if found:
                fetches.append(_Fetch(tl.at(d, 9, 5 if family == "prompting" else 10), source,
                                      [_api_entry(p) for p in found]))
    return fetches


def _listing_entry(p: _Paper, version: int, announce: str, listing: datetime) -> Entry:
    return _entry(f"oai:arXiv.org:{p.arxiv_id}v{version}", p.title, f"{SITE}/arxiv/abs/{p.arxiv_id}", listing,
                  summary=p.abstract, authors=p.authors, categories=p.categories,
                  extra={"announce_type": announce}, arxiv_id=p.arxiv_id, arxiv_version=version)


def _api_entry(p: _Paper) -> Entry:
    return _entry(f"arxiv:{p.arxiv_id}", p.title, f"{SITE}/arxiv/abs/{p.arxiv_id}", p.submitted,
                  summary=p.abstract, authors=p.authors, categories=p.categories,
                  extra={"primary_category": p.categories[0]}, arxiv_id=p.arxiv_id, arxiv_version=1)


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


def _blogs(tl: _Timeline, rng: random.Random) -> list[_Fetch]:
    fetches = []
    for source, posts in _BLOGS.items():
        for n, (days_ago, hour, title, summary, authors) in enumerate(posts):
            published = tl.at(days_ago, hour, rng.randrange(60))
            words = ("".join(ch for ch in w.lower() if ch.isalnum()) for w in clean_line(title).split())
            url = f"{SITE}/{source}/{'-'.join(w for w in words if w)[:60].strip('-') or n}"
            entry = _entry(url, title, url, published, summary=summary, content=summary, authors=authors)
            fetches.append(_Fetch(published + timedelta(minutes=rng.randrange(20, 180)), source, [entry]))
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


def _releases(tl: _Timeline, rng: random.Random) -> list[_Fetch]:
    fetches = []
    by_name = {name: spec for name, _, spec in DEMO_SOURCES}
    for source, (repo_id, author, releases) in _RELEASES.items():
        repo = by_name[source]["repo"]
        for days_ago, hour, tag, title, notes in releases:
            published = tl.at(days_ago, hour, rng.randrange(60))
            entry = _entry(f"tag:github.com,2008:Repository/{repo_id}/{tag}", title or tag,
                           f"{SITE}/github/{repo}/releases/tag/{tag}", published, summary=notes, content=notes,
                           authors=[author])
            fetches.append(_Fetch(published + timedelta(minutes=rng.randrange(10, 170)), source, [entry]))
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


def _hf(tl: _Timeline, rng: random.Random) -> list[_Fetch]:
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
            entry = _entry(repo, repo, f"{SITE}/hf/{repo}", published, summary=" ".join(parts), authors=[author],
                           categories=[pipeline, library, *tags], extra=extra)
            fetches.append(_Fetch(published + timedelta(minutes=rng.randrange(15, 170)), source, [entry]))
    return fetches


# --- deprecations.info -----------------------------------------------------------------------
# (days_ago first observed, provider, model_id, days until shutdown, replacements, docs anchor)
_DEPRECATIONS = (
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


def _deprecations(tl: _Timeline, rng: random.Random) -> list[_Fetch]:
    fetches: dict[int, _Fetch] = {}
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
        entry = _entry(f"{slug}-{model_id}", f"{provider}: {model_id}", f"{SITE}/deprecations/{slug}#{model_id}",
                       published, summary=". ".join(parts) + ".", authors=["deprecations.info"],
                       categories=[provider, f"shutdown-{shutdown.year}"], extra={"_deprecation": dep})
        fetch = fetches.setdefault(days_ago, _Fetch(tl.at(days_ago, 2, 40), "deprecations-info"))
        fetch.entries.append(entry)
    return list(fetches.values())


# --- build -----------------------------------------------------------------------------------

def _dataset(today: date) -> list[_Fetch]:
    """Every fetch of the demo, in the order it happened."""
    tl = _Timeline(today)
    rng = random.Random(SEED)
    fetches = [*_arxiv(tl, rng), *_blogs(tl, rng), *_releases(tl, rng), *_hf(tl, rng), *_deprecations(tl, rng)]
    order = {name: i for i, (name, _, _) in enumerate(DEMO_SOURCES)}
    last = tl.end - timedelta(minutes=1)
    for f in fetches:
        if f.when > last:
            f.when = last
    fetches.sort(key=lambda f: (f.when, order[f.source]))
    return fetches


def build_demo(db_path: Path, today: date | None = None, person: str | None = None) -> Config:
    """Create and fill the demo database at db_path (which must not exist); returns the demo config.

    The read and starred items are `person`'s (default: whoever runs it, as the app will see it);
    a colleague, "ben", has starred a few too.

    `today` defaults to the current UTC date; all items and fetches fall before its 00:00 UTC, so no
    stored time is in the future. The same `today` always gives the same items, ids, tags and links.
    """
    from .identity import current_user
    from .storage.db import open_database

    db_path = Path(db_path)
    if db_path.exists():
        raise FileExistsError(f"{db_path} already exists")
    today = today or datetime.now(timezone.utc).date()
    config = demo_config()
    person = person or current_user(config)
    tl = _Timeline(today)
    db = open_database(f"sqlite:///{db_path}")
    try:
        _store(db, config, _dataset(today), tl)
        _enrich(config, db)
        _triage(db, tl, person)
        _experiments(db, tl)
    finally:
        db.close()
    return config


def _store(db, config: Config, fetches: list[_Fetch], tl: _Timeline) -> None:
    from .storage.ingest import record_fetch, write_entries

    last_fetch: dict[str, datetime] = {}
    with db.transaction() as c:
        for f in fetches:
            source = config.source(f.source)
            write_entries(c, f.source, f.entries, list(source.tags), _iso(f.when))
            last_fetch[f.source] = f.when
        for n, source in enumerate(config.sources):
            url = source.fetch_url(config.endpoints)
            interval = source.interval or config.fetch.interval
            attempt = tl.end - timedelta(minutes=5 + (n * 7) % 50)
            failing = FAILING.get(source.name)
            success = tl.end - timedelta(hours=failing[3]) if failing else attempt
            record_fetch(c, name=source.name, kind=source.kind, url=url, title=source.title or "",
                         etag=None, last_modified=None, attempt=_iso(success), success=True, status=200,
                         error=None, consecutive_errors=0, next_due=_iso(success + timedelta(seconds=interval)))
            if failing:
                status, message, errors, _ = failing
                wait = min(15 * 60 * 2 ** (errors - 1), 24 * 3600)
                record_fetch(c, name=source.name, kind=source.kind, url=url, etag=None, last_modified=None,
                             attempt=_iso(attempt), success=False, status=status, error=message,
                             consecutive_errors=errors, next_due=_iso(attempt + timedelta(seconds=wait)))


def _enrich(config: Config, db) -> None:
    from .enrich.run import enrich

    coro_args = (config, db)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(enrich(*coro_args, environ={}))
        return
    # called from inside an event loop (an async caller): run the enrichment on its own loop
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(enrich(*coro_args, environ={}))).result()


def _item_id(db, source: str, guid: str) -> int:
    rows = db.query("SELECT item_id FROM item_sources WHERE source = :s AND guid = :g", {"s": source, "g": guid})
    if not rows:
        raise LookupError(f"demo item {source}/{guid} is missing")
    return rows[0]["item_id"]


def _blog_id(db, source: str, title_start: str) -> int:
    rows = db.query("SELECT s.item_id FROM item_sources s JOIN items i ON i.id = s.item_id "
                    "WHERE s.source = :s AND i.title LIKE :t ORDER BY s.item_id",
                    {"s": source, "t": title_start.replace("%", "") + "%"})
    if not rows:
        raise LookupError(f"demo item {source}/{title_start!r} is missing")
    return rows[0]["item_id"]


# (how to find the item, asset, status, user, reason)
_LINK_DECISIONS = (
    (("deprecations-info", "openai-gpt-4o-mini-2024-07-18"), "support-summarizer", "confirmed", "ana",
     "pinned snapshot in prod; migrate before shutdown"),
    (("deprecations-info", "openai-gpt-4o-mini-2024-07-18"), "help-center-rag", "confirmed", "chen", None),
    (("deprecations-info", "anthropic-claude-3-5-haiku-20241022"), "support-summarizer", "confirmed", "ana", None),
    (("deprecations-info", "anthropic-claude-3-5-haiku-20241022"), "release-notes-eval", "confirmed", "dana",
     "judge model; re-baseline the golden set on Haiku 4.5"),
    (("deprecations-info", "openai-text-embedding-3-small"), "help-center-rag", "confirmed", "chen",
     "re-embedding the help center takes a day; schedule it"),
    (("deprecations-info", "groq-llama-3.1-8b-instant"), "ticket-triage", "dismissed", "bruno",
     "we self-host on vLLM, not Groq"),
    (("deprecations-info", "bedrock-meta.llama3-1-8b-instruct-v1:0"), "ticket-triage", "dismissed", "bruno",
     "not on Bedrock"),
    (("deprecations-info", "bedrock-anthropic.claude-3-5-haiku-20241022-v1:0"), "support-summarizer", "dismissed",
     "ana", "we call Anthropic directly, not Bedrock"),
    (("vllm-releases", "tag:github.com,2008:Repository/599547518/v0.14.0"), "ticket-triage", "confirmed", "bruno",
     "EAGLE-3 speculative decoding could halve our latency"),
    (("blog", "huggingface-blog", "Reranking in production"), "help-center-rag", "confirmed", "chen",
     "compare with our cross-encoder"),
    (("blog", "huggingface-blog", "Introducing a benchmark for support-ticket"), "ticket-triage", "confirmed",
     "bruno", "public eval set for our classifier"),
    (("blog", "mistral-news", "Mistral Small 3.2"), "support-summarizer", "confirmed", "ana",   # a link by hand
     "candidate replacement for Claude 3.5 Haiku; compare on last month's tickets"),
)


def _find(db, key: tuple) -> int:
    if key[0] == "blog":
        return _blog_id(db, key[1], key[2])
    return _item_id(db, key[0], key[1])


def _triage(db, tl: _Timeline, person: str) -> None:
    from .storage import triage
    from .storage.enrichment import set_link_status

    rng = random.Random(SEED + 1)
    week_ago = _iso(tl.end - timedelta(days=7))
    older = [r["id"] for r in db.query("SELECT id FROM items WHERE COALESCE(published, first_seen) < :t ORDER BY id",
                                       {"t": week_ago})]
    keep_unread = {_find(db, key) for key, *_ in _LINK_DECISIONS}
    candidates = [i for i in older if i not in keep_unread]
    triage.set_state(db, person, sorted(rng.sample(candidates, round(len(older) * 0.4))), "read")

    for key, asset, status, user, reason in _LINK_DECISIONS:
        set_link_status(db, _find(db, key), asset, status, user, reason)

    starred = [("deprecations-info", "openai-gpt-4o-mini-2024-07-18"),
               ("deprecations-info", "anthropic-claude-3-5-haiku-20241022"),
               ("vllm-releases", "tag:github.com,2008:Repository/599547518/v0.14.0"),
               ("blog", "vllm-blog", "Serving Llama 3.1 8B Instruct"),
               ("blog", "openai-news", "A new GPT-4o mini snapshot")]
    triage.set_starred(db, person, [_find(db, k) for k in starred], True)
    triage.set_starred(db, "ben", [_find(db, k) for k in starred[:2]], True)   # a colleague's, shown as "starred by"
    # two starred papers, one also flagged for an experiment
    papers = [r["id"] for r in db.query("SELECT id FROM items WHERE title LIKE 'Distilling GPT-4o mini Judges%' "
                                        "OR title LIKE 'Structured Output Drift%'")]
    triage.set_starred(db, person, papers, True)

    for key in (("blog", "huggingface-blog", "Quantizing Llama 3.1 8B Instruct"),
                ("blog", "openai-news", "A new GPT-4o mini snapshot"),
                ("hf-qwen", "Qwen/Qwen3-Reranker-4B"),
                ("blog", "vllm-blog", "Serving Llama 3.1 8B Instruct")):
        triage.toggle_user_tag(db, _find(db, key), triage.NEEDS_EXPERIMENT)
    for paper in papers[:1]:
        triage.toggle_user_tag(db, paper, triage.NEEDS_EXPERIMENT)


def _experiments(db, tl: _Timeline) -> None:
    """A few follow-up experiments in every state, started from demo items, at fixed times."""
    from .storage import experiments as xp

    def t(days_ago: int, hour: int) -> str:
        return _iso(tl.at(days_ago, hour))

    dep = _find(db, ("deprecations-info", "openai-gpt-4o-mini-2024-07-18"))
    snap = _find(db, ("blog", "openai-news", "A new GPT-4o mini snapshot"))
    e = xp.create(db, "Move support-summarizer off gpt-4o-mini-2024-07-18 before its shutdown",
                  "The new gpt-4o-mini snapshot keeps summary quality (ROUGE-L within 1 point) at the same cost.",
                  items=[dep, snap], assets=["support-summarizer"], owner="ana", now=t(6, 10))
    xp.transition(db, e.id, "running", "ana", now=t(5, 9))
    xp.add_link(db, e.id, "https://example.org/promptfoo/reports/summarizer-snapshot-eval", "ana", now=t(5, 11))
    xp.add_note(db, e.id, "First 200 tickets: two regressions on long threads; re-running with the 8k cut.",
                "ben", now=t(4, 15))
    xp.close(db, e.id, "improved", "Same quality, 12% fewer tokens; switched in production.", "ana", now=t(2, 16))

    vllm = _find(db, ("vllm-releases", "tag:github.com,2008:Repository/599547518/v0.14.0"))
    e = xp.create(db, "Re-benchmark release-notes-eval on vLLM v0.14.0",
                  "The scheduler changes cut p95 latency for our 8B model by a third.",
                  items=[vllm], assets=["release-notes-eval"], owner="ben", now=t(3, 14))
    xp.transition(db, e.id, "running", "ben", now=t(2, 9))

    quant = _find(db, ("blog", "huggingface-blog", "Quantizing Llama 3.1 8B Instruct"))
    xp.create(db, "Try the 4-bit Llama 3.1 8B for ticket-triage",
              "Triage accuracy stays within 2 points at half the GPU memory.",
              items=[quant], assets=["ticket-triage"], owner="ana", now=t(1, 17))

    e = xp.create(db, "Few-shot examples for help-center-rag answers", "", assets=["help-center-rag"],
                  owner="chen", now=t(9, 10))
    xp.transition(db, e.id, "abandoned", "chen", now=t(7, 12))
