"""Untrusted text (feed and LLM output) as terminal-safe renderables.

Textual and Rich both have markup languages; feed text must never be parsed as either. Every
string from an item goes through here: control and bidi characters are removed (they could move
the cursor or reorder what the user sees) and the result is a `rich.text.Text` / `Content`, which
are never parsed for markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from ..text import clean_body, clean_line


def line(value: object, max_len: int = 300, style: str = "") -> Text:
    return Text(clean_line(str(value) if value is not None else "", max_len), style=style, no_wrap=True,
                overflow="ellipsis")


def body(value: object, max_len: int = 20000) -> Content:
    return Content(clean_body(str(value) if value is not None else "", max_len))


def content_line(value: object, max_len: int = 300) -> Content:
    return Content(clean_line(str(value) if value is not None else "", max_len))
