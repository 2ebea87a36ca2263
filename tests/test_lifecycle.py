"""Model lifecycle: catalogue formats, merging and matching, updates over real HTTP, the stack's
schedule and migration proposals (issue 14)."""

from __future__ import annotations

import json
import threading
from datetime import date

import pytest

from feedwatch.cli import main
from feedwatch.lifecycle.catalog import Catalogue
from feedwatch.lifecycle.entries import make_entry
from feedwatch.lifecycle.formats import CatalogFormatError, parse_catalog
from feedwatch.storage.db import open_database
from tests.catalog_docs import KINDS, config_text, real_document
from tests.servers.http import Reply, gzip_bomb

D = date(2026, 9, 1)


# --- formats --------------------------------------------------------------------------------------

def test_litellm_deprecation_date_is_the_shutdown_date_and_alias_of_is_a_pointer():
    entries, tally = parse_catalog("litellm", "litellm", real_document("litellm"))
    by_id = {e.model_id: e for e in entries}
    assert "sample_spec" not in by_id and len(entries) == 4877
    e = by_id["gpt-4o-2024-05-13"]
    assert (e.shutdown_date, e.deprecation_date, e.replacement) == ("2026-10-23", None, "gpt-5.6-sol")
    assert e.source_url == "https://developers.openai.com/api/docs/deprecations"
    alias = by_id["bedrock/claude-opus-latest"]
    assert alias.alias_of == "global.anthropic.claude-opus-5-5" and alias.shutdown_date is None


def test_deprecations_info_empty_shutdown_is_unknown_and_the_json_feed_says_the_same():
    rows, _ = parse_catalog("deprecations-info", "d", real_document("deprecations-info"))
    assert len(rows) == 415
    cohere = [e for e in rows if e.provider == "Cohere" and e.shutdown_date is None]
    assert len(cohere) == 6 and all(e.deprecation_date for e in cohere)
    from tests.catalog_docs import CATALOG
    as_feed, _ = parse_catalog("deprecations-info", "d", (CATALOG / "deprecations-info/v1/feed.json").read_bytes())
    assert {(e.provider, e.model_id, e.shutdown_date) for e in as_feed} == \
        {(e.provider, e.model_id, e.shutdown_date) for e in rows}


def test_modeldeprecations_soft_shutdown_is_not_a_shutdown_and_aliases_are_kept():
    rows, _ = parse_catalog("modeldeprecations", "m", real_document("modeldeprecations"))
    by_id = {e.model_id: e for e in rows}
    haiku45 = by_id["anthropic/claude-haiku-4-5-20251001"]
    assert haiku45.shutdown_date is None and haiku45.earliest_shutdown == "2026-10-15"
    assert haiku45.key == "claude-haiku-4-5-20251001" and haiku45.aliases == ("claude-haiku-4-5",)
    flash = by_id["vertex/gemini-2.5-flash"]
    assert flash.replacement == "gemini-3.5-flash-lite"     # the recommended one of two
    mythos = by_id["anthropic/claude-mythos-preview"]
    assert mythos.status == "deprecated" and not mythos.shutdown_date


def test_models_dev_knows_only_a_deprecated_status():
    rows, _ = parse_catalog("models-dev", "v", real_document("models-dev"))
    by = {(e.provider, e.model_id): e for e in rows}
    assert by[("anthropic", "claude-3-haiku-20240307")].status == "deprecated"
    assert by[("openai", "gpt-4o-mini")].status == "active"
    bedrock = by[("amazon-bedrock", "anthropic.claude-haiku-4-5-20251001-v1:0")]
    assert bedrock.key == "claude-haiku-4-5-20251001"
    assert all(e.shutdown_date is None and e.deprecation_date is None for e in rows)


@pytest.mark.parametrize("kind, doc, message", [
    ("litellm", b"[1, 2]", "expected a JSON object of model ids (LiteLLM), got an array"),
    ("deprecations-info", b'{"a": 1}', "expected a JSON array of deprecations"),
    ("modeldeprecations", b'{"models": {}}', 'expected an object with a "models" array'),
    ("models-dev", b'"x"', "expected a JSON object of providers"),
    ("litellm", b"{not json", "invalid JSON"),
    ("litellm", b"{}", "no models found"),
    ("litellm", b'{"a": 1, "b": "x"}', "no models found (2 malformed entries skipped)"),
])
def test_a_document_of_the_wrong_shape_is_one_line(kind, doc, message):
    with pytest.raises(CatalogFormatError) as exc:
        parse_catalog(kind, "c", doc)
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_hostile_values_are_dropped_or_cleaned_never_stored_half_right():
    doc = json.dumps([
        {"provider": "OpenAI", "model_id": "gpt-4o\x1b[31m\u202e-mini", "shutdown_date": "9999-01-01",
         "deprecation_date": "2026-02-30", "replacement_models": [7, "gpt-5"]},
        {"provider": "OpenAI", "model_id": "x" * 1000, "shutdown_date": "2027-01-01"},
        {"provider": ["OpenAI"], "model_id": 42},
        "not a row",
        {"provider": "OpenAI", "model_id": "gpt-4.1", "shutdown_date": "soon", "url": "javascript:alert(1)"},
        {"provider": "OpenAI", "model_id": "gpt-4.1-nano", "shutdown_date": "2027-01-20T00:00:00Z"},
    ]).encode()
    entries, tally = parse_catalog("deprecations-info", "d", doc)
    assert [e.model_id for e in entries] == ["gpt-4o-mini", "gpt-4.1", "gpt-4.1-nano"]
    first = entries[0]
    assert first.shutdown_date is None and first.deprecation_date is None and first.replacement == "gpt-5"
    assert entries[1].shutdown_date is None and entries[1].source_url is None
    assert entries[2].shutdown_date == "2027-01-20"
    assert tally.dropped == 3 and tally.bad_dates == 3
    assert tally.note() == "3 malformed entries skipped; 3 impossible dates ignored"


