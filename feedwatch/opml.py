"""OPML import/export for feeds.toml (headless: no textual here).

`import_opml` reads an OPML 1.0/2.0 subscription list and appends one `[[sources]]` table
(kind = "feed") per new http(s) feed to feeds.toml. The existing file is kept byte for byte:
the new tables, rendered with tomlkit, are appended at its end, so its comments and layout stay
where they were. `export_opml` writes an OPML 2.0 document from `(name, title, url)` tuples, so
it does not depend on the config module.

The parser never resolves entities, never touches the network and refuses any document that
declares XML entities (XXE, "billion laughs"): an OPML file has no use for them.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import tomlkit
from lxml import etree

from .errors import FeedwatchError
from .files import write_text_atomic

__all__ = ["ImportReport", "OpmlError", "export_opml", "import_opml", "normalise_url", "slugify"]

MAX_OPML_BYTES = 20 * 1024 * 1024
MAX_NAME_LEN = 48
DEFAULT_GITHUB = "https://github.com"

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Characters XML 1.0 cannot carry, plus other C0/C1 controls we never want in a title.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# `<!ENTITY` in the encodings an XML file may plausibly use (UTF-8/ASCII/Latin-1, UTF-16 LE/BE).
_ENTITY_MARKERS = (b"<!ENTITY", "<!ENTITY".encode("utf-16-le"), "<!ENTITY".encode("utf-16-be"))


class OpmlError(FeedwatchError):
    """Unreadable or non-OPML input; str() is a one-line message naming the file."""


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)      # names of the new sources
    skipped: list[str] = field(default_factory=list)    # one message per skipped outline
    refused: list[str] = field(default_factory=list)    # one message per refused URL


# --- helpers ------------------------------------------------------------------------------

def _one_line(text: str) -> str:
    """Collapse whitespace and drop control characters."""
    return " ".join(_CONTROL_RE.sub(" ", text).split())


def slugify(text: str) -> str:
    """'Google DeepMind — Blog' -> 'google-deepmind-blog' ('' when nothing usable is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_NAME_LEN].rstrip("-")


