"""Experiments: lifecycle, history, links, items/assets, optimistic concurrency, hostile text, the CLI;
and the fetch-failure log the weekly digest reads."""

from __future__ import annotations

import json

import pytest

from feedwatch.cli import main
from feedwatch.storage import experiment_rules as rules, experiments as xp
from feedwatch.storage.db import open_database
from feedwatch.storage.health import failures_between, failures_by_source, prune_fetch_failures, record_fetch_failure


@pytest.fixture
def db(db_url):
    d = open_database(db_url)
    try:
        yield d
    finally:
        d.close()


def add_items(db, *titles) -> list[int]:
    with db.transaction() as c:
        return [c.execute("INSERT INTO items (source, guid, title, first_seen, content_hash) "
                          "VALUES ('s', :g, :t, '2026-11-01T00:00:00Z', 'h') RETURNING id",
                          {"g": f"g-{t}", "t": t})[0]["id"] for t in titles]


def whats(e: xp.Experiment) -> list[str]:
    return [h["what"] for h in e.history]


def test_lifecycle_keeps_history_and_times(db):
    [paper] = add_items(db, "Chain of thought")
    e = xp.create(db, "  Try   CoT\n on the summarizer ", "CoT improves recall", items=[paper],
                  assets=["summarizer"], owner="alice", now="2026-11-02T09:00:00Z")
    assert (e.title, e.status, e.outcome, e.owner, e.version) == ("Try CoT on the summarizer", "proposed", None,
                                                                 "alice", 1)
    assert (e.items, e.assets, e.created_at, e.closed_at) == ([paper], ["summarizer"], "2026-11-02T09:00:00Z", None)
    assert e.next_statuses == ("running", "abandoned") and not e.is_final

    e = xp.transition(db, e.id, "running", "bob", expected_version=1, now="2026-11-03T10:00:00Z")
    e = xp.add_note(db, e.id, "Baseline: 0.71\n\n- run 1: **0.74**", "bob", now="2026-11-03T11:00:00Z")
    e = xp.add_note(db, e.id, "second note", "alice", now="2026-11-04T08:00:00Z")
    e = xp.add_link(db, e.id, "https://wandb.ai/team/proj/runs/abc123", "bob", now="2026-11-04T09:00:00Z")
    e = xp.add_link(db, e.id, "https://ci.example.com/promptfoo/eval/1", "bob", label="eval  report",
                    now="2026-11-04T09:30:00Z")
    e = xp.close(db, e.id, "improved", "Recall +3 points", "alice", now="2026-11-05T12:00:00Z")

    got = xp.get(db, e.id)
    assert got == e
    assert (got.status, got.outcome, got.results, got.version) == ("done", "improved", "Recall +3 points", 7)
    assert (got.closed_at, got.updated_at) == ("2026-11-05T12:00:00Z", "2026-11-05T12:00:00Z")
    assert got.is_final and got.next_statuses == ()
    assert got.notes == ("### 2026-11-03T11:00:00Z (bob)\n\nBaseline: 0.71\n\n- run 1: **0.74**\n\n"
                         "### 2026-11-04T08:00:00Z (alice)\n\nsecond note\n")
    assert [(link["url"], link["label"]) for link in got.links] == [
        ("https://wandb.ai/team/proj/runs/abc123", "W&B"), ("https://ci.example.com/promptfoo/eval/1", "eval report")]
    assert [(h["who"], h["what"]) for h in got.history] == [
        ("alice", "created"),
        ("bob", "status proposed -> running"),
        ("bob", "added a note: Baseline: 0.71 - run 1: **0.74**"),
        ("alice", "added a note: second note"),
        ("bob", "added link https://wandb.ai/team/proj/runs/abc123 (W&B)"),
        ("bob", "added link https://ci.example.com/promptfoo/eval/1 (eval report)"),
        ("alice", "status running -> done (outcome improved)"),
        ("alice", "results added"),
    ]
    assert got.history[1]["at"] == "2026-11-03T10:00:00Z"

    other = xp.create(db, "Shorter prompt", owner="carol", now="2026-10-01T00:00:00Z")
    xp.transition(db, other.id, "abandoned", "carol", now="2026-11-10T00:00:00Z")
    assert xp.get(db, other.id).closed_at == "2026-11-10T00:00:00Z"
    assert xp.get(db, other.id).outcome is None

    # the digest's window: half-open, by any change in the history
    week = xp.changed_between(db, "2026-11-04T00:00:00Z", "2026-11-11T00:00:00Z")
    assert [(d["id"], d["created_in_window"], d["closed_in_window"]) for d in week] == [
        (other.id, False, True), (e.id, False, True)]
    assert [h["what"] for h in week[1]["changes_in_window"]][-2:] == [
        "status running -> done (outcome improved)", "results added"]
    assert week[1]["outcome"] == "improved"
    assert xp.changed_between(db, "2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z")[0]["created_in_window"]
    assert xp.changed_between(db, "2026-11-11T00:00:00Z", "2026-12-01T00:00:00Z") == []


