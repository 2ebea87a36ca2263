"""Prices per million tokens (USD, input / output) for the daily budget.

Public list prices as of 2026 for common hosted models; a local server (Ollama, vLLM) costs 0.
`[llm] input_price` / `output_price` in feeds.toml override the table for any model.
"""

from __future__ import annotations

PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
    "o4-mini": (1.10, 4.40),
    "claude-3-5-haiku": (0.80, 4.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "claude-sonnet-4-5": (3.00, 15.00),
    "gemini-2.5-flash": (0.30, 2.50),
    "gemini-2.5-flash-lite": (0.10, 0.40),
    "mistral-small-latest": (0.10, 0.30),
}


def price_for(model: str, input_price: float | None = None, output_price: float | None = None) -> tuple[float, float]:
    """(input, output) USD per million tokens; the longest table key that prefixes the model id wins."""
    if input_price is not None and output_price is not None:
        return input_price, output_price
    name = model.lower().split("/")[-1]
    best = max((k for k in PRICES if name == k or name.startswith(k + "-")), key=len, default=None)
    table = PRICES.get(best, (0.0, 0.0)) if best else (0.0, 0.0)
    return (input_price if input_price is not None else table[0],
            output_price if output_price is not None else table[1])


def cost(model: str, prompt_tokens: int, completion_tokens: int, input_price: float | None = None,
         output_price: float | None = None) -> float:
    pin, pout = price_for(model, input_price, output_price)
    return (prompt_tokens * pin + completion_tokens * pout) / 1_000_000
