"""The bundled demo dataset (feedwatch.demo) and `feedwatch demo`."""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from feedwatch.cli import main
from feedwatch.config import SOURCE_KINDS, bundled_config_path, load_config
from feedwatch.demo import FAILING, HOSTILE_TITLES, LOOPBACK, build_demo
from feedwatch.storage.db import open_database
from feedwatch.storage.queries import list_items, source_health
from feedwatch.storage.triage import NEEDS_EXPERIMENT, View, count
from feedwatch.text import CONTROL_RE, clean_line

TODAY = date(2026, 11, 27)
ME = "ana"   # whose read / starred items the demo holds


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    started = time.perf_counter()
    config = build_demo(path, today=TODAY, person=ME)
    seconds = time.perf_counter() - started
    print(f"\ndemo build took {seconds:.2f} s")
    db = open_database(f"sqlite:///{path}")
    yield config, db, path, seconds
    db.close()


def _snapshot(db) -> dict:
    return {
        "items": db.query("SELECT id, source, guid, title, tags, enrich_tags, user_tags, published, "
                          "first_seen, arxiv_id, arxiv_version, change_note, ai_summary FROM items ORDER BY id"),
        "triage": db.query("SELECT person, item_id, read, starred, hidden FROM item_triage ORDER BY person, item_id"),
        "sources": db.query("SELECT source, guid, item_id FROM item_sources ORDER BY source, guid"),
        "links": db.query("SELECT item_id, asset, status, origin, reason, score FROM asset_links "
                          "ORDER BY item_id, asset"),
        "health": db.query("SELECT name, kind, url, last_attempt, last_success, last_status, last_error, "
                           "consecutive_errors, next_due FROM sources ORDER BY name"),
    }


def test_same_today_gives_the_same_rows(built, tmp_path):
    config, db, _, _ = built
    again_config = build_demo(tmp_path / "again.db", today=TODAY, person=ME)
    again = open_database(f"sqlite:///{tmp_path / 'again.db'}")
    try:
        assert _snapshot(again) == _snapshot(db)
    finally:
        again.close()
    assert again_config == config


