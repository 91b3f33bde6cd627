"""Retrieval and its fusion, on a hand-made index: real FAISS and BM25, vectors chosen so the ranks are known.

The subject is the ranking arithmetic (reciprocal rank fusion, the dense and BM25 baselines), so the
vectors are set by hand instead of coming from the model.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parisqa.answer.search import MODES, RRF_K, Fusion, search
from parisqa.corpus.sentences import SentenceTable
from parisqa.corpus.terms import terms
from parisqa.index import vectors as vector_index
from parisqa.index.lexical import Bm25Index
from parisqa.index.store import LoadedIndex
from parisqa.records import Chunk

TEXTS = [
    "Paris funds artificial intelligence research.",  # row 0: the words of the query
    "Lyon hosts a chemistry institute.",  # row 1: nearest in meaning to the query, no shared word
    "Marseille builds ships in its harbour.",  # row 2: neither
    "Research on intelligence in Paris and Lyon.",  # row 3: shares words, middling meaning
]
# Unit vectors: the query is e0; row 1 is closest, then row 3, row 0, row 2.
VECTORS = np.array(
    [
        [0.6, 0.8, 0.0, 0.0],
        [0.95, 0.0, 0.3122499, 0.0],
        [0.0, 0.0, 0.0, 1.0],
        [0.8, 0.0, 0.0, 0.6],
    ],
    dtype=np.float32,
)
QUERY = np.array([1.0, 0.0, 0.0, 0.0], dtype=np.float32)


def make_index() -> LoadedIndex:
    chunks = [Chunk(f"c{i}", "doc.txt", 100 * i, 100 * i + len(t), t) for i, t in enumerate(TEXTS)]
    faiss_index, _ = vector_index.build(VECTORS / np.linalg.norm(VECTORS, axis=1, keepdims=True))
    sentences = SentenceTable.build([[] for _ in chunks], np.zeros((0, 4), dtype=np.float32))
    return LoadedIndex(
        Path("unused"),
        {},
        chunks,
        faiss_index,
        _bm25=Bm25Index.build([c.embed_text for c in chunks]),
        _sentences=sentences,
    )


def rows(hits) -> list[int]:
    return [h.row for h in hits]


def test_dense_mode_ranks_by_cosine():
    hits = search(make_index(), QUERY, terms("paris research"), k=4, mode="dense")
    assert rows(hits) == [1, 3, 0, 2]
    assert [round(h.score, 3) for h in hits] == [0.95, 0.8, 0.6, 0.0]
    assert all(h.scores["fused"] == h.score for h in hits)


def test_bm25_mode_ranks_the_matching_chunks_by_bm25():
    index = make_index()
    query_terms = terms("Paris artificial intelligence")
    hits = search(index, QUERY, query_terms, k=4, mode="bm25")
    scores = index.bm25.scores(query_terms)
    matching = [r for r in np.argsort(-scores, kind="stable") if scores[r] > 0]
    assert rows(hits) == matching and rows(hits)[0] == 0
    assert all(h.score == pytest.approx(float(scores[h.row])) for h in hits)


def test_bm25_mode_falls_back_to_dense_order_when_no_term_matches():
    hits = search(make_index(), QUERY, terms("submarine"), k=2, mode="bm25")
    assert rows(hits) == [1, 3]


def test_hybrid_fuses_ranks_by_reciprocal_rank():
    index = make_index()
    query_terms = terms("Paris artificial intelligence")
    hits = search(index, QUERY, query_terms, k=4, fusion=Fusion("rrf"))
    dense_rank = {1: 0, 3: 1, 0: 2, 2: 3}
    bm25_scores = index.bm25.scores(query_terms)
    bm25_order = [int(r) for r in np.argsort(-bm25_scores, kind="stable") if bm25_scores[r] > 0]
    expected = {
        r: 1 / (RRF_K + dense_rank[r] + 1) + (1 / (RRF_K + bm25_order.index(r) + 1) if r in bm25_order else 0.0)
        for r in range(4)
    }
    assert [h.score for h in hits] == pytest.approx(sorted(expected.values(), reverse=True))
    for hit in hits:
        assert hit.score == pytest.approx(expected[hit.row])
        assert hit.scores["dense"] == pytest.approx(float(VECTORS[hit.row] @ QUERY / np.linalg.norm(VECTORS[hit.row])))
        assert hit.scores["bm25"] == pytest.approx(float(bm25_scores[hit.row]))
    # Row 0 is first for BM25 and third for meaning; row 1 first for meaning only: agreement wins.
    assert rows(hits)[0] in (0, 3) and rows(hits)[-1] == 2


def test_hybrid_ties_break_by_dense_rank():
    # No query term matches: every fused score comes from the dense rank alone, in its order.
    hits = search(make_index(), QUERY, [], k=4)
    assert rows(hits) == [1, 3, 0, 2]


def test_k_limits_the_hits_and_an_empty_index_returns_none():
    assert len(search(make_index(), QUERY, terms("paris"), k=2)) == 2
    empty = LoadedIndex(
        Path("unused"),
        {},
        [],
        vector_index.build(np.zeros((0, 4), dtype=np.float32))[0],
        _bm25=Bm25Index.build([]),
        _sentences=SentenceTable.build([], np.zeros((0, 4), dtype=np.float32)),
    )
    assert search(empty, QUERY, terms("paris"), k=3) == []


def test_an_unknown_mode_is_refused_by_name():
    with pytest.raises(ValueError, match=r"mode must be one of hybrid, dense, bm25, got 'sparse'"):
        search(make_index(), QUERY, [], k=1, mode="sparse")
    assert MODES == ("hybrid", "dense", "bm25")
