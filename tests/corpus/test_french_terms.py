"""The term analyser per language: French stemming and stop words; English unchanged."""

from __future__ import annotations

from parisqa.corpus.terms import STOPWORDS, terms, terms_any
from parisqa.index.lexical import Bm25Index


def test_english_is_the_default_and_unchanged() -> None:
    text = "The universities of Paris attract researchers; École Polytechnique trains engineers."
    assert (
        terms(text)
        == terms(text, "en")
        == ["universiti", "pari", "attract", "research", "ecol", "polytechniqu", "train", "engin"]
    )
    # A language without its own analyser is analysed as English.
    assert terms(text, "es") == terms(text)
    assert "the" in STOPWORDS


def test_french_stop_words_and_elisions_are_dropped() -> None:
    found = terms("Quelle est l'université qui forme les ingénieurs d'Europe ?", "fr")
    assert found == ["universit", "form", "ingenieur", "europ"]


def test_french_stemming_matches_inflections_and_missing_accents() -> None:
    assert terms("étudiants", "fr") == terms("etudiant", "fr") == terms("Étudiante", "fr")
    assert terms("investissements", "fr") == terms("investir", "fr")
    assert terms("Paris", "fr") == ["paris"] and terms("Paris", "en") == ["pari"]


def test_terms_any_covers_each_language_once() -> None:
    assert terms_any("Paris investit", ["fr", "en", "fr"]) == ["paris", "invest", "pari", "investit"]


def test_bm25_analyses_each_text_in_its_language() -> None:
    texts = ["Les universités parisiennes forment des ingénieurs.", "The universities of Paris train engineers."]
    index = Bm25Index.build(texts, ["fr", "en"])
    french = index.scores(terms("université", "fr"))
    english = index.scores(terms("university", "en"))
    assert french[0] > 0 and english[1] > 0


def test_bm25_languages_must_match_texts() -> None:
    import pytest

    with pytest.raises(ValueError, match="one language per text"):
        Bm25Index.build(["a text", "another"], ["fr"])
