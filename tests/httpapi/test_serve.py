"""``parisqa serve`` is one server: the page at ``/``, the API at ``/v1`` and ``/api``, the schema at ``/docs``."""

import httpx
import pytest


@pytest.fixture(scope="module")
def served(seed_index, serve_web):
    from parisqa.config import Settings

    settings = Settings(corpus_dir=seed_index / "corpus", index_dir=seed_index / "index")
    app, url = serve_web(settings, api_key="s3cret")
    yield url.rstrip("/")
    app.close()


KEY = {"Authorization": "Bearer s3cret"}


def test_page_and_api_share_one_port(served):
    page = httpx.get(served + "/", headers=KEY, timeout=60)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "og:" not in page.text  # the HTML filter still applies to the mounted page
    schema = httpx.get(served + "/openapi.json", timeout=60).json()
    assert {"/v1/chat/completions", "/v1/models", "/api/ask", "/api/documents", "/api/index"} <= set(schema["paths"])
    assert httpx.get(served + "/docs", timeout=60).status_code == 200


def test_api_key_is_required_on_the_page_and_its_api_too(served):
    """With a key and no --auth, the page and the Gradio API ask for the key (browser: the key as password)."""
    from gradio_client import Client

    refused = httpx.get(served + "/", timeout=60)
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic")
    assert "s3cret" not in refused.text
    assert httpx.get(served + "/", auth=("anyone", "s3cret"), timeout=60).status_code == 200
    assert httpx.get(served + "/gradio_api/info", auth=("anyone", "nope"), timeout=60).status_code == 401
    answer = Client(served, headers=KEY, verbose=False).predict("Why is ethical AI important?", api_name="/ask")
    assert answer["citations"]


def test_api_key_is_required_on_the_api(served):
    assert httpx.get(served + "/v1/models", timeout=60).status_code == 401
    wrong = httpx.get(served + "/v1/models", headers={"Authorization": "Bearer nope"}, timeout=60)
    assert wrong.status_code == 401
    models = httpx.get(served + "/v1/models", headers={"Authorization": "Bearer s3cret"}, timeout=60).json()
    assert [m["id"] for m in models["data"]] == ["parisqa"]
    answer = httpx.post(
        served + "/api/ask",
        json={"question": "Why is ethical AI important?"},
        headers={"Authorization": "Bearer s3cret"},
        timeout=120,
    ).json()
    assert answer["citations"] and not answer["abstained"]


def test_openai_client_against_the_served_app(served):
    from openai import OpenAI

    client = OpenAI(base_url=served + "/v1", api_key="s3cret", max_retries=0, timeout=120)
    reply = client.chat.completions.create(
        model="parisqa", messages=[{"role": "user", "content": "Why is ethical AI important?"}]
    )
    extra = reply.model_extra["parisqa"]
    assert reply.choices[0].message.content == extra["answer"] and extra["citations"]
