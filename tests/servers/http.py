"""A real loopback HTTP/1.1 server for tests (standard library only, no mocks).

Usage (normally through the ``http_server`` fixture in ``tests/conftest.py``)::

    http_server.route("/feed.xml", Reply(status=429, headers={"Retry-After": "1"}), Reply(body=XML))
    r = httpx.get(http_server.url("/feed.xml"))
    assert http_server.hits("/feed.xml") == 1

Replies registered for a path are served in order; the last one repeats forever.
"""

from __future__ import annotations

import errno
import functools
import gzip as _gzip
import socket
import struct
import sys
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

__all__ = ["LoopbackServer", "RecordedRequest", "Reply", "gzip_bomb"]

GENERATE_CHUNK = 64 * 1024

_DISCONNECT_ERRNOS = {
    errno.EPIPE,
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.ENOTCONN,
    errno.ESHUTDOWN,
    errno.EBADF,
}


@dataclass
class Reply:
    """What the server answers for one request.

    body          bytes or str (str is UTF-8 encoded).
    status        HTTP status code.
    content_type  Content-Type header.
    headers       extra headers, e.g. {"Retry-After": "1"}; they are added last.
    etag          sends ETag; answers 304 if If-None-Match matches (weak/strong, "*").
    last_modified sends Last-Modified; answers 304 if If-Modified-Since equals it
                  (If-None-Match wins when both the reply has an etag and the client sent it).
    gzip          gzip the body when the client's Accept-Encoding allows gzip.
    delay         seconds to sleep before sending the status line/headers.
    gate          a threading.Event to wait for (up to 30 s) before answering: a reply the
                  test releases when it is ready, instead of a delay guessed to be long enough.
    chunk_delay   when > 0: send the body (with Content-Length) in ``chunk_size``-byte
                  pieces, sleeping ``chunk_delay`` before each piece -> a slow body.
    chunk_size    piece size for ``chunk_delay`` (extra knob, default 1024).
    redirect      Location target ("/b" is sent as-is, relative; or an absolute URL);
                  status is 302 unless ``status`` is already a 3xx.
    generate      when > 0: after ``body`` (if any) stream this many bytes of filler
                  (an XML comment ``<!-- xxx... -->``) in 64 KiB pieces with chunked
                  encoding and no Content-Length; stops as soon as the client goes away.
    raw_body      send ``body`` untouched (never compressed) even if ``headers`` claim a
                  Content-Encoding; with ``gzip=True`` it adds ``Content-Encoding: gzip``
                  without compressing (body must already be gzip data, see ``gzip_bomb``).
    """

    body: bytes | str = b""
    status: int = 200
    content_type: str = "application/xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    delay: float = 0.0
    gate: threading.Event | None = None
    chunk_delay: float = 0.0
    redirect: str | None = None
    generate: int = 0
    raw_body: bool = False
    chunk_size: int = 1024


@dataclass
class RecordedRequest:
    method: str
    path: str  # as requested, including the query string
    headers: dict[str, str]  # lower-case keys
    time: float  # time.monotonic() when the request line + headers were parsed
    body: bytes = b""
    route: str | None = None  # the registered route it matched (None -> 404)


