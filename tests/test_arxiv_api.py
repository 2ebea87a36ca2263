"""arXiv query API through the `arxiv` package, against a real loopback HTTP server."""

from __future__ import annotations

import inspect
import socket
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from feedwatch.sources.arxiv_api import ArxivError, fetch_arxiv
from feedwatch.sources.arxiv_ids import split_arxiv_id
from tests.servers.http import Reply

REAL = Path("/work/shared/fixtures/real/arxiv-api")
needs_real = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"real arXiv API fixtures not available ({REAL} is absent)"
)
ATOM = "application/atom+xml; charset=utf-8"
UA = "feedwatch-test/1.0 (mailto:team@example.com)"
FAST = dict(delay_seconds=0.01, num_retries=1)  # the polite defaults are 3 s / 2 retries


def _fixture(prefix: str) -> bytes:
    (path,) = sorted(REAL.glob(prefix + "*.xml"))
    return path.read_bytes()


def _fetch(server, *, query="all:testing", max_results=10, timeout=5.0, **kw):
    opts = {**FAST, **kw}
    return fetch_arxiv(query, max_results, server.url("/api/query"), timeout, UA, **opts)


def _params(req) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(req.path).query, keep_blank_values=True).items()}


# --- split_arxiv_id -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2401.01234v2", ("2401.01234", 2)),
        ("arXiv:2401.01234", ("2401.01234", None)),
        ("ARXIV:2401.01234v12", ("2401.01234", 12)),
        ("oai:arXiv.org:2401.01234v3", ("2401.01234", 3)),
        ("http://arxiv.org/abs/2401.01234v2", ("2401.01234", 2)),
        ("https://arxiv.org/pdf/2401.01234v1", ("2401.01234", 1)),
        ("https://arxiv.org/pdf/2401.01234v1.pdf", ("2401.01234", 1)),
        ("https://export.arxiv.org/abs/2401.01234?context=cs", ("2401.01234", None)),
        ("  hep-th/0601001v1 ", ("hep-th/0601001", 1)),
        ("http://arxiv.org/abs/astro-ph/0601001", ("astro-ph/0601001", None)),
        ("http://arxiv.org/abs/cond-mat/0603029v1", ("cond-mat/0603029", 1)),
        ("math.AG/0601001", ("math/0601001", None)),
        ("1111.2011v2", ("1111.2011", 2)),
        ("0704.0001", ("0704.0001", None)),
        ("https://doi.org/10.48550/arXiv.2401.01234", ("2401.01234", None)),
    ],
)
def test_split_arxiv_id_accepts_known_forms(text, expected):
    assert split_arxiv_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "", None, "not an id", "2401.1234",  # 4 digits after 2015
        "1412.01234",  # 5 digits before 2015
        "2413.01234",  # month 13
        "see 2401.01234 for details", "2401.01234v0", "x2401.01234",
        "https://example.com/abs/2401.01234", "hep-th/06010011", "ftp://arxiv.org/abs/2401.01234",
        "https://arxiv.org/abs/2401.01234v2 and more",
    ],
)
def test_split_arxiv_id_rejects_other_text(text):
    assert split_arxiv_id(text) is None


# --- successful queries -------------------------------------------------------------------------


def test_polite_defaults():
    params = inspect.signature(fetch_arxiv).parameters
    assert params["delay_seconds"].default == 3.0
    assert params["num_retries"].default == 2


@needs_real
def test_2026_search_results_become_entries(http_server):
    http_server.route("/api/query", Reply(body=_fixture("arxivpy-2026_q_testing_s0_m10_"), content_type=ATOM))
    feed = _fetch(http_server, max_results=10)
    assert len(feed.entries) == 10
    assert feed.warning is None
    assert feed.title == "arXiv: all:testing"

    (req,) = http_server.requests
    assert req.headers["user-agent"] == UA  # not the package's "arxiv.py/x.y.z"
    params = _params(req)
    assert params["search_query"] == "all:testing"
    assert params["sortBy"] == "submittedDate"
    assert params["sortOrder"] == "descending"
    assert params["max_results"] == "10" and params["start"] == "0"

    e = feed.entries[0]
    assert e.guid == "arxiv:2202.12139"
    assert e.arxiv_id == "2202.12139" and e.arxiv_version == 1
    assert e.url == "https://arxiv.org/abs/2202.12139"
    assert e.title == "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    assert e.summary.startswith("Deep Learning (DL) has revolutionized")
    assert e.summary.endswith("discuss its results.")
    assert e.authors == ["Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker"]
    assert e.published == "2022-02-24T15:05:19Z" and e.updated == "2022-02-24T15:05:19Z"
    assert e.categories == ["cs.SE", "cs.LG"]
    assert e.extra["primary_category"] == "cs.SE"
    assert e.extra["doi"] == "10.1109/ICSTW55395.2022.00035"
    assert e.extra["comment"].startswith("Artificial Intelligence in Software Testing 2022")
    assert e.extra["journal_ref"].startswith("Artificial Intelligence in Software Testing @ 2022")
    for entry in feed.entries:
        assert entry.guid == f"arxiv:{entry.arxiv_id}"
        assert entry.url == f"https://arxiv.org/abs/{entry.arxiv_id}"
        assert entry.published and entry.published.endswith("Z")
        assert "\n" not in entry.title


