"""feeds.toml validation: every mistake is one line naming the file, the source and the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from feedwatch.config import ConfigError, bundled_config_path, load_config, parse_config

ROOT = Path(__file__).resolve().parents[1]

GOOD = '''
[[sources]]
name = "openai-news"
kind = "feed"
url = "https://openai.com/news/rss.xml"
interval = "30m"
tags = ["lab-blog"]

[[sources]]
name = "arxiv-cl-prompting"
kind = "arxiv"
query = 'cat:cs.CL AND abs:"prompt"'
max_results = 100

[[sources]]
name = "vllm-releases"
kind = "github"
repo = "vllm-project/vllm"
exclude = ['^b\\d+$']

[[sources]]
name = "hf-meta-llama"
kind = "huggingface"
author = "meta-llama"

[endpoints]
arxiv_api = "http://127.0.0.1:1/api/query"
github = "http://127.0.0.1:2"
huggingface = "http://127.0.0.1:3/"
'''


def write(tmp_path, text: str) -> Path:
    p = tmp_path / "feeds.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_good_config_and_fetch_urls(tmp_path):
    cfg = load_config(write(tmp_path, GOOD))
    assert [s.name for s in cfg.sources] == ["openai-news", "arxiv-cl-prompting", "vllm-releases", "hf-meta-llama"]
    assert cfg.sources[0].interval == 1800 and cfg.sources[0].tags == ("lab-blog",)
    assert cfg.source("vllm-releases").fetch_url(cfg.endpoints) == "http://127.0.0.1:2/vllm-project/vllm/releases.atom"
    hf = cfg.source("hf-meta-llama").fetch_url(cfg.endpoints)
    assert hf == "http://127.0.0.1:3/api/models?author=meta-llama&sort=createdAt&limit=30"
    keep = cfg.source("vllm-releases").title_filter()
    assert keep("v0.7.0") and not keep("b4567")


@pytest.mark.parametrize("snippet, expected", [
    ('[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://x.org/f"\nurll = "y"\n',
     "source 'a': unknown key 'urll' (did you mean 'url'?)"),
    ('[[sources]]\nname = "a"\nkind = "rss"\nurl = "https://x.org/f"\n', "source 'a': key 'kind' must be one of"),
    ('[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://x.org/f"\n[[sources]]\nname = "a"\nkind = "feed"\n'
     'url = "https://x.org/g"\n', "source 'a': duplicate name 'a'"),
    ('[[sources]]\nname = "a"\nkind = "feed"\n', "source 'a': missing required key 'url'"),
    ('[[sources]]\nname = "a"\nkind = "feed"\nurl = "file:///etc/passwd"\n',
     "source 'a': key 'url' must be an http(s) URL"),
    ('[[sources]]\nname = "a"\nkind = "feed"\nurl = "javascript:alert(1)"\n', "must be an http(s) URL"),
    ('[[sources]]\nname = "Bad Name"\nkind = "feed"\nurl = "https://x.org"\n', "lowercase letters"),
    ('[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://x.org"\ninterval = "soon"\n',
     "key 'interval' must look like"),
    ('[[sources]]\nname = "a"\nkind = "github"\nrepo = "not a repo"\n', "key 'repo' must look like"),
    ('[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://x.org"\nexclude = ["(unclosed"]\n', "invalid pattern"),
    ('[[sources]]\nname = "a"\nkind = "arxiv"\nquery = "cat:cs.CL"\nmax_results = 5000\n', "at most 2000"),
    ('[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://x.org"\nenabled = "yes"\n',
     "key 'enabled' must be true or false"),
    ('[fetch]\nconcurency = 3\n', "[fetch]: unknown key 'concurency' (did you mean 'concurrency'?)"),
    ('[[sources]\nname = "a"\n', "TOML syntax error"),
    ('colour = "blue"\n', "unknown key 'colour'"),
    ('[[assets]]\nname = "x"\nkind = "dataset"\n', "asset 'x': key 'kind' must be one of prompt, pipeline"),
])
def test_config_errors_are_one_clear_line(tmp_path, snippet, expected):
    path = write(tmp_path, snippet)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert expected in message
    assert message.startswith(str(path))
    assert "\n" not in message


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.toml")


def test_cli_config_error_exit_2_without_traceback(tmp_path):
    path = write(tmp_path, '[[sources]]\nname = "a"\nkind = "feed"\nurl = "https://x.org/f"\nurll = "y"\n')
    proc = subprocess.run([sys.executable, "-m", "feedwatch.cli", "--config", str(path), "--db",
                           str(tmp_path / "x.db"), "fetch"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown key 'urll'" in lines[0] and str(path) in lines[0]


def test_bundled_and_repository_defaults_validate():
    repo = load_config(ROOT / "feeds.toml")
    bundled = load_config(bundled_config_path())
    assert [s.name for s in repo.sources] == [s.name for s in bundled.sources]
    kinds = {s.kind for s in repo.sources}
    assert kinds == {"feed", "arxiv", "github", "huggingface"}
    assert repo.tags and repo.assets
    assert not repo.llm.enabled


def test_an_empty_lifecycle_table_keeps_the_default_proposal_window():
    """A slots dataclass's class attribute is a slot descriptor, not the default (mypy found this)."""
    from feedwatch.config_catalogs import LifecycleSettings
    assert parse_config({"lifecycle": {}}).lifecycle == LifecycleSettings()
    assert parse_config({"lifecycle": {}}).lifecycle.propose_within == 90 * 86400
