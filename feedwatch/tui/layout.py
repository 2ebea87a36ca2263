"""The main screen on a narrow terminal: below `NARROW` columns the sidebar collapses (`b` brings it
back, narrower) and the list runs compact, so an item's title keeps at least half of the list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from .host import AppHost as _AppHost  # the app this mixin is part of
else:
    _AppHost = object

NARROW = 120        # terminal columns below which the sidebar collapses by default
NARROW_SIDEBAR = 22


class ResponsiveLayout(_AppHost):
    """Mixed into the app: needs `table` and a `#main` container holding the Sidebar."""

    sidebar_choice: bool | None = None   # the user's `b` (shown / hidden); None: by the terminal's width

    def on_resize(self, event: events.Resize) -> None:
        self.apply_layout(event.size.width)

    def apply_layout(self, width: int | None = None) -> None:
        width = self.size.width if width is None else width
        narrow = width < NARROW
        shown = self.sidebar_choice if self.sidebar_choice is not None else not narrow
        try:
            main = self.query_one("#main")
        except Exception:   # not composed yet, or closing
            return
        main.set_class(narrow, "narrow")
        main.set_class(not shown, "no-sidebar")
        self.table.compact = narrow

    def action_toggle_sidebar(self) -> None:
        main = self.query_one("#main")
        self.sidebar_choice = main.has_class("no-sidebar")
        self.apply_layout()
        if not self.sidebar_choice and self.focused is not None and self.focused.id == "sidebar":
            self.table.focus()
