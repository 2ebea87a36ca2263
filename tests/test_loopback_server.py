"""Self-test of the loopback HTTP server in tests/servers/http.py (real sockets, httpx)."""

import gzip
import time
import zlib

import httpx
import pytest

from tests.servers.http import LoopbackServer, Reply, gzip_bomb

FEED = "<?xml version='1.0'?><rss><channel><title>t</title></channel></rss>"


@pytest.fixture
def client():
    with httpx.Client(timeout=5) as c:
        yield c


def test_plain_200(http_server, client):
    http_server.route("/feed.xml", Reply(body=FEED))
    r = client.get(http_server.url("/feed.xml"))
    assert r.status_code == 200
    assert r.text == FEED
    assert r.headers["content-type"] == "application/xml; charset=utf-8"
    assert r.headers["content-length"] == str(len(FEED))
    assert http_server.base_url.startswith("http://127.0.0.1:")
    assert http_server.hits("/feed.xml") == 1
    # keep-alive: a second request reuses the connection and still works
    assert client.get(http_server.url("/feed.xml")).text == FEED
    assert http_server.hits("/feed.xml") == 2


def test_etag_304(http_server, client):
    http_server.route("/f", Reply(body=FEED, etag='"v1"'))
    r1 = client.get(http_server.url("/f"))
    assert r1.status_code == 200 and r1.headers["etag"] == '"v1"'
    r2 = client.get(http_server.url("/f"), headers={"If-None-Match": r1.headers["etag"]})
    assert r2.status_code == 304 and r2.content == b"" and r2.headers["etag"] == '"v1"'
    r3 = client.get(http_server.url("/f"), headers={"If-None-Match": 'W/"v1"'})
    assert r3.status_code == 304
    r4 = client.get(http_server.url("/f"), headers={"If-None-Match": '"other"'})
    assert r4.status_code == 200 and r4.text == FEED


def test_last_modified_304(http_server, client):
    lm = "Wed, 21 Oct 2015 07:28:00 GMT"
    http_server.route("/f", Reply(body=FEED, last_modified=lm))
    r1 = client.get(http_server.url("/f"))
    assert r1.status_code == 200 and r1.headers["last-modified"] == lm
    r2 = client.get(http_server.url("/f"), headers={"If-Modified-Since": lm})
    assert r2.status_code == 304 and r2.content == b""
    r3 = client.get(http_server.url("/f"), headers={"If-Modified-Since": "Thu, 01 Jan 2015 00:00:00 GMT"})
    assert r3.status_code == 200