# --- matching and merging -------------------------------------------------------------------------

def _cat(*entries):
    return Catalogue(entries, ["md", "di", "ll", "mv"])


def test_spellings_meet_across_provider_prefixes_platform_ids_and_case():
    cat = _cat(make_entry("md", "anthropic/claude-3-5-haiku-20241022", provider="anthropic",
                          shutdown_date="2026-02-19", replacement="claude-haiku-4-5-20251001"))
    for written in ("claude-3-5-haiku-20241022", "anthropic/claude-3-5-haiku-20241022", "CLAUDE-3-5-HAIKU-20241022",
                    "claude-3-5-haiku@20241022", "anthropic.claude-3-5-haiku-20241022-v1:0"):
        life = cat.lifecycle(written, D)
        assert (life.canonical, life.shutdown_date, life.status) == ("claude-3-5-haiku-20241022", "2026-02-19",
                                                                     "retired"), written


def test_conflicting_dates_earliest_wins_and_every_catalogue_is_named():
    cat = _cat(make_entry("ll", "vertex_ai/gemini-2.5-flash", provider="vertex_ai-language-models",
                          shutdown_date="2026-10-20", replacement="gemini-3.6-flash"),
               make_entry("di", "gemini-2.5-flash", provider="Google", shutdown_date="2026-10-16",
                          deprecation_date="2026-06-01", replacement="gemini-3.5-flash"),
               make_entry("md", "vertex/gemini-2.5-flash", provider="vertex", shutdown_date="2026-10-20"))
    life = cat.lifecycle("gemini-2.5-flash", D)
    assert life.shutdown_date == "2026-10-16" and life.replacement == "gemini-3.5-flash"
    assert life.sources == ("md", "di", "ll") and life.status == "deprecated"
    assert life.days_left(D) == 45


def test_a_platform_retiring_its_deployment_does_not_retire_the_vendors_model():
    cat = _cat(make_entry("di", "gpt-4o-mini", provider="Azure", shutdown_date="2026-10-01"),
               make_entry("md", "openai/gpt-4o-mini", provider="openai", status="active"))
    assert cat.lifecycle("gpt-4o-mini", D).status == "active"
    azure = cat.lifecycle("azure/gpt-4o-mini", D)
    assert (azure.status, azure.shutdown_date, azure.provider) == ("deprecated", "2026-10-01", "azure")


def test_a_scanned_cloud_deployment_keeps_its_platforms_dates():
    """A repository that calls "azure/gpt-4o-mini" runs on Azure's schedule, not OpenAI's: the scanner
    keeps the platform, so the asset's model retires when Azure retires it (here a month earlier)."""
    from feedwatch.scan.recognise import Recognizer
    cat = _cat(make_entry("di", "gpt-4o-mini", provider="Azure", shutdown_date="2026-10-01"),
               make_entry("md", "openai/gpt-4o-mini", provider="openai", shutdown_date="2026-11-01"),
               make_entry("md", "anthropic.claude-3-haiku-20240307-v1:0", provider="bedrock",
                          shutdown_date="2026-08-01"),
               make_entry("md", "anthropic/claude-3-haiku-20240307", provider="anthropic", shutdown_date="2026-12-01"))
    r = Recognizer()
    for written, shutdown in (("azure/gpt-4o-mini", "2026-10-01"), ("azure:chat:gpt-4o-mini", "2026-10-01"),
                              ("openai/gpt-4o-mini", "2026-11-01"), ("gpt-4o-mini", "2026-11-01"),
                              ("us.anthropic.claude-3-haiku-20240307-v1:0", "2026-08-01"),
                              ("claude-3-haiku-20240307", "2026-12-01")):
        model = r.model(written, "model")
        assert model is not None and cat.lifecycle(model, D).shutdown_date == shutdown, (written, model)


def test_a_vendors_own_cloud_speaks_with_the_vendor():
    """Vertex is Google's own platform: "vertex_ai/gemini-1.5-pro-002" takes Google's dates for its
    family, as the bare id does, rather than none."""
    cat = _cat(make_entry("di", "gemini-1.5-pro", provider="Google", shutdown_date="2025-09-29"))
    for written in ("gemini-1.5-pro-002", "vertex_ai/gemini-1.5-pro-002", "gemini-1.5-pro@002"):
        life = cat.lifecycle(written, D)
        assert (life.status, life.shutdown_date) == ("retired", "2025-09-29"), written
    assert cat.lifecycle("bedrock/gemini-1.5-pro-002", D).status == "retired"   # another platform: better than none


