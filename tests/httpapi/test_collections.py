"""Two collections behind one real server, with keys scoped to them: every route refuses a missing key
(401) and a key of another collection (403); each collection answers from its own documents.

The server is the one ``parisqa serve`` runs (pages, Gradio API, /v1, /api on one port), on
127.0.0.1, asked with the official ``openai`` client, ``gradio_client`` and plain HTTP.
"""

from __future__ import annotations

import json

import httpx
import pytest

from conftest import SEED

ALL = "key-all-7d1e"  # every collection, read and write
PARIS = "key-paris-42aa"  # paris only
BEES_READ = "key-bees-read-0c9b"  # bees, asking only
PARIS_Q = "Why is ethical AI important?"
BEES_Q = "How long does a queen bee live?"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def served(seed_index, bees_index, serve_collections):
    keys = (ALL, f"{PARIS}:paris", f"{BEES_READ}:bees:read")
    url, folders, _ = serve_collections({"paris": seed_index, "bees": bees_index}, keys=keys)
    return url, folders["paris"].corpus_dir.parents[1]


def openai_client(url: str, key: str):
    from openai import OpenAI

    return OpenAI(base_url=url + "/v1", api_key=key, max_retries=0, timeout=120)


def test_models_list_the_collections_a_key_may_read(served):
    url, _ = served
    assert [m.id for m in openai_client(url, ALL).models.list().data] == ["parisqa/paris", "parisqa/bees"]
    assert [m.id for m in openai_client(url, PARIS).models.list().data] == ["parisqa/paris"]
    assert [m.id for m in openai_client(url, BEES_READ).models.list().data] == ["parisqa/bees"]


def test_two_collections_answer_separately(served):
    url, _ = served
    client = openai_client(url, ALL)
    paris = client.chat.completions.create(model="parisqa/paris", messages=[{"role": "user", "content": PARIS_Q}])
    bees = client.chat.completions.create(model="parisqa/bees", messages=[{"role": "user", "content": BEES_Q}])
    assert paris.model == "parisqa/paris" and bees.model == "parisqa/bees"
    paris_sources = {c["source"] for c in paris.model_extra["parisqa"]["citations"]}
    bees_sources = {c["source"] for c in bees.model_extra["parisqa"]["citations"]}
    assert paris_sources == {SEED.name}
    assert bees_sources and SEED.name not in bees_sources
    # "parisqa" alone is the default (first) collection.
    default = client.chat.completions.create(model="parisqa", messages=[{"role": "user", "content": PARIS_Q}])
    assert {c["source"] for c in default.model_extra["parisqa"]["citations"]} == {SEED.name}
    # The same question asked of the other collection is not answered from the paris article.
    crossed = httpx.post(
        url + "/api/collections/bees/ask", json={"question": PARIS_Q}, headers=bearer(ALL), timeout=120
    ).json()
    assert SEED.name not in {c["source"] for c in crossed["citations"]}


def test_an_unknown_collection_or_model_is_named(served):
    import openai

    url, _ = served
    missing = httpx.post(url + "/api/collections/nope/ask", json={"question": "x"}, headers=bearer(ALL), timeout=60)
    assert missing.status_code == 404 and "'nope'" in missing.json()["detail"] and "paris, bees" in missing.text
    with pytest.raises(openai.NotFoundError, match="parisqa/nope"):
        openai_client(url, ALL).chat.completions.create(
            model="parisqa/nope", messages=[{"role": "user", "content": "x"}]
        )
    assert httpx.get(url + "/c/nope/", headers=bearer(ALL), timeout=60).status_code == 404


def _routes(url: str) -> dict[str, tuple[str, str, dict | None]]:
    """One request per kind of route of the bees collection: method, URL, JSON body."""
    chat = {"model": "parisqa/bees", "messages": [{"role": "user", "content": BEES_Q}]}
    return {
        "page": ("GET", url + "/c/bees/", None),
        "gradio api": ("GET", url + "/c/bees/gradio_api/info", None),
        "/v1": ("POST", url + "/v1/chat/completions", chat),
        "/api": ("POST", url + "/api/collections/bees/ask", {"question": BEES_Q}),
        "/api documents": ("GET", url + "/api/collections/bees/documents", None),
        "/api index": ("GET", url + "/api/collections/bees/index", None),
    }


