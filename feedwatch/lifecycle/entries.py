"""One catalogue's word on one model, in one shape whatever catalogue it came from.

Catalogue documents are untrusted like feeds: every string is cleaned (control and bidi characters
stripped, length capped) and every date checked, so what is stored is always a plain id and a real
YYYY-MM-DD (or nothing). A value that fails a check is dropped and counted, never stored half-right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any


def clean_line(value: str, max_len: int) -> str:
    from ..text import clean_line as clean  # lxml comes with it: only when a catalogue is read
    return clean(value, max_len)

CATALOG_KINDS = ("litellm", "models-dev", "deprecations-info", "modeldeprecations")
STATUSES = ("active", "deprecated", "retired")
ID_MAX = 160
URL_MAX = 500
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
EARLIEST_YEAR, LATEST_YEAR = 2015, 2100    # a lifecycle date outside these years is a data error


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """What one catalogue says of one model id (dates YYYY-MM-DD or None)."""

    catalog: str                     # the [[catalogs]] name, or "bundled"
    model_id: str                    # as that catalogue writes it
    key: str                         # mentions.catalog_key(model_id): what entries and assets match on
    provider: str = ""
    status: str | None = None        # as the catalogue states it (active|deprecated|retired), else None
    deprecation_date: str | None = None
    shutdown_date: str | None = None  # the day the provider removes it
    earliest_shutdown: str | None = None  # modeldeprecations' soft "not before": informative only
    replacement: str | None = None
    release_date: str | None = None
    source_url: str | None = None
    aliases: tuple[str, ...] = ()    # ids that resolve to this entry
    alias_of: str | None = None      # this id is only a pointer to that one (LiteLLM alias_of)
    # worked out when the catalogue is read, so that matching needs no canonicaliser (see names.py)
    family: str | None = None        # the family a dated id is a snapshot of ("claude-3-5-haiku")
    alias_keys: tuple[str, ...] = ()  # catalog_key of each alias
    alias_of_key: str | None = None  # catalog_key of alias_of

    @property
    def has_lifecycle(self) -> bool:
        """Whether this entry says anything about retirement (a date, or a status other than active)."""
        return bool(self.shutdown_date or self.deprecation_date or self.status in ("deprecated", "retired"))


class Tally:
    """What a parser dropped, for the one-line report of an update."""

    def __init__(self) -> None:
        self.entries = 0
        self.dropped = 0
        self.bad_dates = 0

    def note(self) -> str:
        parts = []
        if self.dropped:
            parts.append(f"{self.dropped} malformed entries skipped")
        if self.bad_dates:
            parts.append(f"{self.bad_dates} impossible dates ignored")
        return "; ".join(parts)


def clean_id(value: object) -> str | None:
    """A model id as stored: a cleaned one-line string, or None when it is not a usable id."""
    if not isinstance(value, str):
        return None
    if len(value) > 4 * ID_MAX:
        return None
    text = clean_line(value, 4 * ID_MAX)
    return text if text and len(text) <= ID_MAX else None


def clean_text(value: object, max_len: int = ID_MAX) -> str | None:
    if not isinstance(value, str):
        return None
    return clean_line(value, max_len) or None


def clean_url(value: object) -> str | None:
    text = clean_text(value, URL_MAX)
    if text and text.startswith(("https://", "http://")) and " " not in text:
        return text
    return None


def clean_date(value: object, tally: Tally, month_ok: bool = False) -> str | None:
    """YYYY-MM-DD of a real day in a plausible year; "" and null are simply unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        value = value.isoformat()
    if not isinstance(value, str):
        tally.bad_dates += 1
        return None
    text = value.strip()
    m = _DATE.match(text)
    if m is None and month_ok:
        mm = _MONTH.match(text)
        if mm and EARLIEST_YEAR - 30 <= int(mm.group(1)) <= LATEST_YEAR and 1 <= int(mm.group(2)) <= 12:
            return text
    if m is None or len(text) > 40:
        tally.bad_dates += 1
        return None
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        tally.bad_dates += 1
        return None
    low = EARLIEST_YEAR - 30 if month_ok else EARLIEST_YEAR
    if not low <= day.year <= LATEST_YEAR:
        tally.bad_dates += 1
        return None
    return day.isoformat()


# Where a model is served, from each catalogue's provider field: the same id on another platform
# is the same model but may retire on another day (Azure retires deployments on its own schedule).
_PLATFORM_NAMES = {
    "openai": "openai", "text-completion-openai": "openai", "azure": "azure", "azure_ai": "azure",
    "bedrock": "bedrock", "bedrock_converse": "bedrock", "bedrock_mantle": "bedrock", "amazon-bedrock": "bedrock",
    "aws bedrock": "bedrock", "vertex": "vertex", "google vertex": "vertex", "gemini": "google", "google": "google",
    "anthropic": "anthropic", "cohere": "cohere", "cohere_chat": "cohere", "groq": "groq", "xai": "xai",
    "mistral": "mistral", "codestral": "mistral", "deepseek": "deepseek",
}


def platform_of(provider: str) -> str:
    """A catalogue's provider name as a platform ("AWS Bedrock", "bedrock_converse" -> "bedrock")."""
    low = provider.strip().lower()
    if low.startswith(("vertex_ai", "google-vertex")):
        return "vertex"
    return _PLATFORM_NAMES.get(low, low)


def entry_keys(model_id: str, aliases: tuple[str, ...] = (), alias_of: str | None = None) -> dict[str, Any]:
    """What an entry is matched on, worked out by the canonicaliser from its ids: `model_key`,
    `family` (of a dated snapshot, else None), `alias_keys` and `alias_of_key`."""
    from ..enrich.mentions import catalog_key, split_model
    key = catalog_key(model_id)
    family, version = split_model(key)
    return {"model_key": key, "family": family.lower() if version else None,
            "alias_keys": tuple(catalog_key(a) for a in aliases),
            "alias_of_key": catalog_key(alias_of) if alias_of else None}


def make_entry(catalog: str, model_id: str, **fields) -> CatalogEntry:
    keys = entry_keys(model_id, fields.get("aliases", ()), fields.get("alias_of"))
    return CatalogEntry(catalog=catalog, model_id=model_id, key=keys["model_key"], family=keys["family"],
                        alias_keys=keys["alias_keys"], alias_of_key=keys["alias_of_key"], **fields)
