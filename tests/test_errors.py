"""One error family: every public exception is a FeedwatchError; the CLI and the TUI each map it in one place."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import feedwatch
from feedwatch import cli
from feedwatch.errors import ConfigError, FeedwatchError, FetchError, StorageError, UserInputError
from feedwatch.scan.walk import ScanError
from feedwatch.tui.failures import describe_failure, where_raised


def _public_exceptions():
    for info in pkgutil.walk_packages(feedwatch.__path__, "feedwatch."):
        if ".tui" in info.name or ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == module.__name__
                    and not name.startswith("_")):
                yield f"{module.__name__}.{name}", obj


def test_every_public_exception_is_in_the_family():
    found = dict(_public_exceptions())
    assert len(found) >= 15
    assert [name for name, cls in found.items() if not issubclass(cls, FeedwatchError)] == []


def test_old_names_still_name_the_same_classes():
    from feedwatch.config import ConfigError as from_config
    from feedwatch.ingest.http import FetchError as from_http
    from feedwatch.storage.db import StorageError as from_db
    from feedwatch.storage.queries import QueryError
    assert (from_config, from_db, from_http) == (ConfigError, StorageError, FetchError)
    assert issubclass(QueryError, UserInputError) and issubclass(QueryError, ValueError)   # as before


@pytest.mark.parametrize("exc, line, status", [
    (ConfigError("feeds.toml: [fetch]: bad"), "feedwatch: config error: feeds.toml: [fetch]: bad", 2),
    (StorageError("cannot open database x"), "feedwatch: database error: cannot open database x", 1),
    (ScanError("no such directory: /x"), "feedwatch: no such directory: /x", 1),
    (cli.CliError("--limit must be 0 or more", 2), "feedwatch: --limit must be 0 or more", 2),
])
def test_cli_maps_the_family_in_one_place(monkeypatch, capsys, exc, line, status):
    def boom(args):
        raise exc
    monkeypatch.setitem(cli.COMMANDS, "sources", boom)
    assert cli.main(["sources"]) == status
    err = capsys.readouterr().err
    assert err == line + "\n"
    assert cli.main(["--debug", "sources"]) == status
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and "in boom" in err and err.endswith(line + "\n")


def test_tui_maps_the_family_in_one_place():
    assert describe_failure(ConfigError("feeds.toml: bad")) == "config error: feeds.toml: bad"
    assert describe_failure(StorageError("cannot connect")) == "database error: cannot connect"
    assert describe_failure(ScanError("no such directory")) == "no such directory"
    try:
        raise ScanError("x")
    except ScanError as exc:
        assert where_raised(exc).startswith(" (ScanError at ") and "test_errors.py:" in where_raised(exc)
    assert where_raised(KeyError("k")) == " (KeyError)"


def test_an_unknown_view_kind_is_an_error_not_everything():
    from feedwatch.storage.triage import VIEW_KINDS, View
    with pytest.raises(ValueError, match="unknown view kind 'inbx'"):
        View("inbx")  # type: ignore[arg-type]
    assert {"inbox", "all", "tag", "header"} <= VIEW_KINDS
    with pytest.raises(ValueError, match="lists no items"):
        View("header").where("me", "sqlite")
    assert View("all").where("me", "sqlite")[1] == {"person": "me"}   # "all": every item not hidden, nothing more


def test_the_command_line_builds_only_what_a_core_command_needs(capsys):
    """A fetch builds only the core parsers; any other command, or none, gets the whole command line."""
    from feedwatch.cli import build_parser, command_in, needs_whole_parser
    assert command_in(["--config", "fetch", "--db", "x", "items", "--limit", "3"]) == "items"
    assert command_in(["-v", "--config=c.toml", "fetch"]) == "fetch"
    assert command_in(["--help"]) is None
    assert not needs_whole_parser(["--config", "c.toml"]) and not needs_whole_parser(["fetch", "--help"])
    assert needs_whole_parser(["--help"]) and needs_whole_parser(["stack"]) and needs_whole_parser(["fetchx"])
    core = build_parser(core_only=True)
    assert core.parse_args(["fetch", "--due"]).due
    whole = build_parser()
    assert whole.parse_args(["stack", "--propose"]).propose
    with pytest.raises(SystemExit):
        core.parse_args(["stack"])          # only reached if command_in said "fetch" for a stack command
