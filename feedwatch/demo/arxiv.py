"""The demo's arXiv papers: daily listings (new, cross-list, replacement) and API searches."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..entry import Entry
from .common import HOSTILE_TITLES, SITE, WINDOW_DAYS, Fetch, Timeline, make_entry

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


def _listing_days(tl: Timeline) -> list[int]:
    """days_ago of the arXiv announcement days (weekdays) in the window, oldest first."""
    return [d for d in range(WINDOW_DAYS, 0, -1) if tl.day(d).weekday() < 5]


def arxiv_fetches(tl: Timeline, rng: random.Random) -> list[Fetch]:
    fetches: list[Fetch] = []
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
            fetches.append(Fetch(tl.at(d, 5, minute), source, entries))

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
                fetches.append(Fetch(tl.at(d, 9, 5 if family == "prompting" else 10), source,
                                      [_api_entry(p) for p in found]))
    return fetches


def _listing_entry(p: _Paper, version: int, announce: str, listing: datetime) -> Entry:
    return make_entry(f"oai:arXiv.org:{p.arxiv_id}v{version}", p.title, f"{SITE}/arxiv/abs/{p.arxiv_id}", listing,
                  summary=p.abstract, authors=p.authors, categories=p.categories,
                  extra={"announce_type": announce}, arxiv_id=p.arxiv_id, arxiv_version=version)


def _api_entry(p: _Paper) -> Entry:
    return make_entry(f"arxiv:{p.arxiv_id}", p.title, f"{SITE}/arxiv/abs/{p.arxiv_id}", p.submitted,
                  summary=p.abstract, authors=p.authors, categories=p.categories,
                  extra={"primary_category": p.categories[0]}, arxiv_id=p.arxiv_id, arxiv_version=1)
