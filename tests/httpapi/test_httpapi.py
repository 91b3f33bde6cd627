"""The HTTP API on a real uvicorn server: the official ``openai`` client on /v1, plain HTTP on /api."""

from __future__ import annotations

import shutil
import time

import httpx
import pytest

from conftest import SEED, free_port
from llm_server import Uvicorn

KEY = "test-key-9f2c"


def _seed_source(engine) -> str:
    return (engine.settings.corpus_dir / SEED.name).read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def open_server(seed_engine):
    """The routers over the seed engine, no API key, no LLM."""
    from parisqa.httpapi import Service, create_app

    app = create_app(Service(engine=lambda: seed_engine, settings=seed_engine.settings))
    with Uvicorn(app, free_port()) as server:
        yield server.url


@pytest.fixture(scope="module")
def keyed_server(seed_engine):
    from parisqa.httpapi import Service, create_app

    app = create_app(Service(engine=lambda: seed_engine, settings=seed_engine.settings, api_key=KEY))
    with Uvicorn(app, free_port()) as server:
        yield server.url


def _client(url: str, key: str = "unused"):
    from openai import OpenAI

    return OpenAI(base_url=url + "/v1", api_key=key, max_retries=0, timeout=60)


def test_models_lists_parisqa(open_server):
    models = _client(open_server).models.list()
    assert [m.id for m in models.data] == ["parisqa"]


def test_chat_completion_carries_citations(open_server, seed_engine):
    reply = _client(open_server).chat.completions.create(
        model="parisqa", messages=[{"role": "user", "content": "Why is ethical AI important?"}]
    )
    content = reply.choices[0].message.content
    extra = reply.model_extra["parisqa"]
    assert content == extra["answer"] and "[1]" in content
    assert extra["abstained"] is False and 0 < extra["confidence"] <= 1
    source = _seed_source(seed_engine)
    for c in extra["citations"]:
        assert source[c["start"] : c["end"]] == c["text"]
    # Same object as `ask --json` (timings aside).
    expected = seed_engine.ask("Why is ethical AI important?").to_dict()
    assert {k: v for k, v in extra.items() if k != "timings_ms"} == {
        k: v for k, v in expected.items() if k != "timings_ms"
    }


def test_streamed_chat_ends_with_the_answer_object(open_server):
    stream = _client(open_server).chat.completions.create(
        model="parisqa", messages=[{"role": "user", "content": "What challenges does Paris face?"}], stream=True
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert chunks[-1].choices[0].finish_reason == "stop"
    extra = chunks[-1].model_extra["parisqa"]
    assert text == extra["answer"] and extra["citations"]


def test_streamed_response_is_openai_sse(open_server):
    body = {"model": "parisqa", "stream": True, "messages": [{"role": "user", "content": "What is INRIA?"}]}
    with httpx.stream("POST", open_server + "/v1/chat/completions", json=body, timeout=60) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"


def test_follow_up_uses_the_earlier_turns(open_server):
    first = "What is the role of the French government in AI development?"
    reply = _client(open_server).chat.completions.create(
        model="parisqa",
        messages=[
            {"role": "user", "content": first},
            {"role": "assistant", "content": "The French government plays a crucial role ... [1]"},
            {"role": "user", "content": "and what about its tax incentives?"},
        ],
    )
    extra = reply.model_extra["parisqa"]
    assert extra["question"] == "and what about its tax incentives?"
    assert "french government" in extra["query"]


def test_bad_requests_are_400(open_server):
    from openai import BadRequestError

    with pytest.raises(BadRequestError, match="empty"):
        _client(open_server).chat.completions.create(model="parisqa", messages=[{"role": "user", "content": "  "}])
    response = httpx.post(open_server + "/v1/chat/completions", json={"messages": []}, timeout=30)
    assert response.status_code == 400 and "user message" in response.json()["error"]["message"]
    # Generation asked for with no LLM configured: refused with the fix.
    response = httpx.post(open_server + "/api/ask", json={"question": "What is INRIA?", "generate": True}, timeout=30)
    assert response.status_code == 400 and "PARISQA_LLM_URL" in response.json()["detail"]


def test_api_ask_is_the_cli_object(open_server, seed_engine):
    response = httpx.post(open_server + "/api/ask", json={"question": "How many people live in Lyon?"}, timeout=60)
    assert response.status_code == 200
    data = response.json()
    expected = seed_engine.ask("How many people live in Lyon?").to_dict()
    assert data.keys() == expected.keys()
    assert data["abstained"] == expected["abstained"] and data["answer"] == expected["answer"]


def test_openapi_docs(open_server):
    assert httpx.get(open_server + "/docs", timeout=30).status_code == 200
    paths = httpx.get(open_server + "/openapi.json", timeout=30).json()["paths"]
    assert {"/v1/chat/completions", "/v1/models", "/api/ask", "/api/documents", "/api/index"} <= paths.keys()


def test_every_route_needs_the_key(keyed_server):
    from openai import AuthenticationError

    routes = [
        ("GET", "/v1/models"),
        ("POST", "/v1/chat/completions"),
        ("POST", "/api/ask"),
        ("GET", "/api/documents"),
        ("POST", "/api/documents"),
        ("DELETE", "/api/documents/paris-ai-city.txt"),
        ("POST", "/api/index"),
        ("GET", "/api/index"),
    ]
    for method, path in routes:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY}):
            response = httpx.request(method, keyed_server + path, headers=headers, timeout=30)
            assert response.status_code == 401, (method, path, headers)
    with pytest.raises(AuthenticationError):
        _client(keyed_server, "wrong").models.list()
    reply = _client(keyed_server, KEY).chat.completions.create(
        model="parisqa", messages=[{"role": "user", "content": "What is INRIA?"}]
    )
    assert reply.model_extra["parisqa"]["citations"]
    # The seed document is still there: the refused DELETE did nothing.
    listed = httpx.get(keyed_server + "/api/documents", headers={"Authorization": f"Bearer {KEY}"}, timeout=30)
    assert [d["source"] for d in listed.json()["documents"]] == [SEED.name]


