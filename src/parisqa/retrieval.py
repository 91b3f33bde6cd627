"""Find the chunks most relevant to a question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import vectors as vector_index
from .records import Chunk
from .store import LoadedIndex


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its scores (higher is better)."""

    chunk: Chunk
    row: int
    score: float
    scores: dict[str, float]


def dense_search(index: LoadedIndex, query_vector: Any, k: int) -> list[Hit]:
    """Top-``k`` chunks by cosine similarity to ``query_vector``."""
    if not index.chunks:
        return []
    scores, rows = vector_index.search(index.vectors, query_vector.reshape(1, -1), k)
    hits = []
    for score, row in zip(scores[0], rows[0]):
        if row < 0:
            continue
        hits.append(Hit(index.chunks[row], int(row), float(score), {"dense": float(score)}))
    return hits
