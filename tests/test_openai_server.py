"""Self-test of the OpenAI-compatible server in tests/servers/openai_server.py, driven by the real openai client."""

import json
import time

import openai
import pytest
from openai import AsyncOpenAI
from pydantic import BaseModel

from tests.servers.openai_server import MODELS, ChatReply, OpenAIServer

MESSAGES = [
    {"role": "system", "content": "You summarise research papers."},
    {"role": "user", "content": "Summarise: attention is all you need."},
]


class Summary(BaseModel):
    title: str
    score: int
    tags: list[str]


@pytest.fixture
async def make_client(llm_server):
    clients = []

    def make(max_retries: int = 0, timeout: float = 5.0) -> AsyncOpenAI:
        c = AsyncOpenAI(api_key="test-key", base_url=llm_server.base_url + "/v1",
                        max_retries=max_retries, timeout=timeout)
        clients.append(c)
        return c

    yield make
    for c in clients:
        await c.close()


async def test_plain_answer_and_wire_format(llm_server, make_client):
    llm_server.script(ChatReply(content="A short summary."))
    r = await make_client().chat.completions.create(model="gpt-test-mini", messages=MESSAGES, temperature=0)
    assert r.object == "chat.completion" and r.id.startswith("chatcmpl-")
    assert r.model == "gpt-test-mini" and isinstance(r.created, int)
    assert r.choices[0].message.role == "assistant"
    assert r.choices[0].message.content == "A short summary."
    assert r.choices[0].finish_reason == "stop"
    # what the client sent
    assert llm_server.calls() == 1
    req = llm_server.requests[0]
    assert req["model"] == "gpt-test-mini" and req["messages"] == MESSAGES and req["temperature"] == 0
    # the API key travels in the Authorization header, never in the body
    assert llm_server.headers[0]["authorization"] == "Bearer test-key"
    assert b"test-key" not in llm_server.raw_bodies[0]
    assert llm_server.headers[0]["content-type"].startswith("application/json")


async def test_usage_numbers(llm_server, make_client):
    llm_server.script(ChatReply(content="x" * 40))
    r = await make_client().chat.completions.create(model="m", messages=MESSAGES)
    prompt_chars = sum(len(m["content"]) for m in MESSAGES)
    assert r.usage.prompt_tokens == (prompt_chars + 3) // 4
    assert r.usage.completion_tokens == 10
    assert r.usage.total_tokens == r.usage.prompt_tokens + 10
    assert r.usage.prompt_tokens_details.cached_tokens == 0

    custom = {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10,
              "prompt_tokens_details": {"cached_tokens": 5}}
    llm_server.script(ChatReply(content="ok", usage=custom))
    r = await make_client().chat.completions.create(model="m", messages=MESSAGES)
    assert (r.usage.prompt_tokens, r.usage.completion_tokens, r.usage.total_tokens) == (7, 3, 10)
    assert r.usage.prompt_tokens_details.cached_tokens == 5


async def test_default_responder_and_custom_responder(llm_server, make_client):
    client = make_client()
    r = await client.chat.completions.create(model="m", messages=MESSAGES)
    assert r.choices[0].message.content == "{}"  # nothing scripted: default responder

    llm_server.responder = lambda req: req["messages"][-1]["content"].upper()
    llm_server.script(ChatReply(content="scripted first"))
    r1 = await client.chat.completions.create(model="m", messages=MESSAGES)
    r2 = await client.chat.completions.create(model="m", messages=MESSAGES)
    assert r1.choices[0].message.content == "scripted first"
    assert r2.choices[0].message.content == "SUMMARISE: ATTENTION IS ALL YOU NEED."
    assert llm_server.calls() == 3


async def test_structured_output_parse(llm_server, make_client):
    def responder(req):
        rf = req["response_format"]
        assert rf["type"] == "json_schema"
        assert set(rf["json_schema"]["schema"]["properties"]) == {"title", "score", "tags"}
        return json.dumps({"title": "Attention", "score": 9, "tags": ["transformers"]})

    llm_server.responder = responder
    r = await make_client().chat.completions.parse(model="m", messages=MESSAGES, response_format=Summary)
    parsed = r.choices[0].message.parsed
    assert parsed == Summary(title="Attention", score=9, tags=["transformers"])
    assert llm_server.requests[0]["response_format"]["json_schema"]["name"] == "Summary"


async def test_finish_reason_length_makes_parse_raise(llm_server, make_client):
    llm_server.script(ChatReply(content='{"title": "Att', finish_reason="length"))
    with pytest.raises(openai.LengthFinishReasonError):
        await make_client().chat.completions.parse(model="m", messages=MESSAGES, response_format=Summary)


async def test_429_retry_after_then_200(llm_server, make_client):
    llm_server.script(ChatReply(status=429, headers={"retry-after": "1"}), ChatReply(content="after the wait"))
    t0 = time.monotonic()
    r = await make_client(max_retries=2).chat.completions.create(model="m", messages=MESSAGES)
    elapsed = time.monotonic() - t0
    assert r.choices[0].message.content == "after the wait"
    assert llm_server.calls() == 2
    assert elapsed >= 0.9  # retry-after honoured (the default first backoff is <= 0.5 s)
    # the client marks its retries
    assert llm_server.headers[1].get("x-stainless-retry-count") == "1"


