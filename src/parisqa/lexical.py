"""Lexical matching: the term analyser shared by BM25 and answer scoring, and the BM25 index.

BM25 scoring itself is done by ``bm25s`` (sparse matrices); this module only decides what a term is
(lowercased, accents folded, stop words dropped, Snowball-stemmed) and stores the index as plain
numpy arrays and JSON (never pickle).

The analyser is per language (``language="en"`` by default, the behaviour every index had before
languages were detected): French text is stemmed with the French Snowball stemmer and loses French
stop words and elided articles ("l'", "d'", "qu'"). Any other language is analysed as English.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

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


@dataclass
class Bm25Index:
    """BM25 over chunks (rows aligned with the vector index)."""

    model: Any  # bm25s.BM25, or None for an index of no chunks (every file empty)
    doc_freq: dict[str, int]
    num_docs: int

    @classmethod
    def build(cls, texts: list[str], languages: Sequence[str] | None = None) -> Bm25Index:
        """Index ``texts``, each analysed as its language in ``languages`` (default: all English)."""
        import bm25s

        if not texts:
            return cls(None, {}, 0)
        if languages is not None and len(languages) != len(texts):
            raise ValueError(f"languages must give one language per text ({len(texts)}), got {len(languages)}")
        tokens = [terms(t, languages[i] if languages else "en") or [""] for i, t in enumerate(texts)]
        model = bm25s.BM25(k1=1.2, b=0.75)
        model.index(tokens, show_progress=False)
        return cls(model, _doc_freq(model), len(texts))

    def idf(self, term: str) -> float:
        """Inverse document frequency (BM25's, floored at a small positive value)."""
        import math

        df = self.doc_freq.get(term, 0)
        return max(0.05, math.log(1 + (self.num_docs - df + 0.5) / (df + 0.5)))

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """BM25 score of every chunk for ``query_terms`` (zeros when none is known)."""
        import numpy as np

        known = [t for t in query_terms if self.model is not None and t in self.model.vocab_dict]
        if not known or self.num_docs == 0:
            return np.zeros(self.num_docs, dtype=np.float32)
        return self.model.get_scores(known)

    def to_bytes(self) -> tuple[bytes, bytes]:
        """The index as an ``.npz`` of its sparse matrix and a JSON vocabulary."""
        import numpy as np

        buffer = io.BytesIO()
        if self.model is None:
            empty = np.zeros(0, dtype=np.float32)
            np.savez(
                buffer, data=empty, indices=empty.astype(np.int32), indptr=np.zeros(1, np.int32), num_docs=np.int64(0)
            )
            return buffer.getvalue(), b"{}"
        s = self.model.scores
        np.savez(buffer, data=s["data"], indices=s["indices"], indptr=s["indptr"], num_docs=np.int64(s["num_docs"]))
        vocab = json.dumps(self.model.vocab_dict, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return buffer.getvalue(), vocab

    @classmethod
    def from_bytes(cls, matrix: bytes, vocab: bytes) -> Bm25Index:
        import bm25s
        import numpy as np

        with np.load(io.BytesIO(matrix), allow_pickle=False) as arrays:
            scores = {
                "data": arrays["data"],
                "indices": arrays["indices"],
                "indptr": arrays["indptr"],
                "num_docs": int(arrays["num_docs"]),
            }
        if scores["num_docs"] == 0:
            return cls(None, {}, 0)
        model = bm25s.BM25(k1=1.2, b=0.75)
        model.scores = scores
        model.vocab_dict = {str(k): int(v) for k, v in json.loads(vocab).items()}
        model.unique_token_ids_set = set(model.vocab_dict.values())
        model.nonoccurrence_array = None  # only the "bm25l"/"bm25+" variants use one
        return cls(model, _doc_freq(model), scores["num_docs"])


def _doc_freq(model: Any) -> dict[str, int]:
    import numpy as np

    counts = np.diff(model.scores["indptr"])
    return {term: int(counts[i]) for term, i in model.vocab_dict.items() if i < len(counts)}
