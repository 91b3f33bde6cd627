"""Sentence splitting with French punctuation; English splitting unchanged."""

from __future__ import annotations

from parisqa.corpus.sentences import chunk_sentences
from parisqa.corpus.text import sentence_spans
from parisqa.records import Chunk

FRENCH = (
    "Il a dit\u00a0: « C'est fini. » Puis il est parti. Vraiment\u202f? Oui\u00a0! "
    "M. Dupont et Mme. Durand sont là. On trouve p. ex. des lycées. "
    "En 52 av. J.-C. Lutèce existait déjà. « Pourquoi ? » demanda-t-elle. Fin."
)


def split(text: str, language: str = "en") -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text, 0, len(text), language)]


def test_french_rules() -> None:
    assert split(FRENCH, "fr") == [
        "Il a dit\u00a0: « C'est fini. »",
        "Puis il est parti.",
        "Vraiment\u202f?",
        "Oui\u00a0!",
        "M. Dupont et Mme. Durand sont là.",
        "On trouve p. ex. des lycées.",
        "En 52 av. J.-C. Lutèce existait déjà.",
        "« Pourquoi ? » demanda-t-elle.",
        "Fin.",
    ]


def test_spans_are_slices_and_cover_every_character() -> None:
    spans = sentence_spans(FRENCH, 0, len(FRENCH), "fr")
    covered = "".join(FRENCH[s:e] for s, e in spans)
    assert covered.replace(" ", "").replace("\u00a0", "") == FRENCH.replace(" ", "").replace("\u00a0", "")


def test_english_splitting_is_unchanged_by_default() -> None:
    # The English rules do not know French abbreviations or the spaced guillemet: this is what
    # parisqa did before languages, and still does for English text.
    assert split(FRENCH)[:2] == ["Il a dit\u00a0: « C'est fini.", "» Puis il est parti."]
    english = "Dr. Smith met Mr. Jones in the U.S. yesterday. They talked. \u00abQuoted.\u00bb Then left."
    assert (
        split(english)
        == split(english, "en")
        == [
            "Dr. Smith met Mr. Jones in the U.S. yesterday.",
            "They talked.",
            "\u00abQuoted.\u00bb Then left.",
        ]
    )


def test_chunk_sentences_in_french() -> None:
    text = "Titre\n\nLa tour mesure 330 m. »\nElle a été conçue par M. Eiffel. Elle ouvre en 1889."
    chunk = Chunk(id="c", source="t.txt", start=0, end=len(text), text=text, heading_path=("Titre",))
    found = [text[s.start : s.end] for s in chunk_sentences(chunk, "fr")]
    assert "Elle a été conçue par M. Eiffel." in found and "Elle ouvre en 1889." in found
