"""The weekly digest: golden files per format, hostile text in every format, empty weeks, week boundaries,
the first-seen fallback, determinism, both backends, and the CLI end to end.

Regenerate the golden files (then review the diff) with:
    FEEDWATCH_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_digest.py -q
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from feedwatch.cli import main
from feedwatch.config import load_config
from feedwatch.digest import FORMATS, Limits, build_digest, render
from feedwatch.digest.render_md import md_escape, md_url
from feedwatch.digest.week import PeriodError, last_complete_week, parse_range, parse_week, resolve
from feedwatch.enrich.base import LinkSuggestion
from feedwatch.entry import Entry
from feedwatch.storage import experiments as xp
from feedwatch.storage.db import open_database
from feedwatch.storage.enrichment import replace_suggestions, set_link_status
from feedwatch.storage.health import record_fetch_failure
from feedwatch.storage.ingest import write_entries
from feedwatch.storage.triage import set_starred
from feedwatch.text import clean_line

GOLDEN = Path(__file__).parent / "golden" / "digest"
ROOT = Path(__file__).resolve().parents[1]
W48 = parse_week("2026-W48")    # Monday 2026-11-23 .. Sunday 2026-11-29

CONFIG_TOML = """\
[[tags]]
name = "model-release"
[[tags]]
name = "deprecation"
[[tags]]
name = "prompting"

[[assets]]
name = "support-summarizer"
kind = "prompt"
owner = "alice"
models = ["gpt-4o-mini", "claude-3-5-haiku"]

