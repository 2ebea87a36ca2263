"""The triage app: sidebar of views, item list, preview; every action on a key, in the footer and palette.

Reads go through `feedwatch.storage.triage` (no SQL here). Fetching and enrichment run as workers
on their own database connection, so the UI never waits on them; parsing runs in worker processes.
Read / starred / hidden are this person's (`feedwatch.identity`); a watcher notices other people's
and other processes' changes (the database's change counter) and shows them without a restart.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Footer, Input

from ..config import Config
from ..identity import current_user
from ..storage import triage
from ..storage.db import Database, open_database
from ..storage.triage import View
from .background import BackgroundWork, FetchProgressed
from .empty_state import EmptyList, EmptyState
from .failures import WorkerFailures
from .item_actions import ItemActions
from .layout import ResponsiveLayout
from .screens import HelpScreen
from .story_actions import StoryActions
from .watch import ChangeWatcher
from .widgets import ItemTable, Preview, Sidebar, StatusBar
from .writes import QueuedWrites

CSS = """
Screen { layout: vertical; }
#main { height: 1fr; }
Sidebar { width: 30; border-right: solid $primary-background; }
#main.narrow Sidebar { width: 22; }
#main.no-sidebar Sidebar { display: none; }
#right { width: 1fr; }
#search { display: none; height: 3; }
#search.visible { display: block; }
ItemTable { height: 1fr; }
EmptyList { display: none; height: auto; padding: 1 2; color: $text-muted; }
#right.empty ItemTable { display: none; }
#right.empty EmptyList { display: block; height: 1fr; }
#right.empty Preview { display: none; }
Preview { height: 45%; border-top: solid $primary-background; padding: 0 1; }
#main.full-preview ItemTable { display: none; }
#main.full-preview Preview { height: 1fr; }
StatusBar { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
ModalScreen { align: center middle; }
#dialog { width: 90; max-height: 80%; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
#dialog OptionList { height: auto; max-height: 20; }
.hint { color: $text-muted; }
"""

if TYPE_CHECKING:
    from textual.timer import Timer


SEARCH_LIMIT = 1000   # newest matches shown; a narrower query finds the rest


class FeedwatchApp(ItemActions, StoryActions, BackgroundWork, ChangeWatcher, QueuedWrites, WorkerFailures, EmptyState,
                   ResponsiveLayout, App):
    TITLE = "feedwatch"
    CSS = CSS
    BINDINGS = [
        Binding("j,down", "cursor_down", "Next", show=False),
        Binding("k,up", "cursor_up", "Prev", show=False),
        Binding("g", "first", "Top", show=False),
        Binding("G", "last", "Bottom", show=False),
        Binding("enter", "open", "Open"),
        Binding("space,m", "toggle_read", "Read"),
        Binding("s", "star", "Star"),
        Binding("h", "hide", "Hide", show=False),
        Binding("t", "tags", "Tags"),
        Binding("a", "link", "Assets"),
        Binding("x", "new_experiment", "Experiment"),
        Binding("X", "experiments", "Experiments"),
        Binding("L", "stack", "Stack", show=False),
        Binding("D", "digest", "Digest", show=False),
        Binding("A", "assets", "Asset evidence", show=False),
        Binding("o", "open_browser", "Browser"),
        Binding("y", "copy_link", "Copy link", show=False),
        Binding("S", "story", "Split/merge story", show=False),
        Binding("slash", "search", "Search"),
        Binding("escape", "escape", "Back", show=False),
        Binding("r", "refresh", "Refresh"),
        Binding("e", "enrich", "Enrich"),
        Binding("b", "toggle_sidebar", "Sidebar", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
        *[Binding(str(n), f"view({n})", f"View {n}", show=False) for n in range(1, 10)],
    ]

    def __init__(self, config: Config, db_url: str, *, parse_executor_factory=None) -> None:
        super().__init__()
        self.config = config
        self.db_url = db_url
        self._db: Database | None = None   # opened on mount
        self.view = View("inbox")
        self.search_text = ""
        self.parse_executor_factory = parse_executor_factory
        self._preview_timer: Timer | None = None
        self._landed_timer: Timer | None = None
        self.person = current_user(config)
        self._sidebar_data: tuple | None = None   # the (counts, health) the sidebar shows
        self.init_watcher()
        self.init_writes()

    @property
    def db(self) -> Database:
        """The app's database; it is opened in `on_mount`, before any handler can run."""
        if self._db is None:
            raise RuntimeError("the database is opened when the app is mounted")
        return self._db

    @db.setter
    def db(self, value: Database) -> None:
        self._db = value

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Sidebar(id="sidebar")
            with Vertical(id="right"):
                yield Input(placeholder='search: words "phrase" tag:x source:x asset:x is:unread since:7d',
                            id="search")
                yield ItemTable(id="items")
                yield EmptyList(id="empty")
                yield Preview(id="preview")
        yield StatusBar(id="status")
        yield Footer()

    STARTING = "press ? for help"

    def on_mount(self) -> None:
        """What the first frame shows: the views (their counts follow), the list's first page."""
        self.db = open_database(self.db_url, person=self.person)
        self._seen_changes = self.db.change_count()
        self.table.person = self.person
        self.apply_layout()
        self.refresh_sidebar({}, {}, first=self.size.height + 10)
        self.table.load(self.db, self.view, first=self.size.height)   # a screenful; the page follows
        self.table.focus()
        self.status.say(self.STARTING)
        if self.config.sources and not triage.any_fetch_recorded(self.db) and not triage.any_item(self.db):
            self.status.say("first start: fetching your sources in the background…")
            # a new database: show something without making the user find `r` (once the screen is up)
            painted = asyncio.Event()
            self.call_after_refresh(painted.set)
            self.refresh_sources(after=painted)
        self.call_after_refresh(self.load_counts)
        self.set_interval(self.WATCH_INTERVAL, self._watch_tick)

    @work(exclusive=True, group="counts", thread=True, exit_on_error=False)
    def load_counts(self) -> None:
        """After the first frame, off the UI thread: the sidebar's counts and the sources' health (a
        third of a second over 100,000 items) and the item total, then the search index."""
        from ..storage.queries import source_health
        db = self.worker_database()
        try:
            counts, health = triage.counts(db, self.person), source_health(db)
            total = triage.count(db, View("all"), self.person)
        finally:
            db.close()
        self.call_from_thread(self._counts_loaded, counts, health, total)
        self.call_from_thread(self.index_for_search)

    def _counts_loaded(self, counts: dict, health: dict, total: int) -> None:
        if self._sidebar_data == ({}, {}):      # nothing newer (a refresh, the watcher) came first
            self.refresh_sidebar(counts, health)
        if self.status.said == self.STARTING:     # nothing else to say came first
            self.status.say(f"{total} items · {len(self.config.sources)} sources · press ? for help")

    def on_unmount(self) -> None:
        if self._db is not None:
            self.db.close()
        self.close_watcher()

    # -- parts -------------------------------------------------------------------------------------
    @property
    def table(self) -> ItemTable:
        return self.query_one(ItemTable)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    def refresh_sidebar(self, counts: dict | None = None, health: dict | None = None, first: int | None = None) -> None:
        """The sidebar's views with their counts (read now when not given); `first`: only that many
        lines (the first frame: the rest, beyond the screen, come with the counts)."""
        from ..storage.queries import source_health
        counts = counts if counts is not None else triage.counts(self.db, self.person)
        health = health if health is not None else source_health(self.db)
        self._sidebar_data = (counts, health)
        entries: list = [
            (View("inbox"), "Inbox", counts.get("inbox"), ""), (View("starred"), "Starred", counts.get("starred"), ""),
            (View("affects"), "Affects our stack", counts.get("affects"), ""),
            (View("needs-experiment"), "Needs experiment", counts.get("needs-experiment"), ""),
            (View("all"), "All items", None, ""),
            (View("hidden"), "Hidden", counts.get("hidden"), "dim"),
        ]
        if self.config.tags:
            entries.append((View("header"), "Tags", None, ""))
            entries += [(View("tag", t.name), t.name, None, "green") for t in self.config.tags]
        if self.config.assets:
            entries.append((View("header"), "Assets", None, ""))
            entries += [(View("asset", a.name), a.name, counts.get(f"asset:{a.name}"), "magenta")
                        for a in self.config.assets]
        entries.append((View("header"), "Sources", None, ""))
        for s in self.config.sources:
            h = health.get(s.name)
            style = "red" if h and h.consecutive_errors else ("dim" if not s.enabled else "")
            label = s.name + (" !" if h and h.consecutive_errors else "")
            entries.append((View("source", s.name), label, counts.get(f"source:{s.name}"), style))
        if first is None:
            from .notify import notify_entries
            entries += notify_entries(self.config, self.db)   # each notify target's last delivery and error
        self.query_one(Sidebar).set_views(entries[:first])

    def load_view(self, view: View) -> None:
        self.view = view
        self._view_stale = False
        self.search_text = ""
        search = self.query_one("#search", Input)
        search.value = ""
        search.remove_class("visible")
        self.table.load(self.db, view)
        self.table.focus()

    # -- events ------------------------------------------------------------------------------------
    @on(Sidebar.ViewChosen)
    def _view_chosen(self, event: Sidebar.ViewChosen) -> None:
        self.load_view(event.view)

    PREVIEW_DELAY = 0.08   # s: while j/k is held only the list repaints; the preview follows when it settles

    @on(ItemTable.ItemHighlighted)
    def _item_highlighted(self, event: ItemTable.ItemHighlighted) -> None:
        # A preview update re-lays out the screen (~10x the cost of moving the cursor), so it waits
        # until the cursor has stopped for a moment.
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(self.PREVIEW_DELAY, partial(self._show_preview, event.item_id))

    def _show_preview(self, item_id: int | None) -> None:
        self._preview_timer = None
        try:
            table, preview = self.table, self.query_one(Preview)
        except NoMatches:   # the app is closing
            return
        if item_id == table.current_id:
            preview.show(triage.item_detail(self.db, item_id, self.person) if item_id else None)

    @on(ItemTable.RowSelected)
    def _row_selected(self, event) -> None:
        self.action_open()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.table.focus()

    @work(exclusive=True, group="search", thread=True, exit_on_error=False)
    def run_search(self, text: str) -> None:
        from ..storage.search import QueryError, search_items
        if not text.strip():
            self.call_from_thread(self.table.load, self.db, self.view)
            return
        db = Database(self.db.url)   # a connection of this worker's own
        try:
            from ..storage.stories import leads_of
            ids = leads_of(db, search_items(db, text, person=self.person, limit=SEARCH_LIMIT))
        except QueryError as exc:
            self.call_from_thread(self.status.say, str(exc), "red")
            return
        finally:
            db.close()
        self.search_text = text
        self.call_from_thread(self._show_results, ids, text)

    def _show_results(self, ids: list[int], text: str) -> None:
        self.table.load(self.db, View("all"), ids=ids)
        self.status.say(f"{len(ids)}{'+' if len(ids) == SEARCH_LIMIT else ''} matches for {text}")

    # -- actions -----------------------------------------------------------------------------------
    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_first(self) -> None:
        if self._view_stale and not self.search_text:   # new items arrived above: show them
            self._view_stale = False
            self.table.load(self.db, self.view)
            return
        self.table.action_first()

    def action_last(self) -> None:
        self.table.action_last()

    def action_open(self) -> None:
        row = self._current()
        if row is None:
            return
        main = self.query_one("#main")
        if main.has_class("full-preview"):
            main.remove_class("full-preview")
            self.table.focus()
            return
        if row.state == "unread":
            self.table.update_item(row.id, state="read")
            self.write("read state", row.id, triage.set_state, self.person, [row.id], "read")
        main.add_class("full-preview")
        preview = self.query_one(Preview)
        preview.show(triage.item_detail(self.db, row.id, self.person), full=True)
        preview.focus()

    def action_escape(self) -> None:
        main = self.query_one("#main")
        search = self.query_one("#search", Input)
        if main.has_class("full-preview"):
            main.remove_class("full-preview")
        elif search.has_class("visible"):
            self.load_view(self.view)
        self.table.focus()

    def action_digest(self) -> None:
        from .digest import DigestScreen
        self.push_screen(DigestScreen(self.config, self.db_url))

    def action_assets(self) -> None:
        from .assets import AssetsScreen
        self.push_screen(AssetsScreen(self.config, self.db_url))

    def action_experiments(self) -> None:
        from .experiments import ExperimentsScreen
        self.push_screen(ExperimentsScreen(self.db, self.person))

    def action_stack(self) -> None:
        from .stack import StackScreen
        self.push_screen(StackScreen(self.db, self.config))

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.add_class("visible")
        search.focus()

    def action_view(self, n: int) -> None:
        keys = ["inbox", "starred", "affects", "needs-experiment", "all"]
        keys += [f"tag:{t.name}" for t in self.config.tags]
        if 1 <= n <= len(keys):
            self.query_one(Sidebar).select_key(keys[n - 1])

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    @on(FetchProgressed)
    def _fetch_progressed(self, event: FetchProgressed) -> None:
        try:
            self.status.say(event.text, "red" if event.error else "")
        except NoMatches:   # the app is closing: a fetch's last line arrived after its widgets went
            return
        if event.landed and not self.search_text and self.table.cursor_row == 0 and not self._landed_timer:
            # new items appear as they land, unless the user has moved into the list (no jumping cursor)
            self._landed_timer = self.set_timer(self.LANDED_RELOAD, self._reload_landed)

    # -- command palette ---------------------------------------------------------------------------
    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if binding.show and binding.action not in ("quit",):
                yield SystemCommand(binding.description, f"key: {binding.key.split(',')[0]}",
                                    partial(self.run_action, binding.action))


def run_tui(config: Config, db_url: str, *, debug: bool = False) -> None:
    app = FeedwatchApp(config, db_url)
    app.debug_failures = debug   # -v/--debug: a failure's notification says where it was raised
    app.run()
