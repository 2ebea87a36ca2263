"""Team mode on both backends: each person's own triage state, shared tags, links and experiments,
and the change counter an open app polls to see other people's writes."""

from __future__ import annotations

import threading

import pytest

from feedwatch.entry import Entry
from feedwatch.identity import current_user, login_name
from feedwatch.storage import triage
from feedwatch.storage.db import open_database
from feedwatch.storage.enrichment import set_link_status
from feedwatch.storage.ingest import write_entries
from feedwatch.storage.queries import list_items
from feedwatch.storage.triage import View


@pytest.fixture
def db(db_url):
    database = open_database(db_url)
    yield database
    database.close()


def add(db, source: str, guids: list[str], day: int = 1) -> dict[str, int]:
    entries = [Entry(guid=g, title=f"Item {g}", url=f"https://example.org/{source}/{g}",
                     published=f"2026-11-{day + n:02d}T09:00:00Z") for n, g in enumerate(guids)]
    with db.transaction() as c:
        write_entries(c, source, entries, [], "2026-11-27T00:00:00Z")
    return {r["guid"]: r["item_id"] for r in db.query("SELECT guid, item_id FROM item_sources")}


def test_each_person_has_their_own_inbox(db):
    ids = add(db, "blog", ["a", "b", "c", "d"])
    triage.set_state(db, "ana", [ids["a"], ids["b"]], "read")
    triage.set_starred(db, "ana", [ids["c"]], True)
    triage.set_hidden(db, "ben", [ids["d"]], True)
    triage.set_state(db, "ben", [ids["c"]], "read")

    def inbox(person):
        return sorted(r.id for r in triage.page(db, View("inbox"), person))
    assert inbox("ana") == [ids["c"], ids["d"]]
    assert inbox("ben") == [ids["a"], ids["b"]]
    assert inbox("chen") == sorted(ids.values())            # a newcomer sees everything unread
    assert [r.id for r in triage.page(db, View("starred"), "ana")] == [ids["c"]]
    assert triage.page(db, View("starred"), "ben") == []
    assert [r.id for r in triage.page(db, View("hidden"), "ben")] == [ids["d"]]
    assert ids["d"] not in [r.id for r in triage.page(db, View("all"), "ben")]
    assert ids["d"] in [r.id for r in triage.page(db, View("all"), "ana")]

    rows = {r.id: r for r in triage.page(db, View("all"), "ana")}
    assert (rows[ids["a"]].state, rows[ids["c"]].state, rows[ids["c"]].starred) == ("read", "unread", 1)
    c_for_ben = triage.item_detail(db, ids["c"], "ben")
    assert (c_for_ben["state"], c_for_ben["starred"], c_for_ben["starred_by"]) == ("read", 0, ["ana"])

    assert triage.counts(db, "ana")["inbox"] == 2 and triage.counts(db, "ana")["starred"] == 1
    ben = triage.counts(db, "ben")
    assert (ben["inbox"], ben["hidden"], ben["source:blog"]) == (2, 1, 2)
    for person in ("ana", "ben", "chen"):
        assert triage.counts(db, person)["inbox"] == triage.count(db, View("inbox"), person)

    triage.set_state(db, "ana", [ids["a"]], "unread")          # an upsert: the row exists, one flag changes
    triage.set_hidden(db, "ben", [ids["d"]], False)
    assert inbox("ana") == [ids["a"], ids["c"], ids["d"]]
    assert triage.item_detail(db, ids["c"], "ana")["starred"] == 1
    assert inbox("ben") == [ids["a"], ids["b"], ids["d"]]
    with pytest.raises(ValueError):
        triage.set_state(db, "ana", [ids["a"]], "archived")


def test_tags_links_and_list_output_are_shared_state_is_not(db):
    ids = add(db, "blog", ["a"])
    triage.set_user_tags(db, ids["a"], ["eval"])
    set_link_status(db, ids["a"], "support-bot", "confirmed", "ana")
    triage.set_state(db, "ana", [ids["a"]], "read")
    for person in ("ana", "ben"):
        [row] = list_items(db, person=person)
        assert "eval" in row.tags and row.assets == ["support-bot"]
        assert row.links[0]["updated_by"] == "ana"
        assert row.state == ("read" if person == "ana" else "unread")


def test_triage_of_unknown_items_is_ignored(db):
    ids = add(db, "blog", ["a"])
    triage.set_state(db, "ana", [ids["a"], 999_999], "read")    # an item deleted meanwhile: no orphan row
    assert db.query("SELECT item_id FROM item_triage") == [{"item_id": ids["a"]}]
    with db.transaction() as c:
        c.execute("DELETE FROM items WHERE id = :id", {"id": ids["a"]})
    assert db.query("SELECT item_id FROM item_triage") == []    # cascades with its item


