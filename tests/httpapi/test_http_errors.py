"""The one error shape the HTTP API documents, and the docs that describe what it accepts."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from conftest import free_port
from llm_server import Uvicorn

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def server(seed_engine):
    from parisqa.httpapi import Service, create_app

    app = create_app(Service(engine=lambda: seed_engine, settings=seed_engine.settings))
    with Uvicorn(app, free_port()) as running:
        yield running.url


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({}, "question"),
        ({"question": "What is INRIA?", "k": "many"}, "k"),
        ({"question": "What is INRIA?", "k": 0}, "k"),
        ({"question": ["a", "list"]}, "question"),
    ],
)
def test_a_bad_rest_body_is_400_with_one_message_naming_the_field(server, body, named):
    response = httpx.post(server + "/api/ask", json=body, timeout=30)
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    # The documented shape: {"detail": "message"}, a sentence naming the bad field, not FastAPI's list.
    assert isinstance(detail, str) and f"'{named}'" in detail, detail


def test_a_body_that_is_not_json_is_400_on_both_apis(server):
    response = httpx.post(
        server + "/api/ask", content=b"{not json", headers={"Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == 400 and "JSON" in response.json()["detail"], response.text
    response = httpx.post(
        server + "/v1/chat/completions", content=b"[1, 2", headers={"Content-Type": "application/json"}, timeout=30
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]  # OpenAI's shape on /v1, so OpenAI clients show the message
    assert error["type"] == "invalid_request_error" and "JSON" in error["message"]


def test_an_upload_without_a_file_is_400(server):
    response = httpx.post(server + "/api/documents", data={"other": "x"}, timeout=30)
    assert response.status_code == 400 and "'file'" in response.json()["detail"], response.text


def test_readme_states_the_error_status_the_server_gives():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("**REST**") : text.index("**Auth.**")]
    assert re.search(r"a bad request \([^)]*\) gets 400", section), section
    assert '`{"detail": "message"}`' in section and "never FastAPI's 422" in section


def test_readme_and_api_docs_list_every_format_an_upload_accepts(server):
    from parisqa.config import CORPUS_SUFFIXES

    row = next(line for line in README.read_text(encoding="utf-8").splitlines() if "`POST /api/documents`" in line)
    described = httpx.get(server + "/openapi.json", timeout=30).json()["paths"]["/api/documents"]["post"]
    for suffix in CORPUS_SUFFIXES:
        if suffix == ".markdown":
            continue
        assert suffix in row, (suffix, row)
        assert suffix in described["description"] + described.get("summary", ""), (suffix, described)


def test_cli_help_names_every_format_the_corpus_takes():
    from parisqa.cli import build_parser

    parser = build_parser()
    for command in ("index", "ask", "text", "serve", "eval"):
        action = next(
            a for p in parser._subparsers._group_actions for name, sub in p.choices.items() if name == command
            for a in sub._actions if "--corpus" in a.option_strings
        )  # fmt: skip
        for suffix in (".txt", ".md", ".pdf", ".html", ".docx"):
            assert suffix in action.help, (command, action.help)