[[assets]]
name = "rag-pipeline"
kind = "pipeline"
"""

# (guid, title, url, published, first seen, ai summary, tags, relevance)
ITEMS = [
    ("mini", "GPT-4o mini is now available in the API", "https://example.com/gpt-4o-mini",
     "2026-11-24T10:00:00Z", None, "A cheaper small model with a 128k context window.", ["model-release"], 0.9),
    ("haiku", "Claude 3.5 Haiku is deprecated; shutdown on 2027-02-19", "https://example.com/haiku-deprecation",
     "2026-11-25T08:00:00Z", None, "Migrate to claude-haiku-4-5 before the shutdown.", ["deprecation"], 0.95),
    ("fewshot", "Few-shot prompting for *long* context retrieval [v2]", "https://arxiv.example.org/abs/2611.00001",
     "2026-11-26T09:30:00Z", None, "Few-shot prompt design improves long-document summarization.",
     ["prompting"], 0.6),
    ("office", "Our office moved", "https://example.com/office", "2026-11-27T12:00:00Z", None,
     "We have a new office.", [], 0.1),
    ("sunday", "Sunday night release", "https://example.com/sunday", "2026-11-29T23:59:59Z", None,
     "Released just before midnight.", ["model-release"], 0.5),
    ("monday", "Monday morning release", "https://example.com/monday", "2026-11-30T00:00:00Z", None,
     "Released at midnight: next week.", ["model-release"], 0.99),
    ("undated", "A post without a date", "https://example.com/undated", None, "2026-11-28T06:00:00Z",
     "Only the first-seen date places it.", ["prompting"], 0.4),
    ("late", "An old paper seen late", "https://example.com/late", "2026-11-20T12:00:00Z", "2026-11-28T06:00:00Z",
     "Published the week before.", ["prompting"], 0.8),
    ("pricing", "Tokens | cost `per` 1M <tokens> #pricing & R&D &amp; 50% off_now",
     "https://example.com/wiki/Cost_(tokens)", "2026-11-23T00:00:00Z", None, "Prices *drop* by [half] for > 1M tokens.",
     ["model-release"], 0.3),
    ("nolink", "A post with an unsafe link", "javascript:alert(1)", "2026-11-26T18:00:00Z", None,
     "Its link is not http(s), so it is shown as text.", [], None),
    ("reranker", "A new open reranker", "https://example.com/reranker", "2026-11-27T15:00:00Z", None,
     "Reranks retrieved passages.", [], 0.45),
]


def _insert(db, rows, now="2026-11-30T06:00:00Z") -> dict[str, int]:
    """Store (guid, title, url, published, first_seen, ai_summary, tags, relevance) rows; guid -> id."""
    with db.transaction() as c:
        for guid, title, url, published, first_seen, summary, tags, relevance in rows:
            write_entries(c, "lab-blog", [Entry(guid=guid, title=title, url=url, published=published,
                                                summary=f"Feed summary of {guid}.")], [], first_seen or now)
            c.execute("UPDATE items SET ai_summary = :s, enrich_tags = :t, relevance = :r WHERE guid = :g",
                      {"s": summary, "t": json.dumps(tags), "r": relevance, "g": guid})
        return {r["guid"]: r["id"] for r in c.execute("SELECT id, guid FROM items")}


def _suggest(db, item_id: int, *links: tuple[str, str, float]) -> None:
    with db.transaction() as c:
        replace_suggestions(c, item_id, [LinkSuggestion(a, reason, score) for a, reason, score in links],
                            "2026-11-30T06:00:00Z")


def build_dataset(db) -> dict[str, int]:
    ids = _insert(db, ITEMS)
    _suggest(db, ids["mini"], ("support-summarizer", "announces a release of gpt-4o-mini; "
                               "support-summarizer runs on gpt-4o-mini", 0.85))
    _suggest(db, ids["haiku"], ("support-summarizer", "announces claude-3-5-haiku deprecation (shutdown "
                                "2027-02-19); support-summarizer runs on claude-3-5-haiku", 0.95))
    _suggest(db, ids["fewshot"], ("support-summarizer", "mentions summarization", 0.6),
             ("rag-pipeline", "shares the topic retrieval", 0.4))          # under AFFECTS_MIN_SCORE: left out
    _suggest(db, ids["office"], ("rag-pipeline", "mentions retrieval", 0.7))
    _suggest(db, ids["monday"], ("support-summarizer", "next week", 0.9))
    set_link_status(db, ids["mini"], "support-summarizer", "confirmed", "alice")
    set_link_status(db, ids["office"], "rag-pipeline", "dismissed", "bob")   # dismissed: never shown
    set_link_status(db, ids["reranker"], "rag-pipeline", "confirmed", "bob", reason="we could swap our reranker")
    set_starred(db, "alice", [ids["haiku"]], True)     # the digest is the team's: anybody's star counts
    set_starred(db, "bob", [ids["haiku"], ids["nolink"]], True)

    old = xp.create(db, "Try the new reranker", "Better top-5 precision", assets=["rag-pipeline"], owner="bob",
                    now="2026-11-16T09:00:00Z")
    xp.transition(db, old.id, "running", "bob", now="2026-11-24T09:00:00Z")
    xp.add_note(db, old.id, "First runs look promising.", "carol", now="2026-11-26T17:00:00Z")
    xp.create(db, "Move support-summarizer to gpt-4o-mini", "Same quality at a third of the cost",
              items=[ids["mini"]], assets=["support-summarizer"], owner="alice", now="2026-11-24T11:00:00Z")
    done = xp.create(db, "Few-shot examples for long tickets", "Fewer truncated summaries", owner="alice",
                     now="2026-11-10T09:00:00Z")
    xp.transition(db, done.id, "running", "alice", now="2026-11-12T09:00:00Z")
    xp.close(db, done.id, "improved", "Truncations down from 9% to 2%.", "alice", now="2026-11-26T16:00:00Z")
    xp.create(db, "Untouched this week", owner="dave", now="2026-11-02T09:00:00Z")

    with db.transaction() as c:
        record_fetch_failure(c, "lab-blog", "2026-11-24T03:00:00Z", 503, "HTTP 503 Service Unavailable")
        record_fetch_failure(c, "lab-blog", "2026-11-25T03:00:00Z", 503, "HTTP 503 Service Unavailable")
        record_fetch_failure(c, "arxiv-cs-cl", "2026-11-26T12:00:00Z", None, "timed out after 30 s")
        record_fetch_failure(c, "old-source", "2026-11-20T12:00:00Z", 500, "last week")
    return ids


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text(CONFIG_TOML, encoding="utf-8")
    return load_config(path)


@pytest.fixture
def db(db_url):
    database = open_database(db_url)
    yield database
    database.close()


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("FEEDWATCH_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{path} is missing: run with FEEDWATCH_UPDATE_GOLDEN=1"
    assert text.encode("utf-8") == path.read_bytes(), f"{name} differs from its golden file"


# --- golden files, both backends --------------------------------------------------------------

def test_golden_files_on_both_backends(db, config):
    ids = build_dataset(db)
    digest = build_digest(db, config, W48.since, W48.until)
    for fmt in FORMATS:
        text = render(digest, fmt)
        _check_golden(f"week.{fmt}", text)
        assert render(build_digest(db, config, W48.since, W48.until), fmt) == text   # deterministic
    data = json.loads(render(digest, "json"))
    assert next(iter(data)) == "schema" and data["schema"] == "feedwatch.digest/1"
    assert data["period"] == {"label": "2026-W48", "week": "2026-W48", "since": "2026-11-23T00:00:00Z",
                              "until": "2026-11-30T00:00:00Z", "first_day": "2026-11-23", "last_day": "2026-11-29"}
    in_week = {i for name, i in ids.items() if name not in ("monday", "late")}
    everywhere = {x["id"] for x in data["highlights"]["items"]} | {
        x["id"] for t in data["tags"] for x in t["items"]} | {
        link["item"]["id"] for a in data["stack"] for link in a["links"]}
    assert everywhere <= in_week and data["totals"]["items"] == len(in_week)


def test_what_the_dataset_shows(tmp_path, config):
    db = open_database(str(tmp_path / "d.db"))
    ids = build_dataset(db)
    d = build_digest(db, config, W48.since, W48.until)
    # highlights: the starred items first, then the top relevance without repeats
    assert [i.id for i in d.highlights.items][:2] == [ids["haiku"], ids["nolink"]]
    assert ids["mini"] in [i.id for i in d.highlights.items] and ids["monday"] not in [i.id for i in d.highlights.items]
    stack = {a.asset: a for a in d.stack}
    assert [(lk.item.id, lk.status) for lk in stack["support-summarizer"].links] == [
        (ids["mini"], "confirmed"), (ids["haiku"], "suggested"), (ids["fewshot"], "suggested")]
    assert stack["support-summarizer"].kind == "prompt" and stack["support-summarizer"].owner == "alice"
    # the dismissed link and the topic-only one are not there; the user's own link is
    assert [(lk.item.id, lk.status, lk.updated_by) for lk in stack["rag-pipeline"].links] == [
        (ids["reranker"], "confirmed", "bob")]
    nolink = next(i for i in d.highlights.items if i.id == ids["nolink"])
    assert nolink.url is None
    ex = d.experiments
    assert [e.title for e in ex.opened] == ["Move support-summarizer to gpt-4o-mini"]
    assert [(e.title, e.outcome) for e in ex.closed] == [("Few-shot examples for long tickets", "improved")]
    assert [e.title for e in ex.updated] == ["Try the new reranker"]
    assert [c.what for c in ex.updated[0].changes][0] == "status proposed -> running"
    assert [(f.source, f.failures, f.last_status) for f in d.failed_sources] == [
        ("lab-blog", 2, 503), ("arxiv-cs-cl", 1, None)]
    db.close()


# --- week boundaries and the first-seen fallback ----------------------------------------------

def test_week_boundaries_and_first_seen_fallback(tmp_path):
    db = open_database(str(tmp_path / "d.db"))
    ids = _insert(db, [row for row in ITEMS if row[0] in ("sunday", "monday", "undated", "late", "pricing")])
    in_w48 = {i.id for t in build_digest(db, None, W48.since, W48.until).tags for i in t.items}
    w49 = parse_week("2026-W49")
    in_w49 = {i.id for t in build_digest(db, None, w49.since, w49.until).tags for i in t.items}
    assert ids["sunday"] in in_w48 and ids["sunday"] not in in_w49          # Sunday 23:59:59 UTC
    assert ids["monday"] in in_w49 and ids["monday"] not in in_w48          # Monday 00:00:00 UTC
    assert ids["pricing"] in in_w48                                          # Monday 00:00:00 opens the week
    assert ids["undated"] in in_w48                                          # no published date: first seen
    assert ids["late"] not in in_w48                                         # published wins over first seen
    w47 = parse_week("2026-W47")
    assert ids["late"] in {i.id for t in build_digest(db, None, w47.since, w47.until).tags for i in t.items}
    db.close()


# --- empty weeks ------------------------------------------------------------------------------

def test_empty_week(db, config):
    build_dataset(db)
    empty = parse_week("2026-W30")
    d = build_digest(db, config, empty.since, empty.until)
    # a week without items still has the stack's schedule (the bundled catalogue snapshot here)
    assert render(d, "md") == ("# feedwatch digest: 2026-W30\n\n2026-07-20 to 2026-07-26 UTC · no items\n\n"
                               "## Retirements ahead\n\n"
                               "- **support-summarizer** · claude-3-5-haiku · shut down 2026-02-19 \\(157 days "
                               "before\\) · replacement claude-haiku-4-5-20251001 · no experiment yet\n")
    page = render(d, "html")
    assert page.count("<section") == 1 and '<section id="retirements">' in page and "no items" in page
    data = json.loads(render(d, "json"))
    assert data["totals"] == {"items": 0, "starred": 0, "affecting": 0, "tags": 0}
    assert data["highlights"] == {"items": [], "more": 0} and data["stack"] == [] and data["tags"] == []
    assert data["experiments"] == {"opened": [], "closed": [], "updated": []} and data["failed_sources"] == []
    assert [(r["model"], r["days_left"]) for r in data["retirements"]] == [("claude-3-5-haiku", -157)]


def test_empty_database(tmp_path):
    db = open_database(str(tmp_path / "empty.db"))
    for fmt in FORMATS:
        assert render(build_digest(db, None, W48.since, W48.until), fmt)
    db.close()


# --- hostile text -----------------------------------------------------------------------------

HOSTILE_TITLE = ("<script>alert(1)</script> [x](javascript:alert(1)) ](http://evil.example) | a | b | `code` "
                 "**bold** _em_ # head \u202egnp.exe\u202c \x1b[31mred\x1b[0m @everyone $x$ &lt;b&gt; ~~s~~ "
                 "<img src=x onerror=alert(1)> \\ \x07bell")
HOSTILE_SUMMARY = "\"><svg onload=alert(1)>\n# heading\n- list\n1. one\n> quote\n<!-- c --> [a]: http://evil.example"


def hostile_dataset(db) -> dict[str, int]:
    ids = _insert(db, [
        ("evil", HOSTILE_TITLE, "javascript:alert(1)", "2026-11-24T10:00:00Z", None, HOSTILE_SUMMARY,
         ["model-release"], 0.9),
        ("data", "- [ ] 1. = data: link", "data:text/html,<script>alert(1)</script>", "2026-11-24T11:00:00Z", None,
         "", ["model-release"], 0.8),
        ("quote", "Quote\" onmouseover=\"alert(1)", "https://example.com/a)b<c>\"d' onmouseover=x",
         "2026-11-24T12:00:00Z", None, "", [], 0.7),
    ])
    with db.transaction() as c:
        c.execute("UPDATE items SET user_tags = :t WHERE id = :id",
                  {"t": json.dumps(["<b>tag</b>", "x|y", "[t](javascript:1)", "\u202eevil"]), "id": ids["evil"]})
    set_starred(db, "<b>mallory</b>", [ids["evil"]], True)
    _suggest(db, ids["evil"], ("support-summarizer", "](javascript:alert(1)) <script>x</script> | `y`", 0.9))
    set_link_status(db, ids["evil"], "<img src=x onerror=alert(1)>", "confirmed", "<b>mallory</b>",
                    reason="[click](javascript:alert(1))")
    e = xp.create(db, "<script>x</script> [e](javascript:1)", "# hyp <b>", owner="@channel <i>",
                  now="2026-11-24T09:00:00Z")
    xp.add_note(db, e.id, "<script>note</script>", "<b>who</b>", now="2026-11-25T09:00:00Z")
    with db.transaction() as c:
        record_fetch_failure(c, "evil|<src>", "2026-11-24T03:00:00Z", 500, "<script>alert(1)</script> `x`")
    return ids


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._link: list[str] | None = None
        self.links: list[tuple[str, str, str]] = []    # (href, rel, text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "a":
            self._link = [attrs.get("href") or "", attrs.get("rel") or ""]
            self._text_at = len(self.text)

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self.links.append((*self._link, "".join(self.text[self._text_at:])))
            self._link = None

    def handle_data(self, data):
        self.text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _assert_clean(text: str) -> None:
    for bad in ("\x1b", "\x07", "\u202e", "\u202c"):
        assert bad not in text


def _assert_safe_page(page: _Page, allowed: set[str], item_urls: set[str]) -> None:
    assert {t for t, _ in page.tags} <= allowed, {t for t, _ in page.tags} - allowed
    for _, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs)
    for href, _, text in page.links:
        assert href.startswith(("http://", "https://"))
        assert href in item_urls or href == text    # an item's own (checked) URL, or a visible autolink


def test_hostile_text_is_inert_in_every_format(tmp_path, config):
    db = open_database(str(tmp_path / "d.db"))
    ids = hostile_dataset(db)
    d = build_digest(db, config, W48.since, W48.until)
    title = clean_line(HOSTILE_TITLE)
    outputs = {fmt: render(d, fmt) for fmt in FORMATS}
    for text in outputs.values():
        _assert_clean(text)

    # JSON: the cleaned text, verbatim; no unsafe URL
    data = json.loads(outputs["json"])
    evil = next(i for i in data["highlights"]["items"] if i["id"] == ids["evil"])
    assert evil["title"] == title and evil["url"] is None
    assert "<b>tag</b>" in evil["tags"] and "evil" in evil["tags"]
    assert next(i for i in data["highlights"]["items"] if i["id"] == ids["data"])["url"] is None
    urls = {i["url"] for i in data["highlights"]["items"] if i["url"]}
    assert urls == {"https://example.com/a)b<c>\"d'%20onmouseover=x"}     # as safe_url leaves it

    # HTML: only our own tags, escaped text, http(s) links with rel, a CSP, no script
    html = outputs["html"]
    assert "<script" not in html.lower()
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
            'img-src \'none\'">') in html
    page = _parse(html)
    _assert_safe_page(page, {"html", "head", "meta", "title", "style", "body", "main", "section", "h1", "h2", "h3",
                             "p", "ul", "li", "a", "span", "strong"}, urls)
    assert all(rel == "noopener noreferrer" for _, rel, _ in page.links)
    assert title in "".join(page.text)

    # Markdown, rendered by a CommonMark renderer with raw HTML, autolinks, tables and strikethrough on
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark", {"html": True, "linkify": True}).enable(
        ["table", "strikethrough", "linkify"])
    page = _parse(md.render(outputs["md"]))
    _assert_safe_page(page, {"h1", "h2", "h3", "p", "ul", "li", "a", "strong", "br"}, {md_url(u) for u in urls})
    text = "".join(page.text)
    assert title in text                                    # renders literally, as it reads
    assert clean_line(HOSTILE_SUMMARY) in text
    assert "](javascript:alert(1)) <script>x</script> | `y`" in text
    assert "<script>x</script> [e](javascript:1)" in text and "evil|<src>" in text
    db.close()


def test_markdown_escaping_round_trips():
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    for s in ["a*b*c", "_x_", "[a](b)", "<b>x</b>", "# h", "a | b", "`c`", "~~s~~", "- item", "+ item", "1. one",
              "12) twelve", "= x", "&amp; &#65; &x", "\\*", "![i](x)", "a  b", "> q", "***", "@here $x$"]:
        page = _parse(md.render(f"- {md_escape(s)}"))
        assert [t for t, _ in page.tags] == ["ul", "li"], s
        assert "".join(page.text).strip() == s, s


# --- determinism ------------------------------------------------------------------------------

def test_same_data_gives_the_same_bytes(tmp_path, config):
    outs = []
    for n in range(2):
        db = open_database(str(tmp_path / f"d{n}.db"))
        build_dataset(db)
        outs.append([render(build_digest(db, config, W48.since, W48.until), fmt) for fmt in FORMATS])
        db.close()
    assert outs[0] == outs[1]


# --- week parsing -----------------------------------------------------------------------------

def test_week_parsing():
    assert (W48.since, W48.until, W48.label) == ("2026-11-23T00:00:00Z", "2026-11-30T00:00:00Z", "2026-W48")
    assert parse_week("2026w48") == W48 and parse_week(" 2026-W48 ") == W48
    assert parse_week("2026-W53").since == "2026-12-28T00:00:00Z"       # 2026 has 53 ISO weeks
    assert parse_week("2027-W01").since == "2027-01-04T00:00:00Z"
    for bad in ("2027-W53", "2026-W00", "2026-W54", "48", "2026-48", "last week", ""):
        with pytest.raises(PeriodError):
            parse_week(bad)


def test_last_complete_week():
    assert last_complete_week(date(2026, 11, 30)).label == "2026-W48"    # Monday of W49
    assert last_complete_week(date(2026, 12, 6)).label == "2026-W48"     # Sunday of W49
    assert last_complete_week(date(2026, 11, 29)).label == "2026-W47"    # Sunday of W48: not complete yet
    assert last_complete_week(date(2027, 1, 4)).label == "2026-W53"
    assert last_complete_week(date(2027, 1, 3)).label == "2026-W52"


def test_since_until():
    assert parse_range("2026-11-23", "2026-11-29") == W48                # both days included: that is W48
    r = parse_range("2026-11-01", "2026-11-14")
    assert (r.since, r.until, r.week, r.label) == ("2026-11-01T00:00:00Z", "2026-11-15T00:00:00Z", None,
                                                   "2026-11-01 to 2026-11-14")
    r = parse_range("2026-11-23T09:00+01:00", "2026-11-24T12:00:00Z")
    assert (r.since, r.until) == ("2026-11-23T08:00:00Z", "2026-11-24T12:00:00Z")
    assert parse_range("2026-11-23", "2026-11-23").label == "2026-11-23"
    for since, until in (("2026-11-30", "2026-11-23"), ("2026-13-01", "2026-12-01"), ("yesterday", "2026-11-01"),
                         ("2026-11-01", "soon")):
        with pytest.raises(PeriodError):
            parse_range(since, until)
    with pytest.raises(PeriodError, match="not both"):
        resolve("2026-W48", "2026-11-01", None, date(2026, 11, 30))
    with pytest.raises(PeriodError, match="go together"):
        resolve(None, "2026-11-01", None, date(2026, 11, 30))
    assert resolve(None, None, None, date(2026, 11, 30)) == W48


# --- the CLI end to end -----------------------------------------------------------------------

@pytest.fixture
def cli_db(tmp_path, config):
    path = tmp_path / "cli.db"
    db = open_database(str(path))
    build_dataset(db)
    db.close()
    return ["--db", str(path), "--config", str(config.path)]


def test_cli_writes_the_golden_bytes(cli_db, tmp_path, capsysbinary):
    for fmt in FORMATS:
        assert main([*cli_db, "digest", "--week", "2026-W48", "--format", fmt]) == 0
        assert capsysbinary.readouterr().out == (GOLDEN / f"week.{fmt}").read_bytes()
    out = tmp_path / "digest.html"
    assert main([*cli_db, "digest", "--since", "2026-11-23", "--until", "2026-11-29", "--format", "html",
                 "-o", str(out)]) == 0
    assert capsysbinary.readouterr().out == b"" and out.read_bytes() == (GOLDEN / "week.html").read_bytes()


def test_cli_defaults_to_the_last_complete_week(cli_db, capsys):
    before = last_complete_week(datetime.now(UTC).date()).label
    assert main([*cli_db, "digest"]) == 0
    after = last_complete_week(datetime.now(UTC).date()).label   # the same, unless midnight passed
    first = capsys.readouterr().out.splitlines()[0]
    assert first in {f"# feedwatch digest: {before}", f"# feedwatch digest: {after}"}


@pytest.mark.parametrize("args, message", [
    (["--week", "2026-W99"], "2026 has no ISO week 99"),
    (["--week", "soon"], "not an ISO week"),
    (["--week", "2026-W48", "--since", "2026-11-01", "--until", "2026-11-02"], "not both"),
    (["--since", "2026-11-01"], "go together"),
    (["--since", "2026-11-30", "--until", "2026-11-01"], "before --since"),
    (["--since", "2026-11-01", "--until", "nope"], "--until: not a date"),
    (["-o", "/nonexistent-dir/x.md"], "cannot write"),
])
def test_cli_errors_are_one_line_exit_2(cli_db, capsys, args, message):
    assert main([*cli_db, "digest", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("feedwatch: ") and message in err


def test_cli_output_is_utf8_whatever_the_locale(cli_db):
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C", "LANG": "C"}
    out = subprocess.run([sys.executable, "-m", "feedwatch.cli", *cli_db, "digest", "--week", "2026-W48"],
                         capture_output=True, env=env, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == (GOLDEN / "week.md").read_bytes()


def test_limits_cut_long_sections_and_say_so(tmp_path, config):
    db = open_database(str(tmp_path / "d.db"))
    ids = build_dataset(db)
    d = build_digest(db, config, W48.since, W48.until,
                     Limits(highlights=1, starred=1, per_asset=1, tags=1, per_tag=1, changes=1))
    # the one starred item shown is also the top relevance: no repeat; the other starred one is counted
    assert [i.id for i in d.highlights.items] == [ids["haiku"]] and d.highlights.more == 1
    stack = {a.asset: a for a in d.stack}
    assert (len(stack["support-summarizer"].links), stack["support-summarizer"].more) == (1, 2)
    assert stack["support-summarizer"].links[0].status == "confirmed"
    assert [(t.tag, t.count, len(t.items), t.more) for t in d.tags] == [("model-release", 3, 1, 2)]
    assert d.tags_more == 2 and d.totals.tags == 3
    assert (len(d.experiments.updated[0].changes), d.experiments.updated[0].changes_more) == (1, 1)
    md, html = render(d, "md"), render(d, "html")
    for text in ("…and 1 more starred item", "…and 2 more", "…and 2 more tags", "…and 1 more change"):
        assert text in md and text in html
    db.close()


# --- a week nobody enriched or starred ------------------------------------------------------------

UNENRICHED = [  # (source, guid, title, published, categories): `fetch` without `--enrich`
    ("lab-blog", f"post{n}", f"Lab post {n}", f"2026-11-{23 + n // 3:02d}T{8 + n % 3:02d}:00:00Z", [])
    for n in range(12)
] + [
    ("arxiv-cs-cl", "tie-a", "Paper A published at the same second", "2026-11-28T09:00:00Z", ["cs.CL"]),
    ("arxiv-cs-cl", "tie-b", "Paper B published at the same second", "2026-11-28T09:00:00Z", ["cs.CL"]),
    ("arxiv-cs-cl", "prev", "Paper of the week before", "2026-11-22T23:59:59Z", ["cs.CL"]),
]


def test_unenriched_week_fills_highlights_with_its_newest_items(db, config):
    with db.transaction() as c:
        for source, guid, title, published, cats in UNENRICHED:
            write_entries(c, source, [Entry(guid=guid, title=title, url=f"https://example.com/{guid}",
                                            published=published, categories=cats,
                                            summary=f"Feed summary of {guid}.")], [], "2026-11-30T06:00:00Z")
    digest = build_digest(db, config, W48.since, W48.until)
    for fmt in FORMATS:
        text = render(digest, fmt)
        _check_golden(f"unenriched-week.{fmt}", text)
        assert render(build_digest(db, config, W48.since, W48.until), fmt) == text   # deterministic
    data = json.loads(render(digest, "json"))
    assert data["totals"]["items"] == 14
    shown = [i["title"] for i in data["highlights"]["items"]]
    # the 10 newest of the week, newest first; a tie in time goes to the lower id (stored first)
    assert shown == ["Paper A published at the same second", "Paper B published at the same second",
                     *[f"Lab post {n}" for n in range(11, 3, -1)]]
    assert all(i["relevance"] is None for i in data["highlights"]["items"])


def test_ranked_items_come_before_the_filling_newest_ones(db, config):
    ids = _insert(db, [("old-ranked", "An older ranked post", "https://example.com/r", "2026-11-23T01:00:00Z", None,
                        "Ranked.", [], 0.2),
                       ("new-plain", "A newer unranked post", "https://example.com/n", "2026-11-29T01:00:00Z", None,
                        "", [], None)])
    data = json.loads(render(build_digest(db, config, W48.since, W48.until), "json"))
    assert [i["id"] for i in data["highlights"]["items"]] == [ids["old-ranked"], ids["new-plain"]]
