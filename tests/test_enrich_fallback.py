"""A failing LLM never leaves items bare: the offline enrichment lands at once, the LLM's replaces it.

Against the real loopback OpenAI-compatible server: every batch fails (HTTP 500, 429, malformed or
truncated JSON), then the server recovers.
"""

from __future__ import annotations

from datetime import UTC

import pytest

from feedwatch.cli import main
from feedwatch.enrich.run import enrich
from feedwatch.enrich.waiting import waiting_line
from feedwatch.storage.enrichment import set_link_status
from tests.servers.openai_server import ChatReply
from tests.test_enrich import ENTRIES, answer_for, by_guid, config, db, llm_settings  # noqa: F401

FAILURES = {
    "http-500": lambda server: server.script(*[ChatReply(status=500)] * 8),
    "http-429": lambda server: server.script(*[ChatReply(status=429, headers={"retry-after": "0"})] * 8),
    "malformed-body": lambda server: server.script(*[ChatReply(body=b"{not json")] * 8),
    "truncated-json": lambda server: setattr(server, "responder", lambda r: '{"items": [{"id": 1, "summ'),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
async def test_offline_enrichment_stands_in_until_the_llm_recovers(db, llm_server, failure):
    FAILURES[failure](llm_server)
    cfg = config(llm_settings(llm_server))
    s = await enrich(cfg, db, environ={}, max_retries=0)
    assert (s.done, s.failed, s.waiting) == (0, 4, 4) and s.waiting_until

    # in between: the offline summary, vocabulary tags and rule-based links are there at once
    items = by_guid(db)
    assert items["rel"].ai_summary.startswith("Today we release GPT-4o mini")
    assert "model-release" in items["rel"].tags
    dep_link = items["dep"].links[0]
    assert (dep_link["asset"], dep_link["origin"]) == ("support-summarizer", "rule")
    assert "deprecation" in dep_link["reason"]
    rows = db.query("SELECT enrich_state, enriched_key, enrich_error FROM items")
    assert all(r["enrich_state"] == "pending" and r["enriched_key"] is None and r["enrich_error"] for r in rows)

    # the user decides on links meanwhile
    set_link_status(db, items["dep"].id, "support-summarizer", "confirmed", "ben")
    set_link_status(db, items["rel"].id, "support-summarizer", "dismissed", "ana")

    llm_server._script.clear()
    llm_server.responder = answer_for
    backed_off = await enrich(cfg, db, environ={}, max_retries=0)
    assert backed_off.calls == 0 and backed_off.waiting == 4      # the backoff holds without --now
    calls = llm_server.calls()
    s = await enrich(cfg, db, environ={}, max_retries=0, now=True)
    assert (s.done, s.failed, s.waiting) == (4, 0, 0) and llm_server.calls() == calls + 1

    # afterwards: the LLM's answer replaced the offline one; the user's decisions stand
    items = by_guid(db)
    assert all(i.ai_summary.startswith("Summary. ") for i in items.values())
    assert "prompting" in items["noise"].tags
    llm_link = next(x for x in items["noise"].links if x["asset"] == "rag-pipeline")
    assert llm_link["origin"] == "llm"
    dep = {x["asset"]: x for x in items["dep"].links}
    assert dep["support-summarizer"]["status"] == "confirmed" and dep["support-summarizer"]["updated_by"] == "ben"
    assert "support-summarizer" not in items["rel"].assets    # dismissed stays dismissed
    rows = db.query("SELECT enrich_state, enrich_error FROM items")
    assert all(r["enrich_state"] == "done" and r["enrich_error"] is None for r in rows)


def test_enrich_says_how_many_wait_and_now_retries(tmp_path, llm_server, capsys):
    cfg = tmp_path / "feeds.toml"
    cfg.write_text(f'[llm]\nenabled = true\nbase_url = "{llm_server.base_url}/v1"\nbatch_size = 4\ntimeout = 2\n'
                   '[[tags]]\nname = "prompting"\nkeywords = ["prompt"]\n', encoding="utf-8")
    dbfile = tmp_path / "f.db"
    from feedwatch.storage.db import open_database
    from feedwatch.storage.ingest import write_entries
    database = open_database(str(dbfile))
    with database.transaction() as c:
        write_entries(c, "src", ENTRIES, [], "2026-11-27T00:00:00Z")
    database.close()
    args = ["--config", str(cfg), "--db", str(dbfile), "enrich"]

    llm_server.script(*[ChatReply(status=500)] * 3)             # the client's 2 retries fail too
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    waiting = [x for x in lines if "wait for the LLM" in x]
    assert len(waiting) == 1 and waiting[0].startswith("4 items wait for the LLM until ")
    assert "UTC" in waiting[0] and "--now" in waiting[0]

    llm_server.responder = lambda r: answer_for(r).replace('"rag-pipeline"', '"x"')
    assert main(args) == 0                                       # backed off: nothing asked
    assert "4 items wait for the LLM" in capsys.readouterr().out and llm_server.calls() == 3
    assert main([*args, "--now"]) == 0
    out = capsys.readouterr().out
    assert "4 done" in out and "wait for the LLM" not in out and llm_server.calls() == 4


def test_waiting_line_names_the_day_when_it_is_not_today():
    from datetime import datetime
    now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    assert waiting_line(1, "2026-12-03T10:05:00Z", now).startswith("1 item waits for the LLM until 10:05 UTC,")
    assert " until 2026-12-04 09:00 UTC," in waiting_line(7, "2026-12-04T09:00:00Z", now)


async def test_a_failed_redo_keeps_the_llm_enrichment_in_force(db, llm_server):
    llm_server.responder = answer_for
    cfg = config(llm_settings(llm_server))
    assert (await enrich(cfg, db, environ={}, max_retries=0)).done == 4
    llm_server.responder = None
    llm_server.script(*[ChatReply(status=500)] * 4)
    with db.transaction() as c:      # as after a prompt change: the enrichment in force is another version's
        c.execute("UPDATE items SET enriched_key = REPLACE(enriched_key, 'llm:', 'llm-old:')")
        c.execute("DELETE FROM enrichments")   # and no cached answer for the new one
    s = await enrich(cfg, db, environ={}, max_retries=0, redo=True)
    assert s.failed == 4 and s.waiting == 4
    items = by_guid(db)
    assert all(i.ai_summary.startswith("Summary. ") for i in items.values())   # not the offline summary
    assert any(x["origin"] == "llm" for x in items["noise"].links)