def test_invalid_changes_are_refused_and_change_nothing(db):
    e = xp.create(db, "Lifecycle", owner="alice")
    cases = [
        (lambda: xp.close(db, e.id, "improved", "r", "bob"), rules.TransitionError,
         f"experiment {e.id} is proposed; it can move to running or abandoned, not done"),
        (lambda: xp.transition(db, e.id, "proposed", "bob"), rules.TransitionError,
         f"experiment {e.id} is already proposed"),
        (lambda: xp.transition(db, e.id, "paused", "bob"), rules.ExperimentError,
         "unknown status 'paused' (one of proposed, running, done, abandoned)"),
        (lambda: xp.add_note(db, e.id, " \n\x1b[0m ", "bob"), rules.ExperimentError, "the note is empty"),
        (lambda: xp.transition(db, 999, "running", "bob"), rules.NotFoundError, "no experiment with id 999"),
        (lambda: xp.update_fields(db, e.id, "bob", None, title=" \t"), rules.ExperimentError,
         "an experiment needs a title"),
    ]
    for call, kind, message in cases:
        with pytest.raises(kind) as info:
            call()
        assert str(info.value) == message

    xp.transition(db, e.id, "running", "alice")
    with pytest.raises(rules.TransitionError, match=r"needs an outcome to be done: close it as improved, regressed, "
                                                 r"no-change or inconclusive"):
        xp.transition(db, e.id, "done", "bob")
    with pytest.raises(rules.ExperimentError, match=r"unknown outcome 'great' \(one of improved, regressed, "
                                                 r"no-change, inconclusive\)"):
        xp.close(db, e.id, "great", None, "bob")
    # an invalid part of a combined change rolls back the valid parts (assets are written before the status check)
    with pytest.raises(rules.TransitionError, match=f"^experiment {e.id} is running; it can move to done or abandoned, "
                                                 "not proposed$"):
        xp.update(db, e.id, "bob", assets=["router"], note="kept?", status="proposed")
    with pytest.raises(rules.ExperimentError, match="not an http"):
        xp.update(db, e.id, "bob", note="kept?", link="ftp://files.example.com/run")
    xp.close(db, e.id, "no-change", None, "alice")
    for status in ("running", "abandoned", "proposed"):
        with pytest.raises(rules.TransitionError) as info:
            xp.transition(db, e.id, status, "bob")
        assert str(info.value) == f"experiment {e.id} is done; a finished experiment cannot move to {status}"
    with pytest.raises(rules.TransitionError, match=f"^experiment {e.id} is already done$"):
        xp.close(db, e.id, "improved", None, "bob")

    after = xp.get(db, e.id)
    assert (after.status, after.outcome, after.notes, after.assets, after.version) == ("done", "no-change", "", [], 3)
    assert whats(after) == ["created", "status proposed -> running", "status running -> done (outcome no-change)"]


