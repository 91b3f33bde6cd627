"""Find the chunks most relevant to a query: dense (FAISS), lexical (BM25) and their fusion.

Everything the query path needs is loaded once per index generation into
:class:`parisqa.index.store.LoadedIndex`; an index kept in a Milvus store
(:class:`parisqa.index.milvus_index.MilvusIndex`) runs both requests in the engine and fuses them the
same way, and its hits are numbered in rank order (row ``i`` is the ``i``-th hit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..index import vectors as vector_index
from ..index.store import LoadedIndex
from ..records import Chunk

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from ..index.backend import ServedIndex

MODES = ("hybrid", "dense", "bm25")
# Reciprocal rank fusion constant (Cormack et al. 2009): damps the weight of the very top ranks.
RRF_K = 60
FUSION_METHODS = ("rrf", "minmax", "zscore")


@dataclass(frozen=True)
class Fusion:
    """How the hybrid mode combines dense and BM25 scores.

    Attributes:
        method: ``"rrf"`` (reciprocal rank), ``"minmax"`` or ``"zscore"`` (each score normalised over
            the candidates of both lists, then combined convexly).
        dense_weight: weight of the dense score in the convex combination (BM25 gets the rest).
        adaptive: shift the weight towards BM25 when the query's terms are rare in the corpus (high
            mean IDF), towards dense when they are common.
        doc_weight: add this share of the mean score of the document's best other candidates
            (document-level aggregation).
        faq_questions: the dense score of an FAQ chunk is the better of the chunk's and its
            question's similarity to the query.
    """

    method: str = "rrf"
    dense_weight: float = 0.5
    adaptive: bool = False
    doc_weight: float = 0.0
    faq_questions: bool = False

    def __post_init__(self) -> None:
        if self.method not in FUSION_METHODS:
            raise ValueError(f"fusion method must be one of {', '.join(FUSION_METHODS)}, got {self.method!r}")


# What the hybrid mode ships with (chosen by eval/collections_eval.py under leave-one-corpus-out).
DEFAULT_FUSION = Fusion("zscore", 0.8)


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
    data: ServedIndex,
    query_vector: np.ndarray,
    query_terms: list[str],
    k: int,
    mode: str = "hybrid",
    fusion: Fusion | None = None,
) -> list[Hit]:
    """Top-``k`` chunks for a query.

    Args:
        data: the loaded index.
        query_vector: the query's unit embedding.
        query_terms: the query's content terms (:func:`parisqa.corpus.terms.terms`).
        k: number of hits wanted.
        mode: ``"hybrid"`` (fusion of dense and BM25), ``"dense"`` or ``"bm25"``.
        fusion: how hybrid combines the two (default :data:`DEFAULT_FUSION`).

    Returns:
        Hits, best first; each carries its ``dense``, ``bm25`` and ``fused`` scores.
    """
    import numpy as np

    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if not isinstance(data, LoadedIndex):  # a store that ranks in its engine
        found = data.search(query_vector, query_terms, k, mode)
        return [Hit(h.chunk, row, h.fused, dict(h.scores)) for row, h in enumerate(found)]
    fusion = fusion or DEFAULT_FUSION
    n = len(data.chunks)
    if n == 0:
        return []
    q = np.asarray(query_vector, dtype=np.float32)
    depth = min(n, max(4 * k, 40))
    bm25_all = data.bm25.scores(query_terms)
    dense_scores, dense_rows = vector_index.search(data.vectors, query_vector.reshape(1, -1), depth)
    dense_score = {int(r): float(s) for r, s in zip(dense_rows[0], dense_scores[0]) if r >= 0}
    if fusion.faq_questions and mode == "hybrid":
        q_rows, q_vectors = data.faq_questions()
        if len(q_rows):
            cos = q_vectors @ q
            for i in np.argsort(-cos)[:depth]:
                r = int(q_rows[i])
                if cos[i] > dense_score.get(r, -2.0):
                    if r not in dense_score:
                        dense_score[r] = max(float(cos[i]), float(data.chunk_vector(r) @ q))
                    else:
                        dense_score[r] = float(cos[i])
            keep = sorted(dense_score, key=lambda r: -dense_score[r])[:depth]
            dense_score = {r: dense_score[r] for r in keep}
    dense_ranked = sorted(dense_score, key=lambda r: -dense_score[r])
    dense_rank = {r: i for i, r in enumerate(dense_ranked)}
    bm25_rows = _top_positive(bm25_all, depth).tolist()
    bm25_rank = {r: i for i, r in enumerate(bm25_rows)}

    if mode == "dense":
        ranked = dense_ranked
        fused = {r: dense_score[r] for r in ranked}
    elif mode == "bm25":
        ranked = bm25_rows if bm25_rows else dense_ranked
        fused = {r: float(bm25_all[r]) for r in ranked}
    else:
        for r in bm25_rank:
            if r not in dense_score:
                dense_score[r] = float(data.chunk_vector(r) @ q)
        fused = _fuse(data, fusion, dense_score, dense_rank, bm25_all, bm25_rank, query_terms)
        ranked = sorted(fused, key=lambda r: (-fused[r], dense_rank.get(r, depth)))

    hits = []
    for r in ranked[:k]:
        dense = dense_score.get(r)
        if dense is None:
            dense = float(data.chunk_vector(r) @ q)
        scores = {"dense": dense, "bm25": float(bm25_all[r]), "fused": float(fused[r])}
        hits.append(Hit(data.chunks[r], r, float(fused[r]), scores))
    return hits


def _fuse(
    data: LoadedIndex,
    fusion: Fusion,
    dense_score: dict[int, float],
    dense_rank: dict[int, int],
    bm25_all: np.ndarray,
    bm25_rank: dict[int, int],
    query_terms: list[str],
) -> dict[int, float]:
    """Fused scores of the candidates (the union of both lists), higher is better."""
    import numpy as np

    rows = sorted(set(dense_rank) | set(bm25_rank))
    w = fusion.dense_weight
    if fusion.adaptive and query_terms:
        # Rare query terms (high IDF relative to the corpus's largest) make exact matching more telling.
        top_idf = math.log(1 + data.bm25.num_docs)
        rarity = sum(data.bm25.idf(t) for t in query_terms) / len(query_terms) / max(top_idf, 1e-9)
        w = min(0.9, max(0.1, w + 0.5 - rarity))
    if fusion.method == "rrf":
        fused = {}
        for r in rows:
            score = 0.0
            if r in dense_rank:
                score += 2 * w / (RRF_K + dense_rank[r] + 1)
            if r in bm25_rank:
                score += 2 * (1 - w) / (RRF_K + bm25_rank[r] + 1)
            fused[r] = score
    else:
        d = np.array([dense_score[r] for r in rows], dtype=np.float64)
        b = np.array([float(bm25_all[r]) for r in rows], dtype=np.float64)
        fused = dict(zip(rows, (w * _normalise(d, fusion.method) + (1 - w) * _normalise(b, fusion.method)).tolist()))
    if fusion.doc_weight > 0:
        by_doc: dict[str, list[float]] = {}
        for r in rows:
            by_doc.setdefault(data.chunks[r].source, []).append(fused[r])
        for scores in by_doc.values():
            scores.sort(reverse=True)
        for r in rows:
            others = by_doc[data.chunks[r].source]
            # The document's best candidates other than this one (at most two).
            rest = list(others)
            rest.remove(fused[r])
            if rest:
                fused[r] += fusion.doc_weight * sum(rest[:2]) / 2
    return fused


def _normalise(x: np.ndarray, method: str) -> np.ndarray:
    """Scores mapped to a common scale: min-max to 0..1, or z-scores."""
    import numpy as np

    if method == "minmax":
        span = float(x.max() - x.min()) if len(x) else 0.0
        return (x - x.min()) / span if span > 0 else np.zeros_like(x)
    std = float(x.std()) if len(x) else 0.0
    return (x - x.mean()) / std if std > 0 else np.zeros_like(x)
