"""Find the chunks most relevant to a query: dense (FAISS), lexical (BM25) and their fusion.

Everything the query path needs is loaded once per index generation into :class:`SearchData`; a
query then costs one embedding, one FAISS search and one BM25 scoring, plus work proportional to the
few candidates kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import vectors as vector_index
from .errors import IndexCorruptError
from .lexical import Bm25Index
from .records import Chunk
from .sentences import SentenceTable
from .store import LoadedIndex

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

MODES = ("hybrid", "dense", "bm25")
# Reciprocal rank fusion constant (Cormack et al. 2009): damps the weight of the very top ranks.
RRF_K = 60


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its scores (higher is better)."""

    chunk: Chunk
    row: int
    score: float
    scores: dict[str, float]


@dataclass
class SearchData:
    """An index generation's chunks, vectors, BM25 index and sentence table, ready to query."""

    index: LoadedIndex
    bm25: Bm25Index
    sentences: SentenceTable
    _term_cache: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, index: LoadedIndex) -> SearchData:
        from .indexer import BM25_MATRIX, BM25_VOCAB, SENTENCES

        try:
            bm25 = Bm25Index.from_bytes(index.read_extra(BM25_MATRIX), index.read_extra(BM25_VOCAB))
            sentences = SentenceTable.from_bytes(index.read_extra(SENTENCES))
        except (ValueError, KeyError, TypeError) as exc:  # hashes matched, but not this version's arrays
            raise IndexCorruptError(
                f"index '{index.path}' holds search data this parisqa cannot read ({exc}); "
                "run `parisqa index` to rebuild it"
            ) from None
        return cls(index, bm25, sentences)

    @property
    def chunks(self) -> list[Chunk]:
        return self.index.chunks

    def chunk_vector(self, row: int) -> np.ndarray:
        return self.index.vectors.reconstruct(int(row))

    def chunk_terms(self, row: int) -> frozenset[str]:
        """Content terms of a chunk's embedded text (heading path + text), cached."""
        cached = self._term_cache.get(row)
        if cached is None:
            from .lexical import terms

            cached = frozenset(terms(self.chunks[row].embed_text))
            if len(self._term_cache) > 50_000:
                self._term_cache.clear()
            self._term_cache[row] = cached
        return cached


def _top_positive(scores: np.ndarray, n: int) -> np.ndarray:
    """Rows of the ``n`` highest positive scores, best first.

    Most chunks share no term with a query and score 0, so only the matching ones are ranked: the
    cost follows the matches, not the corpus.
    """
    import numpy as np

    rows = np.flatnonzero(scores > 0)
    if len(rows) > n > 0:
        rows = rows[np.argpartition(-scores[rows], n - 1)[:n]]
    elif n <= 0:
        return np.zeros(0, dtype=np.int64)
    return rows[np.argsort(-scores[rows], kind="stable")]


def search(
    data: SearchData, query_vector: np.ndarray, query_terms: list[str], k: int, mode: str = "hybrid"
) -> list[Hit]:
    """Top-``k`` chunks for a query.

    Args:
        data: the loaded index.
        query_vector: the query's unit embedding.
        query_terms: the query's content terms (:func:`parisqa.lexical.terms`).
        k: number of hits wanted.
        mode: ``"hybrid"`` (reciprocal rank fusion of dense and BM25), ``"dense"`` or ``"bm25"``.

    Returns:
        Hits, best first; each carries its ``dense``, ``bm25`` and ``fused`` scores.
    """
    import numpy as np

    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    n = len(data.chunks)
    if n == 0:
        return []
    depth = min(n, max(4 * k, 40))
    bm25_all = data.bm25.scores(query_terms)
    dense_scores, dense_rows = vector_index.search(data.index.vectors, query_vector.reshape(1, -1), depth)
    dense_rank = {int(r): i for i, r in enumerate(dense_rows[0]) if r >= 0}
    dense_score = {int(r): float(s) for r, s in zip(dense_rows[0], dense_scores[0]) if r >= 0}
    bm25_rows = _top_positive(bm25_all, depth).tolist()
    bm25_rank = {r: i for i, r in enumerate(bm25_rows)}

    if mode == "dense":
        ranked = sorted(dense_rank, key=dense_rank.__getitem__)
        fused = {r: dense_score[r] for r in ranked}
    elif mode == "bm25":
        ranked = bm25_rows if bm25_rows else sorted(dense_rank, key=dense_rank.__getitem__)
        fused = {r: float(bm25_all[r]) for r in ranked}
    else:
        fused = {}
        for r in set(dense_rank) | set(bm25_rank):
            score = 0.0
            if r in dense_rank:
                score += 1.0 / (RRF_K + dense_rank[r] + 1)
            if r in bm25_rank:
                score += 1.0 / (RRF_K + bm25_rank[r] + 1)
            fused[r] = score
        ranked = sorted(fused, key=lambda r: (-fused[r], dense_rank.get(r, depth)))

    hits = []
    q = np.asarray(query_vector, dtype=np.float32)
    for r in ranked[:k]:
        dense = dense_score.get(r)
        if dense is None:
            dense = float(data.chunk_vector(r) @ q)
        scores = {"dense": dense, "bm25": float(bm25_all[r]), "fused": float(fused[r])}
        hits.append(Hit(data.chunks[r], r, float(fused[r]), scores))
    return hits