def test_documents_upload_delete_and_rebuild(tmp_path, embedder):
    from parisqa.api import Engine
    from parisqa.config import Settings
    from parisqa.httpapi import Service, create_app

    corpus = tmp_path / "docs"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "idx")
    engine = Engine(settings, embedder=embedder)
    with Uvicorn(create_app(Service(engine=lambda: engine, settings=settings)), free_port()) as server:
        url = server.url
        assert httpx.get(url + "/api/index", timeout=30).json()["state"] == "idle"
        listed = httpx.get(url + "/api/documents", timeout=30).json()["documents"]
        assert [(d["source"], d["status"]) for d in listed] == [(SEED.name, "new")]

        note = "Lyon notes\nThe Lyon robotics fair takes place every March in the Part-Dieu district.\n"
        files = {"file": ("../../lyon.md", note.encode(), "text/markdown")}
        added = httpx.post(url + "/api/documents", files=files, timeout=30)
        assert added.status_code == 201 and added.json()["name"] == "lyon.md"
        assert (corpus / "lyon.md").read_text() == note and not (tmp_path / "lyon.md").exists()
        refused = httpx.post(url + "/api/documents", files={"file": ("x.zip", b"PK\x03\x04", "application/zip")})
        assert refused.status_code == 400 and "x.zip" in refused.json()["detail"]
        binary = httpx.post(url + "/api/documents", files={"file": ("bin.txt", b"\x00\x01\xff", "text/plain")})
        assert binary.status_code == 400

        started = httpx.post(url + "/api/index", timeout=30)
        assert started.status_code == 202 and started.json()["state"] in ("running", "done")
        deadline = time.monotonic() + 300
        while (state := httpx.get(url + "/api/index", timeout=30).json())["state"] == "running":
            assert time.monotonic() < deadline, state
            time.sleep(0.2)
        assert state["state"] == "done", state
        assert state["summary"]["added"] == 2 and state["indexed_documents"] == 2
        answer = httpx.post(url + "/api/ask", json={"question": "When is the Lyon robotics fair?"}, timeout=60).json()
        assert answer["citations"][0]["source"] == "lyon.md"

        gone = httpx.delete(url + "/api/documents/lyon.md", timeout=30)
        assert gone.status_code == 200 and not (corpus / "lyon.md").exists()
        assert httpx.delete(url + "/api/documents/lyon.md", timeout=30).status_code == 404
        assert httpx.delete(url + "/api/documents/..%2F..%2Fetc%2Fpasswd", timeout=30).status_code == 404
        listed = httpx.get(url + "/api/documents", timeout=30).json()["documents"]
        assert {d["source"]: d["status"] for d in listed} == {SEED.name: "indexed", "lyon.md": "deleted"}
