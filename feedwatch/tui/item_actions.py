"""What the keys do to the item under the cursor: read, star, hide, tags, asset links, a new
experiment, open or copy its link. Every write goes through `feedwatch.storage` and the row and
preview on screen are updated in place, so the cursor never moves under the user. The row changes
first; the write follows through `QueuedWrites.write`, which never holds the UI thread on another
process's write lock for more than a moment.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..storage import triage
from ..storage.triage import NEEDS_EXPERIMENT
from .screens import LinkScreen, TagScreen
from .widgets import Preview

if TYPE_CHECKING:
    from ..storage.rows import ListedItem
    from .host import AppHost as _AppHost  # the app this mixin is part of
else:
    _AppHost = object


def _story(row: ListedItem) -> list[int]:
    """The items a key press acts on: read, star and hide act on the row's whole story."""
    return list(row.members or [row.id])


class ItemActions(_AppHost):
    """Mixed into the app: needs `db`, `person`, `config`, `table`, `status` and the App's screens and notify."""

    def _current(self) -> ListedItem | None:
        item_id = self.table.current_id
        return self.table.rows_by_id.get(item_id) if item_id is not None else None

    def action_toggle_read(self) -> None:
        row = self._current()
        if row:
            state = "read" if row.state == "unread" else "unread"
            self.table.update_item(row.id, state=state)
            self.write(f"{state} state", row.id, triage.set_state, self.person, _story(row), state)
            self.table.action_cursor_down()

    def action_star(self) -> None:
        row = self._current()
        if row:
            starred = not row.starred
            self.table.update_item(row.id, starred=starred)
            self.write("star" if starred else "unstar", row.id, triage.set_starred, self.person, _story(row),
                       starred)

    def action_hide(self) -> None:
        """h: hide the item from every view but Hidden (for you only); h there brings it back."""
        row = self._current()
        if row:
            hidden = not row.hidden
            self.table.update_item(row.id, hidden=hidden)
            self.write("hide" if hidden else "unhide", row.id, triage.set_hidden, self.person, _story(row), hidden)
            self.status.say(("hidden (the Hidden view has it; h there unhides): " if hidden else "unhidden: ")
                            + row.title)
            self.table.action_cursor_down()

    def action_tags(self) -> None:
        row = self._current()
        if row is None:
            return
        detail = triage.item_detail(self.db, row.id, self.person)
        if detail is None:   # deleted since the list was drawn
            return
        vocab = [t.name for t in self.config.tags]
        self.push_screen(TagScreen(row.title, detail["user_tags"], vocab),
                         partial(self._tags_done, row.id, list(detail["user_tags"])))

    def _tags_done(self, item_id: int, before: list[str], tags: list[str] | None) -> None:
        if tags is None:
            return
        row = self.table.rows_by_id.get(item_id)
        if row is not None:   # optimistic: the user's edit on top of what the row showed
            shown = (set(row.tags) - set(before)) | set(tags)
            self.table.update_item(item_id, tags=sorted(shown), user_tags=sorted(tags))
        # a colleague's edit meanwhile is kept (`before`)
        self.write("tags", item_id, triage.set_user_tags, item_id, tags, before=before,
                   then=partial(self._show_saved, item_id))

    def _show_saved(self, item_id: int) -> None:
        """Once a write landed: the row and preview show what the database holds."""
        detail = triage.item_detail(self.db, item_id, self.person)
        if detail is None:
            return
        assets = [x["asset"] for x in detail["links"] if x["status"] != "dismissed"]
        self.table.update_item(item_id, tags=detail["all_tags"], user_tags=detail["user_tags"], assets=assets)
        if self.table.current_id == item_id:
            self.query_one(Preview).show(detail)

    def action_new_experiment(self) -> None:
        """x: a prefilled experiment form for the current item (its linked assets preselected)."""
        from .experiments import ExperimentForm
        row = self._current()
        if row is None:
            return
        assets = [link["asset"] for link in (triage.item_detail(self.db, row.id, self.person) or {}).get("links", [])
                  if link["status"] != "dismissed"]
        self.push_screen(ExperimentForm(f"Follow up: {row.title}"[:200], assets),
                         partial(self._experiment_created, row.id))

    def _experiment_created(self, item_id: int, form: dict | None) -> None:
        if form is None:
            return
        from ..storage import experiment_rules as rules, experiments
        who = self.person
        from .writes import FORM_WAIT
        try:
            with self.db.busy_wait(FORM_WAIT):
                e = experiments.create(self.db, form["title"], form["hypothesis"], items=[item_id],
                                       assets=form["assets"], owner=who, who=who)
        except rules.ExperimentError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        except Exception as exc:   # a locked database, a full disk: one line, the form's text is lost
            from .failures import describe_failure
            self.notify(f"experiment not saved: {describe_failure(exc)}", severity="error", markup=False)
            return
        detail = triage.item_detail(self.db, item_id, self.person)
        if detail is not None and NEEDS_EXPERIMENT in detail["user_tags"]:   # it has one now
            self.write("tags", item_id, triage.toggle_user_tag, item_id, NEEDS_EXPERIMENT,
                       then=partial(self._show_saved, item_id))
        self.notify(f"experiment {e.id} proposed; X lists experiments", markup=False)

    def action_link(self) -> None:
        row = self._current()
        if row is None:
            return
        if not self.config.assets:
            self.notify("no [[assets]] in feeds.toml to link to", severity="warning")
            return
        detail = triage.item_detail(self.db, row.id, self.person)
        if detail is None:   # deleted since the list was drawn
            return
        self.push_screen(LinkScreen(row.title, [a.name for a in self.config.assets], detail["links"]),
                         partial(self._link_done, row.id))

    def _link_done(self, item_id: int, result: tuple[str, str] | None) -> None:
        if result is None:
            return
        from ..storage.enrichment import set_link_status
        asset, status = result
        row = self.table.rows_by_id.get(item_id)
        if row is not None:   # optimistic: a dismissed link leaves the row, any other decision shows it
            assets = [a for a in row.assets if a != asset] + ([asset] if status != "dismissed" else [])
            self.table.update_item(item_id, assets=assets)
        self.write(f"{status} link", item_id, set_link_status, item_id, asset, status, self.person,
                   then=partial(self._show_saved, item_id))

    def _current_url(self) -> str | None:
        row = self._current()
        if row is None:
            return None
        url = (triage.item_detail(self.db, row.id, self.person) or {}).get("url")
        if not url or urlsplit(url).scheme not in ("http", "https"):
            self.notify("this item has no http(s) link", severity="warning")
            return None
        return url

    def action_open_browser(self) -> None:
        url = self._current_url()
        if url:
            import webbrowser  # here: the app's start never needs it
            webbrowser.open(url, new=2)   # never through a shell; the URL shown is the URL opened
            self.status.say(f"opened {url}")

    def action_copy_link(self) -> None:
        url = self._current_url()
        if url:
            self.copy_to_clipboard(url)
            self.status.say(f"copied {url}")
