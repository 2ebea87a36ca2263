"""The period a digest covers: an ISO week ("2026-W48"), the last complete one, or --since/--until.

A period is half-open, [since, until), in UTC, as stored timestamps ("YYYY-MM-DDTHH:MM:SSZ"), so
membership is a plain string comparison that both backends index. An item belongs to the period of
its published date, or of its first-seen date when it has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ..dates import format_iso
from ..errors import UserInputError

_WEEK_RE = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class PeriodError(UserInputError):
    """A week or date the user typed that is not one; str() is the one-line message."""


@dataclass(frozen=True, slots=True)
class Period:
    since: str              # inclusive, "YYYY-MM-DDTHH:MM:SSZ"
    until: str              # exclusive
    week: str | None        # "2026-W48" when the period is exactly one ISO week, else None

    @property
    def first_day(self) -> str:
        return self.since[:10]

    @property
    def last_day(self) -> str:
        """The last calendar day (UTC) the period touches."""
        return format_iso(_parse_iso(self.until) - timedelta(seconds=1))[:10]

    @property
    def label(self) -> str:
        if self.week:
            return self.week
        return self.first_day if self.first_day == self.last_day else f"{self.first_day} to {self.last_day}"


def _parse_iso(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _midnight(d: date) -> str:
    return f"{d.isoformat()}T00:00:00Z"


def period(since: str, until: str) -> Period:
    """A Period for two stored-form timestamps; named by its ISO week when it is exactly one."""
    start, end = _parse_iso(since), _parse_iso(until)
    if end <= start:
        raise PeriodError(f"the period ends ({until}) before it starts ({since})")
    week = None
    if start.time() == datetime.min.time() and start.weekday() == 0 and end - start == timedelta(days=7):
        year, number, _ = start.isocalendar()
        week = f"{year}-W{number:02d}"
    return Period(since, until, week)


def week_period(year: int, week: int) -> Period:
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise PeriodError(f"{year} has no ISO week {week}") from None
    return period(_midnight(monday), _midnight(monday + timedelta(days=7)))


def parse_week(text: str) -> Period:
    """'2026-W48' (also '2026w48') -> that ISO week, Monday 00:00 UTC to the next Monday."""
    m = _WEEK_RE.match(text or "")
    if not m:
        raise PeriodError(f"not an ISO week: {text!r} (use YYYY-Www, e.g. 2026-W48)")
    return week_period(int(m.group(1)), int(m.group(2)))


def last_complete_week(today: date) -> Period:
    """The newest ISO week that ended before `today` (a date in UTC): on any day of W49, W48."""
    year, week, _ = (today - timedelta(days=7)).isocalendar()
    return week_period(year, week)


def parse_bound(text: str, *, end: bool) -> str:
    """A --since / --until value in stored form.

    A date (YYYY-MM-DD) means the start of that day for --since and the end of it for --until (both
    days are included); an ISO time (2026-11-23T12:00, with an offset or Z, else UTC) is used as is,
    --until then being exclusive.
    """
    value = (text or "").strip()
    option = "--until" if end else "--since"
    try:
        if _DATE_RE.match(value):
            day = date.fromisoformat(value)
            return _midnight(day + timedelta(days=1)) if end else _midnight(day)
        if "T" not in value and " " not in value:
            raise ValueError
        dt = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except (ValueError, OverflowError):
        raise PeriodError(f"{option}: not a date: {text!r} (use YYYY-MM-DD or an ISO time such as "
                          f"2026-11-23T09:00Z)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return format_iso(dt)


def parse_range(since: str, until: str) -> Period:
    """--since DATE --until DATE, both days included."""
    start, end = parse_bound(since, end=False), parse_bound(until, end=True)
    if end <= start:
        raise PeriodError(f"--until ({until}) is before --since ({since})")
    return period(start, end)


def resolve(week: str | None, since: str | None, until: str | None, today: date) -> Period:
    """The period the CLI options name: --week, or --since with --until, else the last complete week."""
    if week and (since or until):
        raise PeriodError("use either --week or --since/--until, not both")
    if week:
        return parse_week(week)
    if since or until:
        if not (since and until):
            raise PeriodError("--since and --until go together (or use --week)")
        return parse_range(since, until)
    return last_complete_week(today)