def test_links_must_be_http(db):
    e = xp.create(db, "Links", owner="a")
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/run", "data:text/html,hi", "", "wandb.ai/x",
                "http://"):
        with pytest.raises(rules.ExperimentError, match=r"not an http\(s\) URL: .*links must start with http:// or "
                                                     r"https://") as info:
            xp.add_link(db, e.id, bad, "a")
        assert "\n" not in str(info.value)
    e = xp.add_link(db, e.id, "  HTTPS://mlflow.internal.example/#/experiments/4/runs/9  ", "a")
    assert e.links[0]["url"] == "https://mlflow.internal.example/#/experiments/4/runs/9"
    assert e.links[0]["label"] == "MLflow"
    with pytest.raises(rules.ExperimentError, match="already links"):
        xp.add_link(db, e.id, "https://mlflow.internal.example/#/experiments/4/runs/9", "a")
    assert rules.guess_label("https://app.promptfoo.dev/eval/abc") == "promptfoo"
    assert rules.guess_label("https://example.com/x") == ""
    assert len(xp.get(db, e.id).links) == 1


def test_items_and_assets_link_and_filter(db):
    a, b, c = add_items(db, "Paper A", "Paper B", "Paper C")
    with pytest.raises(rules.ExperimentError) as info:
        xp.create(db, "Bad items", items=[a, 99998, 99999])
    assert str(info.value) == "no item with id 99998, 99999"
    assert xp.list_experiments(db) == []      # nothing half-created

    e1 = xp.create(db, "One", items=[a, b, a], assets=["summarizer", "summarizer"], owner="x",
                   now="2026-11-01T00:00:00Z")
    e2 = xp.create(db, "Two", items=[b], assets=["router"], owner="x", now="2026-11-02T00:00:00Z")
    assert (e1.items, e1.assets) == ([a, b], ["summarizer"])
    xp.transition(db, e2.id, "running", "x", now="2026-11-03T00:00:00Z")

    assert [e.id for e in xp.list_experiments(db)] == [e2.id, e1.id]          # most recently changed first
    assert [e.id for e in xp.list_experiments(db, status="running")] == [e2.id]
    assert [e.id for e in xp.list_experiments(db, status="Proposed")] == [e1.id]
    assert [e.id for e in xp.list_experiments(db, asset="summarizer")] == [e1.id]
    assert [e.id for e in xp.list_experiments(db, asset="router", status="proposed")] == []
    assert [e.id for e in xp.list_experiments(db, item=b)] == [e2.id, e1.id]
    assert [r["title"] for r in xp.linked_items(db, e1.id)] == ["Paper A", "Paper B"]

    e1 = xp.update_fields(db, e1.id, "y", e1.version, items=[b, c], assets=["router", "new-pipeline"],
                          owner="y", hypothesis="H2")
    assert (e1.items, e1.assets, e1.owner, e1.hypothesis, e1.version) == ([b, c], ["new-pipeline", "router"],
                                                                         "y", "H2", 2)
    assert whats(e1)[1:] == ["hypothesis changed", "owner x -> y", f"linked item {c}", f"unlinked item {a}",
                             "linked assets new-pipeline, router", "unlinked asset summarizer"]
    same = xp.update_fields(db, e1.id, "y", e1.version, items=[c, b], owner="y")
    assert same.version == e1.version and len(same.history) == len(e1.history)   # no change, no bump

    with db.transaction() as conn:      # deleting an item unlinks it from experiments
        conn.execute("DELETE FROM items WHERE id = :id", {"id": c})
    assert xp.get(db, e1.id).items == [b]


