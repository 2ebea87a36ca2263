"""The weekly digest inside the app: preview a week, step through weeks, export it (`D`).

The Markdown is rendered by Textual's Markdown widget with links as plain text (`digest_markdown`):
it carries feed text, which is never parsed as Textual markup. A digest that cannot be built (a
locked database, ...) says so in place of the preview.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from ..digest import build_digest, render
from ..digest.week import last_complete_week, week_period
from ..storage.db import Database
from .digest_markdown import DigestMarkdown
from .failures import WorkerFailures

EXTENSIONS = {"md": "md", "html": "html", "json": "json"}


class DigestScreen(Screen):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("left_square_bracket", "week(-1)", "Previous week"),
        Binding("right_square_bracket", "week(1)", "Next week"),
        Binding("M", "export('md')", "Export .md"),
        Binding("H", "export('html')", "Export .html"),
        Binding("J", "export('json')", "Export .json"),
    ]

    def __init__(self, config, db_url: str, today: date | None = None, out_dir: Path | None = None) -> None:
        super().__init__()
        self.config = config
        self.db_url = db_url
        self.period = last_complete_week(today or datetime.now(UTC).date())
        self.out_dir = out_dir or Path.cwd()
        self.digest = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Content("building the digest…"), id="digest-note")
            yield DigestMarkdown(id="digest-body")
        yield Footer()

    def on_mount(self) -> None:
        self.build()

    @work(exclusive=True, group="digest", thread=True, exit_on_error=False)
    def build(self) -> None:
        db = Database(self.db_url)   # this worker's own connection
        try:
            digest = build_digest(db, self.config, self.period.since, self.period.until)
        finally:
            db.close()
        self.app.call_from_thread(self._show, digest)   # type: ignore[arg-type]  # textual: async callback

    async def _show(self, digest) -> None:
        self.digest = digest
        self.query_one("#digest-note", Static).display = False
        await self.query_one("#digest-body", DigestMarkdown).update(render(digest, "md"))
        self.sub_title = f"digest {self.period.label}"

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self._say(f"could not build the digest for {self.period.label}; see the notification")
        cast(WorkerFailures, self.app).handle_worker_error(event)   # the app's one handler: a one-line notification

    def _say(self, text: str) -> None:
        note = self.query_one("#digest-note", Static)
        note.update(Content(text))
        note.display = True

    def action_week(self, step: int) -> None:
        monday = date.fromisoformat(self.period.first_day) + timedelta(weeks=step)
        year, week, _ = monday.isocalendar()
        self.period = week_period(year, week)
        self._say(f"building the digest for {self.period.label}…")
        self.build()

    def action_export(self, fmt: str) -> None:
        if self.digest is None:
            return
        path = self.out_dir / f"feedwatch-digest-{self.period.label.replace(' ', '_')}.{EXTENSIONS[fmt]}"
        try:
            path.write_bytes(render(self.digest, fmt).encode("utf-8"))
        except OSError as exc:
            self.notify(f"cannot write {path}: {exc.strerror or exc}", severity="error", markup=False)
            return
        self.notify(f"wrote {path}", markup=False)