@needs_real
def test_2016_format_hard_wrapped_title_and_abstract(http_server):
    body = _fixture("arxivpy-2016_search_au-del_maestro_AND_ti-checkerboard")
    http_server.route("/api/query", Reply(body=body, content_type=ATOM))
    (e,) = _fetch(http_server, query="au:del_maestro AND ti:checkerboard").entries
    assert e.guid == "arxiv:cond-mat/0603029"
    assert e.arxiv_id == "cond-mat/0603029" and e.arxiv_version == 1
    assert e.url == "https://arxiv.org/abs/cond-mat/0603029"
    assert e.title == "From stripe to checkerboard order on the square lattice in the presence of quenched disorder"
    assert e.summary.startswith("We discuss the effects of quenched disorder on a model of charge density wave (CDW)")
    assert "\n" not in e.summary and "  " not in e.summary
    assert e.extra["doi"] == "10.1103/PhysRevB.74.024520"
    assert e.published == "2006-03-02T02:22:45Z"
    assert e.authors == ["Adrian Del Maestro", "Bernd Rosenow", "Subir Sachdev"]


@needs_real
def test_old_style_identifier(http_server):
    http_server.route("/api/query", Reply(body=_fixture("arxivpy-2026_id_astro-ph_0601001_"), content_type=ATOM))
    (e,) = _fetch(http_server, query="id:astro-ph/0601001").entries
    assert e.arxiv_id == "astro-ph/0601001" and e.arxiv_version == 1
    assert e.guid == "arxiv:astro-ph/0601001"


@needs_real
def test_empty_result_is_not_an_error(http_server):
    http_server.route("/api/query", Reply(body=_fixture("arxivpy-2026_id_0000.0000_"), content_type=ATOM))
    feed = _fetch(http_server, query="all:nothingmatchesthis")
    assert feed.entries == []
    assert http_server.hits("/api/query") == 1  # an empty first page is final, not retried


@needs_real
def test_page_size_is_capped_at_100_and_pages_are_deduplicated(http_server):
    # The fixture claims 214881 results but holds 10, so every page repeats the same 10 papers.
    http_server.route("/api/query", Reply(body=_fixture("arxivpy-2026_q_testing_s0_m10_"), content_type=ATOM))
    feed = _fetch(http_server, max_results=130)
    starts = [_params(r)["start"] for r in http_server.requests]
    assert [_params(r)["max_results"] for r in http_server.requests] == ["100"] * len(starts)
    assert starts[:3] == ["0", "10", "20"]
    assert len(feed.entries) == 10  # 130 results, 10 distinct papers


def test_api_url_with_braces_and_query_is_used_verbatim(http_server):
    http_server.route("/api/query", Reply(body=b"<feed xmlns='http://www.w3.org/2005/Atom'/>", content_type=ATOM))
    url = http_server.url("/api/query") + "?x={1}"
    feed = fetch_arxiv("all:x", 5, url, 5.0, UA, **FAST)
    assert feed.entries == []
    params = _params(http_server.requests[0])
    assert params["x"] == "{1}" and params["search_query"] == "all:x"


# --- errors -------------------------------------------------------------------------------------


@needs_real
@pytest.mark.parametrize("status", [400, 200])
def test_api_error_feed_raises_without_retrying(http_server, status):
    body = _fixture("arxivpy-2026_id_abc_")
    http_server.route("/api/query", Reply(body=body, status=status, content_type=ATOM))
    with pytest.raises(ArxivError) as info:
        _fetch(http_server, query="id:abc", num_retries=2)
    msg = str(info.value)
    assert "incorrect id format for abc" in msg
    assert ("HTTP 400" in msg) is (status == 400)
    assert info.value.status == status
    assert http_server.hits("/api/query") == 1


