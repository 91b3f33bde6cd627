"""The term analyser: what counts as a word and as a content term, for BM25, answer scoring and follow-ups.

A term is lowercased, accents folded, stop words dropped and Snowball-stemmed. One analyser serves
the BM25 index (:mod:`parisqa.index.lexical`), sentence scoring and follow-up detection, so a word
matches the same way everywhere.

The analyser is per language (``language="en"`` by default, the behaviour every index had before
languages were detected): French text is stemmed with the French Snowball stemmer and loses French
stop words and elided articles ("l'", "d'", "qu'"). Any other language is analysed as English.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

# English function words and question words: they carry no topic, so neither BM25 nor the answer
# scorer should count them.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren't as at be because been before
    being below between both but by can cannot could couldn't did didn't do does doesn't doing don't
    down during each either else ever few for from further get gets got had hadn't has hasn't have
    haven't having he her here hers herself him himself his how however i if in into is isn't it it's
    its itself just let like many me might more most much must my myself no nor not now of off on once only
    or other ought our ours ourselves out over own per quite rather same shall she should shouldn't
    so some such than that that's the their theirs them themselves then there there's these they
    this those through thus to too under until up upon us very via was wasn't we were weren't what
    what's when where which while who whom whose why will with within without won't would wouldn't
    yet you your yours yourself yourselves s t d ll m re ve
    """.split()
)
# French function words (folded: accents stripped, as the words they are compared with), question
# words, and the elided forms left over when "l'école" splits into "l" and "ecole".
STOPWORDS_FR = frozenset(
    """
    a ai aie aient aies ait as au aucun aucune aupres aussi autre autres aux avaient avais avait avant
    avec avez aviez avions avoir avons ayant c ca car ce ceci cela celle celles celui cependant ces cet
    cette ceux chaque chez ci comme comment d dans de des deja depuis donc dont du elle elles en encore
    entre es est et etaient etais etait etant ete etre eu eux fait faire fut furent il ils j je jusqu l
    la le les leur leurs lors lorsqu lui m ma mais me meme memes mes moi mon n ne ni non nos notre nous
    on ont ou par parce pas peu peut plus pour pourquoi pres puis puisqu qu quand que quel quelle
    quelles quels qui quoi s sa sans se selon ses si soit son sont sous t ta te tes toi ton tous tout
    toute toutes tres tu un une unes uns vers via voici voila vos votre vous y combien ou
    """.split()
)
_STOPWORDS = {"en": STOPWORDS, "fr": STOPWORDS_FR}
_STEMMER_NAMES = {"en": "english", "fr": "french"}
_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=4)
def _stemmer(language: str = "en") -> Any:
    try:
        import Stemmer
    except ImportError:  # pragma: no cover - PyStemmer is a dependency
        return None
    return Stemmer.Stemmer(_STEMMER_NAMES.get(language, "english"))


def fold(text: str) -> str:
    """Lowercase and strip accents, so "École" and "ecole" match."""
    lowered = text.lower()
    if lowered.isascii():  # nothing to fold (most English text): skips a per-character pass
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Folded word tokens, stop words included."""
    return _WORD.findall(fold(text))


def stopwords(language: str = "en") -> frozenset[str]:
    """The stop words of ``language`` (folded); English for a language without its own list."""
    return _STOPWORDS.get(language, STOPWORDS)


def terms(text: str, language: str = "en") -> list[str]:
    """Content terms of ``text``: folded words minus stop words, stemmed.

    Args:
        text: any text.
        language: the language whose stop words and stemmer apply (``"en"`` or ``"fr"``; any other
            value is analysed as English).
    """
    if language not in _STOPWORDS:
        language = "en"
    stop = _STOPWORDS[language]
    kept = [w for w in words(text) if w not in stop and (len(w) > 1 or w.isdigit())]
    stemmer = _stemmer(language)
    return stemmer.stemWords(kept) if stemmer else kept


def terms_any(text: str, languages: Sequence[str]) -> list[str]:
    """Terms of ``text`` under each of ``languages``, in order, without repeats.

    A question may be searched against documents in another language: analysing it as each language
    in the index makes its names ("Paris" stems to "pari" in English, "paris" in French) match
    whichever way the documents were analysed.
    """
    out: dict[str, None] = {}
    for language in dict.fromkeys(languages or ("en",)):
        out.update(dict.fromkeys(terms(text, language)))
    return list(out)
