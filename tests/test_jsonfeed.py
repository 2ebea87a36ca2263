"""JSON Feed parsing (feedwatch.sources.jsonfeed), with a hand-written deprecations.info-style feed."""

from __future__ import annotations

import json

import pytest

from feedwatch.sources.jsonfeed import looks_like_json_feed, parse_json_feed

FEED_URL = "https://deprecations.info/v1/feed.json"
ANTHROPIC_DOCS = "https://platform.claude.com/docs/en/about-claude/model-deprecations"
OPENAI_DOCS = "https://platform.openai.com/docs/deprecations"


def _dep_item(provider, model_id, url, published, shutdown, announced, replacements, deprecated=None):
    dep = {
        "provider": provider,
        "model_id": model_id,
        "shutdown_date": shutdown,
        "announcement_date": announced,
        "replacement_models": replacements,
        "first_observed": published[:10],
        "last_observed": "2026-07-24",
    }
    if deprecated:
        dep["deprecation_date"] = deprecated
    return {
        "id": f"{provider.lower()}-{model_id}",
        "url": url,
        "title": f"{provider}: {model_id}",
        "content_text": "",
        "date_published": published,
        "_deprecation": dep,
        "tags": [provider, f"shutdown-{shutdown[:4]}"],
    }


# Modelled on https://deprecations.info/v1/feed.json (deprecations/deprecations-rss docs/v1/feed.json):
# JSON Feed 1.1, one item per model id titled "Provider: model_id", an empty content_text,
# microsecond "+00:00" timestamps, items of one provider sharing that provider's docs page,
# and "---" as the replacement placeholder.
DEPRECATIONS_FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "AI Model Deprecations",
    "home_page_url": "https://deprecations.info/",
    "feed_url": FEED_URL,
    "description": "Tracking deprecations and sunsets for AI/ML models across major providers",
    "icon": "https://deprecations.info/favicon.ico",
    "authors": [{"name": "deprecations.info"}],
    "language": "en-US",
    "items": [
        _dep_item("Anthropic", "claude-3-opus-20240229", ANTHROPIC_DOCS, "2026-06-30T02:14:09.120934+00:00",
                  "2026-01-05", "2025-06-30", ["claude-opus-4-1-20250805"], deprecated="2025-06-30"),
        _dep_item("Anthropic", "claude-3-5-haiku-20241022", ANTHROPIC_DOCS, "2026-06-30T02:14:09.121002+00:00",
                  "2026-02-19", "2025-12-19", ["claude-haiku-4-5-20251001"], deprecated="2025-12-19"),
        _dep_item("Anthropic", "claude-3-7-sonnet-20250219", ANTHROPIC_DOCS, "2026-06-30T02:14:09.121077+00:00",
                  "2026-02-19", "2025-10-28", ["claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805"]),
        _dep_item("OpenAI", "sora-2", OPENAI_DOCS + "#2026-03-24-sora-2-video-generation-models-and-videos-api",
                  "2026-03-27T04:35:42.378612+00:00", "2026-09-24", "2026-03-24", ["---"]),
        _dep_item("OpenAI", "dall-e-3", OPENAI_DOCS + "#2025-11-14-dalle-model-snapshots",
                  "2026-03-26T13:06:41.584020+00:00", "2026-05-12", "2025-11-14", ["gpt-image-1", "gpt-image-1-mini"]),
    ],
}


def _body(doc) -> bytes:
    return json.dumps(doc).encode("utf-8")


# --- the deprecations.info feed ------------------------------------------------------------------


def test_deprecations_feed_items_become_entries():
    feed = parse_json_feed(_body(DEPRECATIONS_FEED), FEED_URL)
    assert feed.title == "AI Model Deprecations"
    assert feed.warning is None
    assert [e.title for e in feed.entries] == [
        "Anthropic: claude-3-opus-20240229",
        "Anthropic: claude-3-5-haiku-20241022",
        "Anthropic: claude-3-7-sonnet-20250219",
        "OpenAI: sora-2",
        "OpenAI: dall-e-3",
    ]
    # one provider page for many models: the guid (item id) keeps them apart, the url does not
    assert {e.url for e in feed.entries[:3]} == {ANTHROPIC_DOCS}
    assert len({e.guid for e in feed.entries}) == 5
    assert feed.entries[0].guid == "anthropic-claude-3-opus-20240229"
    first = feed.entries[0]
    assert first.published == "2026-06-30T02:14:09Z"
    assert first.updated is None
    assert first.categories == ["Anthropic", "shutdown-2026"]
    assert first.authors == ["deprecations.info"]  # feed-level authors apply to items
    assert first.content == ""


