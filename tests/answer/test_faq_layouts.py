"""FAQ pairs in the layouts users write them in, found by the parser and answered end to end (issue 17).

A question that matches an FAQ question gets that pair's answer, whatever the layout: a question line
then its answer line, ``Q:``/``A:``, Markdown headings as questions, numbered questions, bold
questions, with or without blank lines between the pairs.
"""

from __future__ import annotations

import pytest

from parisqa.corpus.structure import parse

# layout -> (file name, text): each file's two questions are its own, so an exact question can only
# match its own pair.
LAYOUTS = {
    "question line, no blank lines": (
        "plain.txt",
        "Garden FAQ\nWhich flowers feed bees in early spring?\nWillow catkins and crocuses give the first "
        "pollen of the year.\nShould I leave water out for bees?\nYes, a shallow dish with floating corks "
        "stops them drowning.\n",
    ),
    "question line, blank lines": (
        "plain-blank.txt",
        "Travel FAQ\n\nHow far do foragers fly from the hive?\nMost forage within three kilometres, and "
        "rarely beyond six.\n\nCan I move a hive a short distance?\nOnly a metre a day, or more than five "
        "kilometres at once.\n",
    ),
    "Q: and A:": (
        "qa.txt",
        "Wax FAQ\n\nQ: Which glands produce beeswax?\nA: Eight wax glands under the abdomen of young "
        "workers.\nQ: What is beeswax used for?\nA: Candles, polish and wrapping cloths.\n",
    ),
    "Markdown headings": (
        "headings.md",
        "# Pollen FAQ\n\n## Why do bees carry pollen on their legs?\n\nPollen baskets on the hind legs hold "
        "the loads packed with nectar.\n\n## Is pollen food for adult bees?\n\nNurse bees eat it to make "
        "brood food.\n",
    ),
    "numbered, blank lines": (
        "numbered.txt",
        "Starting FAQ\n\n1. How many colonies should a beginner start with?\nTwo colonies, so one can "
        "help the other.\n\n2. Which month suits buying a nucleus?\nMay, when colonies grow fast.\n",
    ),
    "numbered, no blank lines": (
        "numbered-tight.md",
        "# Queen FAQ\n\n1. How can I spot the queen?\nShe is longer than the workers and has no stripes "
        "of pollen.\n2. Should I mark the queen with paint?\nYes, a dot of paint makes her easy to find.\n",
    ),
    "bold questions": (
        "bold.md",
        "# Propolis FAQ\n\n**What is propolis made of?**\nResin that bees collect from tree buds.\n\n"
        "**Why do bees seal cracks with propolis?**\nIt keeps out draughts and germs.\n",
    ),
}


def _pairs(name: str, text: str) -> list[tuple[str, str]]:
    parsed = parse(text, markdown=name.endswith(".md"))
    return [(p.question, p.answer) for p in parsed.faq_pairs(text)]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_yields_its_two_pairs(layout):
    name, text = LAYOUTS[layout]
    pairs = _pairs(name, text)
    assert len(pairs) == 2, pairs
    for question, answer in pairs:
        assert question.endswith("?") and question[0].isupper(), question  # no "1.", "Q:", "##" or "**"
        assert answer[0].isupper() and answer.endswith("."), answer  # no "A:"; not running into the next pair
        assert question in text and answer in text


def test_a_numbered_list_of_questions_is_not_an_faq():
    text = "Things to ask a mentor:\n1. How often should I inspect?\n2. Which hive should I buy?\n3. Where?\n"
    assert _pairs("list.txt", text) == []


def test_a_question_followed_by_a_list_answer_is_still_one_pair():
    text = "Kit FAQ\n\nQ: What do I need?\n1. A veil.\n2. A smoker.\n"
    assert _pairs("kit.txt", text) == [("What do I need?", "1. A veil.\n2. A smoker.")]


@pytest.fixture(scope="module")
def layouts_engine(tmp_path_factory, embedder):
    from parisqa.api import Engine
    from parisqa.config import Settings

    base = tmp_path_factory.mktemp("layouts")
    (base / "corpus").mkdir()
    for name, text in LAYOUTS.values():
        (base / "corpus" / name).write_text(text, encoding="utf-8")
    engine = Engine(Settings(corpus_dir=base / "corpus", index_dir=base / "index"), embedder=embedder)
    engine.build()
    return engine


@pytest.mark.parametrize("layout", LAYOUTS)
def test_an_exact_faq_question_gets_its_pair_answer_in_every_layout(layouts_engine, layout):
    name, text = LAYOUTS[layout]
    for question, answer in _pairs(name, text):
        got = layouts_engine.ask(question)
        assert not got.abstained, (question, got.confidence)
        assert got.citations[0].source == name
        assert got.answer.startswith(answer.split()[0]), got.answer
        for sentence in answer.split(". "):
            assert sentence.rstrip(".") in got.answer


def test_exact_bees_faq_question_is_answered_not_declined(bees_engine):
    """Declined before (confidence 0.20-0.41): "how often" asked for a number, and "Rarely" is none."""
    got = bees_engine.ask("How often do bees sting?")
    assert not got.abstained
    assert got.answer.startswith("Rarely, if they are handled calmly")
    assert got.citations[0].source == "faq.txt"
    assert got.confidence > 0.5


def test_faq_in_evaluation_on_the_bees_corpus_declines_no_faq_question(bees_index, embedder):
    from parisqa.config import Settings
    from parisqa.evaluation import evaluate_faq

    settings = Settings(corpus_dir=bees_index / "corpus", index_dir=bees_index / "index")
    report = evaluate_faq(settings, mode="in", embedder=embedder, auto_build=False)
    metrics = report.sections[0].metrics["hybrid"]
    assert report.sections[0].counts["questions"] == 7
    assert metrics["abstained_answerable"] == 0.0
