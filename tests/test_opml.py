"""OPML import/export (feedwatch.opml) and the shape of the default feeds.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from feedwatch.opml import ImportReport, OpmlError, export_opml, import_opml, normalise_url, slugify

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = REPO_ROOT / "feeds.toml"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def opml(body: str, version: str = "2.0") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="{version}">\n'
            f"<head><title>subs</title></head>\n<body>\n{body}\n</body>\n</opml>\n")


NESTED = opml("""
  <outline text="AI labs">
    <outline text="OpenAI News" type="rss" xmlUrl="https://openai.com/news/rss.xml"/>
    <outline text="Research">
      <outline text="Google Research blog" title="Google Research" type="rss"
               xmlUrl="https://research.google/blog/rss/"/>
      <outline text="BAIR" xmlUrl="https://bair.berkeley.edu/blog/feed.xml"/>
    </outline>
  </outline>
  <outline text="Simon Willison’s Weblog" xmlUrl="https://simonwillison.net/atom/everything/"/>
  <outline text="Just a link" type="link" url="https://example.org/"/>
""")


def test_nested_outlines_are_flattened(tmp_path):
    src = write(tmp_path / "subs.opml", NESTED)
    cfg = tmp_path / "feeds.toml"
    report = import_opml(src, cfg)

    assert isinstance(report, ImportReport)
    assert report.added == ["openai-news", "google-research-blog", "bair", "simon-willisons-weblog"]
    assert report.refused == [] and report.skipped == []
    sources = load(cfg)["sources"]
    assert [s["url"] for s in sources] == [
        "https://openai.com/news/rss.xml",
        "https://research.google/blog/rss/",
        "https://bair.berkeley.edu/blog/feed.xml",
        "https://simonwillison.net/atom/everything/",
    ]
    assert all(s["kind"] == "feed" for s in sources)
    assert sources[1]["title"] == "Google Research blog"
    assert sources[3]["title"] == "Simon Willison’s Weblog"


def test_opml_1_0_and_title_only_outline(tmp_path):
    src = write(tmp_path / "old.opml", opml(
        '<outline title="Only A Title" xmlUrl="http://example.com/rss"/>'
        '<outline xmlUrl="https://www.example.net/blog/feed.xml"/>', version="1.0"))
    cfg = tmp_path / "feeds.toml"
    report = import_opml(src, cfg)
    assert report.added == ["only-a-title", "example-net-blog-feed-xml"]
    sources = load(cfg)["sources"]
    assert sources[0]["title"] == "Only A Title"
    assert "title" not in sources[1]


def test_creates_missing_file_and_parent(tmp_path):
    src = write(tmp_path / "subs.opml", opml('<outline text="A" xmlUrl="https://a.example/feed"/>'))
    cfg = tmp_path / "conf" / "feeds.toml"
    assert not cfg.exists()
    report = import_opml(src, cfg)
    assert report.added == ["a"]
    assert load(cfg)["sources"] == [{"name": "a", "kind": "feed", "url": "https://a.example/feed", "title": "A"}]


EXISTING = """\
# My feedwatch config -- keep this comment!
user = "ana"

[fetch]
timeout = 20   # seconds, tuned for the office proxy

# ---- papers ----
[[sources]]
name = "openai-news"          # inline comment stays too
kind = "feed"
url = "https://openai.com/news/rss.xml"

[[sources]]
name = "vllm-releases"
kind = "github"
repo = "vllm-project/vllm"

# ---- tags ----
[[tags]]
name = "model-release"
keywords = ["release"]

