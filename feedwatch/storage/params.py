"""Bound-parameter lists: every `IN (:i0, :i1, ...)` is built here, in chunks SQLite accepts.

SQLite allows 32,766 bound parameters (999 before 3.32); a chunk of `CHUNK` values leaves room
for a statement's other parameters on any build, and keeps PostgreSQL's statements short too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

CHUNK = 500


def in_list(values: Iterable[Any], prefix: str = "i") -> tuple[str, dict[str, Any]]:
    """(":i0, :i1, ...", {"i0": ..., "i1": ...}) for `IN (...)`; `prefix` keeps two lists in one
    statement apart. The caller keeps the list short (`chunks`, `in_lists`)."""
    params = {f"{prefix}{n}": v for n, v in enumerate(values)}
    return ", ".join(":" + k for k in params), params


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """The values in slices of at most `size`."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def in_lists(values: Sequence[Any], prefix: str = "i", size: int = CHUNK) -> Iterator[tuple[str, dict[str, Any]]]:
    """`in_list` of each chunk: one statement per chunk of a list that may be long."""
    for chunk in chunks(values, size):
        yield in_list(chunk, prefix)