def test_deprecation_extension_is_kept_in_extra():
    feed = parse_json_feed(_body(DEPRECATIONS_FEED), FEED_URL)
    dep = feed.entries[0].extra["_deprecation"]
    assert dep == {
        "provider": "Anthropic",
        "model_id": "claude-3-opus-20240229",
        "shutdown_date": "2026-01-05",
        "announcement_date": "2025-06-30",
        "replacement_models": ["claude-opus-4-1-20250805"],
        "first_observed": "2026-06-30",
        "last_observed": "2026-07-24",
        "deprecation_date": "2025-06-30",
    }
    json.dumps(feed.entries[0].extra)  # storable as JSON
    # "---" is deprecations.info's "no replacement" placeholder, not a model name
    assert feed.entries[3].extra["_deprecation"]["replacement_models"] == []
    assert feed.entries[4].extra["_deprecation"]["replacement_models"] == ["gpt-image-1", "gpt-image-1-mini"]


def test_empty_content_gets_a_summary_from_the_deprecation_facts():
    feed = parse_json_feed(_body(DEPRECATIONS_FEED), FEED_URL)
    summary = feed.entries[2].summary
    assert "Shutdown: 2026-02-19" in summary
    assert "Replacement: claude-sonnet-4-5-20250929, claude-opus-4-1-20250805" in summary
    assert "Replacement" not in feed.entries[3].summary


def test_extension_values_are_cleaned_and_json_safe():
    item = _dep_item("Evil\x1b[31m Corp\u202e", "m\x00odel", OPENAI_DOCS, "2026-01-01T00:00:00Z",
                     "2026-02-01", "2026-01-01", ["ok-model", "\x1b]8;;http://x\x07click\x1b]8;;\x07"])
    item["_deprecation"]["weird"] = float("nan")
    item["_deprecation"]["nested"] = {"a": [1, 2.5, True, None, "x\x07y"], "b": float("inf")}
    item["_other_ext"] = {"k": "v"}
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [item]}
    body = json.dumps(doc).encode()  # json.dumps writes NaN/Infinity, which json.loads accepts
    assert b"NaN" in body
    entry = parse_json_feed(body, FEED_URL).entries[0]
    dep = entry.extra["_deprecation"]
    assert dep["provider"] == "Evil Corp"
    assert dep["model_id"] == "model"
    assert dep["replacement_models"] == ["ok-model", "click"]
    assert "weird" not in dep
    assert dep["nested"] == {"a": [1, 2.5, True, None, "xy"]}
    assert entry.extra["_other_ext"] == {"k": "v"}
    json.dumps(entry.extra, allow_nan=False)


# --- JSON Feed features ------------------------------------------------------------------------


def test_json_feed_1_0_author_relative_urls_html_content():
    doc = {
        "version": "https://jsonfeed.org/version/1",
        "title": "  Lab \n blog  ",
        "home_page_url": "https://lab.example/blog/",
        "feed_url": "https://lab.example/feed.json",
        "author": {"name": "Feed Author"},
        "items": [
            {
                "id": 42,  # 1.1: numbers must be coerced to strings
                "url": "posts/hello",
                "external_url": "https://paper.example/x",
                "title": "Hello <b>world</b>",
                "content_html": "<p>First <b>para</b>.</p><script>alert(1)</script><p>Second.</p>",
                "date_published": "2026-05-01T10:00:00+02:00",
                "date_modified": "2026-05-02T00:00:00Z",
                "author": {"name": "Item Author"},
                "tags": ["llm", "llm", "", 7, "evals"],
            },
            {"id": "js", "url": "javascript:alert(1)", "title": "bad link", "content_text": "x"},
        ],
    }
    feed = parse_json_feed(_body(doc), "https://mirror.example/feed.json")
    assert feed.title == "Lab blog"
    e = feed.entries[0]
    assert e.guid == "42"
    assert e.url == "https://lab.example/blog/posts/hello"
    assert e.extra["external_url"] == "https://paper.example/x"
    assert e.title == "Hello <b>world</b>"  # titles are plain text: markup is kept literally
    assert e.content == "First para.\n\nSecond."
    assert "alert" not in e.content
    assert e.summary == e.content
    assert e.published == "2026-05-01T08:00:00Z"
    assert e.updated == "2026-05-02T00:00:00Z"
    assert e.authors == ["Item Author"]
    assert e.categories == ["llm", "evals"]
    assert feed.entries[1].url is None


def test_json_feed_1_1_authors_and_content_text():
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "x",
        "items": [
            {
                "id": "a",
                "url": "https://x.example/a",
                "title": "A",
                "summary": "Short   summary\n\n\n\nsecond line",
                "content_text": "Body line 1\nBody line 2\x1b[2J",
                "authors": [{"name": "Ada"}, {"name": "Grace"}, {"url": "https://no.name"}, "junk"],
            }
        ],
    }
    e = parse_json_feed(_body(doc), "https://x.example/feed.json").entries[0]
    assert e.authors == ["Ada", "Grace"]
    assert e.content == "Body line 1\nBody line 2"
    assert e.summary == "Short   summary\n\nsecond line"


