"""The Stack view (`L`): every asset's models with their lifecycle, the nearest shutdown first;
`enter` shows what every catalogue says of the model and the items about it.

The rows are `lifecycle.schedule.stack_rows` (the same as `feedwatch stack`); catalogue text is
untrusted like feed text and goes through `safe`.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ..lifecycle.schedule import StackRow, stack_rows
from ..lifecycle.source import for_assets
from ..storage.catalogs import items_about
from ..storage.proposals import experiments_by_pair
from ..storage.search import search_items
from . import safe

STATUS_STYLE = {"retired": "bold red", "deprecated": "yellow", "active": "green", "unknown": "dim"}


def days_text(row: StackRow) -> Text:
    if row.days_left is None:
        return Text("-", style="dim")
    style = "bold red" if row.days_left < 0 else "yellow" if row.days_left <= 30 else ""
    return Text(str(row.days_left), style=style)


class StackScreen(Screen):
    """Assets × models: status, shutdown date, days left, replacement, migration experiment."""

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("j,down", "cursor_down", "Next", show=False),
        Binding("k,up", "cursor_up", "Prev", show=False),
        Binding("enter", "details", "Details"),
    ]
    DEFAULT_CSS = """
    StackScreen #stack-table { height: 55%; }
    StackScreen #stack-detail { height: 1fr; border-top: solid $primary-background; padding: 0 1; }
    """

    def __init__(self, db, config, today: date | None = None) -> None:
        super().__init__()
        self.db = db
        self.config = config
        self.today = today
        self.rows: dict[str, StackRow] = {}
        self.bundled = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield DataTable(id="stack-table", cursor_type="row")
            with VerticalScroll(id="stack-detail"):
                yield Static(id="stack-body")
        yield Footer()

    def on_mount(self) -> None:
        from ..dates import utc_now_iso
        self.today = self.today or date.fromisoformat(utc_now_iso()[:10])
        table = self.query_one(DataTable)
        for label, width in (("asset", 22), ("model", 28), ("status", 10), ("shutdown", 10), ("days", 5),
                             ("replacement", 24), ("experiment", 10)):
            table.add_column(label, key=label, width=width)
        catalogue, self.bundled = for_assets(self.db, self.config)
        experiments = experiments_by_pair(self.db)
        for n, row in enumerate(stack_rows(self.config.assets, catalogue, self.today)):
            key = str(n)
            self.rows[key] = row
            eid = experiments.get((row.asset, row.canonical))
            table.add_row(safe.line(row.asset, 60), safe.line(row.model, 100),
                          Text(row.status, style=STATUS_STYLE[row.status]), Text(row.shutdown_date or "-"),
                          days_text(row), safe.line(row.replacement or "-", 100),
                          Text(f"#{eid}" if eid else "-", style="" if eid else "dim"), key=key)
        self.sub_title = "from the bundled catalogue snapshot" if self.bundled else ""
        table.focus()
        self.show_current(details=False)

    @property
    def current(self) -> StackRow | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(key) if key is not None else None

    def on_data_table_row_highlighted(self, event) -> None:
        self.show_current(details=False)

    def on_data_table_row_selected(self, event) -> None:
        self.show_current(details=True)

    def action_details(self) -> None:
        self.show_current(details=True)

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def show_current(self, details: bool) -> None:
        body = self.query_one("#stack-body", Static)
        row = self.current
        if row is None:
            body.update(Content("No assets with models yet: list your prompts and pipelines as [[assets]] with "
                                "their models in feeds.toml (or `feedwatch assets scan --write`)."))
            return
        t = Text()
        t.append(f"{row.asset}", style="bold magenta")
        t.append(" runs on ")
        t.append(safe.line(row.model, 160).plain, style="bold")
        t.append(f"  = {safe.line(row.canonical, 160).plain}\n", style="dim")
        t.append(f"{row.status}", style=STATUS_STYLE[row.status])
        if row.shutdown_date:
            t.append(f" · shutdown {row.shutdown_date} ({row.days_left} days)")
        if row.replacement:
            t.append(" · replacement ")
            t.append(safe.line(row.replacement, 160).plain, style="green")
        if row.sources:
            t.append(f" · per {', '.join(row.sources)}", style="dim")
        t.append("\n")
        if row.alias_of:
            t.append(f"an alias of {safe.line(row.alias_of, 160).plain}\n", style="dim")
        if self.bundled:
            t.append("(bundled catalogue snapshot: `feedwatch catalog update` fetches current data)\n", style="dim")
        if not details:
            t.append("\nenter: what every catalogue says, and the items about this model\n", style="dim")
            body.update(t)
            return
        life = row.lifecycle
        t.append("\nCatalogues\n", style="bold cyan")
        for e in life.entries if life else ():
            dates = ", ".join(f"{k} {v}" for k, v in (("deprecated", e.deprecation_date), ("shutdown", e.shutdown_date),
                                                       ("not before", e.earliest_shutdown)) if v)
            t.append(f" {e.catalog}: ", style="dim")
            t.append(safe.line(f"{e.model_id} [{e.provider or '-'}] {e.status or ''} {dates}"
                               + (f" → {e.replacement}" if e.replacement else ""), 300).plain + "\n")
        if not (life and life.entries):
            t.append(" no catalogue lists this model\n", style="dim")
        try:
            found = search_items(self.db, f'"{row.canonical}"', limit=20)
        except Exception:     # a model id the search syntax cannot take as a phrase: the links still count
            found = []
        items = items_about(self.db, row.asset, row.model, found)
        t.append("\nItems\n", style="bold cyan")
        for it in items:
            t.append(f" #{it['id']} {(it['date'] or '')[:10]} ", style="dim")
            t.append(safe.line(it["title"], 200).plain + "\n")
        if not items:
            t.append(" none stored yet\n", style="dim")
        body.update(t)
