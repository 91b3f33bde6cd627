"""The term analyser shared by BM25, answer scoring and follow-ups: what a word and a content term are."""

from __future__ import annotations

from parisqa.corpus.terms import STOPWORDS, fold, terms, words


def test_fold_lowercases_and_strips_accents():
    assert fold("École Polytechnique") == "ecole polytechnique"
    assert fold("Ångström ÇA") == "angstrom ca"
    assert fold("PARIS") == "paris"  # ASCII: lowercased only


def test_words_are_folded_word_tokens_with_stop_words_kept():
    assert words("What is the rôle of INRIA's labs?") == ["what", "is", "the", "role", "of", "inria", "s", "labs"]
    assert words("") == [] and words("?!… --") == []


def test_terms_drop_stop_words_and_single_letters_and_stem():
    assert terms("What is the role of the French government?") == ["role", "french", "govern"]
    assert terms("startups and universities") == terms("Startup and University")
    assert terms("a b c") == []
    assert terms("in 3 years") == ["3", "year"]  # a lone digit is a term, a lone letter is not


def test_accented_and_plain_spellings_give_the_same_terms():
    assert terms("éthique numérique") == terms("ethique numerique")


def test_question_words_are_stop_words():
    for word in ("what", "why", "how", "which", "who", "when", "where"):
        assert word in STOPWORDS
        assert terms(word) == []
