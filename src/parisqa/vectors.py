"""The FAISS vector index: which type to build for a given size, and how to (de)serialise it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import MissingDependencyError

if TYPE_CHECKING:  # pragma: no cover
    import faiss
    import numpy as np


def _faiss() -> Any:
    try:
        import faiss
    except ImportError:
        raise MissingDependencyError("faiss is not installed; install it with: pip install faiss-cpu") from None
    return faiss


def build(vectors: np.ndarray) -> tuple[faiss.Index, dict[str, Any]]:
    """Build an inner-product index over unit vectors (inner product = cosine similarity).

    Returns:
        The index and its description for the manifest (type, metric, parameters).
    """
    faiss = _faiss()
    dim = int(vectors.shape[1])
    index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index, {"type": "IndexFlatIP", "metric": "inner_product", "params": {}}


def serialize(index: faiss.Index) -> bytes:
    return _faiss().serialize_index(index).tobytes()


def deserialize(data: bytes) -> faiss.Index:
    import numpy as np

    return _faiss().deserialize_index(np.frombuffer(data, dtype=np.uint8))


def all_vectors(index: faiss.Index) -> np.ndarray:
    """Every stored vector, in insertion order (used to reuse embeddings across rebuilds)."""
    import numpy as np

    if index.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return index.reconstruct_n(0, index.ntotal)


def search(index: faiss.Index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` inner products and row ids for each query row (``-1`` ids pad short results)."""
    k = max(1, min(k, index.ntotal))
    return index.search(queries, k)
