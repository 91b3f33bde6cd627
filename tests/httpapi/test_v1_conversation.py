"""A conversation through /v1 with the official openai client: each turn searched as a user means it."""

from __future__ import annotations

import pytest

from conftest import free_port
from llm_server import Uvicorn


@pytest.fixture(scope="module")
def bees_server(bees_engine):
    from parisqa.httpapi import Service, create_app

    app = create_app(Service(engine=lambda: bees_engine, settings=bees_engine.settings))
    with Uvicorn(app, free_port()) as server:
        yield server.url


def _ask(url: str, messages: list[dict]) -> dict:
    from openai import OpenAI

    client = OpenAI(base_url=url + "/v1", api_key="unused", max_retries=0, timeout=60)
    return client.chat.completions.create(model="parisqa", messages=messages).model_extra["parisqa"]


def test_a_standalone_third_turn_is_not_searched_with_the_earlier_turns(bees_server):
    messages: list[dict] = []
    for question in ("When do bees swarm?", "And in autumn?", "How much does it cost to start beekeeping?"):
        messages.append({"role": "user", "content": question})
        extra = _ask(bees_server, messages)
        messages.append({"role": "assistant", "content": extra["answer"]})
    # Turn 2 leans on turn 1; turn 3's "it" names nothing ("it costs X to start"): searched as it is.
    assert extra["question"] == "How much does it cost to start beekeeping?"
    assert extra.get("query") is None, extra.get("query")
    assert "swarm" not in extra["answer"].lower()
