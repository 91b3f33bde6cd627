"""Follow-up questions are searched with the topic of the turn they lean on; standalone ones are not."""

import json

import pytest

from parisqa.answer.followup import (
    PreviousTurn,
    content_words,
    leans_on_context,
    names,
    previous_turn,
    resolve,
    rewrite_query,
)

GOVERNMENT = PreviousTurn(
    question="What is the role of the French government in AI development?",
    answer="The French government plays a crucial role by investing heavily in AI research [1].",
)


@pytest.mark.parametrize(
    "question",
    [
        "and what about its tax incentives?",  # continuation + possessive pronoun
        "What about startups?",  # continuation
        "How about the universities?",
        "Also, who funds them?",
        "What are its main challenges?",  # pronoun before any content word
        "Why is it important?",
        "Why?",  # too short to stand alone
        "Tax incentives?",
        "examples?",
    ],
)
def test_questions_that_lean_on_the_previous_turn(question):
    assert leans_on_context(question)


@pytest.mark.parametrize(
    "question",
    [
        "Why is ethical AI important?",
        "What challenges does Paris face in becoming an AI leader?",
        "How do startups fund their research?",  # "their" refers to "startups", named before it
        "What are the challenges that Paris faces?",  # relative "that"
        "Are there startups in Paris?",  # existential "there"
        "What is INRIA?",  # short, but names its topic
        "Who founded Mistral?",
    ],
)
def test_questions_that_stand_alone(question):
    assert not leans_on_context(question)
    assert rewrite_query(question, GOVERNMENT) is None


def test_follow_up_gets_the_topic_of_the_previous_question():
    query = rewrite_query("and what about its tax incentives?", GOVERNMENT)
    assert query is not None
    assert query.startswith("and what about its tax incentives?")
    added = query.removeprefix("and what about its tax incentives?").split()
    assert {"french", "government"} <= set(added)
    # Question words, stop words and words the question already has are not added.
    assert not {"what", "is", "the", "of", "in", "tax", "incentives"} & set(added)


def test_a_standalone_question_after_another_is_never_rewritten():
    """Issue 17: "How do I make mead from honey?" was searched with "invented langstroth hive lorenzo"."""
    previous = PreviousTurn(
        "Who invented the Langstroth hive?",
        answer="The Langstroth hive was invented by Lorenzo Langstroth, an American clergyman [1].",
    )
    assert rewrite_query("How do I make mead from honey?", previous) is None
    assert rewrite_query("When did the Asian hornet arrive in France?", previous) is None
    assert rewrite_query("And how do I make mead from honey?", previous) is None  # a full question after "and"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("and its price?", {"langstroth", "hive"}),
        ("what about winter?", {"langstroth", "hive"}),
        ("who founded it?", {"langstroth", "hive"}),
        ("how much does it cost?", {"langstroth", "hive"}),
        ("When did he patent it?", {"langstroth", "hive"}),
        ("Could beginners use it there?", {"langstroth", "hive"}),
    ],
)
def test_a_dependent_question_borrows_the_previous_question_only(question, expected):
    previous = PreviousTurn("Who invented the Langstroth hive?", answer="Lorenzo Langstroth, a clergyman [1].")
    follow = resolve(question, previous)
    assert follow.rewritten and expected <= set(follow.added)
    assert "lorenzo" not in follow.added and "clergyman" not in follow.added  # never from the answer
    assert follow.query == f"{question} {' '.join(follow.added)}"
    undo = follow.as_new_question()  # "search as a new question"
    assert undo.query is None and undo.search_text == question


def test_words_never_accumulate_over_turns():
    """Issue 17: a fourth question was searched with the words of the three before it."""
    first = PreviousTurn("Who invented the Langstroth hive?")
    second = resolve("How do I make mead from honey?", first)
    assert second.query is None
    third = resolve("and how long must it age?", PreviousTurn(second.question, second.query))
    assert set(third.added) == {"mead", "honey"}
    fourth = resolve("When did the Asian hornet arrive in France?", PreviousTurn(third.question, third.query))
    assert fourth.query is None
    fifth = resolve("how do I stop them?", PreviousTurn(fourth.question, fourth.query))
    assert set(fifth.added) == {"asian", "hornet", "arrive", "france"}


