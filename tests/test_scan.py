"""feedwatch assets scan on a realistic fixture repository (tests/scan_fixture/acme): exact findings,
the traps, the safety rules of the walk, precision/recall against a hand-labelled truth."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from feedwatch.scan import ScanError, scan_root
from feedwatch.scan.recognise import Recognizer

FIXTURE = Path(__file__).parent / "scan_fixture" / "acme"

# (path, line, canonical model, text as written): every model the scanner reports on the fixture.
EXPECTED_MODELS = [
    ("config/litellm.yaml", 4, "azure/gpt-4o-mini", "azure/gpt-4o-mini"),
    ("config/litellm.yaml", 7, "bedrock/claude-3-5-sonnet-20240620",
     "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0"),
    ("config/litellm.yaml", 10, "deepseek-r1", "ollama/deepseek-r1:14b"),
    ("config/models.toml", 3, "mistral-large-latest", "mistral-large-latest"),
    ("config/models.toml", 4, "gpt-4.1-nano", "openai/gpt-4.1-nano"),
    ("deploy/docker-compose.yml", 7, "meta-llama/Llama-3.1-8B", "llama3.1:8b"),
    ("deploy/docker-compose.yml", 11, "Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-7B-Instruct"),
    ("evals/promptfooconfig.yaml", 5, "gpt-4o-mini", "openai:gpt-4o-mini"),
    ("evals/promptfooconfig.yaml", 6, "claude-3-5-haiku-20241022", "anthropic:messages:claude-3-5-haiku-20241022"),
    ("evals/promptfooconfig.yaml", 7, "vertex_ai/gemini-1.5-flash", "vertex:gemini-1.5-flash"),
    ("evals/promptfooconfig.yaml", 8, "Qwen/Qwen2.5-7B", "ollama:chat:qwen2.5:7b"),
    ("infra/terraform/openai.tf", 6, "azure/gpt-3.5-turbo", "gpt-35-turbo"),
    ("infra/terraform/openai.tf", 13, "text-embedding-ada-002", "text-embedding-ada-002"),
    ("services/ingest/main.go", 5, "text-embedding-3-large", "text-embedding-3-large"),
    ("services/ingest/main.go", 7, "vertex_ai/gemini-1.5-pro-002",
     "projects/acme/locations/us-central1/publishers/google/models/gemini-1.5-pro-002"),
    ("services/ingest/main.go", 9, "vertex_ai/claude-3-5-sonnet-20241022", "claude-3-5-sonnet-v2@20241022"),
    ("services/search-api/src/bedrock.ts", 4, "bedrock/claude-3-haiku-20240307",
     "anthropic.claude-3-haiku-20240307-v1:0"),
    ("services/search-api/src/bedrock.ts", 6, "bedrock/meta-llama/Llama-3.1-70B-Instruct",
     "meta.llama3-1-70b-instruct-v1:0"),
    ("services/search-api/src/rerank.ts", 3, "BAAI/bge-reranker-v2-m3", "BAAI/bge-reranker-v2-m3"),
    ("services/search-api/src/rerank.ts", 4, "sentence-transformers/all-MiniLM-L6-v2",
     "sentence-transformers/all-MiniLM-L6-v2"),
    ("services/search-api/src/rerank.ts", 5, "gemini-2.0-flash", "gemini-2.0-flash"),
    ("services/support-bot/.env.example", 2, "gpt-4o-mini", "gpt-4o-mini"),
    ("services/support-bot/.env.example", 3, "text-embedding-3-small", "text-embedding-3-small"),
    ("services/support-bot/support_bot/llm.py", 7, "gpt-4o-2024-08-06", "gpt-4o-2024-08-06"),
    ("services/support-bot/support_bot/llm.py", 8, "claude-3-5-sonnet-20241022", "claude-3-5-sonnet-20241022"),
    ("services/support-bot/support_bot/llm.py", 11, "o1", "o1"),
]
# Only with the model catalogue: an id the grammar does not parse.
CATALOGUE_ONLY = ("services/search-api/src/bedrock.ts", 5, "bedrock/nova-premier", "amazon.nova-premier-v1:0")
# Real model ids in the fixture that neither the grammar nor a catalogue without them know (recall misses).
KNOWN_MISSES = [("deploy/docker-compose.yml", 8, "nomic-embed-text"), ("config/models.toml", 7, "voyage-3")]

EXPECTED_PROMPTS = [
    ("evals/prompts/triage.txt", 1, "triage.txt", "acme-triage"),
    ("prompts/langfuse-export.json", 3, "ticket-summary", "acme-ticket-summary"),
    ("prompts/langfuse-export.json", 10, "reply-draft", "acme-reply-draft"),
    ("prompts/langsmith/summarize.json", 2, "acme-summarize", "acme-summarize"),
    ("services/search-api/src/rerank.ts", 7, "rerankPrompt", "acme-search-api"),
    ("services/support-bot/prompts/answer.prompt.md", 1, "answer.prompt.md", "acme-answer"),
    ("services/support-bot/prompts/escalate.jinja", 1, "escalate.jinja", "acme-escalate"),
    ("services/support-bot/support_bot/llm.py", 13, "SYSTEM_PROMPT", "acme-support-bot"),
]


def _models(result):
    return sorted((f.path, f.line, f.model, f.text) for f in result.findings if f.kind == "model")


def _prompts(result):
    return sorted((f.path, f.line, f.text, f.asset) for f in result.findings if f.kind == "prompt")


def test_fixture_models_exact():
    res = scan_root(FIXTURE, "acme")
    assert _models(res) == sorted(EXPECTED_MODELS)


def test_fixture_catalogue_adds_ids_the_grammar_does_not_parse():
    res = scan_root(FIXTURE, "acme", known={"nova-premier", "gpt-4o-mini"})
    assert _models(res) == sorted([*EXPECTED_MODELS, CATALOGUE_ONLY])


def test_fixture_prompts_exact():
    assert _prompts(scan_root(FIXTURE, "acme")) == sorted(EXPECTED_PROMPTS)


def test_precision_and_recall_on_fixture():
    """Printed for the closing note; the truth is the hand-labelled list, not the scanner's output."""
    res = scan_root(FIXTURE, "acme", known={"nova-premier"})
    found = {(f.path, f.line) for f in res.findings if f.kind == "model"}
    truth = {(p, line) for p, line, *_ in [*EXPECTED_MODELS, CATALOGUE_ONLY, *KNOWN_MISSES]}
    tp = len(found & truth)
    precision, recall = tp / len(found), tp / len(truth)
    print(f"models: precision {precision:.3f} recall {recall:.3f} ({tp}/{len(truth)})")
    assert precision == 1.0
    assert recall == pytest.approx(27 / 29)