def normalise_url(url: str) -> str:
    """A comparison key for duplicate detection (not a URL to fetch).

    Scheme-insensitive (http and https count as the same feed), host lowercased, default port,
    fragment and trailing slash dropped; path and query kept as they are.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def _check_url(url: str) -> str | None:
    """None when `url` is an acceptable http(s) feed URL, else why it is refused."""
    if any(ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F for c in url):
        return "URL contains whitespace or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"malformed URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return f"only http(s) URLs are allowed, got scheme {scheme + ':' if scheme else '(none)'}"
    if not parts.hostname:
        return "URL has no host"
    return None


def _name_from_url(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    return slugify(f"{host} {parts.path}")


def _unique_name(base: str, taken: set[str]) -> str:
    base = base if base and _NAME_RE.match(base) else "feed"
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: MAX_NAME_LEN - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1


def _attr(element, name: str) -> str | None:
    """Attribute lookup that tolerates exporters writing `xmlurl` or `XMLURL`."""
    value = element.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, val in element.attrib.items():
        if isinstance(key, str) and key.lower() == lowered:
            return val
    return None


# --- reading ------------------------------------------------------------------------------

def _parse_opml(opml_path: Path):
    """Return the <body> element of the OPML file or raise OpmlError."""
    try:
        raw = opml_path.read_bytes()
    except FileNotFoundError:
        raise OpmlError(f"{opml_path}: no such file") from None
    except OSError as exc:
        raise OpmlError(f"{opml_path}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_OPML_BYTES:
        raise OpmlError(f"{opml_path}: file is larger than {MAX_OPML_BYTES // (1024 * 1024)} MB")
    if not raw.strip():
        raise OpmlError(f"{opml_path}: file is empty, not OPML")
    if any(marker in raw for marker in _ENTITY_MARKERS):
        raise OpmlError(f"{opml_path}: refusing a document that declares XML entities")

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             dtd_validation=False, huge_tree=False, remove_comments=True,
                             remove_pis=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        msg = _one_line(str(exc)) or "syntax error"
        raise OpmlError(f"{opml_path}: not well-formed XML: {msg}") from None
    except (ValueError, etree.LxmlError) as exc:
        raise OpmlError(f"{opml_path}: cannot parse: {_one_line(str(exc))}") from None

    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        # Belt and braces: the byte scan above should already have caught this.
        raise OpmlError(f"{opml_path}: refusing a document that declares XML entities")
    tag = etree.QName(root).localname if isinstance(root.tag, str) else "?"
    if tag.lower() != "opml":
        raise OpmlError(f"{opml_path}: not OPML (root element is <{tag}>, expected <opml>)")
    body = next((c for c in root if isinstance(c.tag, str) and etree.QName(c).localname.lower() == "body"),
                None)
    if body is None:
        raise OpmlError(f"{opml_path}: not OPML (no <body> element)")
    return body


def _outlines(body):
    """Every <outline> element under body, depth first in document order (nesting flattened)."""
    for element in body.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname.lower() == "outline":
            yield element


# --- the config side ----------------------------------------------------------------------

def _load_config_doc(config_path: Path) -> tuple[str, tomlkit.TOMLDocument]:
    if not config_path.exists():
        return "", tomlkit.document()
    try:
        with open(config_path, encoding="utf-8", newline="") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        raise OpmlError(f"{config_path}: not UTF-8 text") from None
    except OSError as exc:
        raise OpmlError(f"{config_path}: cannot read: {exc.strerror or exc}") from None
    try:
        return text, tomlkit.parse(text)
    except tomlkit.exceptions.TOMLKitError as exc:
        raise OpmlError(f"{config_path}: TOML syntax error: {_one_line(str(exc))}") from None


def _existing(doc, config_path: Path) -> tuple[set[str], set[str]]:
    """(source names, normalised feed URLs) already in the config."""
    sources = doc.get("sources", [])
    if not isinstance(sources, list):
        raise OpmlError(f"{config_path}: 'sources' must be an array of tables ([[sources]])")
    endpoints = doc.get("endpoints", {})
    github = endpoints.get("github") if isinstance(endpoints, dict) else None
    github = (github if isinstance(github, str) and github else DEFAULT_GITHUB).rstrip("/")
    names: set[str] = set()
    urls: set[str] = set()
    for source in sources:
        if not isinstance(source, dict):
            continue
        name = source.get("name")
        if isinstance(name, str):
            names.add(name.lower())
        url = source.get("url")
        if isinstance(url, str) and url.strip():
            urls.add(normalise_url(url))
        repo = source.get("repo")
        if source.get("kind") == "github" and isinstance(repo, str) and repo.strip("/ "):
            # A GitHub source is fetched as {github}/{repo}/releases.atom: the same feed.
            urls.add(normalise_url(f"{github}/{repo.strip().strip('/')}/releases.atom"))
    return names, urls


def _append_sources(text: str, doc, new_tables: list, opml_path: Path) -> str:
    """The config text with `new_tables` added as sources, existing text left untouched."""
    existing = doc.get("sources")
    if existing is not None and not isinstance(existing, tomlkit.items.AoT):
        # `sources = [ {...}, ... ]` written inline: `[[sources]]` after it would be a TOML
        # error, so extend that array through tomlkit instead.
        for table in new_tables:
            inline = tomlkit.inline_table()
            inline.update(table)
            existing.append(inline)
        return tomlkit.dumps(doc)

    fragment = tomlkit.document()
    aot = tomlkit.aot()
    for table in new_tables:
        aot.append(table)
    fragment.append("sources", aot)
    rendered = tomlkit.dumps(fragment)
    newline = "\r\n" if "\r\n" in text else "\n"
    if newline != "\n":
        rendered = rendered.replace("\n", newline)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    header = f"# Imported from {_one_line(opml_path.name)} on {stamp}{newline}"
    prefix = text
    if prefix and not prefix.endswith(("\n", "\r")):
        prefix += newline
    if prefix.strip():
        prefix += newline
    return prefix + header + rendered


# --- public API ---------------------------------------------------------------------------

def import_opml(opml_path: Path, config_path: Path) -> ImportReport:
    """Append the OPML file's feeds to feeds.toml as `[[sources]]` (kind "feed").

    Non-http(s) URLs are refused, URLs already in the config or repeated in the file are
    skipped, and each new source gets a unique name derived from the outline's text/title.
    The config file is created when absent and left untouched when nothing is added.
    """
    opml_path = Path(opml_path)
    config_path = Path(config_path)
    body = _parse_opml(opml_path)
    text, doc = _load_config_doc(config_path)
    names, known_urls = _existing(doc, config_path)

    report = ImportReport()
    seen_in_file: dict[str, str] = {}
    new_tables = []
    for outline in _outlines(body):
        raw_url = _attr(outline, "xmlUrl")
        if raw_url is None:
            continue            # a folder / category, or a plain link
        title = _one_line(_attr(outline, "text") or _attr(outline, "title") or "")
        url = raw_url.strip()
        label = f"'{title}'" if title else "outline without a title"
        if not url:
            report.skipped.append(f"{label}: empty xmlUrl")
            continue
        problem = _check_url(url)
        if problem:
            report.refused.append(f"{label}: {problem}: {_one_line(url)[:200]!r}")
            continue
        key = normalise_url(url)
        if key in known_urls:
            report.skipped.append(f"{label}: already in {config_path.name} ({url})")
            continue
        if key in seen_in_file:
            report.skipped.append(f"{label}: duplicate of '{seen_in_file[key]}' earlier in the file ({url})")
            continue
        name = _unique_name(slugify(title) or _name_from_url(url), names)
        names.add(name)
        seen_in_file[key] = name
        table = tomlkit.table()
        table.add("name", name)
        table.add("kind", "feed")
        table.add("url", url)
        if title:
            table.add("title", title)
        new_tables.append(table)
        report.added.append(name)

    if new_tables:
        new_text = _append_sources(text, doc, new_tables, opml_path)
        write_text_atomic(config_path, new_text)
    return report


def _xml_text(value: str) -> str:
    return _CONTROL_RE.sub("", value)


def export_opml(sources: Iterable[tuple[str, str | None, str | None]], title: str = "feedwatch subscriptions") -> str:
    """An OPML 2.0 document with one outline per `(name, title, url)` with an http(s) URL.

    Callers pass each source's fetch URL (for a GitHub source, its releases.atom URL); sources
    without a URL, or with a non-http(s) one, are left out.
    """
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_text(title)
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    for name, display, url in sources:
        if not url or _check_url(url.strip()):
            continue
        label = _one_line(_xml_text(display or "")) or _xml_text(name)
        ET.SubElement(body, "outline", {
            "type": "rss",
            "text": label,
            "title": label,
            "xmlUrl": _xml_text(url.strip()),
        })
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
