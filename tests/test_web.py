"""The web app, served for real on loopback and called through its HTTP API."""

import json
import socket

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(seed_index, embedder):
    from parisqa.config import Settings
    from parisqa.web import build_app

    app = build_app(Settings(corpus_dir=seed_index / "corpus", index_dir=seed_index / "index"))
    port = _free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/", seed_index
    app.close()


def test_ask_endpoint_returns_the_cli_contract(served):
    from gradio_client import Client

    url, base = served
    client = Client(url, verbose=False)
    result = client.predict("Why is ethical AI important?", api_name="/ask")
    obj = result if isinstance(result, dict) else json.loads(result)
    assert {"question", "answer", "abstained", "confidence", "citations", "timings_ms"} <= set(obj)
    source = (base / "corpus" / "paris-ai-city.txt").read_text(encoding="utf-8")
    for c in obj["citations"]:
        assert source[c["start"] : c["end"]] == c["text"]
