"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1) -> `ParsedFeed`.

feedparser does not understand JSON Feed, so this small parser maps it to `Entry` objects itself.
Everything that reaches an `Entry` goes through `feedwatch.text` (hostile feed text) and
`feedwatch.dates`. Item-level extension objects (keys starting with "_", e.g. deprecations.info's
`_deprecation`) are kept, sanitised, in `Entry.extra`.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

from feedwatch.dates import parse_date
from feedwatch.entry import Entry, ParsedFeed
from feedwatch.html_text import html_to_text
from feedwatch.text import clean_body, clean_line, safe_url

__all__ = ["looks_like_json_feed", "parse_json_feed"]

_VERSION_PREFIX = "https://jsonfeed.org/version/"
_SUMMARY_MAX = 1000
_DERIVED_TITLE_MAX = 100
_GUID_MAX = 1000
_MAX_TAGS = 50
# Limits for sanitised extension objects: deep or huge structures are cut, never copied whole.
_EXT_MAX_DEPTH = 4
_EXT_MAX_ITEMS = 200
_EXT_MAX_STR = 1000

_JSON_TYPES = frozenset(("application/feed+json", "application/json"))
_BOM = b"\xef\xbb\xbf"
_HAS_WORD_RE = re.compile(r"\w")


def looks_like_json_feed(body: bytes, content_type: str | None) -> bool:
    """True when the response is worth handing to `parse_json_feed` rather than feedparser.

    By media type (application/feed+json, application/json; parameters ignored) or, for servers
    that mislabel it, by a body that starts (after an optional BOM and whitespace) with '{'.
    """
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in _JSON_TYPES:
        return True
    head = (body or b"")[:64]
    if head.startswith(_BOM):
        head = head[len(_BOM):]
    return head.lstrip(b" \t\r\n").startswith(b"{")


def parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    """Parse a JSON Feed document fetched from `url`.

    Raises ValueError (short, one-line message) for invalid JSON or JSON that is not a JSON Feed.
    Items that are not objects are skipped (counted in `ParsedFeed.warning`).
    """
    try:
        doc = json.loads(body)  # bytes: UTF-8/16/32 detected, a UTF-8 BOM is accepted
    except (ValueError, UnicodeDecodeError) as exc:
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else clean_line(str(exc), 120)
        raise ValueError(f"not valid JSON: {msg}") from None
    except RecursionError:
        raise ValueError("not valid JSON: nested too deeply") from None
    if not isinstance(doc, dict):
        raise ValueError("not a JSON Feed: top level is not an object")

    version = doc.get("version")
    has_version = isinstance(version, str) and version.startswith(_VERSION_PREFIX)
    items = doc.get("items")
    if not has_version and not isinstance(items, list):
        raise ValueError("not a JSON Feed: no jsonfeed.org version and no items list")

    warnings: list[str] = []
    if not isinstance(items, list):
        items = []
        warnings.append("JSON Feed has no items list")

    # Relative item URLs are resolved against the home page, else the feed URL, else where the
    # document was fetched from (each of those may itself be relative to the fetch URL).
    fetch_url = safe_url(url) if isinstance(url, str) else None
    base = (
        _url(doc.get("home_page_url"), fetch_url)
        or _url(doc.get("feed_url"), fetch_url)
        or fetch_url
    )
    feed_authors = _authors(doc)

    entries: list[Entry] = []
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        entry = _entry(item, base, feed_authors)
        if entry is None:
            skipped += 1
            continue
        entries.append(entry)
    if skipped:
        warnings.append(f"{skipped} JSON Feed item(s) skipped (not an object or no id/url/content)")

    return ParsedFeed(
        title=clean_line(_str(doc.get("title"))),
        entries=entries,
        warning="; ".join(warnings) or None,
    )


# --- items -------------------------------------------------------------------------------------


