"""arXiv query API (export.arxiv.org/api/query) through the `arxiv` package -> `ParsedFeed`.

`fetch_arxiv` is blocking (run it in a worker thread). What it adds to `arxiv.Client`:

* every HTTP request is bounded: `timeout` applies to connecting and to each read, and a watchdog
  cuts a response body that is still arriving `timeout` seconds after the request started (the
  package itself calls `requests` with no timeout at all);
* our User-Agent replaces the package's hard-coded "arxiv.py/<version>";
* politeness across calls: process-wide, one API request at a time and `delay_seconds` apart
  (arXiv's terms: one request every three seconds, a single connection at a time), on top of the
  client's own per-page delay;
* no retries where retrying cannot help or is impolite: HTTP 429, other 4xx, API error feeds and
  timeouts fail at once; 5xx, connection failures and spurious empty pages are retried
  `num_retries` times by the package;
* one `ArxivError` type with a one-line message for everything that goes wrong. An empty result
  is not an error.

The hooks used are `Client.query_url_format` (public) and `Client._session` (the package's
`requests.Session`, which it calls as `self._session.get(url, headers=...)`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

import arxiv
import requests
from lxml import etree
from urllib3.exceptions import ProtocolError, ReadTimeoutError

from feedwatch.dates import format_iso
from feedwatch.entry import Entry, ParsedFeed
from feedwatch.errors import FeedwatchError
from feedwatch.sources.arxiv_ids import split_arxiv_id
from feedwatch.text import clean_body, clean_line

__all__ = ["ArxivError", "fetch_arxiv", "result_to_entry"]

_ATOM = "{http://www.w3.org/2005/Atom}"
_MAX_BODY = 32 * 1024 * 1024  # a 2000-result page is ~5 MB
_SUMMARY_MAX = 4000  # arXiv abstracts are limited to 1920 characters


class ArxivError(FeedwatchError):
    """A failed arXiv API query; `str(exc)` is one line fit for the status bar.

    status:      HTTP status when the server answered with an error, else None.
    retry_after: seconds from a Retry-After header (429/503), when the server sent one.
    timed_out:   True when the request ran out of time.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        timed_out: bool = False,
    ) -> None:
        super().__init__(" ".join(message.split()))
        self.status = status
        self.retry_after = retry_after
        self.timed_out = timed_out


# --- politeness -------------------------------------------------------------------------------


