"""Answer quality on the real model: exact highlights, FAQ answers, abstention, hostile questions."""

import json
import re
from pathlib import Path

import pytest

from parisqa.answer.answertypes import (
    answer_sentences,
    expected_type,
    is_factoid,
    question_entities,
    short_span,
    type_match,
)
from parisqa.answer.compose import ABSTAIN_TEXT
from parisqa.index.store import load_index

ROOT = Path(__file__).resolve().parents[2]
DEV = [json.loads(line) for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
MARKER = re.compile(r"\s*\[\d+\]\s*")


def _source(base: Path, name: str) -> str:
    return (base / "corpus" / name).read_bytes().decode("utf-8")


def check_exact(answer, base: Path) -> None:
    """Every citation and highlight is a slice of its source; the answer quotes only cited text."""
    for c in list(answer.citations) + list(answer.related):
        source = _source(base, c.source)
        assert source[c.start : c.end] == c.text
        for h in c.highlights:
            assert c.start <= h.start < h.end <= c.end
            assert source[h.start : h.end] == c.text[h.start - c.start : h.end - c.start]
    if answer.abstained:
        assert not answer.citations
        return
    cited = {c.n: c for c in answer.citations}
    pieces = re.split(r"\s*(\[\d{1,3}\])\s*", answer.answer.strip())  # "[2026]" in a quote is no marker
    quoted = [(pieces[i], int(pieces[i + 1][1:-1])) for i in range(0, len(pieces) - 1, 2)]
    assert quoted and "".join(p for p, _ in quoted) and pieces[-1] == ""
    for text, n in quoted:
        assert text in cited[n].text, f"answer text {text!r} is not in citation [{n}]"
        c = cited[n]
        assert any(c.text[h.start - c.start : h.end - c.start] == text for h in c.highlights)


@pytest.mark.parametrize("row", DEV, ids=[r["id"] for r in DEV])
def test_every_dev_answer_is_exact(seed_engine, seed_index, row):
    answer = seed_engine.ask(row["question"])
    check_exact(answer, seed_index)
    if not answer.abstained:
        c = answer.citations[0]
        assert set(c.scores) == {"dense", "bm25", "fused"}
        assert c.highlights


def test_dev_set_quality_does_not_regress(seed_engine):
    """A floor under the figures eval/dev_eval.py reports, so a change that breaks answering fails here."""
    answerable = [r for r in DEV if r["answerable"]]
    unanswerable = [r for r in DEV if not r["answerable"]]
    hit = fact = wrong_abstain = 0
    for row in answerable:
        answer = seed_engine.ask(row["question"])
        if answer.abstained:
            wrong_abstain += 1
            continue
        norm = lambda t: " ".join(t.lower().replace("\u2019", "'").split())  # noqa: E731
        hit += any(norm(e) in norm(answer.citations[0].text) for e in row["evidence"])
        fact += any(norm(a) in norm(answer.answer) for a in row["answers"])
    abstained = sum(seed_engine.ask(row["question"]).abstained for row in unanswerable)
    assert hit / len(answerable) >= 0.78
    assert fact / len(answerable) >= 0.75
    assert abstained / len(unanswerable) >= 0.45
    assert wrong_abstain / len(answerable) <= 0.05


def test_faq_question_is_answered_with_its_faq_answer(seed_engine, seed_text):
    answer = seed_engine.ask("Why is ethical AI important?")
    expected = (
        "Ethical AI ensures that AI technologies align with societal values and do not harm individuals or "
        "communities, promoting trust and sustainability in AI development."
    )
    assert MARKER.sub(" ", answer.answer).strip() == expected
    first = answer.citations[0]
    assert first.heading == "FAQ" and first.text.startswith("Why is ethical AI important?")
    assert [seed_text[h.start : h.end] for h in first.highlights] == [expected]


def test_reworded_faq_question_still_finds_the_faq_answer(seed_engine):
    answer = seed_engine.ask("Why does it matter that artificial intelligence is developed ethically?")
    assert not answer.abstained
    assert "societal values" in answer.answer


def test_out_of_domain_question_is_abstained_with_related_reading(seed_engine, seed_index):
    answer = seed_engine.ask("How do I bake a baguette?")
    assert answer.abstained and answer.answer == ABSTAIN_TEXT
    assert not answer.citations and answer.related
    assert answer.confidence < 0.5
    obj = answer.to_dict()
    assert obj["citations"] == [] and obj["related"]
    check_exact(answer, seed_index)


def test_in_domain_fact_the_article_never_gives_is_abstained(seed_engine):
    for question in ("When was INRIA created?", "How many employees does Dataiku have?"):
        assert seed_engine.ask(question).abstained, question


@pytest.mark.parametrize(
    "question",
    [
        "Quels sont les défis de Paris en intelligence artificielle ?",
        "パリのAIの課題は何ですか？",
        "what is the?",
        "???",
        "... !!! ,,,",
        " ".join(["investment startups ethics government Paris"] * 1000),  # 5,000 words
    ],
    ids=["french", "japanese", "stop-words", "question-marks", "punctuation", "5000-words"],
)
def test_odd_questions_get_an_answer_or_an_abstention(seed_engine, seed_index, question):
    answer = seed_engine.ask(question)
    assert isinstance(answer.abstained, bool)
    assert 0.0 <= answer.confidence <= 1.0
    check_exact(answer, seed_index)


def test_question_without_content_words_says_so(seed_engine):
    answer = seed_engine.ask("what is the?")
    assert answer.abstained and "no words to search for" in answer.answer


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
def test_each_retrieval_mode_answers_with_exact_citations(seed_engine, seed_index, mode):
    answer = seed_engine.ask("Which startup builds voice technology?", mode=mode)
    check_exact(answer, seed_index)
    shown = answer.citations or answer.related
    assert any("Snips: Develops voice technology" in c.text for c in shown[:3])
    if mode != "bm25":  # the BM25 baseline ranks sentences by shared words only, and may not answer
        assert not answer.abstained and "Snips" in answer.answer


def test_expected_answer_types():
    assert expected_type("How many employees does it have?") == "number"
    assert expected_type("When was INRIA created?") == "date"
    assert expected_type("Who founded Mistral AI?") == "person"
    assert expected_type("Where are its headquarters?") == "place"
    assert expected_type("Which company builds voice assistants?") == "name"
    assert expected_type("Why is ethical AI important?") is None


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        ("How much money was pledged?", "The government announced a €1.5 billion investment.", 1.0),
        ("How many staff does it have?", "It won the 2026 Partner of the Year award.", 0.0),  # a year is no count
        # a year the question already contains is no answer
        ("When did France AI 2025 start?", 'As outlined in its strategy, "France AI 2025."', 0.0),
        ("What percentage goes to tax credits?", "A €1.5 billion investment, partly to tax credits.", 0.0),
        ("Who founded the company?", "Arthur Mensch founded it.", 1.0),
        ("Who founded Mistral AI?", "Mistral AI: Specializes in language models.", 0.0),
        ("Who attends the summit?", "Policymakers, researchers, and industry leaders attend.", 1.0),
        ("Where did the crowd meet?", "Experts gathered at the iconic Palais des Congrès.", 1.0),
        ("Where is it based?", "It offers a platform, as seen in their Partner of the Year award.", 0.0),
        ("Which firm sells it?", "Dataiku: Offers a collaborative data science platform.", 1.0),
    ],
)
def test_answer_type_checks(question, text, expected):
    assert type_match(expected_type(question), text, question) == expected