def _entry(item: dict[str, Any], base: str | None, feed_authors: list[str]) -> Entry | None:
    url = _url(item.get("url"), base)
    external = _url(item.get("external_url"), base)

    content = html_to_text(_str(item.get("content_html")))
    if not content:
        content = clean_body(_str(item.get("content_text")))
    summary = clean_body(_str(item.get("summary")), _SUMMARY_MAX)

    extra: dict[str, Any] = {}
    for key, value in item.items():
        if isinstance(key, str) and key.startswith("_") and len(key) > 1:
            clean = _sanitize(value, 0)
            if clean is not _DROP:
                extra[clean_line(key, 100)] = clean
    if external and external != url:
        extra["external_url"] = external
    dep = extra.get("_deprecation")
    if isinstance(dep, dict) and isinstance(dep.get("replacement_models"), list):
        # deprecations.info writes ["---"] when there is no replacement: keep real names only.
        dep["replacement_models"] = [
            m for m in dep["replacement_models"] if isinstance(m, str) and _HAS_WORD_RE.search(m)
        ]

    if not summary:
        summary = clean_body(content, _SUMMARY_MAX) if content else ""
    if not summary and isinstance(dep, dict):
        summary = _deprecation_summary(dep)

    title = clean_line(_str(item.get("title")))
    if not title:
        title = _derive_title(summary or content)

    guid = clean_line(_id(item.get("id")), _GUID_MAX) or url or external
    if not guid:
        if not (title or content):
            return None
        # No id and no link: a content hash is the only stable handle left.
        basis = json.dumps([title, content, _str(item.get("date_published"))], ensure_ascii=False)
        guid = "sha1:" + hashlib.sha1(basis.encode("utf-8", "surrogatepass")).hexdigest()

    return Entry(
        guid=guid,
        title=title or "(untitled)",
        url=url or external,
        summary=summary,
        content=content,
        authors=_authors(item) or list(feed_authors),
        published=_date(item.get("date_published")),
        updated=_date(item.get("date_modified")),
        categories=_tags(item.get("tags")),
        extra=extra,
    )


def _id(value: object) -> str:
    # JSON Feed 1.1: an id given as a number (or other scalar) must be coerced to a string.
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return str(value)
    return ""


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _url(value: object, base: str | None) -> str | None:
    return safe_url(value, base) if isinstance(value, str) else None


def _date(value: object) -> str | None:
    return parse_date(value) if isinstance(value, str) and value.strip() else None


def _authors(obj: dict[str, Any]) -> list[str]:
    """Names from 1.1 `authors` [{name}], else 1.0 `author` {name}; de-duplicated, in order."""
    raw = obj.get("authors")
    people = raw if isinstance(raw, list) else []
    if not people and isinstance(obj.get("author"), dict):
        people = [obj["author"]]
    names: list[str] = []
    for person in people:
        if isinstance(person, dict):
            name = clean_line(_str(person.get("name")), 200)
            if name and name not in names:
                names.append(name)
    return names


def _tags(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    tags: list[str] = []
    for tag in value:
        t = clean_line(tag, 100) if isinstance(tag, str) else ""
        if t and t not in tags:
            tags.append(t)
            if len(tags) >= _MAX_TAGS:
                break
    return tags


def _derive_title(text: str) -> str:
    """A title for a title-less item (allowed in JSON Feed): the first ~100 chars, cut at a word."""
    line = clean_line(text, 4 * _DERIVED_TITLE_MAX)
    if len(line) <= _DERIVED_TITLE_MAX:
        return line
    cut = line[: _DERIVED_TITLE_MAX - 1]
    space = cut.rfind(" ")
    if space >= _DERIVED_TITLE_MAX // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def _deprecation_summary(dep: dict[str, Any]) -> str:
    """Readable one-liner for a deprecations.info item, whose content_text is usually empty."""
    parts: list[str] = []
    for key, label in (
        ("shutdown_date", "Shutdown"),
        ("deprecation_date", "Deprecated"),
        ("announcement_date", "Announced"),
    ):
        value = dep.get(key)
        if isinstance(value, str) and value:
            parts.append(f"{label}: {value}")
    replacements = [m for m in dep.get("replacement_models") or [] if isinstance(m, str)]
    if replacements:
        parts.append("Replacement: " + ", ".join(replacements))
    return clean_line(". ".join(parts) + ("." if parts else ""), _SUMMARY_MAX)


_DROP = object()  # _sanitize's "cannot be kept" marker (None is a legitimate JSON null)


def _sanitize(value: object, depth: int) -> object:
    """JSON-safe copy of an extension value: strings cleaned, only finite scalars/lists/objects.

    Returns _DROP for anything that cannot be kept (NaN/Infinity, huge integers, too deep).
    """
    if isinstance(value, str):
        return clean_line(value, _EXT_MAX_STR)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else _DROP  # must fit a database integer
    if isinstance(value, float):
        return value if math.isfinite(value) else _DROP
    if depth >= _EXT_MAX_DEPTH:
        return _DROP
    if isinstance(value, list):
        out_list = []
        for v in value[:_EXT_MAX_ITEMS]:
            c = _sanitize(v, depth + 1)
            if c is not _DROP:
                out_list.append(c)
        return out_list
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in list(value.items())[:_EXT_MAX_ITEMS]:
            key = clean_line(k, 100) if isinstance(k, str) else ""
            if not key:
                continue
            c = _sanitize(v, depth + 1)
            if c is not _DROP:
                out[key] = c
        return out
    return _DROP
