"""The digest as JSON (schema "feedwatch.digest/1", documented in SCHEMA.md).

Keys come in a fixed order (the dataclass field order, "schema" first), every section is present even
when empty, text is UTF-8 (ensure_ascii=False) and the output ends with a newline.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass

from .build import Digest
from .week import Period


def _plain(value):
    if isinstance(value, Period):
        return {"label": value.label, "week": value.week, "since": value.since, "until": value.until,
                "first_day": value.first_day, "last_day": value.last_day}
    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def digest_data(d: Digest) -> dict:
    """The digest as plain JSON-ready data, "schema" first."""
    data = _plain(d)
    return {"schema": data.pop("schema"), **data}


def render_json(d: Digest) -> str:
    return json.dumps(digest_data(d), ensure_ascii=False, indent=2) + "\n"