def test_question_entities_are_the_names_it_mentions():
    assert question_entities("How much venture capital has Mistral AI raised?") == ["mistral", "ai"]
    assert question_entities("Why is ethical AI important?") == ["ai"]
    assert question_entities("what is the weather like") == []


def test_sentence_table_stays_aligned_with_chunks(seed_index):
    data = load_index(seed_index / "index").load_search()
    table = data.sentences
    assert len(table) > len(data.chunks)
    for row, chunk in enumerate(data.chunks):
        for i in table.rows_for(row):
            assert chunk.start <= table.start[i] < table.end[i] <= chunk.end


# --- short answers and answer size -------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "text", "expected"),
    [
        ("Over how many years is the funding spread?", "It gives €1.5 billion over five years to AI.", "five years"),
        ("How much does the state invest?", "It gives €1.5 billion over five years to AI.", "1.5 billion"),
        ("When was the tower completed?", "The tower was completed on 31 March 1889 for the fair.", "31 March 1889"),
        ("Who designed the tower?", "It was designed by the engineer Gustave Eiffel and his firm.", "Gustave Eiffel"),
        ("Where is Station F?", "Station F is a startup campus in the east of Paris.", "Paris"),
        ("Which company makes Le Chat?", "Le Chat is an assistant made by Mistral AI, a startup.", "Mistral AI"),
        ("What element did Curie discover first?", "Curie discovered polonium first, then radium.", "polonium"),
    ],
)
def test_short_span_holds_just_the_fact(question, text, expected):
    span = short_span(question, text)
    assert span is not None
    assert expected in text[span[0] : span[1]]
    assert len(text[span[0] : span[1]].split()) <= len(expected.split()) + 1


