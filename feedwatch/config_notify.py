"""feeds.toml `[[notify]]`: where notifications go (feedwatch/notify sends them; kept at the config
layer so config never imports upward). A target's URL carries tokens, so it is kept
out of every repr and message: a target is always named by its `name`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from .config_checks import Where, check_keys, str_list, typed
from .errors import FeedwatchError

EVENTS = ("affects", "retirement", "digest")

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DEFAULT_MIN_SCORE = 0.5   # as the "Affects our stack" view (storage.predicates.AFFECTS_MIN_SCORE)


class TargetUnusable(FeedwatchError):
    """A target that cannot be sent to (its URL variable is unset); str() names no secret."""


@dataclass(frozen=True, slots=True)
class NotifyTarget:
    name: str
    url_env: str | None = None
    url: str | None = field(default=None, repr=False)
    events: tuple[str, ...] = EVENTS
    min_score: float = DEFAULT_MIN_SCORE

    def resolve_url(self) -> str:
        """The Apprise URL: `url`, or the environment variable `url_env` names."""
        if self.url:
            return self.url
        value = os.environ.get(self.url_env or "", "").strip()
        if not value:
            raise TargetUnusable(f"environment variable {self.url_env} is not set")
        return value


def parse_notify(w: Where, data: dict) -> tuple[NotifyTarget, ...]:
    """All `[[notify]]` tables (unique names)."""
    raw = data.get("notify", [])
    if not isinstance(raw, list):
        raise w.error("", "'notify' must be an array of tables ([[notify]])")
    targets = tuple(_target(w, i, t) for i, t in enumerate(raw))
    seen: set[str] = set()
    for t in targets:
        if t.name in seen:
            raise w.error(f"notify '{t.name}'", f"duplicate name '{t.name}'")
        seen.add(t.name)
    return targets


def _target(w: Where, index: int, table) -> NotifyTarget:
    where = (f"notify '{table.get('name')}'" if isinstance(table, dict) and isinstance(table.get("name"), str)
             and table.get("name") else f"notify[{index}]")
    if not isinstance(table, dict):
        raise w.error(where, "each [[notify]] entry must be a table")
    check_keys(w, where, table, {"name", "url_env", "url", "events", "min_score"}, {"name"})
    name = typed(w, where, table, "name", str)
    if not NAME_RE.match(name):
        raise w.error(where, "key 'name' must use lowercase letters, digits and '-' only")
    url_env, url = typed(w, where, table, "url_env", str), typed(w, where, table, "url", str)
    if (url_env is None) == (url is None):
        raise w.error(where, "give exactly one of 'url_env' (recommended: URLs carry tokens) or 'url'")
    if url is not None and not url.strip():
        raise w.error(where, "key 'url' is empty")
    if url_env is not None and not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", url_env):
        raise w.error(where, "key 'url_env' must be an environment variable name")
    events = str_list(w, where, table, "events") if "events" in table else EVENTS
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise w.error(where, f"key 'events' must list some of {', '.join(EVENTS)}"
                      + (f"; unknown {unknown[0]!r}" if unknown else ""))
    min_score = typed(w, where, table, "min_score", (int, float), DEFAULT_MIN_SCORE)
    if not 0 <= min_score <= 1:
        raise w.error(where, "key 'min_score' must be between 0 and 1")
    return NotifyTarget(name=name, url_env=url_env, url=url.strip() if url else None,
                        events=tuple(dict.fromkeys(events)), min_score=float(min_score))
