"""French question cues: the kind of fact asked for, the sentences that hold one, follow-ups."""

from __future__ import annotations

import pytest

from parisqa.answer.answertypes import expected_type, question_entities, type_match
from parisqa.answer.followup import PreviousTurn, leans_on_context, rewrite_query


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Combien d'habitants compte Paris ?", "number"),
        ("Quelle est la population de Paris ?", "number"),
        ("Quel montant l'État a-t-il investi ?", "number"),
        ("Quand la tour Eiffel a-t-elle été construite ?", "date"),
        ("En quelle année Notre-Dame fut-elle commencée ?", "date"),
        ("Qui a conçu la tour Eiffel ?", "person"),
        ("Par qui le pont a-t-il été construit ?", "person"),
        ("Où se trouve le Louvre ?", "place"),
        ("ou se trouve le louvre", "place"),
        ("Dans quelle ville se trouve Station F ?", "place"),
        ("Quelle entreprise qui développe des modèles est basée à Paris ?", "name"),
        ("Quel est le nom du plan national ?", "name"),
        ("Comment s'appelle le campus ?", "name"),
        ("Pourquoi Paris attire-t-elle les chercheurs ?", None),
        ("Comment la ville soutient-elle les start-up ?", None),
    ],
)
def test_expected_type_french(question: str, kind: str | None) -> None:
    assert expected_type(question, "fr") == kind


def test_english_cues_unchanged() -> None:
    assert expected_type("How many people live in Paris?") == "number"
    assert expected_type("Combien d'habitants compte Paris ?") is None  # read as English, as before


@pytest.mark.parametrize(
    ("kind", "text", "question", "expected"),
    [
        (
            "date",
            "La construction commence en 1163 sous Maurice de Sully.",
            "Quand la construction a-t-elle commencé ?",
            1.0,
        ),
        ("date", "La cathédrale est un chef-d'œuvre gothique.", "Quand la construction a-t-elle commencé ?", 0.0),
        ("date", "Elle est achevée au XIVe siècle.", "Quand a-t-elle été achevée ?", 1.0),
        ("number", "Paris compte 2,1 millions d'habitants.", "Combien d'habitants compte Paris ?", 1.0),
        ("number", "Paris compte de nombreux habitants.", "Combien d'habitants compte Paris ?", 0.0),
        ("person", "Elle a été conçue par Gustave Eiffel.", "Qui a conçu la tour ?", 1.0),
        ("person", "Elle est très haute.", "Qui a conçu la tour ?", 0.0),
        ("place", "Le musée est situé sur la rive droite.", "Où est le musée ?", 1.0),
        ("name", "Le campus s'appelle Station F.", "Comment s'appelle le campus ?", 1.0),
    ],
)
def test_type_match_french(kind: str, text: str, question: str, expected: float) -> None:
    assert type_match(kind, text, question, language="fr") == expected


def test_french_question_over_english_sentence() -> None:
    # The kind comes from the French question; the sentence is read by its own (English) rules.
    kind = expected_type("Combien l'État a-t-il investi ?", "fr")
    sentence = "The French government announced a €1.5 billion investment over five years."
    assert type_match(kind, sentence, "Combien l'État a-t-il investi ?") == 1.0


def test_question_entities_per_language() -> None:
    assert question_entities("Quand la tour Eiffel a-t-elle ouvert ?", "fr") == ["eiffel"]
    assert question_entities("Où est Paris ?", "fr") == ["paris"]
    assert question_entities("Where is Paris?") == ["pari"]


PREVIOUS = PreviousTurn("Quel est le rôle du gouvernement français dans l'IA ?")


@pytest.mark.parametrize(
    "question",
    [
        "et pour les start-up ?",
        "Et ses incitations fiscales ?",
        "Qu'en est-il de Lyon ?",
        "Combien en a-t-il investi ?",
        "Quand a-t-elle été créée ?",
        "Quels sont leurs défis ?",
        "pourquoi ?",
    ],
)
def test_french_follow_ups_are_expanded(question: str) -> None:
    assert rewrite_query(question, PREVIOUS) == f"{question} rôle gouvernement français ia"


@pytest.mark.parametrize(
    "question",
    [
        "En quelle année la tour Eiffel a-t-elle été construite ?",
        "Combien y a-t-il de musées à Paris ?",
        "Quelles universités forment des ingénieurs en intelligence artificielle ?",
        "Où se trouve Station F ?",
    ],
)
def test_french_questions_that_stand_alone(question: str) -> None:
    assert not leans_on_context(question, "fr")
    assert rewrite_query(question, PREVIOUS) is None


def test_english_follow_up_after_a_french_turn() -> None:
    assert rewrite_query("and what about its tax incentives?", PREVIOUS) == (
        "and what about its tax incentives? rôle gouvernement français ia"
    )


def test_english_follow_up_unchanged() -> None:
    previous = PreviousTurn("What is the role of the French government in AI development?")
    assert rewrite_query("and what about its tax incentives?", previous) == (
        "and what about its tax incentives? role french government ai development"
    )