def test_traps_are_not_models():
    lines = {f.path: [] for f in scan_root(FIXTURE, "acme").findings}
    assert "tools/report.py" not in lines                 # llama_index, chatgpt_export.csv, gemini-cli, o1, Monet
    r = Recognizer()
    for token in ("llama_index", "chatgpt_export.csv", "Claude Monet", "gemini-cli", "results/gpt-4o-eval.json",
                  "https://platform.openai.com/docs/models/gpt-4o", "@google/gemini-cli", "llamaindex",
                  "ollama/ollama:0.3.12", "chat-prod"):
        assert r.model(token, "model") is None, token
    assert r.model("o1") is None                           # a bare o1 needs a model key
    assert r.model("o1", "model") == "o1"
    assert r.model("o3-mini") == "o3-mini"


@pytest.mark.parametrize("token,expected", [
    ("openai:chat:gpt-4o", "gpt-4o"),
    ("bedrock:us.anthropic.claude-3-5-sonnet-20241022-v2:0", "bedrock/claude-3-5-sonnet-20241022"),
    ("vertex_ai/gemini-1.5-pro", "vertex_ai/gemini-1.5-pro"),
    ("azure/gpt-35-turbo-16k", "azure/gpt-3.5-turbo-16k"),
    ("gpt-35-turbo", "azure/gpt-3.5-turbo"),                    # only Azure spells it so
    ("ollama/deepseek-r1:14b", "deepseek-r1"),                 # a local server: no cloud's dates
    ("openai/gpt-4.1-nano", "gpt-4.1-nano"),
    ("openrouter/meta-llama/llama-3.1-70b-instruct", "meta-llama/Llama-3.1-70B-Instruct"),
    ("gemma2:9b", "google/gemma-2-9b"),
    ("models/gemini-2.0-flash-001", "gemini-2.0-flash-001"),
])
def test_wrappers_are_peeled(token, expected):
    assert Recognizer().model(token) == expected


def test_proposed_assets():
    res = scan_root(FIXTURE, "acme")
    props = {p.name: p for p in res.proposals}
    assert sorted(props) == ["acme-answer", "acme-config", "acme-deploy", "acme-escalate", "acme-evals",
                             "acme-infra", "acme-ingest", "acme-reply-draft", "acme-search-api", "acme-summarize",
                             "acme-support-bot", "acme-ticket-summary", "acme-triage"]
    bot = props["acme-support-bot"]
    assert (bot.kind, bot.path, bot.prompts) == ("pipeline", "services/support-bot", ["acme-answer"])
    assert bot.models == ["claude-3-5-sonnet-20241022", "gpt-4o-2024-08-06", "gpt-4o-mini", "o1",
                          "text-embedding-3-small"]
    assert "acme:services/support-bot/support_bot/llm.py:7" in bot.evidence
    assert props["acme-evals"].prompts == ["acme-triage"]
    assert props["acme-answer"].kind == "prompt"