[llm]
enabled = false   # off until budget approved
"""


def test_existing_comments_and_formatting_preserved(tmp_path):
    cfg = write(tmp_path / "feeds.toml", EXISTING)
    src = write(tmp_path / "subs.opml", opml(
        '<outline text="OpenAI News" xmlUrl="https://openai.com/news/rss.xml"/>'
        '<outline text="Hugging Face blog" xmlUrl="https://huggingface.co/blog/feed.xml"/>'))
    report = import_opml(src, cfg)
    assert report.added == ["hugging-face-blog"]

    text = cfg.read_text(encoding="utf-8")
    assert text.startswith(EXISTING)          # the old file is untouched, byte for byte
    data = tomllib.loads(text)
    assert data["user"] == "ana"
    assert data["fetch"] == {"timeout": 20}
    assert data["tags"] == [{"name": "model-release", "keywords": ["release"]}]
    assert data["llm"] == {"enabled": False}
    assert [s["name"] for s in data["sources"]] == ["openai-news", "vllm-releases", "hugging-face-blog"]
    assert data["sources"][-1] == {"name": "hugging-face-blog", "kind": "feed",
                                   "url": "https://huggingface.co/blog/feed.xml", "title": "Hugging Face blog"}


def test_imported_config_validates_with_loader(tmp_path):
    config = pytest.importorskip("feedwatch.config")
    cfg = write(tmp_path / "feeds.toml", EXISTING)
    import_opml(write(tmp_path / "s.opml", NESTED), cfg)
    loaded = config.load_config(cfg)
    assert len(loaded.sources) == 5   # openai-news was already there


def test_duplicates_skipped(tmp_path):
    cfg = write(tmp_path / "feeds.toml", EXISTING)
    src = write(tmp_path / "subs.opml", opml("""
      <outline text="OpenAI again" xmlUrl="HTTP://OpenAI.com:80/news/rss.xml#x"/>
      <outline text="vLLM via feed" xmlUrl="https://github.com/vllm-project/vllm/releases.atom"/>
      <outline text="A" xmlUrl="https://a.example/feed"/>
      <outline text="A copy" xmlUrl="https://a.example/feed/"/>
      <outline text="B" xmlUrl="https://b.example/feed"/>
    """))
    before = cfg.read_text(encoding="utf-8")
    report = import_opml(src, cfg)
    assert report.added == ["a", "b"]
    assert len(report.skipped) == 3
    assert "already in" in report.skipped[0] and "already in" in report.skipped[1]
    assert "duplicate" in report.skipped[2]

    # A second import of the same file adds nothing and leaves the file alone.
    after_first = cfg.read_text(encoding="utf-8")
    assert after_first.startswith(before)
    again = import_opml(src, cfg)
    assert again.added == [] and len(again.skipped) == 5
    assert cfg.read_text(encoding="utf-8") == after_first


def test_name_collisions_get_suffixes(tmp_path):
    cfg = write(tmp_path / "feeds.toml", '[[sources]]\nname = "news"\nkind = "feed"\nurl = "https://x.example/n"\n')
    src = write(tmp_path / "subs.opml", opml(
        '<outline text="News" xmlUrl="https://a.example/news"/>'
        '<outline text="NEWS!" xmlUrl="https://b.example/news"/>'
        '<outline text="¿¿??" xmlUrl="https://c.example/"/>'))
    report = import_opml(src, cfg)
    assert report.added == ["news-2", "news-3", "c-example"]
    names = [s["name"] for s in load(cfg)["sources"]]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", n) for n in names)


@pytest.mark.parametrize("bad", [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "file:///etc/passwd",
    "ftp://example.com/feed.xml",
    "data:text/xml,<rss/>",
    "feed.xml",
    "https://exa mple.com/feed",
])
def test_non_http_urls_refused(tmp_path, bad):
    from xml.sax.saxutils import quoteattr
    src = write(tmp_path / "subs.opml", opml(
        f'<outline text="Bad" xmlUrl={quoteattr(bad)}/><outline text="Good" xmlUrl="https://good.example/rss"/>'))
    cfg = tmp_path / "feeds.toml"
    report = import_opml(src, cfg)
    assert report.added == ["good"]
    assert len(report.refused) == 1 and "'Bad'" in report.refused[0]
    assert bad.split(":")[0] not in cfg.read_text(encoding="utf-8").replace("https", "")


def test_only_refusals_leave_config_absent(tmp_path):
    src = write(tmp_path / "subs.opml", opml('<outline text="x" xmlUrl="javascript:alert(1)"/>'))
    cfg = tmp_path / "feeds.toml"
    report = import_opml(src, cfg)
    assert report.added == [] and len(report.refused) == 1
    assert not cfg.exists()


def test_xxe_external_entity_is_not_read(tmp_path):
    secret = write(tmp_path / "secret.txt", "TOPSECRET-4f2a")
    src = write(tmp_path / "evil.opml", f"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>
<opml version="2.0"><head><title>&xxe;</title></head><body>
<outline text="&xxe;" xmlUrl="https://evil.example/&xxe;"/>
<outline text="ok" xmlUrl="https://ok.example/feed"/>
</body></opml>
""")
    cfg = tmp_path / "feeds.toml"
    try:
        report = import_opml(src, cfg)
    except OpmlError as exc:
        message = str(exc)
        assert "\n" not in message and str(src) in message
        assert "TOPSECRET" not in message
        assert not cfg.exists()
    else:  # acceptable too, provided the entity was left unexpanded
        text = cfg.read_text(encoding="utf-8") if cfg.exists() else ""
        assert "TOPSECRET" not in text
        assert not any("TOPSECRET" in m for m in report.added + report.skipped + report.refused)


