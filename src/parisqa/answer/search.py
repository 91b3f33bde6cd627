"""Find the chunks most relevant to a query: dense (FAISS), lexical (BM25) and their fusion.

Everything the query path needs is loaded once per index generation into
:class:`parisqa.index.store.LoadedIndex`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..index import vectors as vector_index
from ..index.store import LoadedIndex
from ..records import Chunk

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
    data: LoadedIndex, query_vector: np.ndarray, query_terms: list[str], k: int, mode: str = "hybrid"
) -> list[Hit]:
    """Top-``k`` chunks for a query.

    Args:
        data: the loaded index.
        query_vector: the query's unit embedding.
        query_terms: the query's content terms (:func:`parisqa.corpus.terms.terms`).
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
    dense_scores, dense_rows = vector_index.search(data.vectors, query_vector.reshape(1, -1), depth)
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
