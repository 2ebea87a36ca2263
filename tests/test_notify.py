"""Notifications through Apprise, delivered to a real loopback HTTP server (json:// and form://).

No mocks: Apprise posts over HTTP to tests/servers/http.py, the ledger is the real database on both
backends, and the CLI is `feedwatch.cli.main`.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest

from feedwatch.cli import main
from feedwatch.config import ConfigError, load_config
from feedwatch.enrich.base import LinkSuggestion
from feedwatch.entry import Entry
from feedwatch.notify.events import stage
from feedwatch.notify.run import notify_all
from feedwatch.storage.db import open_database
from feedwatch.storage.enrichment import replace_suggestions, set_link_status
from feedwatch.storage.ingest import write_entries
from tests.servers.http import Reply

TOKEN = "T0KEN-s3cr3t-abcdef123456"
HOOK = f"/hook/{TOKEN}"

CONFIG = """\
[[assets]]
name = "support-summarizer"
kind = "prompt"
models = ["gpt-4o-audio"]

[[assets]]
name = "rag-pipeline"
kind = "pipeline"

[[notify]]
name = "team-hook"
url_env = "FEEDWATCH_TEST_HOOK"
{extra}
"""


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _stamp(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _config(tmp_path, extra: str = 'events = ["affects"]'):
    path = tmp_path / "feeds.toml"
    path.write_text(CONFIG.format(extra=extra), encoding="utf-8")
    return path


def _add_items(db, rows, when: str | None = None) -> dict[str, int]:
    """rows: (guid, title, url, [(asset, reason, score)]) -> guid: id; links stamped `when` (default now)."""
    when = when or _stamp(_now())
    with db.transaction() as c:
        for guid, title, url, _ in rows:
            write_entries(c, "lab-blog", [Entry(guid=guid, title=title, url=url, published=when)], [], when)
        ids = {r["guid"]: r["id"] for r in c.execute("SELECT id, guid FROM items")}
        for guid, _, _, links in rows:
            replace_suggestions(c, ids[guid], [LinkSuggestion(a, r, s) for a, r, s in links], when)
    return ids


@pytest.fixture
def hook(http_server, monkeypatch):
    http_server.route(HOOK, Reply(body="ok", content_type="text/plain"))
    url = http_server.base_url.replace("http://", "json://") + HOOK
    monkeypatch.setenv("FEEDWATCH_TEST_HOOK", url)
    return http_server


def _bodies(server) -> list[dict]:
    return [json.loads(r.body) for r in server.requests if r.route == HOOK]


def _cli(tmp_path, db_url, *args) -> list[str]:
    return ["--config", str(tmp_path / "feeds.toml"), "--db", db_url, *args]


def _ledger(db_url) -> list[dict]:
    db = open_database(db_url)
    try:
        return db.query("SELECT target, event, state FROM notifications ORDER BY event")
    finally:
        db.close()


# --- configuration ---------------------------------------------------------------------------

def test_notify_config_defaults_and_errors(tmp_path):
    path = tmp_path / "feeds.toml"
    path.write_text('[[notify]]\nname = "a"\nurl = "json://example.com/' + TOKEN + '"\n', encoding="utf-8")
    t = load_config(path).notify[0]
    assert t.events == ("affects", "retirement", "digest") and t.min_score == 0.5
    assert TOKEN not in repr(t) and TOKEN not in repr(load_config(path))
    bad = {
        'name = "a"\nurl = "json://x/' + TOKEN + '"\nurl_env = "X"': "exactly one of",
        'name = "a"': "exactly one of",
        'name = "a"\nurl_env = "X"\nevents = ["affects", "tweets"]': "unknown 'tweets'",
        'name = "a"\nurl_env = "X"\nmin_score = 1.5': "between 0 and 1",
        'name = "A b"\nurl_env = "X"': "lowercase",
        'name = "a"\nurl_env = "X"\nchannel = "#x"': "unknown key 'channel'",
    }
    for body, expected in bad.items():
        path.write_text("[[notify]]\n" + body + "\n", encoding="utf-8")
        with pytest.raises(ConfigError) as exc:
            load_config(path)
        assert expected in str(exc.value) and TOKEN not in str(exc.value)


def test_retirement_stages():
    assert [stage(d, 90) for d in (120, 91, 90, 31, 30, 8, 7, 0, -3)] == \
        [None, None, "window", "window", "30", "30", "7", "7", "7"]
    assert stage(20, 14) is None and stage(14, 14) == "30" and stage(5, 14) == "7"


# --- affects: exactly once, grouped, min_score ----------------------------------------------------

def test_affects_sent_once_grouped_by_asset(tmp_path, db_url, hook, capsys):
    _config(tmp_path, 'events = ["affects"]\nmin_score = 0.8')
    db = open_database(db_url)
    ids = _add_items(db, [
        ("a", "GPT-4o audio shuts down", "https://example.com/a",
         [("support-summarizer", "announces gpt-4o-audio deprecation", 0.95)]),
        ("b", "Rerankers compared", "https://example.com/b", [("rag-pipeline", "mentions reranking", 0.6)]),
        ("c", "A weak topic match", "https://example.com/c", [("rag-pipeline", "shares a topic", 0.4)]),
    ])
    set_link_status(db, ids["b"], "rag-pipeline", "confirmed", "bob")        # confirmed: in, whatever its score
    db.close()
    assert main(_cli(tmp_path, db_url, "notify")) == 0
    out = capsys.readouterr().out
    assert out == "team-hook: sent affects (2 items, 2 assets)\n"
    [body] = _bodies(hook)
    assert "support-summarizer" in body["title"] and "rag-pipeline" in body["title"]
    message = body["message"]
    assert message.index("**support-summarizer**") < message.index("[GPT-4o audio shuts down]")
    assert "(https://example.com/a)" in message and "announces gpt-4o-audio deprecation" in message
    assert "Rerankers compared" in message and "weak topic" not in message       # 0.4 < min_score 0.8

    assert main(_cli(tmp_path, db_url, "notify")) == 0
    assert capsys.readouterr().out == "team-hook: nothing new\n"
    assert len(_bodies(hook)) == 1
    db = open_database(db_url)
    _add_items(db, [("d", "New reranker paper", "https://example.com/d", [("rag-pipeline", "about rerankers", 0.9)])])
    db.close()
    assert main(_cli(tmp_path, db_url, "notify")) == 0
    assert capsys.readouterr().out == "team-hook: sent affects (1 item, 1 asset)\n"
    bodies = _bodies(hook)
    assert len(bodies) == 2 and "New reranker paper" in bodies[1]["message"]
    keys = [r.headers["idempotency-key"] for r in hook.requests if r.route == HOOK]
    assert len(set(keys)) == 2                                     # another message, another key
    assert "Rerankers compared" not in bodies[1]["message"]
    assert {r["state"] for r in _ledger(db_url)} == {"sent"} and len(_ledger(db_url)) == 3


def test_a_new_target_gets_last_weeks_links_not_the_whole_history(tmp_path, hook, capsys):
    _config(tmp_path)
    url = str(tmp_path / "fw.db")
    db = open_database(url)
    _add_items(db, [("old", "Old news", "https://example.com/old", [("rag-pipeline", "old", 0.9)])],
               when=_stamp(_now() - timedelta(days=30)))
    _add_items(db, [("new", "Fresh news", "https://example.com/new", [("rag-pipeline", "new", 0.9)])])
    db.close()
    assert main(_cli(tmp_path, url, "notify")) == 0
    [body] = _bodies(hook)
    assert "Fresh news" in body["message"] and "Old news" not in body["message"]


# --- failures, retries, dry runs ---------------------------------------------------------------

def test_a_500_stays_pending_and_is_retried_after_backoff(tmp_path, db_url, hook, capsys):
    hook.route(HOOK, Reply(status=500, body="boom", content_type="text/plain"), Reply(body="ok"))
    _config(tmp_path)
    db = open_database(db_url)
    _add_items(db, [("a", "Item A", "https://example.com/a", [("rag-pipeline", "why", 0.9)])])
    db.close()
    assert main(_cli(tmp_path, db_url, "notify")) == 1
    out = capsys.readouterr().out
    assert out.startswith("team-hook: failed: affects (1 item, 1 asset): HTTP 500; will retry after ")
    assert [r["state"] for r in _ledger(db_url)] == ["pending"]
    assert main(_cli(tmp_path, db_url, "notify")) == 1          # backing off: not retried yet, not delivered
    assert "1 event waiting to retry after" in capsys.readouterr().out
    assert hook.hits(HOOK) == 1

    config = load_config(tmp_path / "feeds.toml")
    db = open_database(db_url)
    try:
        [report] = notify_all(db, config, now=_now() + timedelta(minutes=2))
        assert report.ok and report.line() == "team-hook: sent affects (1 item, 1 asset)"
        [again] = notify_all(db, config, now=_now() + timedelta(minutes=3))
        assert again.ok and again.line() == "team-hook: nothing new"
    finally:
        db.close()
    assert hook.hits(HOOK) == 2 and "Item A" in _bodies(hook)[1]["message"]
    assert [r["state"] for r in _ledger(db_url)] == ["sent"]
    # the retry is the same message: a receiver that keeps idempotency keys can tell
    keys = [r.headers.get("idempotency-key") for r in hook.requests if r.route == HOOK]
    assert keys[0] and len(keys[0]) == 32 and keys == [keys[0]] * 2


def test_refused_and_timed_out_deliveries_are_failures(tmp_path, http_server, monkeypatch, capsys):
    _config(tmp_path)
    url = str(tmp_path / "fw.db")
    db = open_database(url)
    _add_items(db, [("a", "Item A", "https://example.com/a", [("rag-pipeline", "why", 0.9)])])
    db.close()
    monkeypatch.setenv("FEEDWATCH_TEST_HOOK", f"json://127.0.0.1:1/hook/{TOKEN}")
    assert main(_cli(tmp_path, url, "notify")) == 1
    assert "failed: affects (1 item, 1 asset): connection refused" in capsys.readouterr().out

    gate = threading.Event()
    http_server.route(HOOK, Reply(gate=gate, body="late"))
    monkeypatch.setenv("FEEDWATCH_TEST_HOOK", http_server.base_url.replace("http://", "json://") + HOOK + "?rto=0.5")
    config = load_config(tmp_path / "feeds.toml")
    db = open_database(url)
    try:
        [report] = notify_all(db, config, now=_now() + timedelta(minutes=5))
    finally:
        gate.set()
        db.close()
    assert not report.ok and report.failed == ["affects (1 item, 1 asset): timed out"]


def test_missing_url_variable_is_one_line(tmp_path, monkeypatch, capsys):
    _config(tmp_path)
    url = str(tmp_path / "fw.db")
    db = open_database(url)
    _add_items(db, [("a", "Item A", "https://example.com/a", [("rag-pipeline", "why", 0.9)])])
    db.close()
    monkeypatch.delenv("FEEDWATCH_TEST_HOOK", raising=False)
    assert main(_cli(tmp_path, url, "notify")) == 1
    captured = capsys.readouterr()
    assert captured.out == "team-hook: failed: environment variable FEEDWATCH_TEST_HOOK is not set\n"
    assert captured.err == ""


def test_dry_run_sends_and_records_nothing(tmp_path, db_url, hook, capsys):
    _config(tmp_path, "")
    db = open_database(db_url)
    _add_items(db, [("a", "Item A", "https://example.com/a", [("rag-pipeline", "why", 0.9)])])
    db.close()
    assert main(_cli(tmp_path, db_url, "notify", "--dry-run")) == 0
    out = capsys.readouterr().out
    assert out.startswith("team-hook: would send affects (1 item, 1 asset), ")
    assert "--- affects: feedwatch: 1 new item affects rag-pipeline" in out and "Item A" in out
    assert "--- digest: feedwatch digest " in out
    assert hook.requests == []
    db = open_database(db_url)
    try:
        assert db.query("SELECT COUNT(*) AS n FROM notifications")[0]["n"] == 0
        assert db.query("SELECT COUNT(*) AS n FROM notify_targets")[0]["n"] == 0
    finally:
        db.close()


# --- secrets and hostile text ------------------------------------------------------------------

def test_the_token_appears_nowhere(tmp_path, http_server, monkeypatch, capfd, caplog):
    """Not in output (ours or Apprise's), logs at DEBUG, the database, or an export; failing or not."""
    caplog.set_level(logging.DEBUG)
    http_server.route(HOOK, Reply(status=503, body=f"bad token {TOKEN}"), Reply(body="ok"))
    monkeypatch.setenv("FEEDWATCH_TEST_HOOK", http_server.base_url.replace("http://", "json://") + HOOK)
    _config(tmp_path)
    url = str(tmp_path / "fw.db")
    db = open_database(url)
    _add_items(db, [("a", "Item A", "https://example.com/a", [("rag-pipeline", "why", 0.9)])])
    db.close()
    assert main(_cli(tmp_path, url, "notify")) == 1
    monkeypatch.setenv("FEEDWATCH_TEST_HOOK", f"json://127.0.0.1:1/hook/{TOKEN}")
    db = open_database(url)
    try:
        [refused] = notify_all(db, load_config(tmp_path / "feeds.toml"), now=_now() + timedelta(minutes=2))
        assert refused.failed and TOKEN not in refused.line()
    finally:
        db.close()
    monkeypatch.setenv("FEEDWATCH_TEST_HOOK", http_server.base_url.replace("http://", "json://") + HOOK)
    db = open_database(url)
    try:
        [sent] = notify_all(db, load_config(tmp_path / "feeds.toml"), now=_now() + timedelta(minutes=10))
        assert sent.ok
    finally:
        db.close()
    assert main(_cli(tmp_path, url, "sources")) == 0
    assert main(_cli(tmp_path, url, "export", "-o", str(tmp_path / "export.jsonl"))) == 0
    captured = capfd.readouterr()
    assert "team-hook" in captured.out                  # `sources` lists the target by name
    for where, text in (("stdout", captured.out), ("stderr", captured.err), ("logs", caplog.text),
                        ("export", (tmp_path / "export.jsonl").read_text(encoding="utf-8"))):
        assert TOKEN not in text, where
    assert any("urllib3" in r.name for r in caplog.records)   # the URL-logging lines were there, scrubbed
    for path in tmp_path.glob("fw.db*"):
        assert TOKEN.encode() not in path.read_bytes(), path.name
    assert http_server.hits(HOOK) == 2


HOSTILE = ("@channel <!here> <@U123> @everyone **bold** [click](javascript:alert(1)) <script>x()</script> "
           + "long " * 100)


def test_hostile_titles_are_inert_in_markdown_and_html(tmp_path, http_server, monkeypatch):
    http_server.route(HOOK, Reply(body="ok"))
    _config(tmp_path)
    url = str(tmp_path / "fw.db")
    db = open_database(url)
    _add_items(db, [("a", HOSTILE, "javascript:alert(1)", [("rag-pipeline", "@here <!channel> reason", 0.9)]),
                    ("b", "Fine", "https://example.com/b?q=(1)", [("rag-pipeline", "ok", 0.9)])])
    db.close()
    base = http_server.base_url.replace("http://", "json://") + HOOK
    for fmt in ("markdown", "html"):
        monkeypatch.setenv("FEEDWATCH_TEST_HOOK", f"{base}?format={fmt}")
        db = open_database(url)
        try:
            with db.transaction() as c:
                c.execute("DELETE FROM notifications")
            [report] = notify_all(db, load_config(tmp_path / "feeds.toml"))
        finally:
            db.close()
        assert report.ok
    md, html = (json.loads(r.body)["message"] for r in http_server.requests)
    for text in (md, html):
        for ping in ("@channel", "@here", "@everyone", "<!here>", "<!channel>", "<@U123>", "<script"):
            assert ping not in text, ping
        assert "long long" in text and text.count("long") < 60           # titles are capped
    assert "](javascript" not in md and 'href="javascript' not in html and "javascript:alert(1)" in html
    assert "\\*\\*bold\\*\\*" in md and "(https://example.com/b?q=%281%29)" in md
    assert '<a href="https://example.com/b?q=(1)">Fine</a>' in html and "**bold**" in html


def test_form_targets_get_a_form_post(tmp_path, http_server, monkeypatch, capsys):
    http_server.route(HOOK, Reply(body="ok"))
    monkeypatch.setenv("FEEDWATCH_TEST_HOOK", http_server.base_url.replace("http://", "form://") + HOOK)
    _config(tmp_path)
    url = str(tmp_path / "fw.db")
    db = open_database(url)
    _add_items(db, [("a", "Item A", "https://example.com/a", [("rag-pipeline", "why", 0.9)])])
    db.close()
    assert main(_cli(tmp_path, url, "notify")) == 0
    [req] = http_server.requests
    assert req.headers["content-type"].startswith("application/x-www-form-urlencoded") and b"Item+A" in req.body


# --- concurrency ------------------------------------------------------------------------------

def test_two_concurrent_runs_deliver_once(tmp_path, db_url, http_server, monkeypatch):
    """Run one holds its delivery open (the receiver waits on a gate) while run two runs whole."""
    gate = threading.Event()
    http_server.route(HOOK, Reply(gate=gate, body="ok"))
    monkeypatch.setenv("FEEDWATCH_TEST_HOOK", http_server.base_url.replace("http://", "json://") + HOOK)
    _config(tmp_path)
    db = open_database(db_url)
    _add_items(db, [("a", "Item A", "https://example.com/a", [("rag-pipeline", "why", 0.9)])])
    db.close()
    config = load_config(tmp_path / "feeds.toml")
    reports = {}

    def run(name):
        database = open_database(db_url)
        try:
            reports[name] = notify_all(database, config)[0]
        finally:
            database.close()

    first = threading.Thread(target=run, args=("first",))
    first.start()
    for _ in range(500):                       # until the first run's request is at the receiver
        if http_server.requests:
            break
        threading.Event().wait(0.01)
    run("second")
    gate.set()
    first.join(30)
    assert http_server.hits(HOOK) == 1
    assert reports["first"].line() == "team-hook: sent affects (1 item, 1 asset)"
    assert reports["second"].line() == "team-hook: nothing new" and reports["second"].ok


# --- retirements and the digest ------------------------------------------------------------------

def test_retirement_sent_on_entering_the_window_then_at_30_and_7_days(tmp_path, db_url, hook):
    _config(tmp_path, 'events = ["retirement"]\n\n[[catalogs]]\nname = "litellm"\nkind = "litellm"\n'
                      'url = "https://example.com/l.json"')
    config = load_config(tmp_path / "feeds.toml")
    shutdown = datetime(2027, 1, 20, 12, tzinfo=UTC)
    db = open_database(db_url)
    from feedwatch.storage.catalogs import replace_models
    replace_models(db, "litellm", "litellm", "https://example.com/l.json", [{
        "provider": "openai", "model_id": "gpt-4o-audio", "model_key": "gpt-4o-audio", "status": "deprecated",
        "deprecation_date": None, "shutdown_date": "2027-01-20", "earliest_shutdown": None,
        "replacement": "gpt-audio-1.5", "release_date": None, "source_url": None, "aliases": (), "alias_of": None,
        "family": None, "alias_keys": (), "alias_of_key": None}], etag=None, last_modified=None, status=200,
        now="2026-11-01T00:00:00Z", next_due=None)
    try:
        lines = [notify_all(db, config, now=shutdown - timedelta(days=d))[0].line()
                 for d in (100, 60, 59, 25, 20, 5)]
    finally:
        db.close()
    assert lines == ["team-hook: nothing new", "team-hook: sent retirement (gpt-4o-audio)", "team-hook: nothing new",
                     "team-hook: sent retirement (gpt-4o-audio)", "team-hook: nothing new",
                     "team-hook: sent retirement (gpt-4o-audio)"]
    titles = [b["title"] for b in _bodies(hook)]
    assert titles == ["feedwatch: gpt-4o-audio shuts down in 60 days (support-summarizer)",
                      "feedwatch: gpt-4o-audio shuts down in 25 days (support-summarizer)",
                      "feedwatch: gpt-4o-audio shuts down in 5 days (support-summarizer)"]
    assert "replacement gpt-audio-1.5" in _bodies(hook)[0]["message"]


def test_digest_once_per_week_and_post_on_request(tmp_path, hook, capsys):
    _config(tmp_path, 'events = ["digest"]')
    url = str(tmp_path / "fw.db")
    config = load_config(tmp_path / "feeds.toml")
    db = open_database(url)
    _add_items(db, [("a", "A week-48 item", "https://example.com/a", [])], when="2026-11-25T10:00:00Z")
    try:
        thursday = datetime(2026, 12, 3, 9, tzinfo=UTC)
        assert notify_all(db, config, now=thursday)[0].line() == "team-hook: sent digest 2026-W48"
        assert notify_all(db, config, now=thursday + timedelta(days=3))[0].line() == "team-hook: nothing new"
        assert notify_all(db, config, now=thursday + timedelta(days=5))[0].line() == "team-hook: sent digest 2026-W49"
    finally:
        db.close()
    first = _bodies(hook)[0]
    assert first["title"] == "feedwatch digest 2026-W48" and "2026-11-23 to 2026-11-29 UTC · 1 item" in first["message"]
    assert main(_cli(tmp_path, url, "digest", "--week", "2026-W48", "--post")) == 0
    assert capsys.readouterr().out == "team-hook: sent digest 2026-W48\n"
    assert [b["title"] for b in _bodies(hook)] == ["feedwatch digest 2026-W48", "feedwatch digest 2026-W49",
                                                   "feedwatch digest 2026-W48"]


# --- where the team sees it: `sources` and the TUI sidebar -------------------------------------------

def test_sources_and_the_tui_show_each_targets_last_delivery_and_error(tmp_path, http_server, monkeypatch, capsys):
    from feedwatch.tui.app import FeedwatchApp
    http_server.route(HOOK, Reply(body="ok"))
    http_server.route("/down", Reply(status=502, body="down"))
    path = _config(tmp_path)
    path.write_text(path.read_text() + '\n[[notify]]\nname = "team-mail"\nurl_env = "FEEDWATCH_TEST_MAIL"\n'
                    'events = ["affects"]\n', encoding="utf-8")
    monkeypatch.setenv("FEEDWATCH_TEST_HOOK", http_server.base_url.replace("http://", "json://") + HOOK)
    monkeypatch.setenv("FEEDWATCH_TEST_MAIL", http_server.base_url.replace("http://", "json://") + "/down")
    url = str(tmp_path / "fw.db")
    db = open_database(url)
    _add_items(db, [("a", "Item A", "https://example.com/a", [("rag-pipeline", "why", 0.9)])])
    db.close()
    assert main(_cli(tmp_path, url, "notify")) == 1
    capsys.readouterr()
    assert main(_cli(tmp_path, url, "sources")) == 0
    out = capsys.readouterr().out
    assert "team-hook" in out and "team-mail" in out and "last error: HTTP 502" in out

    async def sidebar_lines():
        app = FeedwatchApp(load_config(path), f"sqlite:///{url}")
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            from feedwatch.tui.widgets import Sidebar
            bar = app.query_one(Sidebar)
            return [str(bar.get_option_at_index(i).prompt) for i in range(bar.option_count)]

    import asyncio
    lines = asyncio.run(sidebar_lines())
    tail = lines[lines.index("Notify"):]
    assert tail[1].startswith("team-hook sent ") and tail[2].startswith("team-mail ! HTTP 502 (never sent)")
    assert not any("json://" in line or "/down" in line for line in lines)


RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Lab</title><link>https://example.com/</link>
<item><title>gpt-4o-audio is deprecated: shutdown on 2027-01-20</title><link>https://example.com/dep</link>
<guid>dep-1</guid><description>We are deprecating gpt-4o-audio; move to gpt-audio-1.5.</description></item>
</channel></rss>"""


def test_fetch_notify_sends_what_the_fetch_linked(tmp_path, hook, capsys):
    hook.route("/feed.xml", Reply(body=RSS))
    path = _config(tmp_path)
    path.write_text(f'[[sources]]\nname = "lab"\nkind = "feed"\nurl = "{hook.url("/feed.xml")}"\n\n'
                    + path.read_text(), encoding="utf-8")
    url = str(tmp_path / "fw.db")
    assert main(_cli(tmp_path, url, "fetch", "--enrich", "--notify")) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("team-hook: sent affects (1 item, 1 asset)")
    [body] = _bodies(hook)
    assert "support-summarizer" in body["title"] and "gpt-4o-audio is deprecated" in body["message"]


def test_a_failed_link_dismissed_before_the_retry_is_dropped(tmp_path, hook):
    hook.route(HOOK, Reply(status=500), Reply(body="ok"))
    _config(tmp_path)
    url = str(tmp_path / "fw.db")
    db = open_database(url)
    ids = _add_items(db, [("a", "Item A", "https://example.com/a", [("rag-pipeline", "why", 0.9)]),
                          ("b", "Item B", "https://example.com/b", [("rag-pipeline", "why", 0.9)])])
    config = load_config(tmp_path / "feeds.toml")
    try:
        assert not notify_all(db, config)[0].ok
        set_link_status(db, ids["a"], "rag-pipeline", "dismissed", "bob")
        [report] = notify_all(db, config, now=_now() + timedelta(minutes=5))
        assert report.line() == "team-hook: sent affects (1 item, 1 asset)"
        assert [r["event"] for r in db.query("SELECT event FROM notifications")] == [f"affects:{ids['b']}:rag-pipeline"]
    finally:
        db.close()
    assert "Item A" not in _bodies(hook)[1]["message"]


def test_digest_messages_defuse_pings_in_both_formats(tmp_path, http_server, monkeypatch):
    http_server.route(HOOK, Reply(body="ok"))
    _config(tmp_path, 'events = ["digest"]')
    url = str(tmp_path / "fw.db")
    db = open_database(url)
    _add_items(db, [("h", HOSTILE, "https://example.com/h", [])], when="2026-11-25T10:00:00Z")
    with db.transaction() as c:
        c.execute("UPDATE items SET relevance = 0.9")                 # a highlight of the week
    db.close()
    base = http_server.base_url.replace("http://", "json://") + HOOK
    for fmt in ("markdown", "html"):
        monkeypatch.setenv("FEEDWATCH_TEST_HOOK", f"{base}?format={fmt}")
        assert main(_cli(tmp_path, url, "digest", "--week", "2026-W48", "--post")) == 0
    md, html = (json.loads(r.body) for r in http_server.requests)
    assert md["title"] == html["title"] == "feedwatch digest 2026-W48"
    assert "<html" not in md["message"] and "<html" in html["message"]
    for text in (md["message"], html["message"]):
        assert "long long" in text
        for ping in ("@channel", "@everyone", "<!here>", "<@U123>", "<script"):
            assert ping not in text, ping
