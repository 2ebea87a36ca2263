"""The three regions of the main screen: views (sidebar), the item list, and the preview."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from ..storage import triage
from ..storage.rows import ListedItem
from ..storage.triage import View
from . import safe

if TYPE_CHECKING:
    from ..storage.db import Database


class Sidebar(OptionList):
    """Inbox, Starred, Affects our stack, Needs experiment, then tags, sources (with health), assets."""

    class ViewChosen(Message):
        def __init__(self, view: View) -> None:
            super().__init__()
            self.view = view

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._views: dict[str, View] = {}

    def set_views(self, entries: list[tuple[View, str, int | None, str]]) -> None:
        """entries: (view, label, count or None, style); keeps the highlighted view if it still exists."""
        current = self.highlighted_view
        self.clear_options()
        self._views = {}
        options = []
        for view, label, n, style in entries:
            if view.kind == "header":
                options.append(Option(Content.styled(label, "bold $text-muted"), id=f"h:{label}", disabled=True))
                continue
            if view.kind == "info":   # a line to read, not a view (a notify target's last delivery)
                options.append(Option(Text(safe.line(label, 60).plain, style=style), id=f"i:{view.value}",
                                      disabled=True))
                continue
            text = Text(safe.line(label, 40).plain, style=style)
            if n:
                text.append(f" {n}", style="dim")
            self._views[view.key] = view
            options.append(Option(text, id=view.key))
        self.add_options(options)
        if current is not None and current.key in self._views:
            self.highlighted = self.get_option_index(current.key)

    @property
    def highlighted_view(self) -> View | None:
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return self._views.get(option.id or "")

    def select_key(self, key: str) -> None:
        if key in self._views:
            self.highlighted = self.get_option_index(key)
            self.post_message(self.ViewChosen(self._views[key]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        view = self._views.get(event.option.id or "")
        if view is not None:
            self.post_message(self.ViewChosen(view))


class ItemTable(DataTable):
    """The item list; loads a page at a time so 100,000 items open instantly."""

    compact: Reactive[bool] = Reactive(False)   # a narrow terminal: short dates, the title keeps half the width

    PAGE = 200
    WINDOW = 600   # rows kept when the window moves back up

    class ItemHighlighted(Message):
        def __init__(self, item_id: int | None) -> None:
            super().__init__()
            self.item_id = item_id

    class Loaded(Message):
        """The list was (re)loaded; `count` rows are shown (0: the app says why)."""
        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def __init__(self, **kw) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kw)
        self.db: Database | None = None
        self.view: View = View("inbox")
        self.ids: list[int] | None = None   # a search result, in order
        self.loaded = 0
        self.exhausted = False
        self.rows_by_id: dict[int, ListedItem] = {}
        self._loading = False
        self.start = 0
        self.person = ""   # whose read / starred / hidden state the rows show (set by the app)

    def on_mount(self) -> None:
        for label, key, width in self.COLUMNS:
            self.add_column(label, key=key, width=width or 40)
        self.call_after_refresh(self._fit_title)

    COLUMNS = (("", "mark", 1), ("date", "date", 10), ("source", "source", 16), ("title", "title", None),
               ("tags", "tags", 16), ("assets", "assets", 16))

    def on_resize(self, event) -> None:
        self._fit_title()

    def watch_compact(self, compact: bool) -> None:
        if self.is_mounted and self.columns:
            self._fit_title()
            for item_id in list(self.rows_by_id):   # the date column's format changed
                self.update_item(item_id)

    def _fit_title(self) -> None:
        """The title takes whatever the fixed columns leave (fixed widths also skip per-cell measuring);
        compact (a narrow terminal): at least half the width, the other columns share the rest."""
        fixed = sum(w or 0 for _, _, w in self.COLUMNS) + 2 * self.cell_padding * len(self.COLUMNS)
        width = self.scrollable_content_region.width or self.size.width
        widths = {key: w for _, key, w in self.COLUMNS if w is not None}   # the title's is set next
        widths["title"] = max(20, width - fixed - 1)
        half = (self.size.width + 1) // 2   # of the whole list, scrollbar included
        if self.compact and width - fixed - 1 < half:
            widths.update(_compact_widths(width - 1 - 2 * self.cell_padding * len(self.COLUMNS), half))
        for key, column in self.columns.items():
            if key.value in widths:
                column.width = widths[key.value]
                column.auto_width = False
        self._require_update_dimensions = True
        self.refresh()

    def load(self, db, view: View, ids: list[int] | None = None, first: int | None = None) -> None:
        """Show a view (or these ids of it) from the top; `first`: load only that many rows now and
        the rest of the page after the next frame (the app's first frame)."""
        self.db, self.view, self.ids = db, view, ids
        self.clear()
        self.start = 0        # position in the whole view of the table's first row
        self.loaded = 0       # position in the whole view just past the table's last row
        self.exhausted = False
        self.rows_by_id = {}
        self.load_more(first)
        if first is not None and first < self.PAGE:
            self.call_after_refresh(self.load_more, self.PAGE - first)
        self.post_message(self.ItemHighlighted(self.current_id))
        self.post_message(self.Loaded(self.row_count))

    def _fetch(self, offset: int, limit: int) -> list[ListedItem]:
        if self.db is None:   # not loaded yet
            return []
        if self.ids is not None:
            return triage.page(self.db, self.view, self.person, ids=self.ids[offset:offset + limit])
        return triage.page(self.db, self.view, self.person, offset=offset, limit=limit)

    def _total(self) -> int:
        if self.ids is not None:
            return len(self.ids)
        return triage.count(self.db, self.view, self.person) if self.db is not None else 0

    def _add(self, rows: list[ListedItem]) -> None:
        for r in rows:
            self.rows_by_id[r.id] = r
            self.add_row(*self._cells(r), key=str(r.id))

    def load_more(self, limit: int | None = None) -> None:
        if self.exhausted or self.db is None or self._loading:
            return
        self._loading = True
        try:
            limit = limit or self.PAGE
            rows = self._fetch(self.loaded, limit)
            self.loaded += len(rows)
            self.exhausted = len(rows) < limit or (self.ids is not None and self.loaded >= len(self.ids))
            self._add(rows)
        finally:
            self._loading = False

    def _window(self, start: int, count: int, cursor: int) -> None:
        """Show rows [start, start + count) of the view with the cursor on view position `cursor`:
        G and scrolling back up from a jump never load the whole view (100,000 rows would take minutes)."""
        self._loading = True
        try:
            self.clear()
            self.rows_by_id = {}
            rows = self._fetch(start, count)
            self.start, self.loaded = start, start + len(rows)
            self.exhausted = self.loaded >= self._total()
            self._add(rows)
        finally:
            self._loading = False
        self.move_cursor(row=max(0, min(cursor - start, self.row_count - 1)), animate=False)

    def action_cursor_up(self) -> None:
        if self.cursor_row == 0 and self.start > 0:
            new_start = max(0, self.start - self.PAGE)
            self._window(new_start, (self.start - new_start) + min(self.row_count, self.WINDOW), self.start - 1)
            return
        super().action_cursor_up()

    def _cells(self, r: ListedItem) -> list:
        mark = Text("★" if r.starred else ("●" if r.state == "unread" else ("h" if r.hidden else " ")),
                    style="yellow" if r.starred else "cyan")
        date = r.when[5 if self.compact else 0:10]
        style = "bold" if r.state == "unread" else ""
        title = safe.line(r.title, 300, style)
        if r.story_size > 1:      # a story: the lead's title, and how many more report it
            title = Text.assemble(Text(f"+{r.story_size - 1} ", style="magenta"), title)
        return [mark, Text(date, style="dim"), safe.line(r.source, 40, "dim"), title,
                safe.line(", ".join(r.tags), 100, "green"), safe.line(", ".join(r.assets), 100, "magenta")]

    def update_item(self, item_id: int, **changes) -> None:
        """Change fields of a row on screen (an optimistic write: the database follows)."""
        r = self.rows_by_id.get(item_id)
        if r is not None:
            self.show_row(replace(r, **changes))

    def show_row(self, r: ListedItem) -> None:
        """Show this version of a row that is on screen (a re-read after someone changed it)."""
        if r.id not in self.rows_by_id:
            return
        self.rows_by_id[r.id] = r
        for key, cell in zip(("mark", "date", "source", "title", "tags", "assets"), self._cells(r), strict=False):
            self.update_cell(str(r.id), key, cell)

    @property
    def current_id(self) -> int | None:
        if self.row_count == 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:   # cursor outside the table while it is being rebuilt
            return None
        return int(key.value) if key.value else None

    def watch_cursor_coordinate(self, old, new) -> None:
        super().watch_cursor_coordinate(old, new)
        if self.row_count and new.row >= self.row_count - 20 and not self.exhausted and not self._loading:
            self.call_later(self.load_more)
        self.post_message(self.ItemHighlighted(self.current_id))

    def action_first(self) -> None:
        if self.start > 0:
            self._window(0, self.PAGE, 0)
        else:
            self.move_cursor(row=0)

    def action_last(self) -> None:
        if self.exhausted:
            self.move_cursor(row=max(self.row_count - 1, 0))
            return
        total = self._total()
        start = max(0, total - self.PAGE)
        self._window(start, total - start, total - 1)


class Preview(VerticalScroll):
    """Title, authors, date, source, link, summary, tags, linked assets with reasons, original text."""

    def compose(self):
        yield Static(id="preview-body")

    PEEK_CHARS = 1500   # of the original text while browsing; all of it when the item is opened
    detail: dict | None = None   # what is shown (the app compares it with a fresh read)

    def show(self, detail: dict | None, full: bool = False, keep_scroll: bool = False) -> None:
        body = self.query_one("#preview-body", Static)
        self.detail = detail
        if detail is None:
            body.update(Content("Nothing selected."))
            return
        t = Text()
        t.append(safe.line(detail["title"], 500).plain + "\n", style="bold")
        meta = [", ".join(detail["authors"][:8]) + (" et al." if len(detail["authors"]) > 8 else ""),
                (detail.get("published") or detail.get("first_seen") or "")[:16].replace("T", " "),
                " + ".join(detail.get("sources") or [detail["source"]])]
        t.append(safe.line(" · ".join(m for m in meta if m), 400).plain + "\n", style="dim")
        if detail.get("url"):
            t.append(safe.line(detail["url"], 500).plain + "\n", style="underline blue")
        if detail.get("story"):
            t.append(f"\nAlso reported by ({len(detail['story'])})\n", style="bold cyan")
            for other in detail["story"]:
                t.append(f" {(other['date'] or '')[:10]} {safe.line(other['source'], 40).plain}: ", style="dim")
                t.append(safe.line(other["title"], 200).plain + "\n")
        if detail.get("starred_by"):
            t.append("★ starred by " + safe.line(", ".join(detail["starred_by"]), 200).plain + "\n", style="yellow")
        if detail.get("change_note"):
            t.append(f"Updated: {safe.line(detail['change_note'], 200).plain}\n", style="yellow")
        summary = detail.get("ai_summary") or ""
        if summary:
            t.append("\nSummary\n", style="bold cyan")
            t.append(safe.body(summary, 2000).plain + "\n")
        tags = detail["all_tags"]
        if tags:
            t.append("\nTags  ", style="bold cyan")
            t.append(safe.line(", ".join(tags), 500).plain + "\n", style="green")
        if detail.get("links"):
            t.append("\nAffects\n", style="bold cyan")
            for link in detail["links"]:
                status = link["status"]
                mark = {"confirmed": "✔", "dismissed": "✘"}.get(status, "?")
                who = f" ({link['updated_by']})" if link.get("updated_by") else ""
                t.append(f" {mark} ", style="magenta")
                t.append(safe.line(link["asset"], 80).plain, style="bold magenta")
                t.append(f" [{status}, {link['origin']}{who}] ", style="dim")
                t.append(safe.line(link["reason"], 300).plain + "\n")
        if detail.get("note"):
            t.append("\nNote\n", style="bold cyan")
            t.append(safe.body(detail["note"], 4000).plain + "\n")
        text = detail.get("content") or detail.get("summary") or ""
        if text:
            t.append("\nOriginal text\n", style="bold cyan")
            limit = 50000 if full else self.PEEK_CHARS
            t.append(safe.body(text, limit).plain + "\n")
            if not full and len(text) > limit:
                t.append("enter shows the whole text\n", style="dim")
        if detail.get("enrich_error"):
            t.append(f"\nEnrichment pending: {safe.line(detail['enrich_error'], 300).plain}\n", style="red")
        body.update(t)
        if not keep_scroll:
            self.scroll_home(animate=False)


def _compact_widths(room: int, title: int) -> dict[str, int]:
    """Column widths for `room` cells (paddings taken out): `title` for the title, a 5-character date
    (MM-DD), and what is left shared by source, tags and assets."""
    date = 5
    rest = max(3, room - title - 1 - date)
    source = max(1, rest * 2 // 5)
    tags = max(1, (rest - source) // 2)
    return {"title": title, "date": date, "source": source, "tags": tags, "assets": max(1, rest - source - tags)}


class StatusBar(Static):
    """One line of progress and errors from background work."""

    said = ""   # the last message

    def say(self, message: str, style: str = "") -> None:
        self.said = message
        self.update(Text(safe.line(message, 500).plain, style=style))
