"""What every CLI command module shares: one-line errors with an exit status, config and database opening."""

from __future__ import annotations

from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class CliError(Exception):
    """A one-line user-facing error with an exit status."""

    def __init__(self, message: str, status: int = EXIT_FAILURE):
        super().__init__(message)
        self.status = status


def _config_path(args) -> Path:
    from .config import default_config_path
    return Path(args.config) if args.config else default_config_path()


def _load_config(args):
    from .config import load_config
    return load_config(_config_path(args))


def _open_db(args):
    from .storage.db import open_database
    return open_database(args.db)