class _PoliteGate:
    """Process-wide: one arXiv API request at a time, `delay` seconds after the previous one ended."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_end: float | None = None

    @contextlib.contextmanager
    def slot(self, delay: float) -> Iterator[None]:
        with self._lock:
            if self._last_end is not None:
                wait = self._last_end + delay - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            try:
                yield
            finally:
                self._last_end = time.monotonic()


_GATE = _PoliteGate()


# --- the bounded session ------------------------------------------------------------------------


class _BoundedSession(requests.Session):
    """A requests.Session that bounds time and size, sets our User-Agent and vets responses."""

    def __init__(self, *, timeout: float, user_agent: str, delay: float) -> None:
        super().__init__()
        self._timeout = timeout
        self._user_agent = user_agent
        self._delay = delay
        self.headers["User-Agent"] = user_agent

    def request(self, method: str, url: str, **kwargs: Any) -> Any:  # type: ignore[override]
        headers = {
            k: v for k, v in (kwargs.pop("headers", None) or {}).items() if k.lower() != "user-agent"
        }
        headers["User-Agent"] = self._user_agent
        kwargs["headers"] = headers
        kwargs["timeout"] = (self._timeout, self._timeout)  # connect, and each socket read
        kwargs["stream"] = True  # the body is read below, under a deadline
        with _GATE.slot(self._delay):
            deadline = time.monotonic() + self._timeout
            try:
                resp = super().request(method, url, **kwargs)
            except requests.RequestException as exc:
                if _is_timeout(exc):
                    raise self._timeout_error() from None
                raise  # ConnectionError is retried by the arxiv client
            try:
                body = self._read_body(resp, deadline)
            finally:
                resp.close()
        resp._content = body  # what Response.content would have read
        resp._content_consumed = True
        _vet(resp)
        return resp

    def _timeout_error(self) -> ArxivError:
        return ArxivError(f"arXiv API timed out after {self._timeout:g} s", timed_out=True)

    def _read_body(self, resp: requests.Response, deadline: float) -> bytes:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._timeout_error()
        fired = threading.Event()

        def cut() -> None:  # a trickling body: each read is within the timeout, the total is not
            fired.set()
            with contextlib.suppress(Exception):
                resp.raw.shutdown()  # wakes the blocked recv() in the fetching thread

        watchdog = threading.Timer(remaining, cut)
        watchdog.daemon = True
        watchdog.start()
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in resp.iter_content(64 * 1024):
                size += len(chunk)
                if size > _MAX_BODY:
                    raise ArxivError(f"arXiv API response larger than {_MAX_BODY // 2**20} MB")
                chunks.append(chunk)
                if fired.is_set() or time.monotonic() > deadline:
                    raise self._timeout_error()
        except (requests.RequestException, ProtocolError, OSError) as exc:
            if fired.is_set() or _is_timeout(exc):
                raise self._timeout_error() from None
            raise ArxivError(f"arXiv API response was cut off: {_first_line(exc)}") from None
        finally:
            watchdog.cancel()
        if fired.is_set():  # the shutdown can look like a clean end of the body
            raise self._timeout_error()
        return b"".join(chunks)


def _is_timeout(exc: BaseException) -> bool:
    if isinstance(exc, (requests.Timeout, ReadTimeoutError, TimeoutError)):
        return True
    # requests wraps a read timeout during the body as ConnectionError(ReadTimeoutError(...)).
    return any(isinstance(a, (ReadTimeoutError, TimeoutError)) for a in getattr(exc, "args", ()))


def _retry_after(resp: requests.Response) -> float | None:
    value = resp.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP date: rare for arXiv, ignored
    return seconds if 0 <= seconds < 86400 else None


def _vet(resp: requests.Response) -> None:
    """Raise ArxivError for answers that retrying will not fix; 5xx are left to the arxiv client."""
    status = resp.status_code
    body = resp.content
    if b"/api/errors" in body:
        message = _error_feed_message(body)
        if message:
            suffix = f" (HTTP {status})" if status != 200 else ""
            raise ArxivError(f"arXiv API error: {message}{suffix}", status=status)
    if status == 429:
        after = _retry_after(resp)
        hint = f"; retry after {after:g} s" if after is not None else ""
        raise ArxivError(f"rate limited by arXiv (HTTP 429){hint}", status=429, retry_after=after)
    if 400 <= status < 500 and status != 408:
        raise ArxivError(f"arXiv API returned HTTP {status}", status=status)
    if status == 200 and b"<feed" not in body[:4096]:
        raise ArxivError("arXiv API answered with something that is not an Atom feed", status=status)


def _error_feed_message(body: bytes) -> str | None:
    """The summary of an API error entry (id .../api/errors#...), or None if there is none.

    Such entries have no <published>, so the arxiv package silently drops them and a bad query
    would look like an empty result.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    for entry in root.iter(f"{_ATOM}entry"):
        entry_id = entry.findtext(f"{_ATOM}id") or ""
        if "/api/errors" in entry_id:
            text = entry.findtext(f"{_ATOM}summary") or entry_id.rsplit("#", 1)[-1].replace("_", " ")
            return clean_line(text, 200) or "unknown error"
    return None


def _first_line(exc: BaseException) -> str:
    return clean_line(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 200)


# --- public API ---------------------------------------------------------------------------------


def fetch_arxiv(
    query: str,
    max_results: int,
    api_url: str,
    timeout: float,
    user_agent: str,
    *,
    delay_seconds: float = 3.0,
    num_retries: int = 2,
) -> ParsedFeed:
    """Run an arXiv API search (newest submissions first) and return its results as entries.

    Blocking; bounded by `timeout` per HTTP request. Raises ArxivError on any failure.
    """
    if max_results < 1:
        raise ValueError("max_results must be at least 1")
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    ua = clean_line(user_agent, 200) or "feedwatch"
    client = arxiv.Client(
        page_size=min(max_results, 100), delay_seconds=delay_seconds, num_retries=num_retries
    )
    sep = "&" if "?" in api_url else "?"
    client.query_url_format = api_url.replace("{", "{{").replace("}", "}}") + sep + "{}"
    session = _BoundedSession(timeout=timeout, user_agent=ua, delay=delay_seconds)
    client._session = session
    search = arxiv.Search(query=query, max_results=max_results, sort_by=arxiv.SortCriterion.SubmittedDate)
    try:
        results = list(client.results(search))
    except ArxivError:
        raise
    except arxiv.HTTPError as exc:
        raise ArxivError(f"arXiv API returned HTTP {exc.status}", status=exc.status) from None
    except arxiv.UnexpectedEmptyPageError:
        raise ArxivError("arXiv API returned an empty page in the middle of the results") from None
    except requests.ConnectionError as exc:
        raise ArxivError(f"cannot connect to the arXiv API: {_first_line(exc)}") from None
    except requests.RequestException as exc:
        raise ArxivError(f"arXiv API request failed: {_first_line(exc)}") from None
    finally:
        session.close()

    entries: list[Entry] = []
    seen: set[str] = set()
    for result in results:
        entry = result_to_entry(result)
        if entry is not None and entry.guid not in seen:
            seen.add(entry.guid)
            entries.append(entry)
    return ParsedFeed(title=clean_line(f"arXiv: {query}"), entries=entries)


def result_to_entry(result: arxiv.Result) -> Entry | None:
    """One `arxiv.Result` as an `Entry` (guid "arxiv:<id without version>")."""
    found = split_arxiv_id(result.entry_id)
    if found is None:
        return None  # not a paper (e.g. an error entry); the package normally drops those itself
    arxiv_id, version = found
    extra: dict[str, Any] = {}
    if result.primary_category:
        extra["primary_category"] = clean_line(result.primary_category, 50)
    for key, limit in (("doi", 200), ("comment", 1000), ("journal_ref", 500)):
        value = clean_line(getattr(result, key, None) or "", limit)
        if value:
            extra[key] = value
    categories: list[str] = []
    for cat in result.categories or []:
        c = clean_line(cat, 50)
        if c and c not in categories:
            categories.append(c)
    authors = [n for n in (clean_line(a.name, 200) for a in result.authors or []) if n]
    return Entry(
        guid=f"arxiv:{arxiv_id}",
        title=clean_line(result.title) or f"arXiv:{arxiv_id}",
        url=f"https://arxiv.org/abs/{arxiv_id}",
        summary=clean_body(" ".join((result.summary or "").split()), _SUMMARY_MAX),
        authors=authors,
        published=format_iso(result.published) if result.published else None,
        updated=format_iso(result.updated) if result.updated else None,
        categories=categories,
        arxiv_id=arxiv_id,
        arxiv_version=version,
        extra=extra,
    )