def test_gzip(http_server, client):
    http_server.route("/f", Reply(body=FEED * 50, gzip=True))
    r = client.get(http_server.url("/f"))  # httpx sends Accept-Encoding: gzip, deflate...
    assert r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) < len(FEED * 50)
    assert r.text == FEED * 50
    plain = client.get(http_server.url("/f"), headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.text == FEED * 50


def test_redirect_chain(http_server, client):
    http_server.route("/a", Reply(redirect="/b"))
    http_server.route("/b", Reply(redirect=http_server.url("/c"), status=301))
    http_server.route("/c", Reply(body=FEED))
    r = client.get(http_server.url("/a"), follow_redirects=True)
    assert r.status_code == 200 and r.text == FEED
    assert [h.status_code for h in r.history] == [302, 301]
    assert r.history[0].headers["location"] == "/b"
    assert str(r.url) == http_server.url("/c")
    assert [http_server.hits(p) for p in ("/a", "/b", "/c")] == [1, 1, 1]


def test_429_retry_after_then_200(http_server, client):
    http_server.route(
        "/f",
        Reply(status=429, headers={"Retry-After": "1"}, body="slow down", content_type="text/plain"),
        Reply(body=FEED),
    )
    r1 = client.get(http_server.url("/f"))
    assert r1.status_code == 429 and r1.headers["retry-after"] == "1"
    assert client.get(http_server.url("/f")).status_code == 200
    assert client.get(http_server.url("/f")).status_code == 200  # last reply repeats
    assert http_server.hits("/f") == 3


def test_500(http_server, client):
    http_server.route("/f", Reply(status=500, body="boom"))
    r = client.get(http_server.url("/f"))
    assert r.status_code == 500 and r.text == "boom"


def test_delay(http_server, client):
    http_server.route("/slow", Reply(body=FEED, delay=0.2))
    t0 = time.monotonic()
    r = client.get(http_server.url("/slow"))
    assert r.status_code == 200 and time.monotonic() - t0 >= 0.19
    with pytest.raises(httpx.ReadTimeout):
        client.get(http_server.url("/slow"), timeout=0.05)


def test_chunk_delay_slow_body(http_server, client):
    body = b"a" * 400
    http_server.route("/f", Reply(body=body, chunk_delay=0.05, chunk_size=100))
    t0 = time.monotonic()
    with client.stream("GET", http_server.url("/f")) as r:
        t_headers = time.monotonic() - t0
        assert r.headers["content-length"] == "400"
        pieces = list(r.iter_raw())
    total = time.monotonic() - t0
    assert b"".join(pieces) == body
    assert len(pieces) >= 2
    assert total - t_headers >= 0.14  # headers first, then 4 pieces x 0.05 s of body
    # a read timeout shorter than the gap between pieces fires mid-body
    http_server.route("/stall", Reply(body=body, chunk_delay=0.3))
    with pytest.raises(httpx.ReadTimeout):
        client.get(http_server.url("/stall"), timeout=httpx.Timeout(5, read=0.1))


def test_generate_oversized_body(http_server, client):
    http_server.route("/huge", Reply(body=b"<rss>", generate=1 << 30))  # 1 GiB, never buffered
    got = 0
    with client.stream("GET", http_server.url("/huge")) as r:
        assert r.status_code == 200
        assert "content-length" not in r.headers
        assert r.headers["transfer-encoding"] == "chunked"
        first = b""
        for piece in r.iter_raw():
            first = first or piece
            got += len(piece)
            if got >= 1 << 20:
                break
    assert first.startswith(b"<rss>")
    assert got >= 1 << 20
    # server notices the disconnect and stops streaming
    deadline = time.monotonic() + 2
    while http_server.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert http_server.in_flight == 0
    # and keeps serving
    http_server.route("/ok", Reply(body="ok"))
    assert httpx.get(http_server.url("/ok")).text == "ok"


def test_generate_small_is_exact(http_server, client):
    http_server.route("/g", Reply(generate=100_000))
    r = client.get(http_server.url("/g"))
    assert len(r.content) == 100_000
    assert r.content.startswith(b"<!-- ") and r.content.endswith(b" -->")


def test_gzip_bomb_raw_body(http_server, client):
    size = 8 << 20
    bomb = gzip_bomb(size)
    assert len(bomb) < size // 100
    http_server.route("/bomb", Reply(body=bomb, raw_body=True, headers={"Content-Encoding": "gzip"}))
    with client.stream("GET", http_server.url("/bomb")) as r:
        assert r.headers["content-encoding"] == "gzip"
        raw = b"".join(r.iter_raw())
    assert raw == bomb
    assert zlib.decompress(raw, 31) == bytes(size)
    assert gzip.decompress(gzip_bomb(10)) == bytes(10)


def test_unknown_path_404(http_server, client):
    http_server.route("/known", Reply(body="x"))
    r = client.get(http_server.url("/nope?x=1"))
    assert r.status_code == 404
    assert http_server.hits("/nope") == 1
    assert http_server.hits("/known") == 0


def test_query_string_matching(http_server, client):
    http_server.route("/q", Reply(body="any"))
    http_server.route("/q?page=2", Reply(body="page2"))
    assert client.get(http_server.url("/q?page=1")).text == "any"
    assert client.get(http_server.url("/q?page=2")).text == "page2"
    assert http_server.hits("/q") == 1 and http_server.hits("/q?page=2") == 1


def test_requests_recorded(http_server, client):
    http_server.route("/f", Reply(body=FEED))
    client.get(http_server.url("/f?a=1"), headers={"User-Agent": "feedwatch-test", "X-Thing": "yes"})
    client.post(http_server.url("/f"), content=b"payload")
    first, second = http_server.requests
    assert (first.method, first.path) == ("GET", "/f?a=1")
    assert first.headers["user-agent"] == "feedwatch-test"
    assert first.headers["x-thing"] == "yes"
    assert all(k == k.lower() for k in first.headers)
    assert (second.method, second.path, second.body) == ("POST", "/f", b"payload")
    assert first.time <= second.time <= time.monotonic()


async def test_async_client(http_server):
    http_server.route("/f", Reply(body=FEED, delay=0.05))
    async with httpx.AsyncClient() as c:
        r = await c.get(http_server.url("/f"))
    assert r.text == FEED


def test_close_refuses_connections():
    server = LoopbackServer()
    server.route("/f", Reply(body="x", delay=5))  # a handler mid-delay must not block close()
    with httpx.Client() as c:
        with pytest.raises(httpx.ReadTimeout):
            c.get(server.url("/f"), timeout=0.05)
    t0 = time.monotonic()
    server.close()
    assert time.monotonic() - t0 < 1
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url("/f"), timeout=1)
