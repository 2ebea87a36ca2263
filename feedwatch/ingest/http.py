"""Bounded, polite HTTP GETs for feeds.

Every request has connect/read/total timeouts, a cap on the *decompressed* body (we decode gzip
ourselves with a max_length, so a gzip bomb is refused after reading the cap, not expanded into
memory), limited redirects, conditional GET, per-host concurrency, retries with backoff for
transient failures, and Retry-After for 429/503.
"""

from __future__ import annotations

import asyncio
import os
import random
import ssl
import sys
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import lru_cache
from time import monotonic, time
from typing import Any
from urllib.parse import urlsplit

import httpx  # (without its command-line tool: see feedwatch/ingest/__init__.py)

from .. import __version__
from ..errors import FetchError as FetchError  # defined with the family; named here as before

USER_AGENT = f"feedwatch/{__version__} (feed reader for LLM teams; +python-httpx)"
ACCEPT = ("application/atom+xml, application/rss+xml, application/feed+json, application/rdf+xml, "
          "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
# Hosts whose terms ask for one connection and a pause between requests (arXiv: 3 s, all its APIs).
POLITE_HOSTS = {"export.arxiv.org": 3.0, "rss.arxiv.org": 3.0, "arxiv.org": 3.0}
TRANSIENT = {500, 502, 503, 504, 408}



@dataclass(slots=True)
class Response:
    """A 200 or 304. `body` is still Content-Encoded unless `decoded`: see `decode_body`."""
    status: int
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    decoded: bool = True

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time())
    except (TypeError, ValueError, IndexError):
        return None


class _Decoder:
    """Content-Encoding decoding with a hard cap on the output size."""

    def __init__(self, encoding: str, cap: int):
        encoding = encoding.lower().strip()
        self.cap = cap
        self.size = 0
        self.parts: list[bytes] = []
        if encoding in ("", "identity"):
            self.z = None
        elif encoding in ("gzip", "x-gzip"):
            self.z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.z = zlib.decompressobj()
            self.deflate_probe = True
        else:
            raise FetchError(f"unsupported Content-Encoding {encoding!r}")

    def feed(self, data: bytes) -> None:
        if self.z is None:
            self._add(data)
            return
        try:
            while data:
                room = self.cap - self.size + 1
                out = self.z.decompress(data, room)
                self._add(out)
                data = self.z.unconsumed_tail
        except zlib.error as exc:
            if getattr(self, "deflate_probe", False) and self.size == 0:
                self.z = zlib.decompressobj(-zlib.MAX_WBITS)   # raw deflate, as some servers send
                self.deflate_probe = False
                self.feed(data)
                return
            raise FetchError(f"corrupt compressed body ({exc})") from None

    def _add(self, out: bytes) -> None:
        self.size += len(out)
        if self.size > self.cap:
            raise FetchError(f"body larger than the {self.cap // (1024 * 1024)} MB limit; refused")
        self.parts.append(out)

    def finish(self) -> bytes:
        """The decoded body (also checks the cap on what the decompressor still held)."""
        if self.z is not None:
            try:
                self._add(self.z.flush())
            except zlib.error:
                pass
        return b"".join(self.parts)


def _with_cached_sockets(transport: httpx.AsyncHTTPTransport) -> httpx.AsyncHTTPTransport:
    """The transport, its connections made by `_cached_socket_backend_class()` where httpcore allows it.

    httpcore asks every pooled connection "is your socket readable?" on every request (~27 times a
    request with 8 connections), and its anyio stream answers by rebuilding anyio's attribute table
    each time (~15 µs): ~40 ms of a 200-feed re-fetch. If httpcore's internals ever differ, the
    transport is used as it is."""
    backend = _cached_socket_backend_class()
    pool = getattr(transport, "_pool", None)
    if backend is not None and pool is not None and hasattr(pool, "_network_backend"):
        pool._network_backend = backend()
    return transport


