"""`S`: split an item out of its story, or merge it into another item's story, by hand.

On a story's row, `S` lists its items and the chosen one leaves the story (and stays out: later
fetches never move it back). On a lone item, `S` marks it; `S` on another item then puts the marked
one into that item's story. Grouping never undoes either (storage/stories.py pins the item).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ..storage import stories
from . import safe

if TYPE_CHECKING:
    from .host import AppHost as _AppHost  # the app this mixin is part of
else:
    _AppHost = object


class SplitScreen(ModalScreen[int | None]):
    """The items of a story; the chosen one is split out."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, members: list[dict]) -> None:
        super().__init__()
        self.members = members

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content("Split which report out of this story? (escape cancels)"), classes="hint")
            yield OptionList(*[Option(Content.assemble((f"{m['source']}: ", "dim"), safe.content_line(m["title"], 100)),
                                      id=str(m["id"])) for m in self.members])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:   # every option is made with its item's id
            self.dismiss(int(event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)


class StoryActions(_AppHost):
    """Mixed into the app: needs `db`, `table`, `status`, `view`, `write` and the App's screens."""

    story_mark: int | None = None

    def action_story(self) -> None:
        row = self._current()
        if row is None:
            return
        if self.story_mark is not None and self.story_mark != row.id:
            marked, self.story_mark = self.story_mark, None
            self.write("merge", marked, stories.merge, marked, row.id, then=self._stories_changed)
            self.status.say("merged into this story")
            return
        members = row.members or [row.id]
        if len(members) > 1:
            found = stories.members(self.db, [stories.story_of(self.db, row.id)[0]])
            choices = [m for ms in found.values() for m in ms]
            self.push_screen(SplitScreen(choices), self._split_chosen)
            return
        self.story_mark = row.id
        self.status.say("marked: press S on another item to put this one into its story")

    def _split_chosen(self, item_id: int | None) -> None:
        if item_id is not None:
            self.write("split", item_id, stories.split, item_id, then=self._stories_changed)
            self.status.say("split out: it is a story of its own now, and stays one")

    def _stories_changed(self) -> None:
        self.table.load(self.db, self.view)
