"""Send one message to one target through Apprise, bounded in time, with nothing secret escaping.

A target's URL carries its token (Slack's three path parts, a Teams webhook, a mail password), and
Apprise and urllib3 log URLs at debug level. So: Apprise's logger does not propagate and has no
handler of ours that prints; urllib3's URL-logging logger scrubs the fragments of every URL we
send to; and a failure is reported as a short class of error ("HTTP 500", "timed out",
"connection refused") read from Apprise's captured log, never as its text. Apprise keeps its
persistent store in memory only (no cache files). Sends are synchronous: call them from a thread
when on an event loop.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

CONNECT_TIMEOUT = 5.0     # seconds, per connection (Apprise's `cto`)
READ_TIMEOUT = 15.0       # seconds, per read (`rto`)
CALL_TIMEOUT = 60.0       # the whole send, retries and all

_secrets: set[str] = set()
_lock = threading.Lock()
_SPLIT = re.compile(r"[/:@?&=#,+;%\s]+")


def secret_parts(url: str) -> set[str]:
    """The URL and every piece of it long enough to be a token (hosts included: Apprise puts
    tokens in the host part of slack:// and friends)."""
    parts = {url}
    for piece in _SPLIT.split(url.split("://", 1)[-1]):
        if len(piece) >= 6:
            parts.add(piece)
    return parts


def scrub(text: str, url: str | None = None) -> str:
    """`text` with every known secret fragment (and those of `url`) replaced by ***."""
    with _lock:
        secrets = set(_secrets)
    if url:
        secrets |= secret_parts(url)
    for s in sorted(secrets, key=len, reverse=True):
        if s in text:
            text = text.replace(s, "***")
    return text


class _Scrubber(logging.Filter):
    """Rewrites a log record so that no registered secret fragment survives in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:   # a malformed record: drop it rather than risk its arguments
            return False
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_configured = False


def quiet_apprise() -> None:
    """Once per process: Apprise logs nowhere visible, urllib3's URL lines are scrubbed."""
    global _configured
    with _lock:
        if _configured:
            return
        _configured = True
    log = logging.getLogger("apprise")
    log.propagate = False
    log.setLevel(logging.DEBUG)   # so a send's captured log has the detail `classify` reads
    log.addHandler(logging.NullHandler())
    log.addFilter(_Scrubber())
    for name in ("urllib3.connectionpool", "urllib3.util.retry", "requests"):
        logging.getLogger(name).addFilter(_Scrubber())


@dataclass(frozen=True, slots=True)
class Delivery:
    ok: bool
    error: str | None = None       # a short, secret-free reason


def send(url: str, title: str, markdown: str, html: str, key: str | None = None) -> Delivery:
    """Post one message; HTML to services that take it, Markdown otherwise.

    `key` (see `message_key`) goes to webhook targets (json://, form://, xml://) as an
    `Idempotency-Key` header: a message sent again after a run died before recording its delivery
    carries the same key, so a receiver that keeps keys can drop the second copy."""
    quiet_apprise()
    parts = secret_parts(url)
    with _lock:
        _secrets.update(parts)
    try:
        return _send(url, title, markdown, html, key)
    except Exception as exc:   # Apprise or a plugin broke: say what kind, never its text
        return Delivery(False, f"delivery failed ({type(exc).__name__})")


def message_key(target: str, events: Iterable[str]) -> str:
    """The same for the same target and ledger events, whenever it is sent."""
    digest = hashlib.sha256(target.encode("utf-8", "surrogatepass"))
    for event in sorted(events):
        digest.update(b"\x00" + event.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def _send(url: str, title: str, markdown: str, html: str, key: str | None = None) -> Delivery:
    import apprise
    from apprise import AppriseAsset, NotifyFormat
    from apprise.common import PersistentStoreMode

    asset = AppriseAsset(storage_mode=PersistentStoreMode.MEMORY)
    plugin = apprise.Apprise.instantiate(url, asset=asset)
    if plugin is None:
        return Delivery(False, "not a URL Apprise understands (see README: notifications)")
    plugin.socket_connect_timeout = min(float(plugin.socket_connect_timeout or CONNECT_TIMEOUT), CONNECT_TIMEOUT)
    plugin.socket_read_timeout = min(float(plugin.socket_read_timeout or READ_TIMEOUT), READ_TIMEOUT)
    headers = getattr(plugin, "headers", None)      # the webhook plugins' extra headers (a dict)
    if key and isinstance(headers, dict):
        headers.setdefault("Idempotency-Key", key)
    wants_html = _resolve_format(plugin, NotifyFormat) == NotifyFormat.HTML
    ap = apprise.Apprise(asset=asset)
    ap.add(plugin)
    result = ap.notify(body=html if wants_html else markdown, title=title,
                       body_format=NotifyFormat.HTML if wants_html else NotifyFormat.MARKDOWN,
                       timeout=CALL_TIMEOUT, log_level=logging.DEBUG)
    if bool(result):
        return Delivery(True)
    if getattr(result, "timeout_count", 0):
        return Delivery(False, "timed out")
    return Delivery(False, classify(e.message for e in result.logs()))


def _resolve_format(plugin, NotifyFormat):
    resolve = getattr(plugin, "resolve_format", None)
    if resolve is not None:
        return resolve(NotifyFormat.MARKDOWN)
    fmt = plugin.notify_format
    return fmt if not isinstance(fmt, (tuple, list)) else fmt[0]


_STATUS = re.compile(r"error=(\d{3})\b")


def classify(messages) -> str:
    """A short reason from Apprise's log lines (which may hold the URL: only patterns are read)."""
    text = " ".join(str(m) for m in messages).lower()
    m = _STATUS.search(text)
    if m:
        return f"HTTP {m.group(1)}"
    if "timed out" in text or "timeout" in text:
        return "timed out"
    if "refused" in text:
        return "connection refused"
    if "name or service not known" in text or "nodename nor servname" in text or "resolution" in text:
        return "host not found"
    if "certificate" in text or "ssl" in text:
        return "TLS error"
    if "connection" in text:
        return "connection failed"
    return "delivery failed"
