"""Modal screens: help, editing an item's tags, and deciding on its asset links."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from . import safe

HELP = [
    ("j / k, ↓ / ↑", "next / previous item"), ("g / G", "first / last item"),
    ("enter", "open the item (marks it read)"), ("space or m", "toggle read / unread"), ("s", "star / unstar"),
    ("h", "hide from every view but Hidden (for you only) / unhide"),
    ("t", "edit your tags"), ("a", "link to an asset, confirm or dismiss a suggested link"),
    ("A", "assets: each asset's models, prompts and evidence from `assets scan`; R re-scans"),
    ("x", "new experiment from the item (prefilled)"),
    ("X", "experiments: r running, d done, b abandon, n note, l link"),
    ("S", "story: split a report out of the row's story, or mark a lone item and S on another to merge it"),
    ("L", "stack: each asset's models, status, shutdown date, days left, replacement (enter: details)"),
    ("D", "weekly digest: [ / ] previous / next week, M H J export .md .html .json"),
    ("o", "open the link in the browser (http(s) only)"),
    ("y", "copy the link"),
    ("/", "search: words, \"phrase\", tag: source: asset: is:unread is:starred is:hidden since:7d"),
    ("escape", "leave search / close"), ("r", "refresh every source in the background"),
    ("e", "enrich pending items in the background"), ("1 … 9", "jump to a view in the sidebar"),
    ("b", "show / hide the sidebar (hidden below 120 columns)"),
    ("tab", "move between sidebar, list and preview"), ("ctrl+p", "command palette"), ("?", "this help"),
    ("q", "quit"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        t = Text()
        t.append("feedwatch keys\n\n", style="bold")
        for keys, what in HELP:
            t.append(f"{keys:>14}  ", style="bold cyan")
            t.append(what + "\n")
        with Vertical(id="dialog"):
            yield Static(t)


class TagScreen(ModalScreen[list[str] | None]):
    """Edit the user's own tags on an item (comma-separated); enrichment never removes these."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, tags: list[str], vocabulary: list[str]) -> None:
        super().__init__()
        self.item_title = title
        self.tags = tags
        self.vocabulary = vocabulary

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.assemble(("Your tags for: ", "bold"), safe.content_line(self.item_title, 120)))
            yield Input(value=", ".join(self.tags), placeholder="comma-separated tags", id="tags")
            yield Static(Content("Known tags: " + ", ".join(self.vocabulary[:40])), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss([t.strip() for t in event.value.split(",") if t.strip()])

    def action_cancel(self) -> None:
        self.dismiss(None)


class LinkScreen(ModalScreen[tuple[str, str] | None]):
    """Pick an asset: c confirms (or links), d dismisses, enter confirms."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("c", "decide('confirmed')", "Confirm"),
                Binding("d", "decide('dismissed')", "Dismiss")]

    def __init__(self, title: str, assets: list[str], links: list[dict]) -> None:
        super().__init__()
        self.item_title = title
        self.assets = assets
        self.links = {link["asset"]: link for link in links}

    def compose(self) -> ComposeResult:
        options = []
        for name in self.assets:
            link = self.links.get(name)
            t = Text(safe.line(name, 60).plain, style="bold")
            if link:
                t.append(f"  [{link['status']}] ", style="dim")
                t.append(safe.line(link["reason"], 120).plain)
            options.append(Option(t, id=name))
        with Vertical(id="dialog"):
            yield Static(Content.assemble(("Affects our stack? ", "bold"), safe.content_line(self.item_title, 120)))
            yield OptionList(*options, id="assets")
            yield Static(Content("c / enter: confirm or link   d: dismiss   escape: cancel"), classes="hint")

    def _current(self) -> str | None:
        ol = self.query_one(OptionList)
        if ol.highlighted is None:
            return None
        return ol.get_option_at_index(ol.highlighted).id

    def action_decide(self, status: str) -> None:
        name = self._current()
        if name:
            self.dismiss((name, status))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss((event.option.id, "confirmed"))

    def action_cancel(self) -> None:
        self.dismiss(None)
