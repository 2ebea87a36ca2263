"""The asset registry inside the app (`A`): each asset's models, prompts and evidence (the
`path:line` where a scan found it), and a re-scan of the `[[repos]]` that shows what changed since
the scan recorded in feeds.toml (recording stays with `feedwatch assets scan --write`).

Evidence and paths come from scanned files: they are shown as `Content`, never parsed as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ..scan.scanner import clean

if TYPE_CHECKING:
    from ..scan.assets import Proposal


class AssetsScreen(Screen):
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("R", "rescan", "Re-scan repos"),
    ]
    DEFAULT_CSS = """
    AssetsScreen #asset-list { width: 36; border-right: solid $primary-background; }
    AssetsScreen #asset-detail { width: 1fr; padding: 0 1; }
    """

    def __init__(self, config, db_url: str | None = None) -> None:
        super().__init__()
        self.config = config
        self.db_url = db_url
        self.scanned: dict[str, Proposal] = {}      # asset name -> Proposal of the latest re-scan
        self.changes: list[str] = []
        self.scan_note = ""

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield OptionList(*self._options(), id="asset-list")
            with VerticalScroll(id="asset-detail"):
                yield Static(Content(""), id="asset-body")
        yield Footer()

    def _options(self) -> list[Option]:
        out = []
        for a in self.config.assets:
            mark = "scan" if a.discovered_from else "hand"
            out.append(Option(Content(clean(f"{a.name[:40]}  ({a.kind}, {mark})")), id=a.name))
        return out

    def on_mount(self) -> None:
        self.sub_title = "assets: R re-scans the [[repos]]"
        self._show()

    def current(self):
        ol = self.query_one("#asset-list", OptionList)
        if ol.highlighted is None:
            if not self.config.assets:
                return None
            ol.highlighted = 0
        name = ol.get_option_at_index(ol.highlighted).id
        return next((a for a in self.config.assets if a.name == name), None)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._show()

    def detail_text(self) -> str:
        a = self.current()
        lines = []
        if self.scan_note:
            lines += [self.scan_note, *("  " + c for c in self.changes), ""]
        if a is None:
            lines.append("no [[assets]] in feeds.toml: run `feedwatch assets scan --write`, or press R")
            return "\n".join(lines)
        lines += [f"{a.name}  ({a.kind}{', path ' + a.path if a.path else ''})",
                  "models: " + (", ".join(a.models) or "-")]
        if a.prompts:
            lines.append("prompts: " + ", ".join(a.prompts))
        lines.append("")
        if a.discovered_from:
            lines.append("evidence recorded by the last `assets scan --write`:")
            lines += ["  " + e for e in a.discovered_from]
        else:
            lines.append("hand-written (no recorded evidence)")
        seen = self.scanned.get(a.name)
        if seen is not None:
            lines += ["", "seen by this re-scan: models " + (", ".join(seen.models) or "-")]
            lines += ["  " + e for e in seen.evidence]
        return "\n".join(clean(x[:400]) for x in lines)

    def _show(self) -> None:
        self.query_one("#asset-body", Static).update(Content(self.detail_text()))

    def action_rescan(self) -> None:
        if not self.config.repos:
            self.notify("no [[repos]] in feeds.toml to scan", severity="warning")
            return
        self.scan_note = "scanning…"
        self._show()
        self.rescan()

    @work(exclusive=True, group="asset-scan", thread=True)
    def rescan(self) -> None:
        from ..scan import ScanError, scan_root
        from ..scan.merge import load_doc, match_proposals, merge
        known = self._known()
        results, errors = [], []
        for r in self.config.repos:
            try:
                results.append(scan_root(r.path, r.name, known))
            except ScanError as exc:
                errors.append(f"repo '{r.name}': {exc}")
        proposals = [p for res in results for p in res.proposals]
        changes = []
        if self.config.path is not None:
            try:
                doc = load_doc(self.config.path)
                changes = [c.line() for c in merge(doc, proposals, {res.repo for res in results})]
            except (OSError, ValueError) as exc:
                errors.append(f"{self.config.path}: {exc}")
        scanned = match_proposals(self.config.assets, proposals)
        self.app.call_from_thread(self._scanned, results, changes, errors, scanned)

    def _known(self):
        if not self.db_url:
            return None
        try:
            from ..lifecycle import known_models
            from ..storage.db import Database
            db = Database(self.db_url)
            try:
                return known_models(db, self.config)
            finally:
                db.close()
        except Exception:           # the catalogue only adds ids; a scan without it is still right
            return None

    def _scanned(self, results, changes, errors, scanned) -> None:
        self.scanned = scanned
        self.changes = [*errors, *changes]
        found = sum(len(r.findings) for r in results)
        what = (f"{len(changes)} change(s) since the last recorded scan" if changes
                else "no changes since the last recorded scan")
        self.scan_note = f"re-scan: {len(results)} repo(s), {found} findings, {what}" + (
            "; record with `feedwatch assets scan --write`" if changes else "")
        self._show()
