"""Language detection: documents and questions, French, English, a third language, another script."""

from __future__ import annotations

from pathlib import Path

import pytest

from parisqa.corpus.language import ANALYSED, OTHER, analysed, detect, detect_language

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Combien d'habitants compte Paris ?", "fr"),
        ("Qui a conçu la tour Eiffel ?", "fr"),
        ("Où se trouve le Louvre ?", "fr"),
        ("En quelle année Notre-Dame a-t-elle brûlé ?", "fr"),
        ("Pourquoi l'État investit-il dans l'IA ?", "fr"),
        ("How much did the French government invest in AI?", "en"),
        ("Who designed the Eiffel Tower?", "en"),
        ("What challenges does Paris face?", "en"),
        ("¿Cuántos habitantes tiene París?", "es"),
        ("Wer hat den Eiffelturm entworfen?", "de"),
        ("Quanti abitanti ha Parigi?", "it"),
        ("كم عدد سكان باريس؟", OTHER),
        ("巴黎有多少人口？", OTHER),
    ],
)
def test_questions(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_seed_article_is_english() -> None:
    text = (ROOT / "corpus" / "paris-ai-city.txt").read_text(encoding="utf-8")
    found = detect(text)
    assert found.language == "en" and found.confidence > 0.8


def test_french_documents_are_french() -> None:
    folder = ROOT / "eval" / "fr" / "corpus"
    files = sorted(folder.glob("*.txt"))
    assert len(files) >= 8
    for path in files:
        assert detect_language(path.read_text(encoding="utf-8")) == "fr", path.name


def test_no_function_word_falls_back() -> None:
    assert detect("Paris 2024").language == "en"
    assert detect("Station F", fallback="fr").language == "fr"
    assert detect("").confidence == 0.0


def test_mixed_document_takes_the_majority() -> None:
    text = "Paris est la capitale de la France et la ville la plus peuplée du pays. " * 3 + "The end of the story."
    assert detect_language(text) == "fr"


def test_only_english_and_french_are_analysed() -> None:
    assert ANALYSED == ("en", "fr")
    assert analysed("fr") == "fr" and analysed("es") == "en" and analysed(OTHER) == "en"