def test_every_route_refuses_a_missing_key_and_another_collections_key(served):
    url, _ = served
    for route, (method, target, body) in _routes(url).items():
        missing = httpx.request(method, target, json=body, timeout=120)
        assert missing.status_code == 401, route
        wrong = httpx.request(method, target, json=body, headers=bearer("not-a-key"), timeout=120)
        assert wrong.status_code == 401, route
        other = httpx.request(method, target, json=body, headers=bearer(PARIS), timeout=120)
        assert other.status_code == 403, (route, other.text)
        for text in (missing.text, wrong.text, other.text):
            assert PARIS not in text and "not-a-key" not in text  # keys are never shown
        allowed = httpx.request(method, target, json=body, headers=bearer(BEES_READ), timeout=120)
        assert allowed.status_code == 200, (route, allowed.text)
    # The default collection's page at / and the legacy /api routes belong to paris.
    assert httpx.get(url + "/", headers=bearer(BEES_READ), timeout=60).status_code == 403
    assert httpx.get(url + "/", auth=("me", PARIS), timeout=60).status_code == 200
    ask = httpx.post(url + "/api/ask", json={"question": PARIS_Q}, headers=bearer(BEES_READ), timeout=60)
    assert ask.status_code == 403


def test_the_gradio_api_takes_the_key_and_keeps_collections_apart(served):
    from gradio_client import Client

    url, _ = served
    answer = Client(url + "/c/bees/", headers=bearer(BEES_READ), verbose=False).predict(BEES_Q, api_name="/ask")
    assert answer["citations"] and SEED.name not in {c["source"] for c in answer["citations"]}
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own error types for a 403
        Client(url + "/", headers=bearer(BEES_READ), verbose=False).predict(PARIS_Q, api_name="/ask")


def test_a_read_key_cannot_change_a_collection(served):
    url, base = served
    upload = {"file": ("note.txt", b"A note about drones.\n", "text/plain")}
    refused = httpx.post(url + "/api/collections/bees/documents", files=upload, headers=bearer(BEES_READ), timeout=60)
    assert refused.status_code == 403 and "read" in refused.json()["detail"]
    deleting = httpx.delete(url + "/api/collections/bees/documents/faq.txt", headers=bearer(BEES_READ), timeout=60)
    assert deleting.status_code == 403 and (base / "bees" / "corpus" / "faq.txt").exists()
    rebuild = httpx.post(url + "/api/collections/bees/index", headers=bearer(BEES_READ), timeout=60)
    assert rebuild.status_code == 403
    # The page's Index tab: its rebuild event is refused to the read key, run for a write key.
    config = httpx.get(url + "/c/bees/config", headers=bearer(BEES_READ), timeout=60).json()
    names = {d["id"]: d.get("api_name") for d in config["dependencies"]}
    rebuild_id = next(i for i, n in names.items() if n == "on_rebuild")
    event = {"data": [], "fn_index": rebuild_id, "session_hash": "s1", "event_data": None, "trigger_id": None}
    join = url + "/c/bees/gradio_api/queue/join"
    assert httpx.post(join, json=event, headers=bearer(BEES_READ), timeout=60).status_code == 403
    assert httpx.post(join, json=event, headers=bearer(ALL), timeout=60).status_code == 200
    # A write key uploads; the file lands in that collection's folder only.
    added = httpx.post(url + "/api/collections/bees/documents", files=upload, headers=bearer(ALL), timeout=60)
    assert added.status_code == 201
    assert (base / "bees" / "corpus" / "note.txt").exists() and not (base / "paris" / "corpus" / "note.txt").exists()


def test_the_pages_link_the_collections(served):
    url, _ = served
    config = json.dumps(httpx.get(url + "/c/bees/config", headers=bearer(ALL), timeout=60).json())
    assert 'aria-current=\\"page\\" href=\\"/c/bees/\\">bees' in config and 'href=\\"/\\">paris' in config
    listed = httpx.get(url + "/api/collections", headers=bearer(BEES_READ), timeout=60).json()["collections"]
    assert [c["name"] for c in listed] == ["bees"] and listed[0]["model_id"] == "parisqa/bees"


def test_auth_with_scoped_keys_is_refused_in_one_line(tmp_path):
    from parisqa.catalog import catalog
    from parisqa.config import Settings
    from parisqa.errors import ConfigError
    from parisqa.web.collections import check_page_auth

    (tmp_path / "a").mkdir()
    settings = Settings(index_dir=tmp_path / "index")
    chosen = catalog(settings, collections=[f"a={tmp_path / 'a'}"], api_keys=["sekrit-123:a"])
    with pytest.raises(ConfigError, match="drop --auth") as caught:
        check_page_auth(chosen, ("alice", "pw"))
    assert "\n" not in str(caught.value) and "sekrit-123" not in str(caught.value)
    check_page_auth(chosen, None)
