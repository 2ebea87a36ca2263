"""The digest's Markdown as the app shows it: Textual's Markdown widget, links turned into plain text.

The digest escapes every piece of feed text for Markdown, so rendering it (instead of showing the
source) removes the backslashes and shows the text literally; the widget builds `Content` from the
parsed tokens and never reads Textual markup. Links would become click actions: a core rule of the
parser turns each into its text followed by the URL, so nothing on this screen opens anything.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token
from textual.widgets import Markdown


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _links_as_text(state) -> None:
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        out: list[Token] = []
        href, label = "", list[str]()
        for child in block.children:
            if child.type == "link_open":
                href, label = str(child.attrs.get("href", "")), []
                continue
            if child.type == "link_close":
                if href and href != "".join(label):
                    out.append(_text(f" <{href}>"))
                href = ""
                continue
            if child.type == "image":   # none are written; never a click target either
                out.append(_text(child.content or str(child.attrs.get("src", ""))))
                continue
            if href and child.type == "text":
                label.append(child.content)
            out.append(child)
        block.children = out


def plain_link_parser() -> MarkdownIt:
    parser = MarkdownIt("gfm-like")
    parser.core.ruler.push("feedwatch_links_as_text", _links_as_text)
    return parser


class DigestMarkdown(Markdown):
    """The digest preview (`D`)."""

    def __init__(self, **kw) -> None:
        super().__init__(parser_factory=plain_link_parser, open_links=False, **kw)