def test_second_save_of_a_stale_read_is_refused(db_url):
    """Two people read version 1; the first save wins, the second is told and nothing is overwritten."""
    alice_db, bob_db = open_database(db_url), open_database(db_url)
    try:
        e = xp.create(alice_db, "Shared", "first hypothesis", owner="alice")
        alice_view, bob_view = xp.get(alice_db, e.id), xp.get(bob_db, e.id)
        saved = xp.update_fields(alice_db, e.id, "alice", alice_view.version, title="Alice's title")
        assert saved.version == 2
        for stale_save in (
            lambda: xp.update_fields(bob_db, e.id, "bob", bob_view.version, title="Bob's title", hypothesis="bob"),
            lambda: xp.transition(bob_db, e.id, "running", "bob", expected_version=bob_view.version),
            lambda: xp.add_note(bob_db, e.id, "bob's note", "bob", expected_version=bob_view.version),
            lambda: xp.add_link(bob_db, e.id, "https://wandb.ai/x/y", "bob", expected_version=bob_view.version),
        ):
            with pytest.raises(rules.ConflictError) as info:
                stale_save()
            message = str(info.value)
            assert "\n" not in message
            assert message == (f"experiment {e.id} was changed by alice at {saved.updated_at} "
                               "(title \"Shared\" -> \"Alice's title\") after you read it (now version 2, you had 1); "
                               "nothing was saved: reload it and try again")
            assert (info.value.expected, info.value.current) == (1, 2)
        now = xp.get(bob_db, e.id)
        assert (now.title, now.hypothesis, now.status, now.notes, now.links, now.version) == (
            "Alice's title", "first hypothesis", "proposed", "", [], 2)
        # after reloading, Bob's save goes through
        assert xp.update_fields(bob_db, e.id, "bob", now.version, hypothesis="bob").version == 3
    finally:
        alice_db.close()
        bob_db.close()


def test_concurrent_saves_of_one_version_let_exactly_one_win(db_url):
    """Real concurrency (threads, one connection each): of N saves of version 1, one wins; unversioned
    changes (the CLI's) all apply, one after another, and never report a conflict."""
    from concurrent.futures import ThreadPoolExecutor

    setup = open_database(db_url)
    e = xp.create(setup, "Race", owner="o")
    dbs = [open_database(db_url) for _ in range(6)]

    def save(n: int):
        try:
            return xp.update_fields(dbs[n], e.id, f"user{n}", 1, title=f"title {n}").title
        except rules.ConflictError:
            return "conflict"

    def note(n: int):
        return xp.add_note(dbs[n], e.id, f"note {n}", f"user{n}").version

    try:
        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(save, range(6)))
            assert sorted(results).count("conflict") == 5
            assert len(list(pool.map(note, range(6)))) == 6
        final = xp.get(setup, e.id)
        assert final.title == next(r for r in results if r != "conflict")
        assert final.version == 1 + 1 + 6
        assert [w for w in whats(final) if w.startswith("title")] == [f'title "Race" -> "{final.title}"']
        assert sorted(final.notes.count(f"note {n}") for n in range(6)) == [1] * 6
    finally:
        for d in dbs + [setup]:
            d.close()


def test_hostile_text_stays_literal(db):
    title = "[bold red]x[/] '; DROP TABLE experiments; -- :id %s $(rm -rf ~) \x1b[31mred\x1b[0m \u202egnp.exe"
    e = xp.create(db, title, "<script>alert(1)</script>\n:hypothesis", owner="[b]eve[/b]",
                  assets=["'; DELETE FROM experiment_assets; --"])
    e = xp.add_note(db, e.id, "# not a heading of ours\n`{{ template }}` :notes %(x)s \x07bell", "o'brien")
    got = xp.get(db, e.id)
    assert got.title == "[bold red]x[/] '; DROP TABLE experiments; -- :id %s $(rm -rf ~) red gnp.exe"
    assert got.hypothesis == "<script>alert(1)</script>\n:hypothesis"
    assert got.owner == "[b]eve[/b]"
    assert got.assets == ["'; DELETE FROM experiment_assets; --"]
    assert got.notes.endswith("(o'brien)\n\n# not a heading of ours\n`{{ template }}` :notes %(x)s bell\n")
    assert [x.title for x in xp.list_experiments(db, asset="'; DELETE FROM experiment_assets; --")] == [got.title]


