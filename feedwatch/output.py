"""Plain-text and JSONL renderings of items and source health for the CLI.

Stored text is already cleaned on ingest; it is cleaned again here because a terminal is the last
place where a stray escape sequence could do harm.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TextIO

from .text import clean_line

if TYPE_CHECKING:
    from .storage.rows import ListedItem


def print_items_jsonl(rows: list[ListedItem], out: TextIO) -> None:
    for r in rows:
        out.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")


def _fit(text: str, width: int) -> str:
    text = clean_line(text, max(width, 1))
    return text.ljust(width)


def print_items_table(rows: list[ListedItem], out: TextIO) -> None:
    import shutil  # here: a fetch never draws a table (~2 ms of start-up)
    width = shutil.get_terminal_size((120, 24)).columns
    title_w = max(20, width - 6 - 11 - 22 - 4)
    for r in rows:
        mark = "*" if r.starred else ("N" if r.state == "unread" else " ")
        out.write(f"{r.id:>6} {mark} {r.when[:10]:<10} {_fit(r.source, 20)} {clean_line(r.title, title_w)}\n")
    if not rows:
        out.write("no items\n")


def _age(ts: str | None) -> str:
    return ts.replace("T", " ").rstrip("Z") if ts else "never"


def print_sources(config, health: dict, out: TextIO) -> None:
    """One block per configured source (plus stored ones no longer configured)."""
    names = [s.name for s in config.sources] + sorted(set(health) - {s.name for s in config.sources})
    header = f"{'source':<28} {'kind':<11} {'last attempt':<19} {'last success':<19} {'http':>4} {'items':>6} " \
             f"{'errors':>6} {'next due':<19}"
    out.write(header + "\n")
    for name in names:
        h = health.get(name)
        src = config.source(name)
        kind = src.kind if src else (h.kind if h else "?")
        if h is None:
            state = "disabled" if src is not None and not src.enabled else "never fetched"
            out.write(f"{_fit(name, 28)} {kind:<11} {state}\n")
            continue
        status = str(h.last_status) if h.last_status is not None else "-"
        out.write(f"{_fit(name, 28)} {kind:<11} {_age(h.last_attempt):<19} {_age(h.last_success):<19} "
                  f"{status:>4} {h.items:>6} {h.consecutive_errors:>6} {_age(h.next_due):<19}")
        if src is None:
            out.write("  (not in config)")
        elif not src.enabled:
            out.write("  (disabled)")
        out.write("\n")
        if h.last_error:
            out.write(f"{'':<28}   last error: {clean_line(h.last_error, 200)}\n")


def print_catalogs(config, states: dict, out: TextIO) -> None:
    """The model catalogues' health, after the sources (`feedwatch sources`)."""
    out.write(f"\n{'catalogue':<28} {'kind':<17} {'last attempt':<19} {'last success':<19} {'http':>4} {'models':>6} "
              f"{'errors':>6} {'next due':<19}\n")
    for c in config.catalogs:
        h = states.get(c.name)
        if h is None:
            out.write(f"{_fit(c.name, 28)} {c.kind:<17} {'disabled' if not c.enabled else 'never fetched'}\n")
            continue
        status = str(h.last_status) if h.last_status is not None else "-"
        out.write(f"{_fit(c.name, 28)} {c.kind:<17} {_age(h.last_attempt):<19} {_age(h.last_success):<19} "
                  f"{status:>4} {h.models:>6} {h.consecutive_errors:>6} {_age(h.next_due):<19}\n")
        if h.last_error:
            out.write(f"{'':<28}   last error: {clean_line(h.last_error, 200)}\n")
