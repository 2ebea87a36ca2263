"""The LLM enricher: any OpenAI-compatible Chat Completions endpoint through the `openai` package.

Several items per call (the instructions, vocabulary and asset catalogue go once per batch, as a
stable prefix servers can cache), structured output with a `json_object` fallback for servers
without `json_schema`, bounded time and retries (the client honours Retry-After), and strict
validation of what comes back: unknown tags and assets are dropped and counted, lengths capped,
nothing is ever treated as markup or a command. A batch whose answer cannot be used is split.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..config import Asset, LLMSettings, Tag
from ..errors import FeedwatchError
from ..text import clean_line
from .base import EnrichFailure, Enrichment, ItemText, LinkSuggestion
from .pricing import cost
from .prompt import PROMPT_VERSION, response_schema, system_prompt, user_prompt

SUMMARY_MAX = 300
REASON_MAX = 200
LLM_LINK_SCORE = 0.7
MAX_COMPLETION_TOKENS_PER_ITEM = 220


class LLMUnavailable(FeedwatchError):
    """The LLM cannot be used at all (no key, ...): one line for the user, offline takes over."""


class _Unusable(Exception):
    """The answer came back but cannot be used as a whole (malformed, truncated, wrong shape)."""


class _BudgetReached(Exception):
    pass


def api_key_for(settings: LLMSettings, environ: Mapping[str, str]) -> str:
    """The key from the configured environment variable; local servers need none."""
    key = environ.get(settings.api_key_env, "").strip()
    if key:
        return key
    host = urlsplit(settings.base_url).hostname or ""
    try:
        local = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = False
    if local:
        return "not-needed"
    raise LLMUnavailable(f"[llm] is enabled but ${settings.api_key_env} is not set; using the offline enricher")


@dataclass(slots=True)
class BatchStats:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    item_tokens: int = 0           # tokens of the items' own text, estimated offline (for the ratio)
    dropped: dict[str, Any] = field(default_factory=dict)


def estimate_tokens(text: str) -> int:
    """~4 characters per token: consistent offline counting (tiktoken needs a download)."""
    return max(1, (len(text) + 3) // 4)


class LLMEnricher:
    name = "llm"

    def __init__(self, settings: LLMSettings, tags: tuple[Tag, ...], assets: tuple[Asset, ...], api_key: str,
                 *, budget_left: float | None = None, max_retries: int = 2,
                 on_spend: Callable[..., Any] | None = None) -> None:
        from openai import AsyncOpenAI

        self.settings = settings
        self.model = settings.model
        self.prompt_version = PROMPT_VERSION
        self.tag_names = [t.name for t in tags]
        self.asset_names = [a.name for a in assets]
        self.system = system_prompt(tags, assets)
        self.schema = response_schema(self.tag_names, self.asset_names)
        self.use_schema = True
        self.budget_left = settings.daily_budget_usd if budget_left is None else budget_left
        self.stats = BatchStats()
        self.on_spend = on_spend
        self._sem = asyncio.Semaphore(settings.max_concurrency)
        self._client = AsyncOpenAI(api_key=api_key, base_url=settings.base_url, timeout=settings.timeout,
                                   max_retries=max_retries)
        self._secret = api_key

    async def close(self) -> None:
        await self._client.close()

    async def enrich_batches(self, items: list[ItemText]) -> tuple[list[Enrichment], list[EnrichFailure]]:
        size = max(1, self.settings.batch_size)
        batches = [items[i:i + size] for i in range(0, len(items), size)]
        results: list[Enrichment] = []
        failures: list[EnrichFailure] = []
        outcomes = await asyncio.gather(*(self._batch(b) for b in batches))
        for ok, bad in outcomes:
            results.extend(ok)
            failures.extend(bad)
        return results, failures

    async def _batch(self, items: list[ItemText]) -> tuple[list[Enrichment], list[EnrichFailure]]:
        try:
            return await self._call(items), []
        except _BudgetReached:
            msg = f"daily LLM budget of ${self.settings.daily_budget_usd:.2f} reached; will retry tomorrow"
            return [], [EnrichFailure(i.id, msg) for i in items]
        except _Unusable as exc:
            if len(items) > 1:   # one bad item (or a too-long answer) should not sink the others
                half = len(items) // 2
                a, b = await asyncio.gather(self._batch(items[:half]), self._batch(items[half:]))
                return a[0] + b[0], a[1] + b[1]
            return [], [EnrichFailure(items[0].id, f"unusable LLM answer: {exc}")]
        except Exception as exc:   # API errors after the client's own retries: stay pending, retried later
            return [], [EnrichFailure(i.id, self._describe(exc)) for i in items]

    def _describe(self, exc: Exception) -> str:
        status = getattr(exc, "status_code", None)
        name = type(exc).__name__
        text = clean_line(str(exc), 200).replace(self._secret, "***") if self._secret else clean_line(str(exc), 200)
        return f"LLM error ({name}{f', HTTP {status}' if status else ''}): {text}"

    async def _call(self, items: list[ItemText]) -> list[Enrichment]:
        user = user_prompt(items)
        est_prompt = estimate_tokens(self.system) + estimate_tokens(user)
        max_tokens = 200 + MAX_COMPLETION_TOKENS_PER_ITEM * len(items)
        estimate = cost(self.model, est_prompt, max_tokens, self.settings.input_price, self.settings.output_price)
        async with self._sem:
            if self.stats.cost_usd + estimate > self.budget_left:
                raise _BudgetReached()
            messages = [{"role": "system", "content": self.system}, {"role": "user", "content": user}]
            started = time.monotonic()
            response = await self._create(messages, max_tokens)
            latency = int((time.monotonic() - started) * 1000)
        usage = getattr(response, "usage", None)
        pt = getattr(usage, "prompt_tokens", None) or est_prompt
        ct = getattr(usage, "completion_tokens", None) or 0
        spent = cost(self.model, pt, ct, self.settings.input_price, self.settings.output_price)
        self.stats.calls += 1
        self.stats.prompt_tokens += pt
        self.stats.completion_tokens += ct
        self.stats.cost_usd += spent
        self.stats.item_tokens += sum(estimate_tokens(i.title + "\n" + i.body()) for i in items)
        if self.on_spend:
            self.on_spend(spent, pt, ct)
        if not getattr(response, "choices", None):   # not a chat completion at all: a server problem, not the batch's
            raise RuntimeError("the server's answer is not a chat completion")
        choice = response.choices[0]
        if choice.finish_reason == "length":
            raise _Unusable("answer truncated (finish_reason=length)")
        return self._validate(choice.message.content or "", items, pt, ct, spent, latency)

    async def _create(self, messages: Any, max_tokens: int) -> Any:
        from openai import BadRequestError

        if self.use_schema:
            try:
                return await self._client.chat.completions.create(
                    model=self.model, messages=messages, max_tokens=max_tokens, temperature=0,
                    response_format={"type": "json_schema",
                                     "json_schema": {"name": "enrichment", "schema": self.schema, "strict": True}})
            except BadRequestError as exc:
                if "response_format" not in str(exc) and "json_schema" not in str(exc):
                    raise
                self.use_schema = False   # this server only knows json_object: remember for the run
        return await self._client.chat.completions.create(
            model=self.model, messages=messages, max_tokens=max_tokens, temperature=0,
            response_format={"type": "json_object"})

    def _validate(self, content: str, items: list[ItemText], pt: int, ct: int, spent: float,
                  latency: int) -> list[Enrichment]:
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise _Unusable(f"malformed JSON ({exc.msg} at {exc.pos})") from None
        rows = data.get("items") if isinstance(data, dict) else data if isinstance(data, list) else None
        if not isinstance(rows, list):
            raise _Unusable("no 'items' list in the answer")
        wanted = {i.id: i for i in items}
        by_id: dict[int, dict[str, Any]] = {}
        for row in rows:
            if isinstance(row, dict) and isinstance(row.get("id"), int) and row["id"] in wanted:
                by_id.setdefault(row["id"], row)
            else:
                self._drop("unknown_items")
        missing = [i for i in items if i.id not in by_id]
        if missing and len(items) > 1:
            raise _Unusable(f"{len(missing)} item(s) missing from the answer")
        if missing:
            raise _Unusable("the item is missing from the answer")
        share = len(items)
        out = []
        for item in items:
            row = by_id[item.id]
            dropped: dict[str, Any] = {}
            summary = s if isinstance(s := row.get("summary"), str) else ""
            if len(summary) > SUMMARY_MAX:
                dropped["too_long"] = 1
            summary = clean_line(summary, SUMMARY_MAX)
            tags = []
            for t in row.get("tags") or []:
                if isinstance(t, str) and t in self.tag_names:
                    tags.append(t)
                else:
                    dropped["unknown_tags"] = dropped.get("unknown_tags", 0) + 1
            links = []
            for a in row.get("assets") or []:
                name = a.get("name") if isinstance(a, dict) else None
                if isinstance(name, str) and name in self.asset_names:
                    reason = clean_line(a.get("reason") if isinstance(a.get("reason"), str) else "", REASON_MAX)
                    links.append(LinkSuggestion(name, reason or "judged relevant by the LLM", LLM_LINK_SCORE, "llm"))
                else:
                    dropped["unknown_assets"] = dropped.get("unknown_assets", 0) + 1
            relevance = row.get("relevance")
            relevance = float(relevance) if isinstance(relevance, (int, float)) and not isinstance(relevance, bool) \
                else 0.0
            relevance = min(max(relevance, 0.0), 1.0) if relevance == relevance else 0.0
            for k, v in dropped.items():
                self._drop(k, v)
            out.append(Enrichment(
                item_id=item.id, summary=summary, tags=sorted(set(tags)), relevance=round(relevance, 3),
                links=links, enricher=self.name, model=self.model, prompt_version=self.prompt_version,
                prompt_tokens=pt // share, completion_tokens=ct // share, cost_usd=spent / share,
                latency_ms=latency, dropped=dropped))
        return out

    def _drop(self, kind: str, n: int = 1) -> None:
        self.stats.dropped[kind] = self.stats.dropped.get(kind, 0) + n
