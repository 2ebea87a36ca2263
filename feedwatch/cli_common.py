"""What every CLI command module shares: one-line errors with an exit status, config and database opening."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from .errors import FeedwatchError

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class CliError(FeedwatchError):
    """A one-line user-facing error with an exit status."""

    def __init__(self, message: str, status: int = EXIT_FAILURE):
        super().__init__(message)
        self.status = self.exit_status = status


def report_error(exc: FeedwatchError, *, debug: bool = False) -> int:
    """The CLI's one mapping of the error family: one line on stderr (after the traceback with
    -v/--debug), and the exit status of the error's kind."""
    if debug:
        import traceback
        traceback.print_exception(exc, file=sys.stderr)
    print(f"feedwatch: {exc.label}{exc}", file=sys.stderr)
    return exc.exit_status


def _config_path(args) -> Path:
    from .config import default_config_path
    return Path(args.config) if args.config else default_config_path()


def _load_config(args):
    from .config import load_config
    return load_config(_config_path(args))


def _open_db(args, config=None, person: str | None = None):
    """The --db database, migrated if needed; an upgrade to per-person triage keeps the existing
    state for whoever runs it (`person`, else `config.user`, else the config's or the login name).
    Who that is gets worked out only if an upgrade runs, so opening loads no config."""
    from .identity import current_user
    from .storage.db import open_database
    who: str | Callable[[], str]
    if person is not None:
        who = person
    elif config is not None:
        who = lambda: current_user(config)  # noqa: E731
    else:
        who = lambda: _person(args)  # noqa: E731
    return open_database(args.db, person=who)


def _person(args) -> str:
    """Who runs this command, when the command itself needs no config (a broken one is not fatal here)."""
    from .config import ConfigError
    from .identity import current_user
    try:
        return current_user(_load_config(args))
    except (ConfigError, OSError):
        return current_user(None)
