"""The app as its behaviour mixins see it, for the type checker only (never imported at run time).

`FeedwatchApp` is Textual's `App` plus the mixins in this package (item actions, background work,
writes, ...). Each mixin is typed as a subclass of `AppHost`, so a mixin's use of the app's state or
of another mixin's method is checked; at run time the mixins derive from `object`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from ..config import Config
from ..storage.db import Database
from ..storage.rows import ListedItem
from ..storage.triage import View
from .widgets import ItemTable, StatusBar


class AppHost(App[Any]):
    config: Config
    db_url: str
    person: str
    view: View
    search_text: str
    parse_executor_factory: Any
    _sidebar_data: tuple[Any, ...] | None

    @property
    def db(self) -> Database:
        raise NotImplementedError

    @property
    def table(self) -> ItemTable:
        raise NotImplementedError

    @property
    def status(self) -> StatusBar:
        raise NotImplementedError

    def refresh_sidebar(self, counts: dict[str, Any] | None = None, health: dict[str, Any] | None = None) -> None: ...

    def write(self, what: str, item_id: int, fn: Callable[..., Any], *args: Any,
              then: Callable[[], None] | None = None, **kw: Any) -> None: ...

    def items_being_written(self) -> set[int]:
        raise NotImplementedError

    def _current(self) -> ListedItem | None:
        raise NotImplementedError
