"""What `feedwatch fetch` shows while it runs: a progress bar on a terminal, one line per source otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from .run import RunSummary, SourceResult

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


def describe(r: SourceResult) -> str:
    """One line for one source's result."""
    if r.outcome == "error":
        from ..text import clean_line  # here: lxml is not needed to report a 304-only run (~12 ms)
        status = f" (HTTP {r.status})" if r.status else ""
        return f"{r.name}: error{status}: {clean_line(r.error or '', 300)}"
    if r.outcome == "skipped":
        return f"{r.name}: skipped: {r.warning}"
    if r.outcome == "not-modified":
        return f"{r.name}: not modified"
    parts = [f"{r.new} new", f"{r.updated} updated"]
    if r.filtered:
        parts.append(f"{r.filtered} filtered out")
    line = f"{r.name}: {r.outcome}: " + ", ".join(parts)
    if r.warning:
        from ..text import clean_line
        line += f" (warning: {clean_line(r.warning, 200)})"
    return line


class FetchReporter:
    def __init__(self, total: int, out: TextIO):
        self.total = total
        self.out: TextIO | None = out
        self.tty = out.isatty()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> FetchReporter:
        if self.tty:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
            self._progress = Progress(TextColumn("fetching"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), TextColumn("{task.description}"), transient=True)
            self._progress.start()
            self._task = self._progress.add_task("", total=self.total)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def start(self, source: object) -> None:
        pass

    def result(self, r: SourceResult) -> None:
        line = describe(r)
        if self._progress is not None and self._task is not None:
            from rich.text import Text
            self._progress.advance(self._task)
            # a Text, not a str: a source name is shown as is, never read as markup
            self._progress.update(self._task, description=Text(r.name))  # type: ignore[arg-type]
            if r.outcome in ("error",) or r.new or r.updated:
                self._progress.console.print(Text(line), markup=False, highlight=False)
        elif self.out is not None:
            try:
                self.out.write(line + "\n")
                self.out.flush()
            except (BrokenPipeError, ValueError):   # `feedwatch fetch | head`: keep fetching, stop printing
                self.out = None

    def totals(self, s: RunSummary) -> None:
        if self.out is None:
            return
        self.out.write(
            f"{len(s.results)} sources: {s.count('new') + s.count('updated') + s.count('unchanged')} fetched, "
            f"{s.count('not-modified')} not modified, {s.count('error')} failed, {s.count('skipped')} skipped; "
            f"{s.new_items} new items, {s.updated_items} updated\n")
        self.out.flush()
