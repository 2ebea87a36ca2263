"""Experiments in the TUI: a prefilled form from an item (`x`), and a screen to follow them (`X`).

All reads and writes go through `feedwatch.storage.experiments`; a change made from a stale
version (someone else saved first) is refused there and shown here, never silently applied.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from ..storage import experiment_rules as rules, experiments as store
from . import safe


class ExperimentForm(ModalScreen[dict | None]):
    """Title, hypothesis and assets for a new experiment; the item it comes from is linked."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, title: str, assets: list[str]) -> None:
        super().__init__()
        self.default_title = title
        self.default_assets = assets

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content("New experiment (ctrl+s saves, escape cancels)"), classes="hint")
            yield Input(value=self.default_title, placeholder="title", id="exp-title")
            yield TextArea("", id="exp-hypothesis")
            yield Input(value=", ".join(self.default_assets), placeholder="assets, comma-separated", id="exp-assets")

    def on_mount(self) -> None:
        self.query_one("#exp-hypothesis", TextArea).border_title = "hypothesis"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        title = self.query_one("#exp-title", Input).value.strip()
        if not title:
            self.notify("an experiment needs a title", severity="warning")
            return
        self.dismiss({"title": title, "hypothesis": self.query_one("#exp-hypothesis", TextArea).text,
                      "assets": [a.strip() for a in self.query_one("#exp-assets", Input).value.split(",")
                                 if a.strip()]})

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPrompt(ModalScreen[str | None]):
    def __init__(self, prompt: str, placeholder: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.placeholder = placeholder

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content(self.prompt), classes="hint")
            yield Input(placeholder=self.placeholder)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class OutcomePrompt(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content("Outcome of the experiment"), classes="hint")
            yield OptionList(*[Option(o, id=o) for o in rules.OUTCOMES])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExperimentsScreen(Screen):
    """Every experiment, newest change first, with its detail; keys move it through its lifecycle."""

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("j,down", "cursor_down", "Next", show=False),
        Binding("k,up", "cursor_up", "Prev", show=False),
        Binding("r", "status('running')", "Running"),
        Binding("d", "done", "Done"),
        Binding("b", "status('abandoned')", "Abandon"),
        Binding("n", "note", "Note"),
        Binding("l", "link", "Run link"),
    ]
    DEFAULT_CSS = """
    ExperimentsScreen #exp-table { height: 45%; }
    ExperimentsScreen #exp-detail { height: 1fr; border-top: solid $primary-background; padding: 0 1; }
    """

    def __init__(self, db, who: str) -> None:
        super().__init__()
        self.db = db
        self.who = who
        self.by_row: dict[str, store.Experiment] = {}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield DataTable(id="exp-table", cursor_type="row")
            with VerticalScroll(id="exp-detail"):
                yield Static(id="exp-body")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, width in (("id", 5), ("status", 10), ("outcome", 13), ("owner", 12), ("updated", 17),
                             ("due", 11), ("title", 70)):
            table.add_column(label, key=label, width=width)
        self.reload()
        table.focus()

    def reload(self, keep: int | None = None) -> None:
        table = self.query_one(DataTable)
        table.clear()
        self.by_row = {}
        from ..dates import utc_now_iso
        today = utc_now_iso()[:10]
        for e in store.list_experiments(self.db):       # overdue ones first
            key = str(e.id)
            self.by_row[key] = e
            overdue = rules.is_overdue(e.due, e.status, today)
            due = Text(f"{e.due}!" if overdue else (e.due or ""), style="bold red" if overdue else "")
            table.add_row(Text(str(e.id)), Text(e.status), Text(e.outcome or ""), safe.line(e.owner or "", 40),
                          Text((e.updated_at or "").replace("T", " ")[:16]), due, safe.line(e.title, 200), key=key)
        if keep is not None and str(keep) in self.by_row:
            table.move_cursor(row=table.get_row_index(str(keep)))
        self.show_current()

    @property
    def current(self) -> store.Experiment | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.by_row.get(key) if key is not None else None

    def on_data_table_row_highlighted(self, event) -> None:
        self.show_current()

    def show_current(self) -> None:
        e = self.current
        body = self.query_one("#exp-body", Static)
        if e is None:
            body.update(Content("No experiments yet: press x on an item to start one."))
            return
        t = Text()
        t.append(safe.line(e.title, 300).plain + "\n", style="bold")
        t.append(f"{e.status}" + (f" · {e.outcome}" if e.outcome else "") + f" · owner {e.owner or '-'} · "
                 f"v{e.version}", style="dim")
        if e.due:
            from ..dates import utc_now_iso
            overdue = rules.is_overdue(e.due, e.status, utc_now_iso()[:10])
            t.append(f" · due {e.due}" + (" (overdue)" if overdue else ""), style="bold red" if overdue else "dim")
        t.append("\n")
        for label, value in (("Hypothesis", e.hypothesis), ("Notes", e.notes), ("Results", e.results)):
            if value:
                t.append(f"\n{label}\n", style="bold cyan")
                t.append(safe.body(value, 8000).plain + "\n")
        items = store.linked_items(self.db, e.id)
        if items:
            t.append("\nItems\n", style="bold cyan")
            for it in items:
                t.append(f" #{it['id']} ", style="dim")
                t.append(safe.line(it["title"], 200).plain + "\n")
        if e.assets:
            t.append("\nAssets  ", style="bold cyan")
            t.append(safe.line(", ".join(e.assets), 300).plain + "\n", style="magenta")
        if e.links:
            t.append("\nRuns\n", style="bold cyan")
            for link in e.links:
                t.append(f" {safe.line(link.get('label') or '', 40).plain} ", style="dim")
                t.append(safe.line(link["url"], 300).plain + "\n", style="underline blue")
        t.append("\nHistory\n", style="bold cyan")
        for h in e.history[-12:]:
            t.append(f" {h['at'].replace('T', ' ')[:16]} {safe.line(h['who'], 40).plain}: ", style="dim")
            t.append(safe.line(h["what"], 300).plain + "\n")
        body.update(t)

    def action_cursor_down(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def _apply(self, change) -> None:
        e = self.current
        if e is None:
            return
        from .failures import describe_failure
        from .writes import FORM_WAIT
        try:
            with self.db.busy_wait(FORM_WAIT):   # another process's write lock: a bounded wait, then one line
                change(e)
        except rules.ExperimentError as exc:   # invalid transition, conflict, bad URL: one clear line
            self.notify(str(exc), severity="error", markup=False)
        except Exception as exc:   # a locked database, a full disk
            self.notify(f"not saved: {describe_failure(exc)}", severity="error", markup=False)
        self.reload(keep=e.id)

    def action_status(self, status: str) -> None:
        self._apply(lambda e: store.transition(self.db, e.id, status, self.who, expected_version=e.version))

    def action_done(self) -> None:
        e = self.current
        if e is None:
            return

        def chosen(outcome: str | None) -> None:
            if outcome:
                self._apply(lambda x: store.close(self.db, x.id, outcome, None, self.who, expected_version=x.version))
        self.app.push_screen(OutcomePrompt(), chosen)

    def action_note(self) -> None:
        def entered(text: str | None) -> None:
            if text and text.strip():
                self._apply(lambda e: store.add_note(self.db, e.id, text, self.who, expected_version=e.version))
        self.app.push_screen(TextPrompt("Add a note (Markdown)"), entered)

    def action_link(self) -> None:
        def entered(url: str | None) -> None:
            if url and url.strip():
                self._apply(lambda e: store.add_link(self.db, e.id, url.strip(), self.who, expected_version=e.version))
        self.app.push_screen(TextPrompt("Link to a run (MLflow, W&B, promptfoo report URL)", "https://..."), entered)

