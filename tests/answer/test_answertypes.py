"""What kind of fact a question asks for, and whether a sentence holds one."""

from __future__ import annotations

import pytest

from parisqa.answer.answertypes import entity_coverage, expected_type, question_entities, type_match


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many startups are in Paris?", "number"),
        ("How much funding did the plan get?", "number"),
        ("When did Station F open?", "date"),
        ("In what year was INRIA founded?", "date"),
        ("Who leads the French AI strategy?", "person"),
        ("Where is Station F?", "place"),
        ("Which company builds open models?", "name"),
        ("Why is ethical AI important?", None),
    ],
)
def test_expected_type(question, kind):
    assert expected_type(question) == kind


def test_unknown_kind_is_neutral():
    assert type_match(None, "anything", "Why?") == 0.5


def test_number_must_be_new_and_not_a_year():
    question = "How many startups are in Paris?"
    assert type_match("number", "Paris has over 1,000 startups.", question) == 1.0
    assert type_match("number", "Paris has many startups.", question) == 0.0
    assert type_match("number", "In 2023 the scene grew.", question) == 0.0  # a year is not a count


def test_percent_questions_need_a_share():
    question = "What percentage of funding goes to AI?"
    assert type_match("number", "About 30% of it does.", question) == 1.0
    assert type_match("number", "About 30 projects get it.", question) == 0.0


def test_a_date_repeated_from_the_question_does_not_count():
    assert type_match("date", "It opened in June 2017.", "When did Station F open?") == 1.0
    assert type_match("date", "It opened in 2017.", "Did Station F open in 2017?") == 0.0
    assert type_match("date", "It opened recently.", "When did Station F open?") == 0.0


def test_person_needs_a_new_name_or_a_role():
    question = "Who founded Mistral AI?"
    assert type_match("person", "It was founded by Arthur Mensch and colleagues.", question) == 1.0
    assert type_match("person", "It was founded to build open models.", question) == 0.0


def test_question_entities_are_the_names_as_terms():
    assert question_entities("How much venture capital has Mistral AI raised?") == ["mistral", "ai"]
    assert question_entities("What is the weather like") == []


def test_entity_coverage_is_the_share_of_names_found():
    assert entity_coverage([], set()) == 1.0
    assert entity_coverage(["mistral", "ai"], {"ai"}) == 0.5
    assert entity_coverage(["mistral", "ai"], frozenset({"ai", "mistral", "pari"})) == 1.0