async def test_500_then_200(llm_server, make_client):
    llm_server.script(ChatReply(status=500), ChatReply(content="recovered"))
    r = await make_client(max_retries=2).chat.completions.create(model="m", messages=MESSAGES)
    assert r.choices[0].message.content == "recovered"
    assert llm_server.calls() == 2


@pytest.mark.parametrize(
    ("status", "exc", "err_type"),
    [
        (400, openai.BadRequestError, "invalid_request_error"),
        (401, openai.AuthenticationError, "invalid_request_error"),
        (429, openai.RateLimitError, "requests"),
        (503, openai.InternalServerError, "server_error"),
    ],
)
async def test_error_bodies_map_to_client_exceptions(llm_server, make_client, status, exc, err_type):
    llm_server.script(ChatReply(status=status, content="scripted failure"))
    with pytest.raises(exc) as info:
        await make_client(max_retries=0).chat.completions.create(model="m", messages=MESSAGES)
    assert info.value.status_code == status
    assert info.value.body["message"] == "scripted failure"
    assert info.value.body["type"] == err_type
    assert llm_server.calls() == 1


async def test_delay_longer_than_timeout(llm_server, make_client):
    llm_server.script(ChatReply(content="too late", delay=2.0))
    t0 = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        await make_client(max_retries=0, timeout=0.5).chat.completions.create(model="m", messages=MESSAGES)
    assert time.monotonic() - t0 < 1.5
    assert llm_server.calls() == 1


async def test_malformed_and_truncated_json_raise_jsondecodeerror(llm_server, make_client):
    """A 200 with a broken JSON body is NOT wrapped in an openai error and NOT retried:
    the client lets json.JSONDecodeError (a ValueError) escape."""
    client = make_client(max_retries=2)
    llm_server.script(
        ChatReply(body=b'{"id": "chatcmpl-1", nope}'),
        ChatReply(body=b'{"id": "chatcmpl-1", "object": "chat.completion", "choices": [{"index": 0, "mess'),
    )
    for _ in range(2):
        with pytest.raises(json.JSONDecodeError) as info:
            await client.chat.completions.create(model="m", messages=MESSAGES)
        assert not isinstance(info.value, openai.OpenAIError)
    assert llm_server.calls() == 2  # one request each: no retry


async def test_non_json_and_wrong_shape_bodies_are_returned_as_garbage(llm_server, make_client):
    client = make_client(max_retries=0)
    # an HTML page with status 200: create() returns the page text as a plain str
    llm_server.script(ChatReply(body=b"<html>Bad gateway</html>", headers={"content-type": "text/html"}))
    r = await client.chat.completions.create(model="m", messages=MESSAGES)
    assert r == "<html>Bad gateway</html>"
    # valid JSON of the wrong shape: a ChatCompletion whose fields are None (no validation)
    llm_server.script(ChatReply(body=b'{"hello": 1}'))
    r = await client.chat.completions.create(model="m", messages=MESSAGES)
    assert r.choices is None and r.id is None
    # an HTML error page with status 502: a normal status error
    llm_server.script(ChatReply(status=502, body=b"<html>Bad gateway</html>", headers={"content-type": "text/html"}))
    with pytest.raises(openai.InternalServerError):
        await client.chat.completions.create(model="m", messages=MESSAGES)


async def test_reject_json_schema(llm_server, make_client):
    llm_server.reject_json_schema = True
    llm_server.responder = lambda req: json.dumps({"title": "T", "score": 1, "tags": []})
    client = make_client(max_retries=2)
    with pytest.raises(openai.BadRequestError) as info:
        await client.chat.completions.parse(model="m", messages=MESSAGES, response_format=Summary)
    assert info.value.status_code == 400
    assert info.value.body["message"] == "response_format json_schema is not supported"
    assert info.value.body["type"] == "invalid_request_error"
    assert llm_server.calls() == 1  # 400 is not retried

    r = await client.chat.completions.create(model="m", messages=MESSAGES, response_format={"type": "json_object"})
    assert Summary.model_validate_json(r.choices[0].message.content).title == "T"
    assert llm_server.requests[1]["response_format"] == {"type": "json_object"}


async def test_streaming(llm_server, make_client):
    llm_server.script(ChatReply(content="streamed answer, long enough for several chunks"))
    stream = await make_client().chat.completions.create(
        model="m", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    parts, usage, finish = [], None, None
    async for chunk in stream:
        if chunk.choices:
            parts.append(chunk.choices[0].delta.content or "")
            finish = chunk.choices[0].finish_reason or finish
        if chunk.usage:
            usage = chunk.usage
    assert "".join(parts) == "streamed answer, long enough for several chunks"
    assert finish == "stop" and usage.completion_tokens > 0


async def test_models_list(llm_server, make_client):
    page = await make_client().models.list()
    assert [m.id for m in page.data] == MODELS
    assert llm_server.calls() == 0  # only chat completions are counted


def test_unknown_path_404_and_close_is_idempotent():
    import httpx

    server = OpenAIServer()
    try:
        r = httpx.get(server.base_url + "/v1/nope", timeout=5)
        assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_url"
        r = httpx.post(server.base_url + "/v1/chat/completions", content=b"not json", timeout=5)
        assert r.status_code == 400 and "error" in r.json()
        assert server.calls() == 1 and server.requests == [{}]
    finally:
        server.close()
        server.close()
