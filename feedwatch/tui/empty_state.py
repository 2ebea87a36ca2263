"""What the list says when it has nothing to show: why, and what to do, in a new user's words.

A fresh start with no network, sources that all fail, nothing configured, or a view that is simply
empty each get one or two lines in place of a bare table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from ..storage.triage import View

if TYPE_CHECKING:
    from .host import AppHost as _AppHost  # the app this mixin is part of
else:
    _AppHost = object

DEMO = "To look around with sample data first, run `feedwatch demo`."

VIEW_HINTS = {
    "inbox": "Your inbox is empty: you have read everything. Press 5 for all items.",
    "starred": "Nothing starred yet: s stars the item under the cursor.",
    "affects": "Nothing affects your prompts or pipelines so far: items linked to your [[assets]] show here.",
    "needs-experiment": "No item needs an experiment: tag one needs-experiment with t.",
    "hidden": "Nothing hidden: h hides the item under the cursor.",
}


def why_empty(*, sources: int, total: int, fetched: int, failed: int, refreshing: bool, view: View,
              search: str = "") -> str:
    """The message for an empty list.

    sources: enabled sources configured; total: items stored; fetched / failed: sources tried so far /
    whose last try failed; refreshing: a refresh is running."""
    if search:
        return f"No items match {search!r}. Escape shows the view again."
    if total:
        if view.kind in VIEW_HINTS:
            return VIEW_HINTS[view.kind]
        return f"No items in {view.kind} {view.value}." if view.value else "No items here."
    if not sources:
        return ("Nothing to watch yet: no sources are configured. Add feeds to feeds.toml (or "
                "`feedwatch opml import FILE`), then press r to fetch them. " + DEMO)
    if refreshing:
        return (f"No items yet: fetching your {sources} source{'s' if sources != 1 else ''}… "
                "they appear here as they arrive.")
    if failed and failed >= fetched:
        return (f"No items yet: all {failed} source{'s' if failed != 1 else ''} failed to fetch. Is this machine "
                "offline? Press r to try again; the Sources list on the left marks failing ones with !, and "
                "`feedwatch sources` says why each failed. " + DEMO)
    if failed:
        return (f"No items yet: {failed} of {fetched} sources failed and the others had nothing new. "
                "Press r to try again; `feedwatch sources` says why. " + DEMO)
    if fetched:
        return "No items yet: your sources had nothing to show. Press r to fetch again later. " + DEMO
    return f"No items yet: press r to fetch your {sources} source{'s' if sources != 1 else ''}. " + DEMO


class EmptyList(Static):
    """Shown under the list's header while the list is empty."""

    def say(self, text: str) -> None:
        self.update(Content(text))   # never parsed as markup (a search text is in it)


class EmptyState(_AppHost):
    """Mixed into the app: needs `config`, `db`, `view`, `search_text`, `workers`."""

    def on_item_table_loaded(self, event) -> None:
        right = self.query_one("#right")
        if event.count:
            if right.has_class("empty"):
                right.remove_class("empty")
                if self.focused is None:   # hiding the list dropped the focus: give it back
                    self.table.focus()
            return
        from ..storage import triage
        from ..storage.queries import source_health
        health = source_health(self.db)
        enabled = [s.name for s in self.config.sources if s.enabled]
        tried = [health[n] for n in enabled if n in health and health[n].last_attempt]
        refreshing = any(w.group == "fetch" and not w.is_finished for w in self.workers)
        text = why_empty(sources=len(enabled), total=triage.count(self.db, View("all"), self.person),
                         fetched=len(tried), failed=sum(1 for h in tried if h.consecutive_errors),
                         refreshing=refreshing, view=self.view, search=self.search_text)
        self.query_one(EmptyList).say(text)
        right.add_class("empty")
