"""The Python API returns typed records carrying the same contract as ``ask --json``."""

import pytest

import parisqa
from parisqa.errors import QuestionError
from parisqa.records import Answer, Citation


def test_ask_returns_typed_answer(seed_index, embedder):
    answer = parisqa.ask(
        "What is the role of the French government in AI development?",
        corpus_dir=seed_index / "corpus",
        index_dir=seed_index / "index",
    )
    assert isinstance(answer, Answer)
    assert all(isinstance(c, Citation) for c in answer.citations)
    source = (seed_index / "corpus" / "paris-ai-city.txt").read_text(encoding="utf-8")
    for c in answer.citations:
        assert source[c.start : c.end] == c.text
    assert answer.to_dict()["citations"][0]["n"] == 1


def test_engine_reuses_loaded_index_and_reports_timings(seed_engine):
    first = seed_engine.ask("Which conferences take place in Paris?")
    index = seed_engine.index()
    second = seed_engine.ask("Which conferences take place in Paris?")
    assert seed_engine.index() is index
    assert first.answer == second.answer
    assert {"total", "embed", "search"} <= set(second.timings_ms)


def test_search_query_can_differ_from_question(seed_engine):
    answer = seed_engine.ask("and its tax incentives?", query="French government AI tax incentives")
    assert answer.to_dict()["query"] == "French government AI tax incentives"
    assert any("Tax" in c.text for c in answer.citations)


@pytest.mark.parametrize("bad", ["", "  ", "\x00\x01"])
def test_empty_questions_are_refused(seed_engine, bad):
    with pytest.raises(QuestionError, match="empty"):
        seed_engine.ask(bad)