def test_open_weights_served_by_the_team_do_not_retire_with_a_clouds_deployment():
    """A bare Hugging Face id is the weights, which a team may serve itself: Azure retiring its Phi-4
    deployment is Azure's users' deadline, not theirs. Written with the platform, it is."""
    cat = _cat(make_entry("ll", "azure_ai/Phi-4", provider="azure_ai", shutdown_date="2027-01-17"),
               make_entry("md", "meta.llama3-1-70b-instruct-v1:0", provider="bedrock", shutdown_date="2027-03-30"),
               make_entry("md", "Qwen/Qwen2.5-7B-Instruct", shutdown_date="2027-02-01"))   # names no platform
    for bare in ("microsoft/Phi-4", "Phi-4", "meta-llama/Llama-3.1-70B-Instruct", "Llama 3.1 70B Instruct"):
        assert cat.lifecycle(bare, D).status == "unknown", bare
    for hosted, shutdown in (("azure_ai/Phi-4", "2027-01-17"), ("azure/phi-4", "2027-01-17"),
                             ("bedrock/meta-llama/Llama-3.1-70B-Instruct", "2027-03-30"),
                             ("meta.llama3-1-70b-instruct-v1:0", "2027-03-30"),
                             ("Qwen/Qwen2.5-7B-Instruct", "2027-02-01")):
        assert cat.lifecycle(hosted, D).shutdown_date == shutdown, hosted


def test_an_alias_takes_the_lifecycle_of_the_id_it_points_to():
    cat = _cat(make_entry("md", "anthropic/claude-3-5-haiku-20241022", provider="anthropic",
                          shutdown_date="2026-02-19", aliases=("claude-3-5-haiku-latest",)),
               make_entry("ll", "claude-fable-latest", alias_of="claude-fable-5-1"),
               make_entry("ll", "claude-fable-5-1", shutdown_date="2027-03-01"))
    life = cat.lifecycle("claude-3-5-haiku-latest", D)
    assert (life.status, life.alias_of, life.shutdown_date) == ("retired", "anthropic/claude-3-5-haiku-20241022",
                                                                "2026-02-19")
    assert cat.lifecycle("claude-fable-latest", D).shutdown_date == "2027-03-01"


def test_status_on_the_day_and_an_unknown_model():
    cat = _cat(make_entry("md", "x-1", shutdown_date="2026-09-01"), make_entry("md", "x-2", status="deprecated"),
               make_entry("md", "x-3", deprecation_date="2026-08-01"), make_entry("mv", "x-4", status="active"))
    assert [cat.lifecycle(m, D).status for m in ("x-1", "x-2", "x-3", "x-4", "x-5")] == \
        ["retired", "deprecated", "deprecated", "active", "unknown"]
    assert cat.lifecycle("x-1", date(2026, 8, 31)).status == "deprecated"


def test_a_fine_tune_and_a_dated_snapshot_take_their_base_models_lifecycle():
    cat = _cat(make_entry("ll", "gpt-4o-mini-2024-07-18", provider="openai", shutdown_date="2027-01-14"),
               make_entry("di", "claude-3-5-haiku", provider="Google Vertex", shutdown_date="2026-07-05"))
    ft = cat.lifecycle("ft:gpt-4o-mini-2024-07-18:acme::abc", D)
    assert (ft.shutdown_date, ft.via) == ("2027-01-14", "base model")
    vertex = cat.lifecycle("claude-3-5-haiku@20241022", D)
    assert (vertex.shutdown_date, vertex.via) == ("2026-07-05", "family")


def test_the_bundled_snapshot_keys_are_what_the_canonicaliser_gives_today():
    from feedwatch.lifecycle import snapshot
    header, entries = snapshot.load()
    assert len(entries) > 5000 and header["format"] == 1
    assert {e.catalog for e in entries} == {"bundled"}
    fields = ("key", "family", "alias_keys", "alias_of_key")
    stale = [(e.model_id, [getattr(e, f) for f in fields]) for e in entries
             if [getattr(e, f) for f in fields] != [getattr(make_entry("x", e.model_id, aliases=e.aliases,
                                                                       alias_of=e.alias_of), f) for f in fields]]
    assert not stale, f"rebuild the snapshot (python -m feedwatch.lifecycle.snapshot DIR): {stale[:5]}"


def test_reading_only_what_is_looked_up_from_the_snapshot_gives_the_same_answers():
    """`stack` before any update builds only the snapshot entries its models need (see entries_for)."""
    import random

    from feedwatch.lifecycle import snapshot
    from feedwatch.lifecycle.names import model_facts
    _, entries = snapshot.load()
    models = ["gpt-4o-mini", "azure/gpt-4o-mini", "claude-3-5-haiku-latest", "claude-3-5-haiku@20241022",
              "anthropic.claude-3-5-haiku-20241022-v1:0", "ft:gpt-4o-mini-2024-07-18:acme::x", "nova-premier",
              "bedrock/claude-opus-latest", "vertex_ai/gemini-1.5-pro-002", "azure_ai/Phi-4", "no-such-model"]
    models += [e.model_id for e in random.Random(18).sample(entries, 300)]
    models += [a for e in entries for a in e.aliases][:50]
    keys = {k for f in model_facts(models).values() for k in (f["key"], f["family_key"], f["base_key"]) if k}
    part, full = Catalogue(snapshot.entries_for(keys), ["bundled"]), Catalogue(entries, ["bundled"])
    assert len(part) < len(full) / 4
    for m in models:
        assert part.lifecycle(m, D) == full.lifecycle(m, D), m


# --- updates over HTTP ----------------------------------------------------------------------------

ASSETS = '''
[[assets]]
name = "support-summarizer"
kind = "prompt"
models = ["gpt-4o-2024-05-13", "claude-3-5-haiku@20241022"]

[[assets]]
name = "router"
kind = "pipeline"
models = ["azure/gpt-4o-mini", "nova-premier", "my-own-model"]
'''


