"""End-to-end ingestion against a real loopback HTTP server: fetch, parse, dedupe, store, record health."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings, strategies as st

from feedwatch.config import parse_config
from feedwatch.ingest.http import HttpFetcher
from feedwatch.ingest.run import FetchRun, select_sources
from feedwatch.storage.db import open_database
from feedwatch.storage.queries import list_items, source_health
from tests.servers.http import Reply, gzip_bomb


def rss(items: list[tuple[str, str, str]], title: str = "Test feed", extra_ns: str = "") -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{guid}</guid>"
        f"<description>&lt;p&gt;About {t}&lt;/p&gt;</description>"
        f"<pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>"
        for guid, t, link in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {extra_ns}><channel><title>{title}</title>'
            f"{body}</channel></rss>")


def arxiv_listing(papers: list[tuple[str, str, str]]) -> str:
    """rss.arxiv.org shape: oai guid with version, abs link without, 'Announce Type' prefix."""
    items = "".join(
        f"<item><title>{title}</title><link>https://arxiv.org/abs/{pid}</link>"
        f"<description>arXiv:{pid}{ver} Announce Type: {kind} \nAbstract: We study {title}.</description>"
        f"<guid isPermaLink=\"false\">oai:arXiv.org:{pid}{ver}</guid><category>cs.CL</category>"
        f"<pubDate>Wed, 25 Nov 2026 00:00:00 -0500</pubDate><arxiv:announce_type>{kind}</arxiv:announce_type>"
        f"<dc:creator>Ada Lovelace, Alan Turing</dc:creator></item>"
        for pid, ver, title, kind in [(p[0], p[1], p[2], "new" if p[1] == "v1" else "replace") for p in papers])
    return ('<?xml version="1.0" encoding="UTF-8"?><rss xmlns:arxiv="http://arxiv.org/schemas/atom" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel><title>cs.CL updates</title>'
            f"{items}</channel></rss>")


def make_config(server, sources: list[dict], **fetch) -> object:
    for s in sources:
        if "path" in s:
            s["url"] = server.url(s.pop("path"))
        s.setdefault("kind", "feed")
    data = {"sources": sources, "fetch": {"timeout": 2, **fetch}}
    return parse_config(data)


@pytest.fixture
def db(db_url):
    database = open_database(db_url)
    yield database
    database.close()


async def fetch(config, db, names=None, **kw):
    fetcher = HttpFetcher(concurrency=4, per_host=4, timeout=config.fetch.timeout,
                          max_body=int(config.fetch.max_body_mb * 1024 * 1024), backoff=0.05, polite_hosts={})
    executor = ThreadPoolExecutor(max_workers=1)
    try:
        async with fetcher:
            run = FetchRun(config, db, fetcher=fetcher, parse_executor=executor)
            summary = await run.run(select_sources(config, names), **kw)
    finally:
        executor.shutdown()
    return {r.name: r for r in summary.results}


async def test_etag_then_304_stores_each_item_once(http_server, db):
    body = rss([("g1", "First", "https://example.org/1"), ("g2", "Second", "https://example.org/2")])
    http_server.route("/feed.xml", Reply(body=body, etag='"v1"', gzip=True))
    config = make_config(http_server, [{"name": "blog", "path": "/feed.xml", "tags": ["lab-blog"]}])

    first = await fetch(config, db)
    assert first["blog"].outcome == "new" and first["blog"].new == 2
    second = await fetch(config, db)
    assert second["blog"].outcome == "not-modified"
    assert http_server.requests[-1].headers.get("if-none-match") == '"v1"'
    assert "gzip" in http_server.requests[0].headers.get("accept-encoding", "")
    assert "feedwatch" in http_server.requests[0].headers.get("user-agent", "")
    items = list_items(db)
    assert [i.title for i in items] == ["Second", "First"] or {i.title for i in items} == {"First", "Second"}
    assert len(items) == 2
    assert items[0].tags == ["lab-blog"]
    assert items[0].summary.startswith("About ")
    health = source_health(db)["blog"]
    assert health.last_status == 304 and health.consecutive_errors == 0 and health.items == 2


async def test_last_modified_conditional_get(http_server, db):
    lm = "Mon, 23 Nov 2026 10:00:00 GMT"
    http_server.route("/f", Reply(body=rss([("a", "A", "https://e.org/a")]), last_modified=lm))
    config = make_config(http_server, [{"name": "f", "path": "/f"}])
    await fetch(config, db)
    again = await fetch(config, db)
    assert again["f"].outcome == "not-modified"
    assert http_server.requests[-1].headers.get("if-modified-since") == lm


async def test_one_bad_source_never_stops_the_others(http_server, db):
    http_server.route("/ok", Reply(body=rss([("a", "Fine", "https://e.org/a")])))
    http_server.route("/500", Reply(status=500, body="boom"))
    http_server.route("/404", Reply(status=404, body="nope"))
    http_server.route("/html", Reply(body="<html><body><p>not a feed</p></body></html>", content_type="text/html"))
    http_server.route("/slow", Reply(body=rss([]), delay=5))
    config = make_config(http_server, [
        {"name": "ok", "path": "/ok"}, {"name": "e500", "path": "/500"}, {"name": "e404", "path": "/404"},
        {"name": "html", "path": "/html"}, {"name": "slow", "path": "/slow"},
        {"name": "down", "url": "http://127.0.0.1:9/feed"}], timeout=1)
    results = await fetch(config, db)
    assert results["ok"].new == 1
    assert results["e500"].outcome == "error" and results["e500"].status == 500
    assert http_server.hits("/500") == 3          # two retries with backoff for a transient 5xx
    assert results["e404"].outcome == "error" and http_server.hits("/404") == 1   # 4xx is not retried
    assert "cannot parse" in results["html"].error
    assert "timed out" in results["slow"].error
    assert "cannot connect" in results["down"].error
    for r in results.values():
        assert r.error is None or "\n" not in r.error
    health = source_health(db)
    assert health["e500"].consecutive_errors == 1 and health["e500"].last_error.startswith("HTTP 500")
    assert health["ok"].consecutive_errors == 0
    failures = {r["source"]: r for r in db.query("SELECT source, status, error FROM fetch_failures")}
    assert set(failures) == {"e500", "e404", "html", "slow", "down"}     # the weekly digest's "sources that failed"
    assert failures["e404"]["status"] == 404 and failures["html"]["error"].startswith("cannot parse")


async def test_retry_after_is_honoured(http_server, db):
    http_server.route("/busy", Reply(status=429, headers={"Retry-After": "1"}),
                      Reply(body=rss([("a", "After wait", "https://e.org/a")])))
    http_server.route("/later", Reply(status=503, headers={"Retry-After": "3600"}))
    config = make_config(http_server, [{"name": "busy", "path": "/busy"}, {"name": "later", "path": "/later"}])
    results = await fetch(config, db)
    assert results["busy"].new == 1
    gap = http_server.requests_for("/busy")[1].time - http_server.requests_for("/busy")[0].time \
        if hasattr(http_server, "requests_for") else None
    busy = [r for r in http_server.requests if r.path == "/busy"]
    assert busy[1].time - busy[0].time >= 0.9
    assert gap is None or gap >= 0.9
    assert results["later"].outcome == "error" and "3600" in results["later"].error
    assert http_server.hits("/later") == 1
    # the next plain fetch respects the server's wish; --force overrides it
    again = await fetch(config, db, names=["later"])
    assert again["later"].outcome == "skipped"
    forced = await fetch(config, db, names=["later"], force=True)
    assert forced["later"].outcome == "error" and http_server.hits("/later") == 2


async def test_oversized_and_gzip_bomb_bodies_are_refused(http_server, db):
    http_server.route("/huge", Reply(body=b"<rss>", generate=300 * 1024 * 1024))
    http_server.route("/bomb", Reply(body=gzip_bomb(200 * 1024 * 1024), raw_body=True,
                                     headers={"Content-Encoding": "gzip"}))
    http_server.route("/ok", Reply(body=rss([("a", "A", "https://e.org/a")])))
    config = make_config(http_server, [{"name": "huge", "path": "/huge"}, {"name": "bomb", "path": "/bomb"},
                                       {"name": "ok", "path": "/ok"}], max_body_mb=2, timeout=10)
    results = await fetch(config, db)
    assert "limit" in results["huge"].error and "limit" in results["bomb"].error
    assert http_server.hits("/huge") == 1          # size refusals are not retried
    assert results["ok"].new == 1


async def test_redirects_followed_and_bounded(http_server, db):
    http_server.route("/old", Reply(redirect="/new", status=301))
    http_server.route("/new", Reply(body=rss([("a", "Moved", "https://e.org/a")])))
    for i in range(8):
        http_server.route(f"/loop{i}", Reply(redirect=f"/loop{i + 1}"))
    config = make_config(http_server, [{"name": "moved", "path": "/old"}, {"name": "loop", "path": "/loop0"}])
    results = await fetch(config, db)
    assert results["moved"].new == 1
    assert "redirect" in results["loop"].error


async def test_refetch_updates_content_but_keeps_user_state(http_server, db):
    http_server.route("/f", Reply(body=rss([("g", "Original title", "https://e.org/p")])),)
    config = make_config(http_server, [{"name": "f", "path": "/f"}])
    await fetch(config, db)
    from feedwatch.storage.triage import set_starred, set_state
    with db.transaction() as c:
        c.execute("UPDATE items SET user_tags = '[\"mine\"]', note = 'keep me'")
    item_id = list_items(db)[0].id
    set_state(db, "ana", [item_id], "read")
    set_starred(db, "ana", [item_id], True)
    http_server.route("/f", Reply(body=rss([("g", "Corrected title", "https://e.org/p")])))
    results = await fetch(config, db)
    assert results["f"].updated == 1 and results["f"].new == 0
    [item] = list_items(db, person="ana")
    assert item.title == "Corrected title"
    assert (item.state, item.starred, item.note) == ("read", 1, "keep me")
    assert "mine" in item.tags
    assert item.change_note == "content changed"


async def test_arxiv_paper_is_one_item_across_listings_and_versions(http_server, db):
    http_server.route("/cl", Reply(body=arxiv_listing([("2611.01234", "v1", "Prompt drift")])))
    http_server.route("/lg", Reply(body=arxiv_listing([("2611.01234", "v1", "Prompt drift"),
                                                        ("2611.05555", "v1", "Other paper")])))
    config = make_config(http_server, [{"name": "arxiv-cl", "path": "/cl", "tags": ["paper"]},
                                       {"name": "arxiv-lg", "path": "/lg"}])
    results = await fetch(config, db)
    assert results["arxiv-cl"].new + results["arxiv-lg"].new == 2
    items = {i.arxiv_id: i for i in list_items(db)}
    assert set(items) == {"2611.01234", "2611.05555"}
    paper = items["2611.01234"]
    assert paper.summary == "We study Prompt drift."
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]
    assert "paper" in paper.tags
    assert {i.id for i in list_items(db, source="arxiv-lg")} == {i.id for i in items.values()}
    # a replacement announces v2: the same item is updated and says so
    http_server.route("/cl", Reply(body=arxiv_listing([("2611.01234", "v2", "Prompt drift, revised")])))
    results = await fetch(config, db, names=["arxiv-cl"])
    assert results["arxiv-cl"].updated == 1 and results["arxiv-cl"].new == 0
    items = {i.arxiv_id: i for i in list_items(db)}
    assert len(items) == 2
    assert items["2611.01234"].title == "Prompt drift, revised"
    assert items["2611.01234"].change_note == "new version v2 (was v1)"


async def test_canonical_url_dedupes_across_sources_but_not_shared_urls(http_server, db):
    http_server.route("/a", Reply(body=rss([("a1", "Launch post", "https://Lab.example/post/1/?utm_source=rss")])))
    http_server.route("/b", Reply(body=rss([("b1", "Launch post (mirror)", "http://lab.example/post/1")])))
    # deprecations-style: many items, one shared docs URL: they must stay separate
    shared = "https://docs.example/deprecations"
    http_server.route("/dep", Reply(body=rss([(f"d{i}", f"Provider: model-{i}", shared) for i in range(3)])))
    config = make_config(http_server, [{"name": "a", "path": "/a"}, {"name": "b", "path": "/b"},
                                       {"name": "dep", "path": "/dep"}])
    await fetch(config, db, names=["a"])
    await fetch(config, db, names=["b", "dep"])
    titles = sorted(i.title for i in list_items(db))
    assert titles == ["Launch post", "Provider: model-0", "Provider: model-1", "Provider: model-2"]


async def test_include_exclude_patterns_silence_noise(http_server, db):
    http_server.route("/rel", Reply(body=rss([("1", "b7120", "https://e.org/1"), ("2", "b7121", "https://e.org/2"),
                                              ("3", "v0.9.0: big release", "https://e.org/3")])))
    config = make_config(http_server, [{"name": "llama", "path": "/rel", "exclude": [r"^b\d+$"]}])
    results = await fetch(config, db)
    assert results["llama"].new == 1 and results["llama"].filtered == 2
    assert [i.title for i in list_items(db)] == ["v0.9.0: big release"]


async def test_hostile_text_is_cleaned_on_ingest(http_server, db):
    title = "Evil \x1b[31mred\x1b[0m \u202eexe.txt [bold]x[/] [@click=app.quit]y[/]"
    body = rss([("h", title.replace("\x1b", "&#27;"), "javascript:alert(1)")])
    # XML 1.0 forbids most C0 characters, so a real hostile feed is ill-formed: the fallback must cope
    body = body.replace("&#27;", "\x1b")
    http_server.route("/evil", Reply(body=body))
    config = make_config(http_server, [{"name": "evil", "path": "/evil"}])
    results = await fetch(config, db)
    assert results["evil"].new == 1, results["evil"]
    [item] = list_items(db)
    assert "\x1b" not in item.title and "\u202e" not in item.title
    assert "[bold]x[/] [@click=app.quit]y[/]" in item.title
    assert item.url is None


async def test_failed_transaction_leaves_no_half_written_source(db):
    from feedwatch.entry import Entry
    from feedwatch.storage.ingest import write_entries
    entries = [Entry(guid=f"g{i}", title=f"T{i}") for i in range(5)]
    with pytest.raises(RuntimeError):
        with db.transaction() as c:
            write_entries(c, "src", entries, [], "2026-11-27T00:00:00Z")
            raise RuntimeError("killed mid-write")
    assert list_items(db) == []


def test_process_pool_parsing_end_to_end(http_server, tmp_path):
    """The default executor (worker processes) produces the same items as the threaded one."""
    import asyncio
    http_server.route("/f", Reply(body=rss([(f"g{i}", f"Item {i}", f"https://e.org/{i}") for i in range(30)])))
    config = make_config(http_server, [{"name": "f", "path": "/f"}])
    database = open_database(str(tmp_path / "p.db"))
    try:
        summary = asyncio.run(FetchRun(config, database).run(select_sources(config, None)))
        assert summary.new_items == 30
        assert len(list_items(database)) == 30
    finally:
        database.close()


def test_jsonl_items_carry_the_contract_fields(http_server, tmp_path, capsys):
    from feedwatch.cli import main
    http_server.route("/f", Reply(body=rss([("g", "Hello", "https://e.org/x")])))
    cfg = tmp_path / "feeds.toml"
    cfg.write_text(f'[[sources]]\nname = "f"\nkind = "feed"\nurl = "{http_server.url("/f")}"\n')
    dbp = str(tmp_path / "c.db")
    assert main(["--config", str(cfg), "--db", dbp, "fetch"]) == 0
    out = capsys.readouterr().out
    assert "f: new: 1 new" in out and "1 new items" in out
    assert main(["--config", str(cfg), "--db", dbp, "items", "--format", "jsonl"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    for key in ("id", "source", "url", "title", "published", "summary", "authors", "tags", "assets", "state"):
        assert key in record
    assert record["published"] == "2026-11-24T10:00:00Z" and record["state"] == "unread"
    assert main(["--config", str(cfg), "--db", dbp, "sources"]) == 0
    assert "f " in capsys.readouterr().out




@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"https://[a-z0-9.-]{1,12}(:[0-9]{1,5})?(/[a-zA-Z0-9._~%-]{0,8}){0,4}/?(\?[a-z_]{1,6}=[a-z]{0,3})?(#[a-z]{0,4})?",
                     fullmatch=True))
def test_canonical_url_fast_path_matches_the_full_rules(url):
    from feedwatch.storage.ingest import _canonical_url, canonical_url
    assert canonical_url(url) == _canonical_url(url)


def test_fetch_piped_into_head_finishes_quietly(http_server, tmp_path):
    """`feedwatch fetch | head -1`: the reader goes away, the fetch still stores every source, no traceback."""
    import os
    import subprocess
    import sys
    lines = []
    for f in range(20):
        http_server.route(f"/p{f}", Reply(body=rss([(f"p{f}", f"Post {f}", f"https://e.org/p{f}")]), delay=0.05))
        lines.append(f'[[sources]]\nname = "p{f}"\nkind = "feed"\nurl = "{http_server.url(f"/p{f}")}"\n')
    cfg = tmp_path / "feeds.toml"
    cfg.write_text("[fetch]\nconcurrency = 2\n" + "\n".join(lines))
    dbp = str(tmp_path / "pipe.db")
    proc = subprocess.Popen([sys.executable, "-m", "feedwatch.cli", "--config", str(cfg), "--db", dbp, "fetch"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "FEEDWATCH_PARSE": "thread"})
    proc.stdout.readline()
    proc.stdout.close()                     # like `head -1` exiting
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in stderr and "Task exception" not in stderr, stderr
    db = open_database(dbp)
    try:
        assert db.query("SELECT COUNT(*) AS n FROM items")[0]["n"] == 20
    finally:
        db.close()


async def test_workers_fork_up_front_only_when_a_source_has_no_validators(http_server, tmp_path, monkeypatch):
    """A first fetch (no validators) forks the parse workers before the first request; a run where
    every source sends validators forks nothing unless a body actually arrives (a 304-only run)."""
    monkeypatch.setenv("FEEDWATCH_PARSE", "process")
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    http_server.route("/f", Reply(body=rss([("a", "A", "https://e.org/a")]), etag='"v1"'))
    config = make_config(http_server, [{"name": "f", "path": "/f"}])
    db = open_database(str(tmp_path / "fw.db"))
    forked = []
    try:
        for expect_fork in (True, False):
            run = FetchRun(config, db)
            real = run._start_pool

            def start_pool(real=real):
                forked.append(len(http_server.requests))   # requests already made when it forks
                return real()

            run._start_pool = start_pool
            summary = await run.run(select_sources(config, None))
            outcome = summary.results[0].outcome
            assert outcome == ("new" if expect_fork else "not-modified")
            assert (run._pool_start is not None) == expect_fork
    finally:
        db.close()
    assert forked == [0]
    assert len(list_items(db)) == 1


async def test_pooled_connections_are_reused_and_a_dropped_one_is_noticed(http_server):
    """Our stream wrapper answers httpcore's "is this idle connection still usable?": a kept-alive
    connection serves the next request, and one the server dropped meanwhile is replaced, not used."""
    import socket

    http_server.route("/a", Reply(body=rss([("g", "t", "https://e.org/p")])))
    async with HttpFetcher(concurrency=2, per_host=2, timeout=10, retries=0) as fetcher:   # no retry hides it
        pool = fetcher._client._transport._pool
        assert type(pool._network_backend).__name__ == "Backend"   # the cached-socket backend is in use
        for _ in range(4):
            result = await fetcher.get(http_server.base_url + "/a")
            assert result.status == 200
        with http_server._lock:
            conns = list(http_server._conns)
        assert len(conns) == 1
        for conn in conns:   # the server goes away from the idle connection
            conn.shutdown(socket.SHUT_RDWR)
        import asyncio
        await asyncio.sleep(0.1)
        result = await fetcher.get(http_server.base_url + "/a")
        assert result.status == 200
    assert len(http_server.requests) == 5


def test_a_worker_batch_is_one_transaction_and_a_failing_source_fails_alone(tmp_path, monkeypatch):
    """Bodies that queue up while the workers are busy go to one worker as a batch: parsed, then
    stored in one transaction. A source whose storing fails for any reason but the database is
    that source's error only: the batch is stored again one source per transaction."""
    from feedwatch.ingest import worker as ingest_worker
    monkeypatch.setattr(ingest_worker, "_worker_db", None)
    dbp = str(tmp_path / "batch.db")
    database = open_database(dbp)
    config = parse_config({"sources": [{"name": f"s{n}", "kind": "feed", "url": f"https://e.org/{n}"}
                                       for n in range(4)] + [{"name": "bad", "kind": "feed", "url": "https://e.org/b"}]})

    def job(source, broken=False):
        body = b"<html><body>a web page</body></html>" if broken else rss(
            [(f"{source.name}-{i}", f"{source.name} item {i}", f"https://e.org/{source.name}/{i}") for i in range(3)]
        ).encode()
        return (source, source.url, '"v1"', None, 200, "2026-12-03T00:00:00Z", body, source.url, {}, "", None)

    try:
        before = database.change_count()
        jobs = [job(s) for s in config.sources[:3]] + [job(config.sources[3], broken=True)]
        results = ingest_worker.parse_and_store_batch(database.url, jobs)
        assert [r.new for r in results[:3]] == [3, 3, 3]
        assert isinstance(results[3], ingest_worker.ParseFailure)   # unparseable: reported, nothing stored
        assert database.change_count() == before + 1              # three sources, one commit
        assert {r["name"] for r in database.query("SELECT name FROM sources")} == {"s0", "s1", "s2"}

        real = ingest_worker.write_prepared

        def write_prepared(c, source, *args):
            if source == "bad":
                raise KeyError("a bug met by this source's entries")
            return real(c, source, *args)

        monkeypatch.setattr(ingest_worker, "write_prepared", write_prepared)
        results = ingest_worker.parse_and_store_batch(database.url, [job(config.sources[4]), job(config.sources[3])])
        assert results[0].error.startswith("internal error: KeyError") and results[1].error is None
        assert results[1].new == 3
        names = {r["name"] for r in database.query("SELECT name FROM sources")}
        assert names == {"s0", "s1", "s2", "s3"}                  # the good one of the batch is stored
        assert len(list_items(database)) == 12
    finally:
        if ingest_worker._worker_db is not None:
            ingest_worker._worker_db.close()
        database.close()


async def test_due_only_skips_sources_fetched_within_their_interval(http_server, db):
    http_server.route("/f", Reply(body=rss([("a", "A", "https://e.org/a")])))
    config = make_config(http_server, [{"name": "f", "path": "/f", "interval": "6h"}])
    assert (await fetch(config, db))["f"].outcome == "new"
    again = await fetch(config, db, due_only=True)
    assert again["f"].outcome == "skipped" and again["f"].warning.startswith("not due until 20")
    assert http_server.hits("/f") == 1
    assert (await fetch(config, db))["f"].outcome in ("unchanged", "not-modified")   # a plain fetch still fetches