@lru_cache(maxsize=1)
def _cached_socket_backend_class() -> Any:
    """httpcore's anyio backend whose streams look their raw socket up once (None: not possible here)."""
    import httpcore
    try:
        from httpcore._utils import is_socket_readable
    except ImportError:   # pragma: no cover - a future httpcore
        return None

    class Stream(httpcore.AsyncNetworkStream):
        """httpcore's own stream, with the raw socket looked up once."""

        def __init__(self, inner: Any) -> None:
            self._inner = inner
            self._sock = inner.get_extra_info("socket")

        async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            data: bytes = await self._inner.read(max_bytes, timeout)
            return data

        async def write(self, buffer: bytes, timeout: float | None = None) -> None:
            await self._inner.write(buffer, timeout)

        async def aclose(self) -> None:
            await self._inner.aclose()

        async def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                            timeout: float | None = None) -> Any:
            return Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

        def get_extra_info(self, info: str) -> Any:
            if info == "is_readable":
                return is_socket_readable(self._sock)
            if info == "socket":
                return self._sock
            return self._inner.get_extra_info(info)

    class Backend(httpcore.AnyIOBackend):
        async def connect_tcp(self, *args: Any, **kwargs: Any) -> Any:
            return Stream(await super().connect_tcp(*args, **kwargs))

    return Backend


class _LazyCAContext(ssl.SSLContext):
    """httpx's default TLS context (`create_ssl_context(verify=True, trust_env=True)`), whose CA
    bundle is loaded on the first TLS connection instead of at start-up.

    Loading certifi's bundle costs ~17 ms, paid by every run before its first request even when
    no feed is https. Same CA source (SSL_CERT_FILE, else SSL_CERT_DIR, else certifi) and settings
    as `ssl.create_default_context`; a missing CA file still fails at start-up, as before.
    """

    def __new__(cls, trust_env: bool = True) -> _LazyCAContext:
        return super().__new__(cls, ssl.PROTOCOL_TLS_CLIENT)

    def __init__(self, trust_env: bool = True) -> None:
        self.verify_mode = ssl.CERT_REQUIRED
        self.check_hostname = True
        cafile = capath = None
        if trust_env and os.environ.get("SSL_CERT_FILE"):
            cafile = os.environ["SSL_CERT_FILE"]
        elif trust_env and os.environ.get("SSL_CERT_DIR"):
            capath = os.environ["SSL_CERT_DIR"]
        else:
            import certifi
            cafile = certifi.where()
        if cafile:
            os.stat(cafile)   # a missing file fails here, as create_default_context would
        self._ca = (cafile, capath)
        keylogfile = os.environ.get("SSLKEYLOGFILE")
        if keylogfile and not sys.flags.ignore_environment and hasattr(self, "keylog_filename"):
            self.keylog_filename = keylogfile

    def _load_ca(self) -> None:
        ca = self.__dict__.pop("_ca", None)
        if ca is not None:
            self.load_verify_locations(*ca)

    def wrap_bio(self, *args: Any, **kwargs: Any) -> Any:
        self._load_ca()
        return super().wrap_bio(*args, **kwargs)

    def wrap_socket(self, *args: Any, **kwargs: Any) -> Any:
        self._load_ca()
        return super().wrap_socket(*args, **kwargs)


def decode_body(body: bytes, encoding: str, cap: int) -> bytes:
    """Undo Content-Encoding with the size cap; raises FetchError. Runs in parse workers, off the loop."""
    decoder = _Decoder(encoding, cap)
    decoder.feed(body)
    return decoder.finish()


