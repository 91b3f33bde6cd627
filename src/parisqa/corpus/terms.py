"""The term analyser: what counts as a word and as a content term, for BM25, answer scoring and follow-ups.

A term is lowercased, accents folded, stop words dropped and Snowball-stemmed. One analyser serves
the BM25 index (:mod:`parisqa.index.lexical`), sentence scoring and follow-up detection, so a word
matches the same way everywhere.
"""

from __future__ import annotations

import re
import unicodedata
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
_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    try:
        import Stemmer
    except ImportError:  # pragma: no cover - PyStemmer is a dependency
        return None
    return Stemmer.Stemmer("english")


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


def terms(text: str) -> list[str]:
    """Content terms of ``text``: folded words minus stop words, stemmed."""
    kept = [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    stemmer = _stemmer()
    return stemmer.stemWords(kept) if stemmer else kept