def test_fetch_failures_by_window(db):
    with db.transaction() as c:
        record_fetch_failure(c, "openai-blog", "2026-11-01T10:00:00Z", 503, "Service Unavailable")
        record_fetch_failure(c, "openai-blog", "2026-11-03T10:00:00Z", None, "timed out\n\x1b[31mafter 30 s")
        record_fetch_failure(c, "arxiv-cl", "2026-11-04T10:00:00Z", 404, "")
        record_fetch_failure(c, "arxiv-cl", "2026-11-09T10:00:00Z", 500, "late")
    week = failures_between(db, "2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z")
    assert [(f["source"], f["status"], f["error"]) for f in week] == [
        ("openai-blog", 503, "Service Unavailable"), ("openai-blog", None, "timed out after 30 s"),
        ("arxiv-cl", 404, "")]
    assert failures_by_source(db, "2026-11-01T00:00:00Z", "2026-11-08T00:00:00Z") == [
        {"source": "openai-blog", "failures": 2, "first_at": "2026-11-01T10:00:00Z", "last_at": "2026-11-03T10:00:00Z",
         "last_status": None, "last_error": "timed out after 30 s"},
        {"source": "arxiv-cl", "failures": 1, "first_at": "2026-11-04T10:00:00Z", "last_at": "2026-11-04T10:00:00Z",
         "last_status": 404, "last_error": ""}]
    with db.transaction() as c:
        prune_fetch_failures(c, "2026-11-04T00:00:00Z")
    assert len(failures_between(db, "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z")) == 2


# --- CLI (SQLite) ---------------------------------------------------------------------------------

@pytest.fixture
def cli(tmp_path, capsys):
    config = tmp_path / "feeds.toml"
    config.write_text('user = "dana"\n\n[[assets]]\nname = "summarizer"\nkind = "prompt"\n')
    dbp = str(tmp_path / "cli.db")

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(["--db", dbp, "--config", str(config), *argv])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return status, out, err

    run.db_path = dbp
    return run


def test_cli_end_to_end(cli):
    db = open_database(cli.db_path)
    try:
        paper, other = add_items(db, "Paper about CoT", "Unrelated")
    finally:
        db.close()
    status, out, err = cli("experiments", "add", "--title", "Try \x1b[2JCoT [b]now[/b]", "--hypothesis", "helps",
                           "--item", str(paper), "--asset", "summarizer", "not-configured")
    assert status == 0 and out == "added experiment 1: Try CoT [b]now[/b]\n"
    assert err == "feedwatch: note: asset 'not-configured' is not in " + str(cli.db_path).rsplit("/", 1)[0] + \
        "/feeds.toml; linked anyway\n"
    status, out, _ = cli("experiments", "add", "--title", "Second", "--owner", "erin", "--item", str(other),
                         str(paper))
    assert status == 0 and out.startswith("added experiment 2:")

    status, out, _ = cli("experiments", "update", "1", "--status", "running", "--note", "went **well**", "--link",
                         "https://wandb.ai/t/p/runs/1")
    assert status == 0
    assert out == ("updated experiment 1 (version 2): status running; note added; "
                   "link https://wandb.ai/t/p/runs/1 added\n")
    status, out, _ = cli("experiments", "close", "1", "--outcome", "improved", "--result", "+3 points")
    assert (status, out) == (0, "closed experiment 1: done, outcome improved\n")

    status, out, _ = cli("experiments", "list")
    lines = out.splitlines()
    assert status == 0 and lines[0].split() == ["id", "status", "outcome", "owner", "updated", "due", "title"]
    rows = {line.split()[0]: line for line in lines[1:]}     # same-second changes: order by id within a second
    assert rows["1"].split()[:4] == ["1", "done", "improved", "dana"] and rows["1"].endswith("Try CoT [b]now[/b]")
    assert rows["2"].split()[:4] == ["2", "proposed", "-", "erin"] and len(rows) == 2
    status, out, _ = cli("experiments", "list", "--status", "proposed", "--format", "jsonl")
    [record] = [json.loads(line) for line in out.splitlines()]
    assert (record["id"], record["items"], record["owner"], record["version"]) == (2, [paper, other], "erin", 1)
    assert set(record) == {"id", "title", "hypothesis", "status", "outcome", "owner", "notes", "results", "created_at",
                           "updated_at", "closed_at", "version", "due", "items", "assets", "links", "history"}
    status, out, _ = cli("experiments", "list", "--asset", "summarizer", "--format", "jsonl")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [1]
    assert cli("experiments", "list", "--asset", "nothing")[1] == "no experiments\n"

    status, out, _ = cli("experiments", "show", "1")
    assert status == 0
    for expected in ("experiment 1: Try CoT [b]now[/b]", "status:     done (outcome: improved)", "owner:      dana",
                     f"  {paper:>6}  Paper about CoT", "  [W&B] https://wandb.ai/t/p/runs/1", "  went **well**",
                     "results:\n  +3 points", "dana: status proposed -> running",
                     "dana: status running -> done (outcome improved)", "assets:     not-configured, summarizer",
                     "hypothesis:\n  helps"):
        assert expected in out, expected
    assert "\x1b" not in out