def test_a_chain_of_follow_ups_keeps_the_original_topic():
    first = rewrite_query("What are its challenges?", GOVERNMENT)
    second = rewrite_query("and the solutions?", PreviousTurn("What are its challenges?", query=first))
    assert second is not None and "government" in second.split() and "challenges" in second.split()


def test_expansion_is_bounded():
    long_previous = PreviousTurn(" ".join(f"topic{i} word{i}" for i in range(50)) + "?")
    query = rewrite_query("and why?", long_previous)
    assert query is not None
    assert len(query.split()) <= 2 + 8


def test_no_previous_turn_means_no_rewrite():
    assert rewrite_query("and what about its tax incentives?", None) is None
    assert rewrite_query("   ", GOVERNMENT) is None


def test_content_words_and_names():
    assert content_words("What is Paris' role in the [1] AI race?") == ["paris", "role", "ai", "race"]
    assert names("Startups like Mistral AI and Dataiku lead. Tax credits help.") == ["mistral", "ai", "dataiku"]


def test_previous_turn_reads_the_last_answered_turn_of_a_history():
    history = [
        {"question": "q1", "answer": {"question": "q1", "answer": "a1 [1]", "abstained": False, "query": "q1 x"}},
        {"question": "q2", "error": "the question is empty"},
    ]
    turn = previous_turn(history)
    assert turn == PreviousTurn("q1", "q1 x", "a1 [1]", False)
    assert previous_turn([]) is None


def test_conversation_set_decisions():
    """The conversation set (eval/conversations.jsonl): every follow-up decision right, no leaked words."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("followup_eval", root / "eval" / "followup_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = [json.loads(line) for line in (root / "eval" / "conversations.jsonl").read_text().splitlines()]
    figures, wrong = module.evaluate(rows)
    assert figures["exchanges"] >= 60 and figures["dependent"] >= 30 and figures["standalone"] >= 30
    assert figures["precision"] >= 0.95 and figures["recall"] >= 0.9, wrong
    assert figures["rewrites_with_foreign_words"] == 0.0, wrong


def test_chat_flow_on_the_bees_corpus(bees_engine):
    """The web chat's flow (history of ``ask --json`` objects): a new question is answered on its own topic."""
    history = []
    for question in ("Who invented the Langstroth hive?", "How do I make mead from honey?", "how long must it age?"):
        query = rewrite_query(question, previous_turn(history))
        history.append({"question": question, "answer": bees_engine.ask(question, query=query).to_dict()})
    langstroth, mead, age = (turn["answer"] for turn in history)
    assert "Lorenzo Langstroth" in langstroth["answer"]
    assert "query" not in mead or mead["query"] is None
    assert "honey" in mead["answer"] and "Langstroth" not in mead["answer"]
    assert age["query"] == "how long must it age? mead honey"
    assert "six months" in age["answer"]


@pytest.mark.parametrize(
    "question",
    [
        "How much does it cost to deliver?",
        "How long does it take to bake a loaf?",
        "Is it safe to eat raw honey?",
        "How hard is it to hire AI researchers in Paris?",
        "Is it true that the Louvre is closed on Tuesdays?",
    ],
)
def test_an_it_that_names_nothing_does_not_make_a_follow_up(question):
    """ "it" as the dummy subject of a cost, a duration or a judgement ("it costs X to deliver") names nothing."""
    previous = PreviousTurn("And on Sundays?", "And on Sundays? time bakery open saturdays")
    assert resolve(question, previous).query is None


@pytest.mark.parametrize(
    "question", ["How much does it cost?", "How long does it take?", "How long does it take to visit it?"]
)
def test_an_it_that_names_the_previous_topic_still_does(question):
    previous = PreviousTurn("What is a Langstroth hive?")
    assert resolve(question, previous).added[:2] == ("langstroth", "hive")
