"""The rules of an experiment that need no database: its statuses and their moves, its limits,
the checks of what a user types, and the errors a user can cause (one-line messages).

Split from experiments.py, which re-exports these names and keeps what reads and writes the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from ..errors import UserInputError
from ..text import clean_body, clean_line, safe_url

STATUSES = ("proposed", "running", "done", "abandoned")
FINAL = ("done", "abandoned")
OUTCOMES = ("improved", "regressed", "no-change", "inconclusive")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "proposed": ("running", "abandoned"),
    "running": ("done", "abandoned"),
    "done": (),
    "abandoned": (),
}

TITLE_MAX = 200
NAME_MAX = 100      # owner, who, asset names
LABEL_MAX = 60
TEXT_MAX = 20000    # hypothesis, one note, results
WHAT_MAX = 300      # one history line

class ExperimentError(UserInputError):
    """Something the user asked for that cannot be done; str() is a one-line message."""


class NotFoundError(ExperimentError):
    """No experiment with that id."""


class TransitionError(ExperimentError):
    """A status change that the lifecycle does not allow (e.g. done -> running)."""


class ConflictError(ExperimentError):
    """The experiment changed since the caller read it (another person saved first); nothing was saved."""

    def __init__(self, message: str, experiment_id: int, expected: int, current: int):
        super().__init__(message)
        self.experiment_id = experiment_id
        self.expected = expected
        self.current = current


def guess_label(url: str) -> str:
    """"MLflow", "W&B" or "promptfoo" for a run/report URL of one of those, else ""."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    low = url.lower()
    if host == "wandb.ai" or host.endswith((".wandb.ai", ".wandb.io")) or host == "wandb.io":
        return "W&B"
    if "mlflow" in low or ("databricks" in host and "/experiments/" in low):
        return "MLflow"
    if "promptfoo" in low:
        return "promptfoo"
    return ""


def check_transition(eid: int, current: str, new: str, outcome: str | None) -> None:
    if new == current:
        raise TransitionError(f"experiment {eid} is already {current}")
    if current in FINAL:
        raise TransitionError(f"experiment {eid} is {current}; a finished experiment cannot move to {new}")
    allowed = TRANSITIONS.get(current, ())
    if new not in allowed:
        raise TransitionError(f"experiment {eid} is {current}; it can move to {' or '.join(allowed)}, not {new}")
    if new == "done" and outcome is None:
        raise TransitionError(f"experiment {eid} needs an outcome to be done: close it as "
                              f"{', '.join(OUTCOMES[:-1])} or {OUTCOMES[-1]}")


def parse_status(status: str) -> str:
    """A known status, lower-cased; ExperimentError naming the valid ones otherwise."""
    s = (status or "").strip().lower()
    if s not in STATUSES:
        raise ExperimentError(f"unknown status {clean_line(status, 40)!r} (one of {', '.join(STATUSES)})")
    return s


def parse_outcome(outcome: str) -> str:
    """A known outcome, lower-cased; ExperimentError naming the valid ones otherwise."""
    o = (outcome or "").strip().lower()
    if o not in OUTCOMES:
        raise ExperimentError(f"unknown outcome {clean_line(outcome, 40)!r} (one of {', '.join(OUTCOMES)})")
    return o


def parse_id(value: str | int) -> int:
    """An experiment id from user text ("3" or "#3"); ExperimentError otherwise."""
    try:
        value = value.strip().lstrip("#") if isinstance(value, str) else value
        number = int(value)
        if number <= 0:
            raise ValueError
        return number
    except (TypeError, ValueError):
        raise ExperimentError(f"not an experiment id: {clean_line(str(value), 40)!r}") from None


def clean_title(title: str | None) -> str:
    t = clean_line(title or "", TITLE_MAX)
    if not t:
        raise ExperimentError("an experiment needs a title")
    return t


def clean_text(text: str | None) -> str:
    return clean_body(text or "", TEXT_MAX).strip()


def clean_who(who: str | None) -> str:
    return clean_line(who or "", NAME_MAX)


def clean_assets(names: Iterable[str]) -> list[str]:
    if isinstance(names, str):
        names = [names]
    out: list[str] = []
    for name in names:
        a = clean_line(name, NAME_MAX)
        if not a:
            raise ExperimentError("an asset name is empty")
        if a not in out:
            out.append(a)
    return out


def clean_url(url: str | None) -> str:
    raw = (url or "").strip()
    safe = safe_url(raw)
    if not safe or urlsplit(safe).scheme not in ("http", "https"):
        raise ExperimentError(f"not an http(s) URL: {clean_line(raw, 100)!r} (links must start with http:// "
                              "or https://)")
    return safe


def parse_due(value: str | None) -> str | None:
    """A due date as the user writes it ("2026-12-31"); "" clears it; ExperimentError otherwise."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return ""
    from datetime import date
    try:
        return date.fromisoformat(text[:10]).isoformat() if len(text) == 10 else _bad_due(text)
    except ValueError:
        return _bad_due(text)


def _bad_due(text: str) -> str:
    raise ExperimentError(f"not a date: {clean_line(text, 40)!r} (use YYYY-MM-DD)")


def is_overdue(due: str | None, status: str, today: str) -> bool:
    """Past its due date and still open."""
    if not due:
        return False
    return status not in FINAL and due < today
