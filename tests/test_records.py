"""The records round-trip through their JSON form: what ``ask --json`` prints reads back as an Answer."""

from __future__ import annotations

import json

from parisqa.records import Answer, Citation, ShortAnswer, Span


def citation(n: int) -> Citation:
    return Citation(
        n=n,
        source="paris-ai-city.txt",
        start=10 * n,
        end=10 * n + 5,
        text="Paris",
        heading="FAQ" if n == 1 else None,
        score=0.5,
        scores={"dense": 0.75, "bm25": 1.25, "fused": 0.5},
        highlights=(Span(10 * n, 10 * n + 5),),
    )


def test_an_answer_reads_back_from_its_json():
    answer = Answer(
        question="What is it?",
        answer="Paris [1]",
        abstained=False,
        confidence=0.875,
        citations=(citation(1), citation(2)),
        timings_ms={"total": 1.5},
        query="What is it? paris",
        related=(citation(3),),
        short=ShortAnswer("paris-ai-city.txt", 10, 15, "Paris"),
    )
    again = Answer.from_dict(json.loads(json.dumps(answer.to_dict())))
    assert again == answer
    assert again.short == ShortAnswer("paris-ai-city.txt", 10, 15, "Paris")  # every field comes back
    assert again.to_dict() == answer.to_dict()


def test_an_abstention_without_optional_keys_reads_back():
    data = {
        "question": "q",
        "answer": "The corpus does not answer this question.",
        "abstained": True,
        "confidence": 0.1,
        "citations": [],
        "timings_ms": {},
    }
    answer = Answer.from_dict(data)
    assert answer.abstained and answer.citations == () and answer.related == () and answer.query is None
    assert answer.to_dict() == {**data, "short": None}  # "short" is always written, null when there is none


def test_the_seed_answer_reads_back(seed_engine):
    answer = seed_engine.ask("Why is ethical AI important?")
    data = answer.to_dict()
    assert Answer.from_dict(data).to_dict() == data
