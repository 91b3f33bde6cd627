"""Answers that carry the question's focus, on a small business's own files (real PDF, Word, HTML)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CYCLESHOP = Path(__file__).resolve().parents[2] / "eval" / "collections" / "cycleshop" / "corpus"


@pytest.fixture(scope="module")
def shop_engine(tmp_path_factory: pytest.TempPathFactory, embedder):
    from parisqa.api import Engine
    from parisqa.config import Settings

    base = tmp_path_factory.mktemp("shop")
    shutil.copytree(CYCLESHOP, base / "corpus")
    engine = Engine(Settings(corpus_dir=base / "corpus", index_dir=base / "index"), embedder=embedder)
    engine.build()
    return engine


def test_the_line_that_names_the_asked_day_is_the_answer(shop_engine):
    answer = shop_engine.ask("What time do you open on Saturdays?")
    assert not answer.abstained
    assert answer.answer.startswith("Saturday: 8:30 to 17:00 [1]")
    assert answer.short is not None and answer.short.text == "8:30 to 17:00"
    monday = shop_engine.ask("Are you open on Mondays?")
    assert "Monday: closed" in monday.answer and monday.short.text == "closed"


def test_a_price_comes_from_the_asked_column_of_its_table_row(shop_engine):
    from parisqa.api import source_text

    answer = shop_engine.ask("How much for a half day on a city bike?")
    assert answer.answer == "City bike | £12 | £20 | £85 [1]"
    assert answer.short is not None and answer.short.text == "£12"
    # the short answer is an exact slice of the extracted PDF text, inside the cited row
    text = source_text(shop_engine.settings, answer.short.source)
    assert text[answer.short.start : answer.short.end] == "£12"
    highlight = answer.citations[0].highlights[0]
    assert highlight.start <= answer.short.start < answer.short.end <= highlight.end
    whole_day = shop_engine.ask("What does it cost to hire an e-bike for a whole day?")
    assert whole_day.short is not None and whole_day.short.text == "£40"


def test_a_fact_the_files_do_not_hold_is_declined_with_related_passages(shop_engine):
    for question in ("What's the Wi-Fi password?", "What was the shop's turnover last year?"):
        answer = shop_engine.ask(question)
        assert answer.abstained, (question, answer.answer, answer.confidence)
        assert answer.related and not answer.citations


def test_min_confidence_makes_declining_stricter(shop_engine):
    question = "How much is a puncture repair?"
    answered = shop_engine.ask(question)
    assert not answered.abstained and answered.short.text == "£8"
    assert shop_engine.ask(question, min_confidence=answered.confidence + 1e-6).abstained
    assert not shop_engine.ask(question, min_confidence=0.0).abstained
