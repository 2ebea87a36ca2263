"""What every part of the demo dataset shares: where links point, the time window, the hostile
titles, and one fetch of one source on the demo's timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from ..entry import Entry
from ..text import clean_body, clean_line

LOOPBACK = "http://127.0.0.1:9"          # TCP discard port: connections are refused at once
SITE = "https://example.org"             # every item link (reserved for documentation, RFC 2606)
WINDOW_DAYS = 21

# Titles as a hostile feed would send them; they are stored cleaned like any fetched title
# (controls, ANSI escapes and bidi overrides removed, markup kept as literal text).
HOSTILE_TITLES = (
    "[bold]URGENT[/] move every prompt to the new tokenizer today",
    "[@click=app.quit]Free GPU credits[/] for open-source maintainers",
    "Weekly links: prompt tricks, evals [/] and a stray closing tag",
    "GPU invoice for October \u202egpj.exe",
    "\x1b[31mSECURITY\x1b[0m: API keys leaked in public notebooks",
    "Release notes \x1b]8;;https://evil.example/\x07(click me)\x1b]8;;\x07 and [link=https://evil.example]more[/link]",
    "Rendering [b]Untrusted[/b] Text: Markup Injection Against Terminal LLM Agents",
)


@dataclass(slots=True)
class Fetch:
    """One fetch of one source that delivered these entries at `when`."""
    when: datetime
    source: str
    entries: list[Entry] = field(default_factory=list)


class Timeline:
    """Times relative to the reference day; everything happens before its 00:00 UTC."""

    def __init__(self, today: date):
        self.end = datetime.combine(today, time(0, 0), tzinfo=UTC)

    def at(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        return self.end - timedelta(days=days_ago) + timedelta(hours=hour, minutes=minute)

    def day(self, days_ago: int) -> date:
        return (self.end - timedelta(days=days_ago)).date()


def iso(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_entry(guid: str, title: str, url: str, published: datetime, *, summary: str = "", content: str = "",
           authors: list[str] | None = None, categories: list[str] | None = None, extra: dict | None = None,
           arxiv_id: str | None = None, arxiv_version: int | None = None) -> Entry:
    """An Entry cleaned exactly like a parser would clean it."""
    return Entry(guid=guid, title=clean_line(title) or "(untitled)", url=url, summary=clean_body(summary, 2000),
                 content=clean_body(content), authors=[clean_line(a, 200) for a in authors or []],
                 published=iso(published), categories=list(categories or []), extra=dict(extra or {}),
                 arxiv_id=arxiv_id, arxiv_version=arxiv_version)