@pytest.mark.parametrize("argv, status, message", [
    (["show", "7"], 2, "no experiment with id 7"),
    (["show", "x7"], 2, "not an experiment id: 'x7'"),
    (["update", "1", "--status", "running"], 2, "experiment 1 is done; a finished experiment cannot move to running"),
    (["update", "2", "--status", "done"], 2, "experiment 2 is proposed; it can move to running or abandoned, "
                                             "not done"),
    (["update", "2", "--status", "later"], 2, "unknown status 'later' (one of proposed, running, done, abandoned)"),
    (["update", "2", "--link", "javascript:alert(1)"], 2, "not an http(s) URL: 'javascript:alert(1)' (links must "
                                                          "start with http:// or https://)"),
    (["update", "2"], 2, "nothing to update: give --status, --note, --link or --due (finish with `close`)"),
    (["close", "2", "--outcome", "great"], 2, "unknown outcome 'great' (one of improved, regressed, no-change, "
                                              "inconclusive)"),
    (["close", "2", "--outcome", "improved"], 2, "experiment 2 is proposed; it can move to running or abandoned, "
                                                 "not done"),
    (["list", "--status", "open"], 2, "unknown status 'open' (one of proposed, running, done, abandoned)"),
    (["add", "--title", "t", "--item", "12345"], 2, "no item with id 12345"),
    (["add", "--title", "  "], 2, "an experiment needs a title"),
])
def test_cli_errors_are_one_line(cli, argv, status, message):
    assert cli("experiments", "add", "--title", "Done one")[0] == 0
    cli("experiments", "update", "1", "--status", "running")
    cli("experiments", "close", "1", "--outcome", "inconclusive")
    assert cli("experiments", "add", "--title", "Proposed one")[0] == 0
    got, out, err = cli("experiments", *argv)
    assert (got, out, err) == (status, "", f"feedwatch: {message}\n")


def test_cli_conflict_exits_1(cli, monkeypatch):
    assert cli("experiments", "add", "--title", "t")[0] == 0

    def stale(*args, **kwargs):
        raise rules.ConflictError("experiment 1 was changed by bob after you read it; nothing was saved", 1, 1, 2)
    monkeypatch.setattr(xp, "update", stale)
    assert cli("experiments", "update", "1", "--note", "n") == (
        1, "", "feedwatch: experiment 1 was changed by bob after you read it; nothing was saved\n")