@pytest.fixture
def lifecycle_cli(tmp_path, capsys, http_server):
    for kind in KINDS:
        http_server.route(f"/{kind}.json", Reply(body=real_document(kind), content_type="application/json",
                                                 etag=f'"{kind}-1"', gzip=True))
    config = tmp_path / "feeds.toml"
    config.write_text(config_text(http_server.base_url, ASSETS))
    dbp = str(tmp_path / "life.db")

    def run(*argv: str) -> tuple[int, str, str]:
        status = main(["--db", dbp, "--config", str(config), *argv])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return status, out, err

    run.db_path = dbp
    run.server = http_server
    run.config = config
    return run


def _stack(run, *extra) -> list[dict]:
    status, out, _ = run("stack", "--format", "jsonl", "--as-of", "2026-09-01", *extra)
    assert status == 0
    return [json.loads(line) for line in out.splitlines()]


def test_before_the_first_update_the_bundled_snapshot_serves_and_never_after(lifecycle_cli):
    before = _stack(lifecycle_cli)
    assert {tuple(r["sources"]) for r in before if r["sources"]} == {("bundled",)}
    status, out, _ = lifecycle_cli("catalog", "update")
    assert status == 0
    lines = out.splitlines()
    assert "litellm: updated, 4877 models" in lines
    assert "deprecations-info: updated, 415 models" in lines
    assert any(line.startswith("modeldeprecations: updated, 16 models") for line in lines)
    after = _stack(lifecycle_cli)
    assert all("bundled" not in r["sources"] for r in after)
    assert {s for r in after for s in r["sources"]} <= set(KINDS)


def test_stack_rows_keys_and_urgency(lifecycle_cli):
    lifecycle_cli("catalog", "update")
    rows = _stack(lifecycle_cli)
    assert list(rows[0]) == ["asset", "model", "canonical", "provider", "status", "deprecation_date",
                             "shutdown_date", "days_left", "replacement", "sources"]
    assert [(r["asset"], r["model"], r["status"], r["days_left"]) for r in rows] == [
        ("support-summarizer", "claude-3-5-haiku@20241022", "retired", -58),
        ("router", "nova-premier", "deprecated", 13),
        ("router", "azure/gpt-4o-mini", "deprecated", 30),
        ("support-summarizer", "gpt-4o-2024-05-13", "deprecated", 52),
        ("router", "my-own-model", "unknown", None),
    ]
    gpt4o = rows[3]
    assert gpt4o["shutdown_date"] == "2026-10-23" and gpt4o["replacement"] == "gpt-5.6-sol"
    assert gpt4o["sources"] == ["modeldeprecations", "deprecations-info", "litellm"]
    within = _stack(lifecycle_cli, "--within", "30d")
    assert [r["model"] for r in within] == ["claude-3-5-haiku@20241022", "nova-premier", "azure/gpt-4o-mini"]


def test_an_unchanged_catalogue_is_not_downloaded_again(lifecycle_cli):
    lifecycle_cli("catalog", "update")
    status, out, _ = lifecycle_cli("catalog", "update")
    assert status == 0 and "litellm: not modified, 4877 models" in out.splitlines()
    reqs = [r for r in lifecycle_cli.server.requests if r.path == "/litellm.json"]
    assert reqs[-1].headers.get("if-none-match") == '"litellm-1"'


@pytest.mark.parametrize("reply, message", [
    (Reply(status=500), "litellm: error: HTTP 500"),
    (Reply(body=b"{oops", content_type="application/json"), "litellm: error: invalid JSON"),
    (Reply(body=b"[]", content_type="application/json"), "litellm: error: expected a JSON object of model ids"),
    (Reply(body=b" " * (3 * 1024 * 1024), content_type="application/json"), "litellm: error: body of 3 MB exceeds"),
    (Reply(body=gzip_bomb(200 * 1024 * 1024), raw_body=True, headers={"Content-Encoding": "gzip"}),
     "litellm: error: body larger than the 2 MB limit; refused"),
])
def test_a_catalogue_that_breaks_after_a_good_update_keeps_its_data(lifecycle_cli, reply, message):
    lifecycle_cli("catalog", "update")
    good = _stack(lifecycle_cli)
    text = lifecycle_cli.config.read_text().replace('url = "' + lifecycle_cli.server.base_url + '/litellm.json"',
                                                    'url = "' + lifecycle_cli.server.base_url + '/litellm.json"\n'
                                                    'max_mb = 2')
    lifecycle_cli.config.write_text(text)
    lifecycle_cli.server.route("/litellm.json", reply)
    status, out, _ = lifecycle_cli("catalog", "update", "--catalog", "litellm", "--force")
    assert status == 1
    [line] = out.splitlines()
    assert line.startswith(message) and line.endswith("; keeps its 4877 stored models"), line
    assert _stack(lifecycle_cli) == good
    status, out, _ = lifecycle_cli("catalog", "update", "--force")       # one broken, three fine: exit 0
    assert status == 0 and sum(" updated" in line for line in out.splitlines()) == 3