@pytest.mark.parametrize(
    "question", ["Why is ethical AI important?", "How does Paris attract researchers?", "Explain the AI strategy."]
)
def test_why_and_how_questions_get_no_short_answer_and_up_to_three_sentences(question):
    assert short_span(question, "Because Paris has 40 labs and Mistral AI.") is None
    assert answer_sentences(question) == 3


@pytest.mark.parametrize(
    "question", ["How many labs are there?", "Who founded Mistral AI?", "When did it open?", "Which city hosts it?"]
)
def test_factoid_questions_get_one_sentence(question):
    assert is_factoid(question)
    assert answer_sentences(question) == 1


def test_short_answer_is_an_exact_slice_inside_a_highlight(seed_engine, seed_index):
    shorts = 0
    for row in DEV:
        answer = seed_engine.ask(row["question"])
        assert "short" in answer.to_dict()
        if answer.short is None:
            continue
        shorts += 1
        s = answer.short
        assert _source(seed_index, s.source)[s.start : s.end] == s.text
        assert s.text.strip() == s.text and s.text
        assert any(
            c.source == s.source and any(h.start <= s.start < s.end <= h.end for h in c.highlights)
            for c in answer.citations
        )
        assert answer.to_dict()["short"] == {"source": s.source, "start": s.start, "end": s.end, "text": s.text}
    assert shorts >= 20


def test_factoid_answer_is_one_sentence(seed_engine):
    answer = seed_engine.ask("How much money has the French state committed to artificial intelligence?")
    assert not answer.abstained
    assert len(MARKER.findall(answer.answer)) == 1
    assert answer.short is not None and "1.5 billion" in answer.short.text.lower()


def test_a_sentence_joins_a_yes_no_answer_only_on_its_own_merit(tmp_path, embedder):
    """Issue 17: "Do I have to declare a single hive?" must not add "Beginners usually pick between three ..."."""
    from parisqa.api import Engine
    from parisqa.config import Settings

    corpus = ROOT / "eval" / "collections" / "beekeeping" / "corpus"
    engine = Engine(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), embedder=embedder)
    engine.build()
    answer = engine.ask("Do I have to declare a single hive?")
    assert not answer.abstained
    assert "every hive must be registered" in answer.answer
    assert "Beginners usually pick" not in answer.answer
    assert len(MARKER.findall(answer.answer)) == 1


# --- null score statistics ---------------------------------------------------------------------


def test_null_scores_are_stored_with_the_index_and_place_questions(seed_engine, seed_index):
    import numpy as np

    from parisqa.index.layout import NULL_SCORES
    from parisqa.index.nullscores import z_score

    stored = json.loads(load_index(seed_index / "index").read_extra(NULL_SCORES))
    stats = seed_engine.search_data().null_scores
    assert stats == stored
    assert stats["queries"] >= 60
    for signal in ("dense", "sentence", "bm25"):
        assert stats[signal]["std"] > 0 and stats[signal]["p50"] <= stats[signal]["p90"] <= stats[signal]["max"]
    data = seed_engine.search_data()
    on, off = seed_engine.embedder.encode(["How much is France investing in AI research?", "How do I bake bread?"])
    vectors = np.stack([data.chunk_vector(r) for r in range(len(data.chunks))])
    z_on = z_score(float((vectors @ on).max()), stats, "dense", (0, 1))
    z_off = z_score(float((vectors @ off).max()), stats, "dense", (0, 1))
    assert z_on > 2.0 > z_off


def test_null_questions_are_fixed_and_defaults_stand_in_for_an_older_index():
    from parisqa.index.nullscores import OFF_TOPIC, null_queries, z_score

    texts = ["Honey bees store nectar in wax combs", "Drones mate with the queen in flight"]
    assert null_queries(texts) == null_queries(list(reversed(texts)))
    assert null_queries(texts)[: len(OFF_TOPIC)] == list(OFF_TOPIC)
    assert len(null_queries(texts)) > len(OFF_TOPIC)
    assert z_score(0.27, None, "dense", (0.15, 0.06)) == pytest.approx(2.0)
    assert z_score(0.5, {"dense": {"mean": 0.3, "std": 0.1}}, "dense", (0.15, 0.06)) == pytest.approx(2.0)
