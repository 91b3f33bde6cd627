"""Which language a document or a question is written in, from its function words.

Stemming, stop words, sentence splitting and answer-type cues depend on the language, so each
document (and each question) is assigned one. Function words are the cheapest reliable signal: a
French text is full of "le", "la", "des", "est", "que", an English one of "the", "of", "and", "is",
and the two lists barely overlap. Counting them needs no model and no data file, is fast on a
100 MB file (only its first :data:`SAMPLE_CHARS` characters are read), and is right on a question
of four words often enough ("Combien d'habitants compte Paris ?" has "d" and the question word
"combien"). Spanish, German and Italian are recognised too, so a question in a third language is
known as such rather than read as English; a text mostly in a non-Latin script is ``"other"``.

Only French and English get language-specific processing today (:data:`ANALYSED`); every other
result is processed as English, which is what parisqa did for every text before.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

ENGLISH = "en"
FRENCH = "fr"
OTHER = "other"  # a non-Latin script (Arabic, Chinese, Cyrillic ...)
DEFAULT = ENGLISH
# Languages with their own term analyser, sentence rules and question cues.
ANALYSED = (ENGLISH, FRENCH)
SAMPLE_CHARS = 20_000
# Fewer function words than this and the text says too little: the default (or the caller's
# fallback) is returned.
MIN_HITS = 1

# The most frequent function words of each language, chosen to be exclusive: words common to two of
# them ("a", "on", "se", "de", "in", "la", "no", "die"...) are left out or kept only where they are
# far more frequent. Question words are in, since questions are short.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """the of and to is are was were be been that this with for from by it its which what who
        when where why how does did do has have had not but or an at as their they there these
        those will would can could should into than then also about many much between after""".split()
    ),
    "fr": frozenset(
        """le les des du au aux une est sont été être avec pour dans par sur qui que quoi quel quelle
        quels quelles combien quand où pourquoi comment ce cette ces il elle ils elles leur leurs
        son sa ses nous vous ont était étaient aussi mais ou donc car pas plus très entre après
        depuis lors d l qu c j n s en un""".split()
    ),
    "es": frozenset(
        """el los las del al y es son está están fue fueron ser con para por una unos unas que qué
        cuál cuáles quién quiénes cuánto cuánta cuántos cuántas cuándo dónde cómo porqué este esta
        estos estas su sus pero también muy entre""".split()
    ),
    "de": frozenset(
        """der die das den dem des und ist sind war waren sein mit für von zu im ein eine einen
        einem nicht auch wie was wer wann wo warum welche welcher welches wieviele sich auf bei
        aus nach über oder aber""".split()
    ),
    "it": frozenset(
        """il lo gli della delle degli dello nel nella nei con per che chi quale quali quanti
        quante quando dove perché come è sono stato era erano anche molto una uno questo questa
        questi sua suoi ma tra""".split()
    ),
}
# Elided French articles and pronouns before a vowel: "l'école", "d'Europe", "qu'il".
_ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)['\u2019](?=\w)", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Detection:
    """The language found, and how sure: the share of its function words among all counted."""

    language: str
    confidence: float
    hits: dict[str, int]


def _latin_share(letters: str) -> float:
    if not letters:
        return 1.0
    latin = sum(1 for ch in letters if ch.isascii() or "LATIN" in unicodedata.name(ch, ""))
    return latin / len(letters)


def detect(text: str, *, fallback: str = DEFAULT) -> Detection:
    """The language of ``text``: one of ``en``, ``fr``, ``es``, ``de``, ``it``, :data:`OTHER`.

    Args:
        text: a document or a question (only the first :data:`SAMPLE_CHARS` characters are read).
        fallback: returned when the text has no function word of any language (a title, a list of
            names, a number).

    Returns:
        The language, with the share of counted function words that belong to it.
    """
    sample = text[:SAMPLE_CHARS]
    letters = "".join(ch for ch in sample if ch.isalpha())
    if letters and _latin_share(letters) < 0.5:
        return Detection(OTHER, 1.0, {})
    elisions = len(_ELISION.findall(sample))
    tokens = _WORD.findall(sample.lower())
    hits = {lang: 0 for lang in _FUNCTION_WORDS}
    for token in tokens:
        for lang, vocabulary in _FUNCTION_WORDS.items():
            if token in vocabulary:
                hits[lang] += 1
    hits["fr"] += elisions  # the elided word was counted as "l", "d" ... already; the apostrophe doubles it
    total = sum(hits.values())
    best = max(hits, key=lambda lang: (hits[lang], lang == fallback))
    if hits[best] < MIN_HITS:
        return Detection(fallback, 0.0, hits)
    return Detection(best, hits[best] / total, hits)


def detect_language(text: str, *, fallback: str = DEFAULT) -> str:
    """Shorthand for ``detect(text, fallback=fallback).language``."""
    return detect(text, fallback=fallback).language


def analysed(language: str) -> str:
    """The language whose analyser (stemmer, stop words, cues) processes text of ``language``."""
    return language if language in ANALYSED else DEFAULT