def test_every_committed_write_moves_the_change_counter(db_url, db):
    """An app polls `change_count`: any other connection's write moves it, reads never do."""
    other = open_database(db_url)
    try:
        start = db.change_count()
        ids = add(other, "blog", ["a"])
        after_fetch = db.change_count()
        assert after_fetch > start
        db.query("SELECT COUNT(*) AS n FROM items")
        triage.page(other, View("inbox"), "ben")
        assert db.change_count() == after_fetch
        triage.set_starred(other, "ben", [ids["a"]], True)
        assert db.change_count() > after_fetch
        before = db.change_count()
        with pytest.raises(RuntimeError):
            with other.transaction() as c:   # rolled back: nothing committed, nothing to notice
                c.execute("UPDATE items SET note = 'x'")
                raise RuntimeError("boom")
        assert db.change_count() == before
    finally:
        other.close()


def test_concurrent_triage_from_several_people_loses_nothing(db_url, db):
    """Several people (threads, each with its own connection) triage the same items at once."""
    ids = sorted(add(db, "blog", [f"g{n}" for n in range(40)]).values())
    people = ["ana", "ben", "chen", "dee"]
    errors: list[BaseException] = []

    def work(person: str) -> None:
        mine = open_database(db_url)
        try:
            for n, item in enumerate(ids):
                triage.set_state(mine, person, [item], "read")
                if n % 3 == 0:
                    triage.set_starred(mine, person, [item], True)
        except BaseException as exc:   # reported by the main thread
            errors.append(exc)
        finally:
            mine.close()
    threads = [threading.Thread(target=work, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = db.query("SELECT person, COUNT(*) AS n, SUM(read) AS r, SUM(starred) AS s FROM item_triage "
                    "GROUP BY person ORDER BY person")
    assert rows == [{"person": p, "n": 40, "r": 40, "s": 14} for p in people]


def test_who_the_user_is():
    class Cfg:
        user = "ana"
    assert current_user(Cfg()) == "ana"
    assert current_user(None) == login_name() and login_name()


def test_a_decision_made_while_enrichment_runs_is_kept(db):
    """The enricher read the links before a colleague confirmed one (another process, PostgreSQL's
    READ COMMITTED): its write, planned from that stale read, must not undo the decision."""
    from feedwatch.enrich.base import LinkSuggestion as Link
    from feedwatch.storage.enrichment import replace_suggestions
    ids = add(db, "blog", ["a"])
    with db.transaction() as c:
        replace_suggestions(c, ids["a"], [Link("support-bot", "mentions gpt-4o-mini", 0.9, "rule"),
                                          Link("rag-pipeline", "shares a topic", 0.4, "rule")], "2026-11-27T00:00:00Z")
    stale = {r["asset"]: r for r in db.query("SELECT item_id, asset, status, origin FROM asset_links")}
    set_link_status(db, ids["a"], "support-bot", "confirmed", "ana")
    set_link_status(db, ids["a"], "rag-pipeline", "dismissed", "ben")
    with db.transaction() as c:   # the enricher now drops one suggestion and rewords the other
        replace_suggestions(c, ids["a"], [Link("rag-pipeline", "reworded", 0.5, "rule")], "2026-11-28T00:00:00Z",
                            current=stale)
    rows = {r["asset"]: r for r in db.query("SELECT asset, status, reason, updated_by FROM asset_links")}
    assert rows["support-bot"]["status"] == "confirmed" and rows["support-bot"]["updated_by"] == "ana"
    assert rows["rag-pipeline"]["status"] == "dismissed" and rows["rag-pipeline"]["reason"] == "shares a topic"


def test_two_people_editing_tags_at_once_keep_both_edits(db):
    ids = add(db, "blog", ["a"])
    triage.set_user_tags(db, ids["a"], ["eval"])
    ana_saw = ben_saw = ["eval"]
    assert triage.set_user_tags(db, ids["a"], ["eval", "urgent"], before=ana_saw) == ["eval", "urgent"]
    # ben's editor still shows ["eval"]: he removes it and adds his own; ana's "urgent" survives
    assert triage.set_user_tags(db, ids["a"], ["later"], before=ben_saw) == ["later", "urgent"]
    assert triage.set_user_tags(db, ids["a"], ["only"]) == ["only"]          # without `before`: replaced
    assert triage.set_user_tags(db, 999_999, ["x"]) == []
