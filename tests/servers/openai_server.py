"""A real OpenAI-compatible Chat Completions server for tests (standard library only, no mocks).

The openai 3.x client talks through httpx2, which respx / ``httpx.MockTransport`` cannot see, so tests
drive the real ``openai.AsyncOpenAI`` client (retries, timeouts, parsing and all) against this loopback
server. Usage (normally through the ``llm_server`` fixture in ``tests/conftest.py``)::

    llm_server.script(ChatReply(status=429, headers={"retry-after": "1"}), ChatReply(content="hi"))
    client = AsyncOpenAI(api_key="test-key", base_url=llm_server.base_url + "/v1", max_retries=2, timeout=5)
    r = await client.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
    assert r.choices[0].message.content == "hi" and llm_server.calls() == 2

Endpoints:
    POST /v1/chat/completions  scripted replies in order, then ``responder`` (default: the content "{}").
                               ``"stream": true`` is answered with SSE ``chat.completion.chunk`` events.
    GET  /v1/models            a small model list.
    anything else              404 with an OpenAI-style error body.

Every chat-completions request is recorded (``requests`` parsed JSON, ``raw_bodies`` bytes, ``headers``
lower-case keys; the three lists line up), including requests the server rejects.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tests.servers.http import QuietHandler, QuietServer, ServerOwner, _is_disconnect

__all__ = ["ChatReply", "OpenAIServer", "MODELS", "estimate_tokens"]

MODELS = ["gpt-test-mini", "gpt-test-large", "local-llama"]

# status -> (error.type, error.code) as the real API reports them
_ERROR_KINDS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    408: ("timeout", None),
    409: ("invalid_request_error", None),
    422: ("invalid_request_error", None),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", None),
    503: ("server_error", None),
}


@dataclass
class ChatReply:
    """One scripted answer to ``POST /v1/chat/completions``.

    content        assistant message content; None -> ask ``OpenAIServer.responder``.
                   For a status >= 400 it is the error message instead.
    status         HTTP status; >= 400 sends ``{"error": {"message", "type", "code"}}``.
    headers        extra response headers, added last (e.g. {"retry-after": "1"},
                   {"content-type": "text/html"}).
    body           raw body sent as-is instead of the generated one (malformed or truncated JSON,
                   an HTML error page); Content-Type stays application/json unless ``headers`` say otherwise.
    delay          seconds to sleep before the status line (client timeouts).
    finish_reason  e.g. "length" for truncated output.
    usage          usage object sent as-is; default computed by ``estimate_tokens``.
    """

    content: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    delay: float = 0.0
    finish_reason: str = "stop"
    usage: dict | None = None


def estimate_tokens(text: str) -> int:
    """Roughly one token per four characters (rounded up); 0 for empty text."""
    return (len(text) + 3) // 4


def _message_text(messages: Any) -> str:
    """All text in a ``messages`` list: string contents and ``{"type": "text"}`` parts."""
    parts: list[str] = []
    if not isinstance(messages, list):
        return ""
    for m in messages:
        if not isinstance(m, dict):
            continue
        c = m.get("content")
        if isinstance(c, str):
            parts.append(c)
        elif isinstance(c, list):
            for p in c:
                if isinstance(p, dict) and isinstance(p.get("text"), str):
                    parts.append(p["text"])
    return "".join(parts)


def _error_body(status: int, message: str, *, type_: str | None = None, code: str | None = None,
                param: str | None = None) -> bytes:
    kind, kind_code = _ERROR_KINDS.get(status, ("server_error" if status >= 500 else "invalid_request_error", None))
    err = {"message": message, "type": type_ or kind, "param": param, "code": code if code is not None else kind_code}
    return json.dumps({"error": err}).encode()


class _Handler(QuietHandler):
    server_version = "feedwatch-openai-test"
    server: _Server

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        hdrs = {"Content-Type": "application/json", "x-request-id": f"req_{uuid.uuid4().hex[:24]}"}
        for k, v in (headers or {}).items():  # caller headers win, case-insensitively
            for existing in [h for h in hdrs if h.lower() == k.lower()]:
                del hdrs[existing]
            hdrs[k] = v
        if not any(k.lower() in ("content-length", "transfer-encoding") for k in hdrs):
            hdrs["Content-Length"] = str(len(body))
        self.send_response(status)
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    # -- dispatch ---------------------------------------------------------
    def _handle(self):
        owner = self.server.owner
        try:
            body = self._read_request_body()
            path = self.path
            if not path.startswith("/"):
                path = urlsplit(path).path or "/"
            path = path.split("?", 1)[0].rstrip("/") or "/"
            if path == "/v1/chat/completions" and self.command == "POST":
                self._chat(owner, body)
            elif path == "/v1/models" and self.command in ("GET", "HEAD"):
                data = [{"id": m, "object": "model", "created": 1700000000, "owned_by": "feedwatch-tests"}
                        for m in MODELS]
                self._send(200, json.dumps({"object": "list", "data": data}).encode())
            else:
                self._send(404, _error_body(404, f"Unknown request URL: {self.command} {self.path}",
                                            code="unknown_url"))
        except OSError as exc:
            if not _is_disconnect(exc) and not owner._closing.is_set():
                raise
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def _chat(self, owner: OpenAIServer, raw: bytes) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            req = json.loads(raw or b"null")
        except ValueError:
            req = None
        owner._record(req if isinstance(req, dict) else {}, raw, headers)
        if not isinstance(req, dict):
            self._send(400, _error_body(400, "We could not parse the JSON body of your request."))
            return

        rf = req.get("response_format")
        if owner.reject_json_schema and isinstance(rf, dict) and rf.get("type") == "json_schema":
            # rejected before generation: no scripted reply is used up
            self._send(400, _error_body(400, "response_format json_schema is not supported",
                                        param="response_format"))
            return

        reply = owner._next_reply()
        if reply.delay > 0 and owner._closing.wait(reply.delay):
            self.close_connection = True
            return

        if reply.body is not None:
            self._send(reply.status, reply.body, reply.headers)
            return

        if reply.status >= 400:
            msg = reply.content if reply.content is not None else f"test server error {reply.status}"
            self._send(reply.status, _error_body(reply.status, msg), reply.headers)
            return

        content = reply.content
        if content is None:
            try:
                content = owner._respond(req)
            except Exception as exc:  # a broken responder is a 500, visible in the test
                self._send(500, _error_body(500, f"responder failed: {type(exc).__name__}: {exc}"))
                return
        if reply.usage is not None:
            usage = reply.usage
        else:
            p = estimate_tokens(_message_text(req.get("messages")))
            c = estimate_tokens(content or "")
            usage = {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c,
                     "prompt_tokens_details": {"cached_tokens": 0}}
        cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        model = req.get("model") or MODELS[0]

        if req.get("stream"):
            self._stream(reply, cid, created, model, content, usage, req)
            return

        out = {
            "id": cid,
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": reply.finish_reason,
            }],
            "usage": usage,
            "system_fingerprint": "fp_feedwatch_test",
        }
        self._send(reply.status, json.dumps(out).encode(), reply.headers)

    def _stream(self, reply: ChatReply, cid: str, created: int, model: str, content: str | None,
                usage: dict, req: dict) -> None:
        hdrs = {"Content-Type": "text/event-stream; charset=utf-8", "Transfer-Encoding": "chunked",
                "Cache-Control": "no-cache", **reply.headers}
        self._send(reply.status, b"", hdrs)

        def event(payload: object) -> None:
            data = b"data: " + (payload if isinstance(payload, bytes) else json.dumps(payload).encode()) + b"\n\n"
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

        base = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model}

        def chunk(delta: dict, finish: str | None) -> dict:
            return {**base, "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}

        event(chunk({"role": "assistant", "content": ""}, None))
        text = content or ""
        for i in range(0, len(text), 16):
            event(chunk({"content": text[i:i + 16]}, None))
        event(chunk({}, reply.finish_reason))
        opts = req.get("stream_options")
        if isinstance(opts, dict) and opts.get("include_usage"):
            event({**base, "choices": [], "usage": usage})
        event(b"[DONE]")
        self.wfile.write(b"0\r\n\r\n")


class _Server(QuietServer):
    owner: OpenAIServer


class OpenAIServer(ServerOwner):
    """Threaded HTTP/1.1 Chat Completions server on 127.0.0.1:<random port>.

    base_url            "http://127.0.0.1:PORT"; give the client ``base_url + "/v1"``.
    responder           ``f(request_json) -> content`` used when no scripted reply is left (or a
                        scripted reply has ``content=None``); default returns "{}".
    reject_json_schema  answer ``response_format.type == "json_schema"`` with HTTP 400, like servers that
                        only know ``json_object`` (which stays accepted).
    requests / raw_bodies / headers   what each chat-completions request carried, in order.
    """

    def __init__(self, *, responder: Callable[[dict], str] | None = None, reject_json_schema: bool = False) -> None:
        self._script: list[ChatReply] = []
        self.responder: Callable[[dict], str] | None = responder
        self.reject_json_schema = reject_json_schema
        self.requests: list[dict] = []
        self.raw_bodies: list[bytes] = []
        self.headers: list[dict] = []
        self._start(_Server, _Handler, "openai-test-server")

    # -- public API -------------------------------------------------------
    def script(self, *replies: ChatReply) -> None:
        """Queue ``replies`` (after any still unused); each answers one request, then ``responder`` takes over."""
        with self._lock:
            self._script.extend(replies)

    def calls(self) -> int:
        """Chat-completions requests received so far (retries count, rejected requests too)."""
        with self._lock:
            return len(self.requests)

    # -- internals used by the handler -----------------------------------
    def _record(self, req: dict, raw: bytes, headers: dict) -> None:
        with self._lock:
            self.requests.append(req)
            self.raw_bodies.append(raw)
            self.headers.append(headers)

    def _next_reply(self) -> ChatReply:
        with self._lock:
            return self._script.pop(0) if self._script else ChatReply()

    def _respond(self, req: dict) -> str:
        responder = self.responder
        return "{}" if responder is None else responder(req)