@functools.lru_cache(maxsize=8)
def gzip_bomb(size: int) -> bytes:
    """gzip data that inflates to ``size`` zero bytes (~1000:1), built fast and in little memory.

    Serve it with ``Reply(body=gzip_bomb(n), raw_body=True, headers={"Content-Encoding": "gzip"})``.
    A single gzip member, so decoders that stop after the first member still inflate all of it.
    """
    block = bytes(min(size, 1 << 20))
    full, rest = divmod(size, len(block)) if size else (0, 0)
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31 -> gzip container
    parts = []
    if full:
        # After Z_FULL_FLUSH the compressor state is reset, so every further zero block
        # compresses to identical bytes: compress two, repeat the second.
        parts.append(comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH))
        if full > 1:
            parts.append((comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)) * (full - 1))
    tail = comp.compress(bytes(rest)) + comp.flush()
    crc = 0
    for _ in range(full):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(bytes(rest), crc)
    # the trailer the compressor wrote only covers the bytes it saw; write the real one
    parts.append(tail[:-8] + struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(parts)


def _is_disconnect(exc: BaseException | None) -> bool:
    if isinstance(exc, (ConnectionError, TimeoutError)):
        return True
    return isinstance(exc, OSError) and exc.errno in _DISCONNECT_ERRNOS


def _accepts_gzip(accept_encoding: str) -> bool:
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        name = name.strip().lower()
        if name not in ("gzip", "x-gzip", "*"):
            continue
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k.strip().lower() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        if q > 0:
            return True
    return False


def _etag_core(tag: str) -> str:
    tag = tag.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    return tag.strip().strip('"')


def _etag_matches(if_none_match: str, etag: str) -> bool:
    want = _etag_core(etag)
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or (candidate and _etag_core(candidate) == want):
            return True
    return False


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive plumbing shared by the test servers: silent logs, tracked connections,
    client disconnects swallowed, request bodies read (Content-Length or chunked)."""

    protocol_version = "HTTP/1.1"
    sys_version = ""
    timeout = 30  # idle keep-alive connections give up eventually
    disable_nagle_algorithm = True  # headers and body are separate writes: avoid 40 ms stalls
    server: QuietServer

    def log_message(self, format, *args):
        pass

    def setup(self):
        super().setup()
        self.server.owner._track(self.connection, add=True)

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.owner._track(self.connection, add=False)

    def handle(self):
        try:
            super().handle()
        except OSError as exc:
            if not _is_disconnect(exc) and not self.server.owner._closing.is_set():
                raise
            self.close_connection = True

    def _read_request_body(self) -> bytes:
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            parts = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""


class QuietServer(ThreadingHTTPServer):
    """A threaded server whose owner has `_closing` and `_track`; disconnects are not errors."""

    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if _is_disconnect(exc) or self.owner._closing.is_set():
            return
        super().handle_error(request, client_address)


class _Handler(QuietHandler):
    server_version = "feedwatch-loopback"
    server: _Server

    # -- dispatch ---------------------------------------------------------
    def _handle(self):
        owner = self.server.owner
        owner._in_flight_delta(+1)
        try:
            self._serve(owner)
        except OSError as exc:
            if not _is_disconnect(exc) and not owner._closing.is_set():
                raise
            self.close_connection = True
        finally:
            owner._in_flight_delta(-1)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _handle

    def _serve(self, owner: LoopbackServer):
        now = time.monotonic()
        body_in = self._read_request_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        route, reply = owner._dispatch(self.path)
        owner._record(
            RecordedRequest(self.command, self.path, headers, now, body_in, route)
        )
        if reply is None:
            self._send_simple(404, b"not found\n", "text/plain; charset=utf-8")
            return

        if reply.delay > 0 and owner._closing.wait(reply.delay):
            self.close_connection = True
            return
        if reply.gate is not None:
            deadline = time.monotonic() + 30
            while not reply.gate.wait(0.05):
                if owner._closing.is_set() or time.monotonic() > deadline:
                    self.close_connection = True
                    return

        if reply.redirect is not None:
            status = reply.status if 300 <= reply.status < 400 else 302
            extra = {"Location": reply.redirect, **reply.headers}
            self._send_simple(status, self._body_bytes(reply), reply.content_type, extra)
            return

        validators = {}
        if reply.etag is not None:
            validators["ETag"] = reply.etag
        if reply.last_modified is not None:
            validators["Last-Modified"] = reply.last_modified
        if 200 <= reply.status < 300 and self._not_modified(reply, headers):
            self.send_response(304)
            for k, v in {**validators, **reply.headers}.items():
                self.send_header(k, v)
            self.end_headers()
            return

        body = self._body_bytes(reply)
        hdrs: dict[str, str] = {}
        if reply.content_type:
            hdrs["Content-Type"] = reply.content_type
        hdrs.update(validators)
        if reply.raw_body:
            if reply.gzip:
                hdrs["Content-Encoding"] = "gzip"
        elif reply.gzip and not reply.generate:
            hdrs["Vary"] = "Accept-Encoding"
            if _accepts_gzip(headers.get("accept-encoding", "")):
                body = _gzip.compress(body, mtime=0)
                hdrs["Content-Encoding"] = "gzip"
        hdrs.update(reply.headers)

        if reply.generate > 0:
            self._send_generated(reply, body, hdrs)
        else:
            self._send_fixed(reply, body, hdrs)

    # -- responses --------------------------------------------------------
    @staticmethod
    def _body_bytes(reply: Reply) -> bytes:
        return reply.body.encode("utf-8") if isinstance(reply.body, str) else bytes(reply.body)

    def _not_modified(self, reply: Reply, headers: dict[str, str]) -> bool:
        inm = headers.get("if-none-match")
        if reply.etag is not None and inm is not None:
            return _etag_matches(inm, reply.etag)
        ims = headers.get("if-modified-since")
        return reply.last_modified is not None and ims is not None and ims.strip() == reply.last_modified

    def _start(self, status: int, headers: dict[str, str]):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()

    def _send_simple(self, status, body: bytes, content_type, extra=None):
        hdrs = {"Content-Type": content_type} if content_type else {}
        hdrs["Content-Length"] = str(len(body))
        hdrs.update(extra or {})
        self._start(status, hdrs)
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _send_fixed(self, reply: Reply, body: bytes, hdrs: dict[str, str]):
        if not any(k.lower() in ("content-length", "transfer-encoding") for k in hdrs):
            hdrs["Content-Length"] = str(len(body))
        self._start(reply.status, hdrs)
        if self.command == "HEAD" or not body:
            return
        if reply.chunk_delay <= 0:
            self.wfile.write(body)
            return
        closing = self.server.owner._closing
        step = max(1, reply.chunk_size)
        for i in range(0, len(body), step):
            if closing.wait(reply.chunk_delay):
                self.close_connection = True
                return
            self.wfile.write(body[i : i + step])

    def _send_generated(self, reply: Reply, prefix: bytes, hdrs: dict[str, str]):
        hdrs.pop("Content-Length", None)
        hdrs["Transfer-Encoding"] = "chunked"
        self._start(reply.status, hdrs)
        if self.command == "HEAD":
            return
        closing = self.server.owner._closing
        write = self.wfile.write

        def chunk(data: bytes):
            write(b"%x\r\n%s\r\n" % (len(data), data))

        if prefix:
            chunk(prefix)
        n = reply.generate
        head, tail = (b"<!-- ", b" -->") if n >= 9 else (b"", b"")
        fill = b"x" * GENERATE_CHUNK
        sent = 0
        while sent < n:
            if closing.is_set():
                self.close_connection = True
                return
            if reply.chunk_delay > 0 and closing.wait(reply.chunk_delay):
                self.close_connection = True
                return
            size = min(GENERATE_CHUNK, n - sent)
            piece = fill[:size]
            if sent == 0 and head:
                piece = head + piece[len(head) :]
            if sent + size == n and tail:
                piece = piece[: size - len(tail)] + tail
            chunk(piece)
            sent += size
        write(b"0\r\n\r\n")


class _Server(QuietServer):
    owner: LoopbackServer


class ServerOwner:
    """Start, track connections of, and stop a QuietServer on 127.0.0.1:<free port> (shared by the test servers)."""

    def _start(self, server_cls, handler_cls, name: str) -> None:
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._conns: set[socket.socket] = set()
        self._httpd = server_cls(("127.0.0.1", 0), handler_cls)
        self._httpd.owner = self
        host, port = self._httpd.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01},
                                        name=f"{name}-{port}", daemon=True)
        self._thread.start()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._conns.add(conn)
            else:
                self._conns.discard(conn)

    def close(self) -> None:
        if self._closing.is_set():
            return
        self._closing.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:  # wake up handlers blocked on idle keep-alive reads
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class LoopbackServer(ServerOwner):
    """Threaded HTTP/1.1 server on 127.0.0.1:<random port>, serving scripted replies."""

    def __init__(self) -> None:
        self._routes: dict[str, list[Reply]] = {}
        self._cursor: dict[str, int] = {}
        self._in_flight = 0
        self.requests: list[RecordedRequest] = []
        self._start(_Server, _Handler, "loopback-http")

    # -- public API -------------------------------------------------------
    def route(self, path: str, *replies: Reply) -> None:
        """Serve ``replies`` in order for ``path``; the last one repeats forever.

        Registering a path again replaces its replies and restarts the sequence.
        A path registered with a query string only matches that exact query;
        otherwise the query string of a request is ignored for matching.
        """
        if not replies:
            raise ValueError("route() needs at least one Reply")
        if not path.startswith("/"):
            path = "/" + path
        with self._lock:
            self._routes[path] = list(replies)
            self._cursor[path] = 0

    def url(self, path: str) -> str:
        if not path.startswith("/"):
            path = "/" + path
        return self.base_url + path

    def hits(self, path: str) -> int:
        """Requests answered by route ``path`` (or, for an unregistered path, requests to it)."""
        with self._lock:
            if path in self._routes:
                return sum(1 for r in self.requests if r.route == path)
            return sum(
                1
                for r in self.requests
                if r.route is None and (r.path == path or r.path.split("?", 1)[0] == path)
            )

    # -- internals used by the handler -----------------------------------
    def _dispatch(self, raw_path: str) -> tuple[str | None, Reply | None]:
        # Requests may use an absolute-form target ("http://host/path").
        if not raw_path.startswith("/"):
            parts = urlsplit(raw_path)
            raw_path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        with self._lock:
            key = raw_path if raw_path in self._routes else raw_path.split("?", 1)[0]
            replies = self._routes.get(key)
            if replies is None:
                return None, None
            i = self._cursor[key]
            self._cursor[key] = min(i + 1, len(replies) - 1)
            return key, replies[i]

    def _record(self, req: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(req)

    def _in_flight_delta(self, d: int) -> None:
        with self._lock:
            self._in_flight += d

    @property
    def in_flight(self) -> int:
        """Requests currently being answered (for tests that check a stream stopped)."""
        with self._lock:
            return self._in_flight
