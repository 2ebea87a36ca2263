"""One family for every failure feedwatch can explain: `FeedwatchError` and a few kinds of it.

`str(exc)` is always one line a user can act on. The CLI (`cli_common.report_error`) and the TUI
(`tui/failures.describe_failure`) each turn any of them into that line in one place, prefixed by
the kind's `label`; the CLI exits with the kind's `exit_status` and prints the traceback only with
`--debug`. Modules keep their own names (`QueryError`, `ScanError`, ...) as subclasses, so callers
can still catch exactly what they expect. A bottom-layer module: it imports nothing.
"""

from __future__ import annotations


class FeedwatchError(Exception):
    """A failure with a one-line message (str) for the user."""

    label = ""          # what the CLI and the TUI put before the message ("config error: ")
    exit_status = 1     # the CLI's exit status (EXIT_FAILURE)


class ConfigError(FeedwatchError):
    """A problem in feeds.toml; str() is the one-line message shown to the user."""

    label = "config error: "
    exit_status = 2     # EXIT_USAGE: the invocation (its config) is wrong, not the world


class StorageError(FeedwatchError):
    """A database problem worth a one-line message (unreachable server, locked file, ...)."""

    label = "database error: "


class FetchError(FeedwatchError):
    """A failed fetch; str() is a one-line reason. retry_after is in seconds when the server said."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class UserInputError(FeedwatchError, ValueError):
    """Text a user typed or a file they gave is not what it should be (a bad date, an unknown id, ...).

    A ValueError too, as the input errors it is the base of always were."""