def test_catalog_show_lists_what_every_catalogue_says(lifecycle_cli):
    lifecycle_cli("catalog", "update")
    status, out, _ = lifecycle_cli("catalog", "show", "gemini-2.5-flash", "--format", "jsonl")
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert {r["catalog"] for r in rows} == {"modeldeprecations", "deprecations-info", "litellm", "models-dev"} - \
        {"models-dev"}
    assert all(r["canonical"] == "gemini-2.5-flash" for r in rows)
    status, out, _ = lifecycle_cli("catalog", "show", "gemini-2.5-flash")
    assert out.startswith("gemini-2.5-flash = gemini-2.5-flash: retired, shut down 2026-10-16")
    status, out, _ = lifecycle_cli("catalog", "show", "no-such-model-9")
    assert status == 1 and "no catalogue lists it" in out


# --- proposals ------------------------------------------------------------------------------------

def test_proposals_are_made_once_per_asset_and_model_even_after_closing(lifecycle_cli):
    status, out, _ = lifecycle_cli("stack", "--propose", "--as-of", "2026-09-01")
    proposed = [line for line in out.splitlines() if line.startswith("proposed experiment")]
    # within 90 days of 2026-09-01 (bundled snapshot), the past one included; my-own-model has no date
    assert len(proposed) == 4
    status, out, _ = lifecycle_cli("catalog", "update")      # proposes too, as of today: nothing new
    assert status == 0 and "proposed experiment" not in out
    status, out, _ = lifecycle_cli("experiments", "list", "--format", "jsonl")
    exps = [json.loads(line) for line in out.splitlines()]
    titles = {e["title"]: e for e in exps}
    e = titles["Migrate support-summarizer off gpt-4o-2024-05-13 before 2026-10-23"]
    assert e["due"] == "2026-10-23" and e["status"] == "proposed" and e["assets"] == ["support-summarizer"]
    assert "gpt-5.6-sol" in e["hypothesis"]
    # overdue first (the due dates have all passed by today), earliest first
    assert [x["due"] for x in exps] == sorted(x["due"] for x in exps)
    lifecycle_cli("experiments", "update", str(e["id"]), "--status", "abandoned")
    status, out, _ = lifecycle_cli("stack", "--propose", "--as-of", "2026-10-01")
    assert "proposed experiment" not in out
    status, out, _ = lifecycle_cli("experiments", "list", "--format", "jsonl")
    assert len(out.splitlines()) == 4


def test_a_proposal_links_the_items_that_announced_the_shutdown(lifecycle_cli):
    from feedwatch.entry import Entry
    from feedwatch.storage.catalogs import record_catalog_item
    db = open_database(lifecycle_cli.db_path)
    try:
        item = record_catalog_item(db, "openai-news", Entry(guid="g1", title="Deprecating gpt-4o-2024-05-13"),
                                   [("support-summarizer", "announces gpt-4o-2024-05-13 deprecation; "
                                     "support-summarizer runs on gpt-4o-2024-05-13", 0.95)], "2026-08-01T00:00:00Z")
        other = record_catalog_item(db, "openai-news", Entry(guid="g2", title="A release"),
                                    [("support-summarizer", "announces a release or new version of gpt-4o; "
                                      "support-summarizer runs on gpt-4o-2024-05-13", 0.85)], "2026-08-01T00:00:00Z")
    finally:
        db.close()
    lifecycle_cli("catalog", "update")
    lifecycle_cli("stack", "--propose", "--as-of", "2026-09-01")
    _, out, _ = lifecycle_cli("experiments", "list", "--asset", "support-summarizer", "--format", "jsonl")
    exps = {json.loads(line)["title"]: json.loads(line) for line in out.splitlines()}
    assert exps["Migrate support-summarizer off gpt-4o-2024-05-13 before 2026-10-23"]["items"] == [item]
    assert other not in exps["Migrate support-summarizer off gpt-4o-2024-05-13 before 2026-10-23"]["items"]