def test_relative_urls_fall_back_to_feed_url_then_fetch_url():
    doc = {"version": "https://jsonfeed.org/version/1.1", "feed_url": "https://cdn.example/f/feed.json",
           "items": [{"id": "1", "url": "p1", "title": "t"}]}
    assert parse_json_feed(_body(doc), "https://fetch.example/a/b.json").entries[0].url == "https://cdn.example/f/p1"
    del doc["feed_url"]
    assert parse_json_feed(_body(doc), "https://fetch.example/a/b.json").entries[0].url == "https://fetch.example/a/p1"


def test_missing_id_falls_back_to_url_then_external_url():
    doc = {"version": "https://jsonfeed.org/version/1.1", "items": [
        {"url": "https://x.example/post", "title": "t1"},
        {"external_url": "https://y.example/ext", "title": "t2"},
        {"id": "", "title": "only a title"},
        {"id": None},
    ]}
    feed = parse_json_feed(_body(doc), "https://x.example/feed.json")
    assert [e.guid for e in feed.entries[:2]] == ["https://x.example/post", "https://y.example/ext"]
    assert feed.entries[1].url == "https://y.example/ext"
    assert feed.entries[2].guid.startswith("sha1:")  # stable content hash as a last resort
    assert parse_json_feed(_body(doc), "u").entries[2].guid == feed.entries[2].guid
    assert len(feed.entries) == 3 and "1 JSON Feed item" in feed.warning


def test_title_is_derived_when_absent():
    text = "Today we release a model that " + "reads very long sentences " * 20
    doc = {"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "1", "content_text": text},
        {"id": "2", "summary": "A micro post.", "content_html": "<p>ignored for the title</p>"},
        {"id": "3"},
    ]}
    entries = parse_json_feed(_body(doc), "https://x.example/f.json").entries
    assert entries[0].title.startswith("Today we release a model that reads")
    assert entries[0].title.endswith("…") and len(entries[0].title) <= 100
    assert not entries[0].title[:-1].endswith(" ")
    assert entries[1].title == "A micro post."
    assert entries[2].title == "(untitled)"


def test_summary_from_content_is_capped():
    doc = {"version": "https://jsonfeed.org/version/1.1", "items": [
        {"id": "1", "title": "t", "content_html": "<p>" + "word " * 1000 + "</p>"}]}
    e = parse_json_feed(_body(doc), "https://x.example/f.json").entries[0]
    assert len(e.summary) <= 1000
    assert len(e.content) > 4000


def test_bom_and_non_object_items():
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "t",
           "items": ["str", 1, None, {"id": "ok", "title": "fine"}]}
    feed = parse_json_feed(b"\xef\xbb\xbf" + _body(doc), "https://x.example/f.json")
    assert [e.guid for e in feed.entries] == ["ok"]
    assert feed.warning and "3" in feed.warning


def test_items_without_version_or_version_without_items():
    feed = parse_json_feed(_body({"items": [{"id": "1", "title": "t"}]}), "https://x.example/f.json")
    assert len(feed.entries) == 1
    feed = parse_json_feed(_body({"version": "https://jsonfeed.org/version/1.1", "title": "t"}), "u")
    assert feed.entries == [] and feed.warning


@pytest.mark.parametrize(
    "body, fragment",
    [
        (b"<?xml version='1.0'?><rss><channel/></rss>", "not valid JSON"),
        (b"{broken", "not valid JSON"),
        (b"", "not valid JSON"),
        (b'[{"id": "1"}]', "not a JSON Feed"),
        (b'{"error": "rate limited"}', "not a JSON Feed"),
        (b'{"version": "1.1", "items": {"a": 1}}', "not a JSON Feed"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
    ],
)
def test_not_a_json_feed_raises_a_short_value_error(body, fragment):
    with pytest.raises(ValueError) as info:
        parse_json_feed(body, "https://x.example/feed.json")
    msg = str(info.value)
    assert fragment in msg
    assert "\n" not in msg and len(msg) < 200


@pytest.mark.parametrize(
    "body, content_type, expected",
    [
        (b"", "application/feed+json", True),
        (b"", "Application/JSON; charset=utf-8", True),
        (b'\xef\xbb\xbf \n {"version": 1}', "text/plain", True),
        (b'  {"a": 1}', None, True),
        (b"<?xml version='1.0'?><rss/>", "application/rss+xml", False),
        (b"<!doctype html>", "text/html", False),
        (b"[1, 2]", "text/plain", False),
    ],
)
def test_looks_like_json_feed(body, content_type, expected):
    assert looks_like_json_feed(body, content_type) is expected
