"""The BM25 index over chunks, stored as plain numpy arrays and JSON (never pickle).

BM25 scoring itself is done by ``bm25s`` (sparse matrices); what a term is comes from the shared
analyser in :mod:`parisqa.corpus.terms`, each text analysed as its document's language.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..corpus.terms import terms

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


def idf(df: int, num_docs: int) -> float:
    """BM25's inverse document frequency of a term in ``df`` of ``num_docs`` chunks, floored at 0.05."""
    import math

    return max(0.05, math.log(1 + (num_docs - df + 0.5) / (df + 0.5)))


@dataclass(frozen=True)
class TermStats:
    """Document frequencies without the BM25 matrix: what answer scoring needs when BM25 runs elsewhere.

    A Milvus store ranks by BM25 in the engine; the answer step still weighs the question's terms by
    IDF and spots the corpus's topic words, so the index folder keeps these counts as JSON.
    """

    doc_freq: dict[str, int]
    num_docs: int

    @classmethod
    def count(cls, texts: list[str], languages: Sequence[str] | None = None) -> TermStats:
        """Document frequencies of the content terms of ``texts`` (one per chunk), each analysed as
        its language in ``languages`` (default: all English)."""
        return cls({}, 0).updated(added=texts, added_languages=languages)

    def updated(
        self,
        *,
        added: list[str] = (),  # type: ignore[assignment]
        removed: list[str] = (),  # type: ignore[assignment]
        added_languages: Sequence[str] | None = None,
        removed_languages: Sequence[str] | None = None,
    ) -> TermStats:
        """The counts after chunks with ``added`` texts join and chunks with ``removed`` texts leave.

        ``added_languages``/``removed_languages`` give each text's language (default: all English).
        """
        for texts, languages in ((added, added_languages), (removed, removed_languages)):
            if languages is not None and len(languages) != len(texts):
                raise ValueError(f"languages must give one language per text ({len(texts)}), got {len(languages)}")
        df = dict(self.doc_freq)
        steps = [(t, 1, added_languages[i] if added_languages else "en") for i, t in enumerate(added)]
        steps += [(t, -1, removed_languages[i] if removed_languages else "en") for i, t in enumerate(removed)]
        for text, step, language in steps:
            for term in set(terms(text, language) or [""]):
                df[term] = df.get(term, 0) + step
        return TermStats({t: n for t, n in df.items() if n > 0}, self.num_docs + len(added) - len(removed))

    def idf(self, term: str) -> float:
        return idf(self.doc_freq.get(term, 0), self.num_docs)

    def to_bytes(self) -> bytes:
        return json.dumps({"num_docs": self.num_docs, "doc_freq": self.doc_freq}, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> TermStats:
        """Raises ``ValueError``/``KeyError``/``TypeError`` on bytes that are not term statistics."""
        raw = json.loads(data)
        doc_freq = {str(t): int(n) for t, n in raw["doc_freq"].items()}
        return cls(doc_freq, int(raw["num_docs"]))


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
        return idf(self.doc_freq.get(term, 0), self.num_docs)

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