def test_concurrent_proposals_create_one_experiment(db_url):
    from feedwatch.lifecycle.propose import propose_migrations
    from feedwatch.lifecycle.schedule import StackRow
    row = StackRow("a", "m-1", "m-1", None, "deprecated", None, "2026-10-01", 30, None, ("x",))
    made = []

    def go():
        db = open_database(db_url)
        try:
            for _ in range(5):
                made.extend(propose_migrations(db, [row], D, 90))
        finally:
            db.close()
    threads = [threading.Thread(target=go) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1
    db = open_database(db_url)
    try:
        assert db.query("SELECT COUNT(*) AS n FROM experiments")[0]["n"] == 1
    finally:
        db.close()


# --- alias moves ----------------------------------------------------------------------------------

def test_an_alias_an_asset_runs_on_that_moves_becomes_a_linked_item(tmp_path, capsys, http_server):
    first = {"claude-fable-latest": {"alias_of": "claude-fable-5-1"}, "claude-fable-5-1": {"litellm_provider": "x"},
             "claude-fable-5-2": {"litellm_provider": "x"}}
    moved = dict(first, **{"claude-fable-latest": {"alias_of": "claude-fable-5-2"}})
    http_server.route("/litellm.json", Reply(body=json.dumps(first), content_type="application/json"),
                      Reply(body=json.dumps(moved), content_type="application/json"))
    config = tmp_path / "feeds.toml"
    config.write_text(config_text(http_server.base_url, '[[assets]]\nname = "drafts"\nkind = "prompt"\n'
                                  'models = ["claude-fable-latest"]\n', kinds=("litellm",)))
    dbp = str(tmp_path / "a.db")
    for _ in range(2):
        assert main(["--db", dbp, "--config", str(config), "catalog", "update"]) == 0
    out = capsys.readouterr().out
    assert "litellm: updated, 3 models (1 aliases your assets use moved)" in out
    assert main(["--db", dbp, "--config", str(config), "items", "--format", "jsonl", "--query", "asset:drafts"]) == 0
    [item] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert item["title"] == "claude-fable-latest now points to claude-fable-5-2 (was claude-fable-5-1)"
    assert item["source"] == "catalog:litellm"
    db = open_database(dbp)
    try:
        [link] = db.query("SELECT asset, reason, origin FROM asset_links")
    finally:
        db.close()
    assert link == {"asset": "drafts", "origin": "lifecycle", "reason": "claude-fable-latest now points to "
                    "claude-fable-5-2 (was claude-fable-5-1); drafts runs on claude-fable-latest"}


def test_experiments_due_dates_order_and_validation(tmp_path, capsys):
    config = tmp_path / "feeds.toml"
    config.write_text('user = "dana"\n')
    dbp = str(tmp_path / "x.db")

    def run(*argv):
        status = main(["--db", dbp, "--config", str(config), *argv])
        return status, capsys.readouterr()
    assert run("experiments", "add", "--title", "later", "--due", "2999-01-01")[0] == 0
    assert run("experiments", "add", "--title", "late", "--due", "2020-01-01")[0] == 0
    assert run("experiments", "add", "--title", "none")[0] == 0
    status, cap = run("experiments", "add", "--title", "bad", "--due", "next week")
    assert status == 2 and "not a date: 'next week' (use YYYY-MM-DD)" in cap.err
    _, cap = run("experiments", "list", "--format", "jsonl")
    assert [json.loads(line)["title"] for line in cap.out.splitlines()] == ["late", "none", "later"]
    _, cap = run("experiments", "list")
    assert "2020-01-01!" in cap.out
    assert run("experiments", "update", "1", "--due", "")[0] == 0
    _, cap = run("experiments", "show", "1")
    assert "due:" not in cap.out



RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Hello</title><link>https://example.com/a</link><guid>a</guid></item></channel></rss>"""


def test_fetch_refreshes_the_catalogues_that_are_due_then_proposes(lifecycle_cli):
    lifecycle_cli.server.route("/feed.xml", Reply(body=RSS))
    text = lifecycle_cli.config.read_text()
    lifecycle_cli.config.write_text(f'[[sources]]\nname = "blog"\nkind = "feed"\n'
                                    f'url = "{lifecycle_cli.server.base_url}/feed.xml"\n\n' + text)
    status, out, _ = lifecycle_cli("fetch")
    assert status == 0
    assert "catalog litellm: updated, 4877 models" in out.splitlines()
    assert sum(line.startswith("proposed experiment") for line in out.splitlines()) == 4
    status, out, _ = lifecycle_cli("fetch")             # within the day: not due, not fetched, nothing printed
    assert status == 0 and "catalog " not in out and lifecycle_cli.server.hits("/litellm.json") == 1


def test_the_linker_links_an_alias_move_to_the_assets_pinned_to_the_alias():
    from feedwatch.config import Asset
    from feedwatch.enrich.base import ItemText
    from feedwatch.enrich.linking import Linker, item_mentions
    assets = (Asset("drafts", "prompt", models=("gpt-4o-mini",)),
              Asset("pinned", "prompt", models=("gpt-4o-mini-2024-07-18",)),
              Asset("fable", "prompt", models=("claude-fable-latest",)))
    linker = Linker(assets)

    def links(title, text="", extra=None):
        item = ItemText(1, "blog", title, summary=text, extra=extra or {})
        body = item.body()
        return {(x.asset, x.reason, x.score) for x in linker.links(item, body, item_mentions(item, body), [])}
    found = links("gpt-4o-mini now points to gpt-4o-mini-2025-04-14")
    assert found == {("drafts", "moves the alias gpt-4o-mini to gpt-4o-mini-2025-04-14; drafts runs on gpt-4o-mini",
                      0.9),
                     ("pinned", "mentions gpt-4o-mini; pinned runs on gpt-4o-mini-2024-07-18", 0.6)}
    moved = links("claude-fable-latest now points to claude-fable-5-2 (was claude-fable-5-1)",
                  extra={"_alias_move": {"alias": "claude-fable-latest", "from": "claude-fable-5-1",
                                         "to": "claude-fable-5-2", "catalog": "litellm"}})
    assert moved == {("fable", "claude-fable-latest now points to claude-fable-5-2 (was claude-fable-5-1); fable "
                      "runs on claude-fable-latest", 0.9)}
    assert {r for a, r, _ in links("We use gpt-4o-mini-2025-04-14 for evals") if a == "drafts"} == \
        {"mentions gpt-4o-mini-2025-04-14; drafts runs on gpt-4o-mini"}


def test_the_digest_lists_retirements_ahead_with_their_experiments(lifecycle_cli):
    lifecycle_cli("catalog", "update")               # proposes the migrations due as of today
    status, out, _ = lifecycle_cli("digest", "--week", "2026-W35", "--format", "json")   # ends Sunday 2026-08-30
    assert status == 0
    data = json.loads(out)
    rows = [(r["asset"], r["model"], r["shutdown_date"], r["days_left"], r["replacement"]) for r in data["retirements"]]
    assert rows == [
        ("support-summarizer", "claude-3-5-haiku@20241022", "2026-07-05", -56, None),
        ("router", "nova-premier", "2026-09-14", 15, "nova-pro"),
        ("router", "azure/gpt-4o-mini", "2026-10-01", 32, "gpt-4.1-mini"),
        ("support-summarizer", "gpt-4o-2024-05-13", "2026-10-23", 54, "gpt-5.6-sol"),
    ]
    exp = data["retirements"][3]["experiment"]
    assert exp["title"] == "Migrate support-summarizer off gpt-4o-2024-05-13 before 2026-10-23"
    assert exp["status"] == "proposed" and exp["due"] == "2026-10-23"
    status, out, _ = lifecycle_cli("digest", "--week", "2026-W35")
    assert "## Retirements ahead" in out and "nova-premier · shuts down 2026-09-14 \\(in 15 days\\)" in out


def test_sources_shows_each_catalogues_health(lifecycle_cli):
    lifecycle_cli("catalog", "update")
    lifecycle_cli.server.route("/models-dev.json", Reply(status=503))
    lifecycle_cli("catalog", "update", "--catalog", "models-dev", "--force")
    status, out, _ = lifecycle_cli("sources")
    lines = out.splitlines()
    assert status == 0
    [litellm] = [line for line in lines if line.startswith("litellm ")]
    assert litellm.split()[1] == "litellm" and " 4877 " in litellm
    dev = lines.index(next(line for line in lines if line.startswith("models-dev ")))
    assert "last error: HTTP 503" in lines[dev + 1]


def test_the_model_name_cache_gives_what_the_canonicaliser_gives_and_follows_its_code(tmp_path, monkeypatch):
    from feedwatch.enrich.mentions import model_facts as compute
    from feedwatch.lifecycle import names
    monkeypatch.setenv("FEEDWATCH_CACHE_DIR", str(tmp_path))
    models = ["azure/gpt-4o-mini", "claude-3-5-haiku@20241022", "ft:gpt-4o-mini-2024-07-18:acme::x", "my-model"]
    first = names.model_facts(models)
    assert first == {m: compute(m) for m in models}
    doc = json.loads((tmp_path / "model-names.json").read_text())
    assert doc["fingerprint"] == names.fingerprint() and set(doc["names"]) == set(models)
    doc["names"]["my-model"]["key"] = "poisoned"                  # a cache written by other code...
    doc["fingerprint"] = "0" * 20
    (tmp_path / "model-names.json").write_text(json.dumps(doc))
    assert names.model_facts(["my-model"])["my-model"]["key"] == "my-model"   # ...is not used
    (tmp_path / "model-names.json").write_text("{not json")
    assert names.model_facts(["my-model"])["my-model"]["key"] == "my-model"


def test_reading_only_what_the_assets_need_gives_the_same_answers_as_reading_everything(lifecycle_cli):
    from feedwatch.config import load_config
    from feedwatch.lifecycle.source import load_catalogue
    lifecycle_cli("catalog", "update")
    models = ["gpt-4o-mini", "azure/gpt-4o-mini", "gpt-4o-2024-05-13", "claude-3-5-haiku", "claude-3-5-haiku-latest",
              "claude-3-5-haiku@20241022", "anthropic.claude-3-5-haiku-20241022-v1:0", "claude-haiku-4-5",
              "ft:gpt-4o-mini-2024-07-18:acme::x", "gemini-2.5-flash", "nova-premier", "amazon.nova-premier-v1:0",
              "bedrock/claude-opus-latest", "command-r-plus", "gpt-4-32k-0613", "meta-llama/Llama-3.1-8B-Instruct",
              "no-such-model"]
    config = load_config(lifecycle_cli.config)
    db = open_database(lifecycle_cli.db_path)
    try:
        full, bundled = load_catalogue(db, config)
        part, _ = load_catalogue(db, config, models)
    finally:
        db.close()
    assert not bundled and len(part) < len(full) / 10
    for m in models:
        assert part.lifecycle(m, D) == full.lifecycle(m, D), m


def test_hostile_catalogues_over_http_cost_one_line_each_and_show_clean(tmp_path, capsys, http_server):
    evil = json.dumps([{"provider": "OpenAI\x1b]8;;http://x\x07", "model_id": "gpt-4o\u202e-mini\x00",
                        "shutdown_date": "2026-13-45", "deprecation_date": "1970-01-01",
                        "replacement_models": ["[bold]gpt-5[/]\x1b[2J"], "url": "javascript:alert(1)"},
                       {"provider": "OpenAI", "model_id": "gpt-4.1", "shutdown_date": "2027-01-20"}]).encode()
    http_server.route("/deprecations-info.json", Reply(body=evil, content_type="application/json"))
    http_server.route("/litellm.json", Reply(body=b'{"gpt-4o": {"deprecation_date": ["2027-01-01"]}, "x": 5}',
                                             content_type="application/json"))
    http_server.route("/models-dev.json", Reply(body=b"A" * 100, content_type="application/json"))
    http_server.route("/modeldeprecations.json", Reply(generate=100 * 1024 * 1024, content_type="application/json"))
    config = tmp_path / "feeds.toml"
    config.write_text(config_text(http_server.base_url))
    dbp = str(tmp_path / "h.db")
    status = main(["--db", dbp, "--config", str(config), "catalog", "update"])
    out, err = capsys.readouterr()
    assert status == 0 and "Traceback" not in out + err
    lines = sorted(out.splitlines())
    assert lines[0] == "deprecations-info: updated, 2 models (2 impossible dates ignored)"
    assert lines[1] == "litellm: updated, 1 models (1 malformed entries skipped; 1 impossible dates ignored)"
    assert lines[2].startswith("modeldeprecations: error: body larger than the 64 MB limit; refused")
    assert lines[3].startswith("models-dev: error: invalid JSON")
    assert main(["--db", dbp, "--config", str(config), "catalog", "show", "gpt-4o-mini"]) == 0
    shown = capsys.readouterr().out
    assert "\x1b" not in shown and "\u202e" not in shown and "\x00" not in shown and "javascript" not in shown
    assert "  deprecations-info: gpt-4o-mini [OpenAI] -; replacement [bold]gpt-5[/]\n" in shown   # OSC 8 link gone
    assert "replacement [bold]gpt-5[/]" in shown           # markup is text


def test_stored_catalogues_are_re_keyed_when_the_grammar_learns_a_spelling(tmp_path, db_url):
    """Rows stored before the grammar read Azure's "gpt-35-turbo" as gpt-3.5-turbo (or knew Phi) are
    keyed the old way; on first use they are keyed again from their model ids, once (migration 0012)."""
    from feedwatch.config import load_config
    from feedwatch.lifecycle.names import fingerprint
    from feedwatch.lifecycle.source import load_catalogue
    from feedwatch.storage.catalogs import replace_models

    def row(model_id, key, shutdown):
        return {"provider": "azure", "model_id": model_id, "model_key": key, "status": None,
                "deprecation_date": None, "shutdown_date": shutdown, "earliest_shutdown": None, "replacement": None,
                "release_date": None, "source_url": None, "aliases": (), "alias_of": None, "family": None,
                "alias_keys": (), "alias_of_key": None}
    (tmp_path / "feeds.toml").write_text('[[catalogs]]\nname = "litellm"\nkind = "litellm"\n'
                                         'url = "https://example.com/l.json"\n')
    config = load_config(tmp_path / "feeds.toml")
    db = open_database(db_url)
    try:
        replace_models(db, "litellm", "litellm", "https://example.com/l.json",
                       [row("azure/gpt-35-turbo-0613", "gpt-35-turbo-0613", "2026-09-01"),    # keys of an older grammar
                        row("azure_ai/Phi-4", "phi-4", "2027-01-17")],
                       etag=None, last_modified=None, status=200, now="2026-11-01T00:00:00Z", next_due=None)
        assert db.query("SELECT keys_of FROM catalogs")[0]["keys_of"] is None
        cat, bundled = load_catalogue(db, config, ["azure/gpt-3.5-turbo-0613", "azure_ai/phi-4"])
        assert not bundled
        assert cat.lifecycle("azure/gpt-3.5-turbo-0613", D).shutdown_date == "2026-09-01"
        assert cat.lifecycle("azure_ai/phi-4", D).shutdown_date == "2027-01-17"
        stored = {r["model_id"]: r for r in db.query("SELECT model_id, model_key, family FROM catalog_models")}
        assert stored["azure/gpt-35-turbo-0613"]["model_key"] == "gpt-3.5-turbo-0613"
        assert stored["azure/gpt-35-turbo-0613"]["family"] == "gpt-3.5-turbo"
        assert stored["azure_ai/Phi-4"]["model_key"] == "microsoft/Phi-4"
        assert db.query("SELECT keys_of FROM catalogs")[0]["keys_of"] == fingerprint()
        before = db.change_count()
        load_catalogue(db, config)
        assert db.change_count() == before                         # keyed by today's grammar: nothing to do
    finally:
        db.close()


def test_a_catalogue_that_cannot_be_re_keyed_now_is_read_as_it_is(tmp_path):
    """Re-keying writes; while another process holds SQLite's write lock (a fetch), reading the
    catalogue must not wait for it: the rows are used with their old keys and re-keyed next time."""
    import sqlite3

    from feedwatch.config import load_config
    from feedwatch.lifecycle.source import load_catalogue
    from feedwatch.storage.catalogs import replace_models
    (tmp_path / "feeds.toml").write_text('[[catalogs]]\nname = "litellm"\nkind = "litellm"\n'
                                         'url = "https://example.com/l.json"\n')
    config = load_config(tmp_path / "feeds.toml")
    path = tmp_path / "busy.db"
    db = open_database(str(path))
    try:
        replace_models(db, "litellm", "litellm", "https://example.com/l.json", [{
            "provider": "azure", "model_id": "azure/gpt-4o-mini", "model_key": "gpt-4o-mini", "status": None,
            "deprecation_date": None, "shutdown_date": "2026-10-01", "earliest_shutdown": None, "replacement": None,
            "release_date": None, "source_url": None, "aliases": (), "alias_of": None, "family": None,
            "alias_keys": (), "alias_of_key": None}], etag=None, last_modified=None, status=200,
            now="2026-11-01T00:00:00Z", next_due=None)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")                       # another process writing
        try:
            cat, _ = load_catalogue(db, config, ["azure/gpt-4o-mini"])
            assert cat.lifecycle("azure/gpt-4o-mini", D).shutdown_date == "2026-10-01"
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert db.query("SELECT keys_of FROM catalogs")[0]["keys_of"] is None      # not re-keyed yet
        load_catalogue(db, config)
        assert db.query("SELECT keys_of FROM catalogs")[0]["keys_of"] is not None  # the next read did it
    finally:
        db.close()