def test_rate_limit_429_is_reported_and_not_hammered(http_server):
    http_server.route(
        "/api/query",
        Reply(body=b"Rate exceeded.", status=429, content_type="text/plain", headers={"Retry-After": "30"}),
        Reply(body=b"<feed xmlns='http://www.w3.org/2005/Atom'/>", content_type=ATOM),
    )
    t0 = time.monotonic()
    with pytest.raises(ArxivError) as info:
        _fetch(http_server, num_retries=2)
    assert time.monotonic() - t0 < 2
    assert "rate limited by arXiv (HTTP 429)" in str(info.value)
    assert "retry after 30 s" in str(info.value)
    assert info.value.status == 429 and info.value.retry_after == 30
    assert http_server.hits("/api/query") == 1


@needs_real
def test_server_error_is_retried_then_succeeds(http_server):
    http_server.route(
        "/api/query",
        Reply(body=b"oops", status=503, content_type="text/plain"),
        Reply(body=_fixture("arxivpy-2026_q_testing_s0_m10_"), content_type=ATOM),
    )
    feed = _fetch(http_server, num_retries=2)
    assert len(feed.entries) == 10
    assert http_server.hits("/api/query") == 2


def test_persistent_server_error_gives_status(http_server):
    http_server.route("/api/query", Reply(body=b"down", status=502, content_type="text/plain"))
    with pytest.raises(ArxivError) as info:
        _fetch(http_server, num_retries=2)
    assert str(info.value) == "arXiv API returned HTTP 502"
    assert info.value.status == 502
    assert http_server.hits("/api/query") == 3  # first try + 2 retries


def test_not_found_is_not_retried(http_server):
    with pytest.raises(ArxivError, match="HTTP 404"):
        fetch_arxiv("all:x", 5, http_server.url("/wrong/path"), 5.0, UA, **{**FAST, "num_retries": 2})
    assert http_server.hits("/wrong/path") == 1


def test_html_instead_of_atom_is_an_error(http_server):
    http_server.route("/api/query", Reply(body=b"<!doctype html><p>Maintenance</p>", content_type="text/html"))
    with pytest.raises(ArxivError, match="not an Atom feed"):
        _fetch(http_server)


def test_stalled_server_times_out(http_server):
    http_server.route("/api/query", Reply(body=b"<feed xmlns='http://www.w3.org/2005/Atom'/>", delay=5.0))
    t0 = time.monotonic()
    with pytest.raises(ArxivError) as info:
        _fetch(http_server, timeout=0.5, num_retries=2)
    elapsed = time.monotonic() - t0
    assert str(info.value) == "arXiv API timed out after 0.5 s"
    assert info.value.timed_out
    assert elapsed < 2.5
    assert http_server.hits("/api/query") == 1  # a timeout is not retried


@needs_real
def test_trickling_body_is_cut_at_the_deadline(http_server):
    # each 1 KB piece arrives well within the timeout, but the whole body would take ~8 s
    body = _fixture("arxivpy-2026_q_testing_s0_m10_")
    http_server.route("/api/query", Reply(body=body, content_type=ATOM, chunk_delay=0.25, chunk_size=1024))
    t0 = time.monotonic()
    with pytest.raises(ArxivError, match=r"timed out after 1 s"):
        _fetch(http_server, timeout=1.0)
    assert time.monotonic() - t0 < 3


def test_connection_refused(http_server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before use: nothing listens there
    with pytest.raises(ArxivError, match="cannot connect to the arXiv API"):
        fetch_arxiv("all:x", 5, f"http://127.0.0.1:{port}/api/query", 2.0, UA, delay_seconds=0.01, num_retries=0)


def test_requests_are_spaced_across_calls(http_server):
    http_server.route("/api/query", Reply(body=b"<feed xmlns='http://www.w3.org/2005/Atom'/>", content_type=ATOM))
    _fetch(http_server, delay_seconds=0.4)
    _fetch(http_server, delay_seconds=0.4)
    first, second = http_server.requests
    assert second.time - first.time >= 0.35


def test_bad_arguments():
    with pytest.raises(ValueError):
        fetch_arxiv("q", 0, "http://127.0.0.1:9/api/query", 1.0, UA)
    with pytest.raises(ValueError):
        fetch_arxiv("q", 1, "http://127.0.0.1:9/api/query", 0, UA)