def test_other_today_shifts_dates_only(built, tmp_path):
    _, db, _, _ = built
    other = build_demo(tmp_path / "other.db", today=TODAY + timedelta(days=7))
    assert other is not None
    odb = open_database(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        newest = odb.query("SELECT MAX(published) AS m FROM items")[0]["m"]
        assert newest[:10] == (TODAY + timedelta(days=6)).isoformat()
        assert odb.query("SELECT COUNT(*) AS n FROM items")[0]["n"] > 300
    finally:
        odb.close()


def test_refuses_an_existing_file(tmp_path):
    path = tmp_path / "taken.db"
    path.write_text("mine")
    with pytest.raises(FileExistsError):
        build_demo(path, today=TODAY)
    assert path.read_text() == "mine"


def test_size_and_spread_over_weeks(built):
    _, db, _, _ = built
    rows = db.query("SELECT published, first_seen FROM items")
    assert 300 <= len(rows) <= 400
    published = [datetime.strptime(r["published"], "%Y-%m-%dT%H:%M:%SZ") for r in rows]
    assert max(published).date() < TODAY
    weeks = {p.isocalendar()[:2] for p in published}
    assert len(weeks) >= 3
    recent = [p for p in published if p.date() >= TODAY - timedelta(days=21)]
    assert len(recent) >= 0.9 * len(rows)
    assert all(r["first_seen"] < TODAY.isoformat() for r in rows)


def test_every_source_kind_with_items_and_no_network(built):
    config, db, _, _ = built
    assert {s.kind for s in config.sources} == set(SOURCE_KINDS)
    per_source = {r["source"]: r["n"] for r in db.query(
        "SELECT source, COUNT(*) AS n FROM item_sources GROUP BY source")}
    assert set(per_source) == {s.name for s in config.sources}
    assert all(n > 0 for n in per_source.values())
    for s in config.sources:   # an accidental refresh fails at once instead of fetching
        assert s.fetch_url(config.endpoints).startswith(LOOPBACK + "/")
    urls = [r["url"] for r in db.query("SELECT url FROM items")]
    assert all(u.startswith("https://example.org/") for u in urls)
    assert not config.llm.enabled
    stored = {r["name"]: r["url"] for r in db.query("SELECT name, url FROM sources")}
    assert stored == {s.name: s.fetch_url(config.endpoints) for s in config.sources}


def test_expected_sources_are_there(built):
    config, _, _, _ = built
    repos = {s.repo for s in config.sources if s.kind == "github"}
    assert {"vllm-project/vllm", "ggml-org/llama.cpp", "huggingface/transformers", "openai/openai-python"} <= repos
    names = {s.name for s in config.sources}
    assert {"arxiv-cs-cl", "arxiv-cs-lg", "deprecations-info"} <= names
    assert any(s.kind == "huggingface" for s in config.sources)


def test_tags_and_assets_come_from_the_bundled_config(built):
    config, db, _, _ = built
    bundled = load_config(bundled_config_path())
    assert config.tags == bundled.tags
    assert config.assets == bundled.assets
    used = set()
    for r in db.query("SELECT enrich_tags FROM items"):
        used |= set(json.loads(r["enrich_tags"]))
    assert {"deprecation", "model-release", "inference", "evaluation", "rag", "prompting"} <= used
    assert len(used) >= 10
    assert db.query("SELECT COUNT(*) AS n FROM items WHERE ai_summary IS NULL OR ai_summary = ''")[0]["n"] == 0


def test_arxiv_two_listings_and_a_replacement(built):
    _, db, _, _ = built
    both = db.query("SELECT i.id FROM items i WHERE "
                    "EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = i.id AND s.source = 'arxiv-cs-cl') AND "
                    "EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = i.id AND s.source = 'arxiv-cs-lg')")
    assert both
    via_search = db.query("SELECT COUNT(*) AS n FROM item_sources s WHERE s.source = 'arxiv-prompting' AND "
                          "EXISTS (SELECT 1 FROM item_sources t WHERE t.item_id = s.item_id AND t.source <> s.source)")
    assert via_search[0]["n"] > 0
    v2 = db.query("SELECT arxiv_id, arxiv_version, change_note FROM items WHERE arxiv_version = 2")
    assert v2 and all(r["change_note"] == "new version v2 (was v1)" for r in v2)
    assert db.query("SELECT COUNT(*) AS n FROM items WHERE arxiv_id IS NOT NULL")[0]["n"] >= 150


def test_deprecation_notices_link_to_assets(built):
    _, db, _, _ = built
    deps = list_items(db, source="deprecations-info")
    assert len(deps) >= 15
    assert all(r.extra["_deprecation"]["model_id"] for r in deps)
    by_title = {r.title: r for r in deps}
    gpt = by_title["OpenAI: gpt-4o-mini-2024-07-18"]
    assert {"support-summarizer", "help-center-rag", "release-notes-eval"} <= set(gpt.assets)
    assert any("deprecation" in link["reason"] for link in gpt.links)
    haiku = by_title["Anthropic: claude-3-5-haiku-20241022"]
    assert {"support-summarizer", "release-notes-eval"} <= set(haiku.assets)


def test_links_in_every_state(built):
    config, db, _, _ = built
    by_status = {(r["status"], r["origin"]): r["n"] for r in db.query(
        "SELECT status, origin, COUNT(*) AS n FROM asset_links GROUP BY status, origin")}
    assert by_status.get(("suggested", "rule"), 0) > 50
    assert by_status.get(("confirmed", "rule"), 0) >= 3
    assert by_status.get(("dismissed", "rule"), 0) >= 2
    assert by_status.get(("confirmed", "user"), 0) >= 1
    linked = {r["asset"] for r in db.query("SELECT DISTINCT asset FROM asset_links")}
    assert linked == {a.name for a in config.assets}
    events = " ".join(r["reason"] for r in db.query("SELECT reason FROM asset_links"))
    assert "announces a release or new version of" in events and "deprecation" in events
    decided = db.query("SELECT updated_by FROM asset_links WHERE status <> 'suggested'")
    assert all(r["updated_by"] for r in decided)


def test_triage_state(built):
    _, db, _, _ = built
    read = "SELECT item_id FROM item_triage WHERE person = :p AND read = 1"
    total = db.query("SELECT COUNT(*) AS n FROM items")[0]["n"]
    n_read = db.query(f"SELECT COUNT(*) AS n FROM ({read}) r", {"p": ME})[0]["n"]
    assert 0 < n_read < total
    week_ago = (TODAY - timedelta(days=7)).isoformat()
    older = db.query(f"SELECT id, id IN ({read}) AS is_read FROM items WHERE published < :t", {"t": week_ago, "p": ME})
    share = sum(bool(r["is_read"]) for r in older) / len(older)
    assert 0.3 <= share <= 0.5
    assert db.query(f"SELECT COUNT(*) AS n FROM items WHERE id IN ({read}) AND published >= :t",
                    {"t": week_ago, "p": ME})[0]["n"] == 0
    assert 3 <= count(db, View("starred"), ME) <= 15
    stories = db.query("SELECT COUNT(*) AS n FROM items WHERE story_lead = 1")[0]["n"]      # lists count stories
    read_stories = db.query(f"SELECT COUNT(*) AS n FROM items WHERE story_lead = 1 AND id IN ({read})",
                            {"p": ME})[0]["n"]
    assert stories < total and count(db, View("inbox"), ME) == stories - read_stories
    assert 1 <= count(db, View("starred"), "ben") < count(db, View("starred"), ME)   # a colleague's stars
    assert count(db, View("inbox"), "ben") == stories                                 # ... and their own inbox
    assert 3 <= count(db, View("needs-experiment"), ME) <= 10
    tagged = db.query("SELECT user_tags FROM items WHERE user_tags <> '[]'")
    assert all(json.loads(r["user_tags"]) == [NEEDS_EXPERIMENT] for r in tagged)
    assert count(db, View("affects"), ME) > 0


def test_source_health_shows_failures(built):
    config, db, _, _ = built
    health = source_health(db)
    assert set(health) == {s.name for s in config.sources}
    failing = {name for name, h in health.items() if h.consecutive_errors}
    assert failing == set(FAILING) and 1 <= len(failing) <= 2
    for name in failing:
        h = health[name]
        assert h.last_error and h.last_status in (429, 503)
        assert h.last_success < h.last_attempt
    assert all(h.last_success and h.last_status == 200 for n, h in health.items() if n not in failing)


def test_hostile_titles_are_stored_literally(built):
    _, db, _, _ = built
    titles = [r["title"] for r in db.query("SELECT title FROM items")]
    for raw in HOSTILE_TITLES:
        assert clean_line(raw) in titles
    joined = "\n".join(titles)
    for markup in ("[bold]URGENT[/]", "[@click=app.quit]Free GPU credits[/]", "evals [/] and",
                   "[b]Untrusted[/b]", "[link=https://evil.example]more[/link]"):
        assert markup in joined
    assert "GPU invoice for October gpj.exe" in titles
    assert "SECURITY: API keys leaked in public notebooks" in titles
    assert not any(CONTROL_RE.search(t) or "\x1b" in t for t in titles)


async def test_builds_from_inside_an_event_loop(tmp_path):
    config = build_demo(tmp_path / "loop.db", today=TODAY)
    db = open_database(f"sqlite:///{tmp_path / 'loop.db'}")
    try:
        assert db.query("SELECT COUNT(*) AS n FROM items WHERE enriched_key IS NULL")[0]["n"] == 0
    finally:
        db.close()
    assert config.sources


def test_cli_demo_without_a_terminal_keeps_a_usable_database(tmp_path, capsys):
    path = tmp_path / "kept" / "demo.db"
    assert main(["demo", "--keep", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "needs a terminal" in out and str(path) in out
    db = open_database(str(path))
    try:
        from feedwatch.identity import current_user
        rows = list_items(db, person=current_user(None), query="is:starred")   # the demo's triage is the runner's
        assert rows and all(r.starred for r in rows)
        assert 300 <= db.query("SELECT COUNT(*) AS n FROM items")[0]["n"] <= 400
    finally:
        db.close()
    assert main(["--db", str(path), "items", "--limit", "5"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 5
    assert main(["demo", "--keep", str(path)]) == 2   # never overwrites a file
    assert "already exists" in capsys.readouterr().err


def test_cli_demo_in_a_temporary_directory(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "needs a terminal" in out and "--keep" in out
    built_at = Path(out.split("built at ", 1)[1].split(" (", 1)[0])
    assert not built_at.exists()   # the temporary directory is gone


def test_experiments_in_every_state_linked_to_items_and_assets(built):
    from feedwatch.storage import experiments as xp
    _, db, _, _ = built
    found = xp.list_experiments(db)
    assert {e.status for e in found} == {"proposed", "running", "done", "abandoned"}
    done = next(e for e in found if e.status == "done")
    assert done.outcome == "improved" and done.items and done.assets == ["support-summarizer"]
    assert done.links and len(done.history) >= 5
