"""Follow-up questions are searched with the topic of the turn they lean on; standalone ones are not."""

import pytest

from parisqa.answer.followup import PreviousTurn, content_words, leans_on_context, names, previous_turn, rewrite_query

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


def test_names_in_the_previous_answer_resolve_a_pronoun():
    previous = PreviousTurn(
        "Which startup leads Europe's AI charge?", answer="Key startups like Mistral AI lead it [1]."
    )
    query = rewrite_query("what does it focus on?", previous)
    assert query is not None and "mistral" in query.split()


def test_an_abstained_answer_lends_no_words():
    answered = PreviousTurn("Who runs Zorblax Corp?", answer="It is run by Jane Acme [1].")
    abstained = PreviousTurn("Who runs Zorblax Corp?", answer="It is run by Jane Acme [1].", abstained=True)
    assert "acme" in rewrite_query("and its revenue?", answered).split()
    query = rewrite_query("and its revenue?", abstained)
    assert query is not None and "zorblax" in query.split() and "acme" not in query.split()


def test_a_chain_of_follow_ups_keeps_the_original_topic():
    first = rewrite_query("What are its challenges?", GOVERNMENT)
    second = rewrite_query("and the solutions?", PreviousTurn("What are its challenges?", query=first))
    assert second is not None and "government" in second.split() and "challenges" in second.split()


def test_expansion_is_bounded():
    long_previous = PreviousTurn(" ".join(f"topic{i} word{i}" for i in range(50)) + "?")
    query = rewrite_query("and why?", long_previous)
    assert query is not None
    assert len(query.split()) <= 2 + 12


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