def test_external_dtd_and_entity_expansion_refused_or_harmless(tmp_path):
    secret = write(tmp_path / "secret.dtd", '<!ENTITY leak "TOPSECRET-9c1e">')
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    src = write(tmp_path / "laughs.opml", f"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY l0 "lol">{laughs}]>
<opml version="2.0"><head/><body><outline text="&l9;" xmlUrl="https://e.example/x"/></body></opml>
""")
    with pytest.raises(OpmlError):
        import_opml(src, tmp_path / "feeds.toml")

    src2 = write(tmp_path / "extdtd.opml", f"""<?xml version="1.0"?>
<!DOCTYPE opml SYSTEM "{secret.as_uri()}">
<opml version="2.0"><head/><body><outline text="t" xmlUrl="https://e.example/x"/></body></opml>
""")
    cfg = tmp_path / "feeds2.toml"
    try:
        import_opml(src2, cfg)
    except OpmlError:
        pass
    assert "TOPSECRET" not in (cfg.read_text(encoding="utf-8") if cfg.exists() else "")


@pytest.mark.parametrize("content", [
    "",
    "not xml at all",
    "<rss version='2.0'><channel/></rss>",
    "<opml version='2.0'><head/></opml>",
    "<opml version='2.0'><body><outline text='x'",
])
def test_non_opml_input_raises(tmp_path, content):
    src = write(tmp_path / "bad.opml", content)
    with pytest.raises(OpmlError) as info:
        import_opml(src, tmp_path / "feeds.toml")
    assert str(src) in str(info.value) and "\n" not in str(info.value)
    assert not (tmp_path / "feeds.toml").exists()


def test_missing_opml_file_raises(tmp_path):
    with pytest.raises(OpmlError, match="no such file"):
        import_opml(tmp_path / "nope.opml", tmp_path / "feeds.toml")


def test_export_escapes_and_filters():
    out = export_opml([
        ("a", 'Tom & Jerry <"quoted">', "https://a.example/feed?x=1&y=2"),
        ("no-url", None, None),
        ("bad", "Bad", "javascript:alert(1)"),
        ("b", None, "http://b.example/rss"),
    ])
    from lxml import etree
    root = etree.fromstring(out.encode("utf-8"))
    assert root.tag == "opml" and root.get("version") == "2.0"
    outlines = root.findall("./body/outline")
    assert [o.get("xmlUrl") for o in outlines] == ["https://a.example/feed?x=1&y=2", "http://b.example/rss"]
    assert outlines[0].get("text") == 'Tom & Jerry <"quoted">'
    assert outlines[1].get("text") == "b"           # falls back to the name
    assert "javascript" not in out


def test_export_then_import_round_trip(tmp_path):
    sources = [
        ("openai-news", "OpenAI News", "https://openai.com/news/rss.xml"),
        ("vllm-releases", "vLLM releases", "https://github.com/vllm-project/vllm/releases.atom"),
        ("odd", "Ünïcödé & <stuff>", "https://example.com/feed?a=1&b=2"),
        ("untitled", None, "https://example.org/atom.xml"),
    ]
    src = write(tmp_path / "export.opml", export_opml(sources))
    cfg = tmp_path / "feeds.toml"
    report = import_opml(src, cfg)
    assert report.skipped == [] and report.refused == []
    assert [s["url"] for s in load(cfg)["sources"]] == [url for _, _, url in sources]
    assert load(cfg)["sources"][2]["title"] == "Ünïcödé & <stuff>"


def test_helpers():
    assert slugify("Google DeepMind — Blog") == "google-deepmind-blog"
    assert slugify("  ") == ""
    assert normalise_url("HTTPS://Example.COM:443/feed/#top") == normalise_url("http://example.com/feed")
    assert normalise_url("https://example.com/feed?a=1") != normalise_url("https://example.com/feed?a=2")


# --- the default feeds.toml ---------------------------------------------------------------

def _default_sources() -> list[dict]:
    with open(DEFAULT_CONFIG, "rb") as fh:
        return tomllib.load(fh)["sources"]


def test_default_config_parses_and_names_are_unique():
    sources = _default_sources()
    assert sources
    names = [s["name"] for s in sources]
    assert len(names) == len(set(names))
    for name in names:
        assert re.fullmatch(r"^[a-z0-9-]+$", name), name
    kinds = {s["kind"] for s in sources}
    assert kinds == {"feed", "arxiv", "github", "huggingface"}


def test_default_config_urls_are_http():
    with open(DEFAULT_CONFIG, "rb") as fh:
        data = tomllib.load(fh)
    urls = [s["url"] for s in data["sources"] if "url" in s]
    urls += list(data.get("endpoints", {}).values())
    assert urls
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme in ("http", "https") and parts.netloc, url
    feed_urls = [normalise_url(s["url"]) for s in data["sources"] if "url" in s]
    assert len(feed_urls) == len(set(feed_urls))
    assert data["llm"]["enabled"] is False


def test_default_config_loads_with_loader():
    config = pytest.importorskip("feedwatch.config")
    loaded = config.load_config(DEFAULT_CONFIG)
    assert len(loaded.sources) == len(_default_sources())
    for source in loaded.sources:
        source.title_filter()   # every include/exclude pattern compiles


def test_repeated_imports_and_inline_sources_array(tmp_path):
    cfg = write(tmp_path / "feeds.toml", EXISTING)
    import_opml(write(tmp_path / "one.opml", opml('<outline text="One" xmlUrl="https://one.example/f"/>')), cfg)
    import_opml(write(tmp_path / "two.opml", opml('<outline text="Two" xmlUrl="https://two.example/f"/>')), cfg)
    names = [s["name"] for s in load(cfg)["sources"]]
    assert names == ["openai-news", "vllm-releases", "one", "two"]

    inline = write(tmp_path / "inline.toml",
                   'sources = [ { name = "x", kind = "feed", url = "https://x.example/f" } ]  # keep me\n')
    report = import_opml(tmp_path / "one.opml", inline)
    assert report.added == ["one"]
    assert "# keep me" in inline.read_text(encoding="utf-8")
    assert [s["name"] for s in load(inline)["sources"]] == ["x", "one"]