class HttpFetcher:
    """One shared client for a fetch run. Use as an async context manager."""

    def __init__(self, *, concurrency: int = 8, per_host: int = 2, timeout: float = 30.0,
                 max_body: int = 16 * 1024 * 1024, retries: int = 2, backoff: float = 0.5,
                 max_retry_wait: float = 10.0, polite_hosts: dict[str, float] | None = None,
                 user_agent: str = USER_AGENT):
        self.timeout = timeout
        self.max_body = max_body
        self.retries = retries
        self.backoff = backoff
        self.max_retry_wait = max_retry_wait
        self.polite = POLITE_HOSTS if polite_hosts is None else polite_hosts
        self._slots = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(per_host))
        self._host_last: dict[str, float] = {}
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        verify = _LazyCAContext(trust_env=True)
        self._client = httpx.AsyncClient(
            headers={"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            limits=limits, follow_redirects=True, max_redirects=5, trust_env=True, verify=verify,
            transport=_with_cached_sockets(httpx.AsyncHTTPTransport(verify=verify, limits=limits, trust_env=True)),
        )

    async def __aenter__(self) -> HttpFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                  decode: bool = True) -> Response:
        """GET with retries; raises FetchError with a one-line reason.

        decode=False leaves gzip/deflate bodies compressed (the raw size is still capped) so the
        caller can decompress in a worker process with `decode_body`.
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = (urlsplit(url).hostname or "").lower()
        attempt = 0
        while True:
            try:
                return await self._get_once(url, host, headers, decode)
            except FetchError as exc:
                attempt += 1
                wait = self._retry_wait(exc, attempt)
                if wait is None:
                    raise
                await asyncio.sleep(wait)

    def _retry_wait(self, exc: FetchError, attempt: int) -> float | None:
        if attempt > self.retries:
            return None
        if exc.status in (429, 503) and exc.retry_after is not None:
            return exc.retry_after if exc.retry_after <= self.max_retry_wait else None
        if exc.status is None or exc.status in TRANSIENT:
            if exc.status is None and "limit" in str(exc):   # oversize / unsupported: not transient
                return None
            return self.backoff * (1 << (attempt - 1)) * (1 + random.random() / 2)
        return None

    async def _get_once(self, url: str, host: str, headers: dict[str, str], decode: bool) -> Response:
        async with self._hosts[host], self._slots:
            await self._polite_pause(host)
            try:
                async with asyncio.timeout(self.timeout):
                    return await self._stream(url, headers, decode)
            except TimeoutError:
                raise FetchError(f"timed out after {self.timeout:g} s") from None
            except httpx.TooManyRedirects:
                raise FetchError("too many redirects", status=None) from None
            except httpx.TimeoutException:
                raise FetchError(f"timed out after {self.timeout:g} s") from None
            except httpx.UnsupportedProtocol as exc:
                raise FetchError(f"refused: {exc}", status=0) from None
            except httpx.HTTPError as exc:
                raise FetchError(_network_reason(exc)) from None
            finally:
                if host in self.polite:
                    self._host_last[host] = monotonic()

    async def _polite_pause(self, host: str) -> None:
        gap = self.polite.get(host)
        if gap:
            last = self._host_last.get(host)
            if last is not None:
                wait = gap - (monotonic() - last)
                if wait > 0:
                    await asyncio.sleep(wait)

    async def _stream(self, url: str, headers: dict[str, str], decode: bool) -> Response:
        async with self._client.stream("GET", url, headers=headers) as r:
            final = str(r.url)
            if urlsplit(final).scheme not in ("http", "https"):
                raise FetchError("redirected to a non-http(s) URL; refused", status=0)
            resp_headers = {k.lower(): v for k, v in r.headers.items()}
            if r.status_code == 304:
                await r.aread()   # no body, but an unread response closes its connection: keep it alive
                return Response(304, final, resp_headers)
            if r.status_code >= 400:
                raise FetchError(f"HTTP {r.status_code} {r.reason_phrase}".strip(), status=r.status_code,
                                 retry_after=retry_after_seconds(r.headers.get("retry-after")))
            if r.status_code != 200:
                raise FetchError(f"unexpected HTTP {r.status_code}", status=r.status_code)
            length = r.headers.get("content-length")
            if length and length.isdigit() and int(length) > self.max_body:
                raise FetchError(f"body of {int(length) // (1024 * 1024)} MB exceeds the "
                                 f"{self.max_body // (1024 * 1024)} MB limit; refused", status=200)
            encoding = r.headers.get("content-encoding", "")
            decoder = _Decoder(encoding if decode else "", self.max_body)
            async for chunk in r.aiter_raw():
                decoder.feed(chunk)
            if not decode and encoding.lower() not in ("", "identity"):
                return Response(200, final, resp_headers, decoder.finish(), decoded=False)
            return Response(200, final, resp_headers, decoder.finish())


def _network_reason(exc: httpx.HTTPError) -> str:
    name = type(exc).__name__
    text = str(exc).strip().splitlines()
    detail = text[0] if text else ""
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect: {detail or name}"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"server broke the connection: {detail or name}"
    return f"{name}: {detail}" if detail else name