def _hostile_copy(tmp_path: Path) -> Path:
    """The fixture plus everything the walk must skip."""
    root = tmp_path / "acme"
    shutil.copytree(FIXTURE, root)
    for d, name in [("node_modules/openai", "index.js"), (".git", "config.py"), ("__pycache__", "x.py"),
                    ("build", "out.js"), (".venv/lib", "site.py"), ("dist", "bundle.js")]:
        (root / d).mkdir(parents=True, exist_ok=True)
        (root / d / name).write_text('MODEL = "gpt-4-turbo"\n')
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (root / "services/ingest/.gitignore").write_text("gen/\n!keep.go\n")       # nested, relative to its dir
    (root / "services/ingest/gen").mkdir()
    (root / "services/ingest/gen/models.go").write_text('const m = "gpt-4-turbo"\n')
    (root / "blob.py").write_bytes(b'MODEL = "gpt-4-turbo"\n\0\0binary')
    (root / "big.py").write_text('MODEL = "gpt-4-turbo"\n' + "#" * (2 * 1024 * 1024 + 10))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text('MODEL = "gpt-4-turbo"\n')
    os.symlink(outside, root / "linked_dir")
    os.symlink(outside / "secret.py", root / "linked_file.py")
    return root


def test_walk_skips_ignored_vendored_binary_big_and_outside_files(tmp_path):
    root = _hostile_copy(tmp_path)
    res = scan_root(root, "acme")
    assert _models(res) == sorted(EXPECTED_MODELS)         # gpt-4-turbo is only in what must be skipped
    assert all("gpt-4-turbo" not in f.text for f in res.findings)
    # the fixture's own .gitignore hides scratch/ and *.local.yaml (they hold gpt-4-turbo too)
    assert (FIXTURE / "scratch" / "try.py").exists() and (FIXTURE / "settings.local.yaml").exists()


def test_symlink_inside_root_is_read(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    (root / "real.py").write_text('M = "gpt-4o"\n')
    os.symlink(root / "real.py", root / "alias.py")
    assert sorted(f.path for f in scan_root(root).findings) == ["alias.py", "real.py"]


def test_missing_root_is_one_line_error(tmp_path):
    with pytest.raises(ScanError, match="no such directory"):
        scan_root(tmp_path / "nope")
    (tmp_path / "f").write_text("x")
    with pytest.raises(ScanError, match="not a directory"):
        scan_root(tmp_path / "f")


def test_control_characters_in_scanned_text_are_replaced(tmp_path):
    (tmp_path / "svc.py").write_text('PROMPT_\x1b[31m = 1\nM = "gpt-4o"\n')
    (tmp_path / "evil\x1b[2J.prompt.md").write_text("hi")
    res = scan_root(tmp_path)
    assert all("\x1b" not in f.path and "\x1b" not in f.text for f in res.findings)
    assert any(f.kind == "prompt" and f.text == "evil?[2J.prompt.md" for f in res.findings)


def test_scanning_never_modifies_or_executes(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    marker = tmp_path / "ran"
    (root / "conftest.py").write_text(f'open({str(marker)!r}, "w")\nM = "gpt-4o"\n')
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    scan_root(root)
    assert not marker.exists()
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*")} == before


def test_jsonl_keys(tmp_path):
    res = scan_root(FIXTURE, "acme")
    row = json.loads(json.dumps(res.findings[0].as_json()))
    assert list(row) == ["path", "line", "kind", "model", "text", "asset"]


def test_pure_python_prefilter_finds_the_same(monkeypatch):
    """Without ahocorasick_rs the prefilter is a prefix-factored regex; the findings must not change."""
    import sys

    from feedwatch.scan import scanner
    assert scanner._tools(None)[1].kind == "aho-corasick"
    monkeypatch.setitem(sys.modules, "ahocorasick_rs", None)
    scanner._tools.cache_clear()
    try:
        res = scan_root(FIXTURE, "acme")
        assert _models(res) == sorted(EXPECTED_MODELS) and _prompts(res) == sorted(EXPECTED_PROMPTS)
        assert scanner._tools(None)[1].kind == "regex"
    finally:
        scanner._tools.cache_clear()


def test_trie_regex():
    import re

    from feedwatch.scan.scanner import _trie_regex
    rx = re.compile(_trie_regex([b"gpt", b"gemini", b"gemma", b"o1", b"o3", b"claude", b"cla"]))
    assert [m.group() for m in rx.finditer(b"x gemma gpt o2 o3 clam claude gem")] == \
        [b"gemma", b"gpt", b"o3", b"cla", b"claude"]
