"""The FAISS vector index: which type to build for a given size, and how to (de)serialise it.

Up to :data:`FLAT_MAX_VECTORS` vectors the index is exact (``IndexFlatIP``): one query scans every
vector, which stays under about a millisecond while the vectors fit in the CPU cache. Above that an
inverted file (``IndexIVFFlat``, inner product) scans only the ``nprobe`` lists nearest the query,
keeping search in the low milliseconds at a million vectors with recall@10 ≥ 0.95 against exact
search (figures in ``benchmarks/RESULTS.md``). The choice and its parameters are returned for the
manifest's ``"faiss"`` entry; they are data, not settings: an index whose type changes with its size
needs no rebuild to be read.

IVF indexes keep a direct map, so every vector can still be read back by row (rebuilds reuse the
embeddings of unchanged chunks).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependencyError

if TYPE_CHECKING:  # pragma: no cover
    import faiss
    import numpy as np

# Exact search up to here: 20k × 384 float32 is 30 MB, about the CPU's L3 cache; measured on 2 cores,
# one query, Flat costs ~1.3 ms at 20k and ~6 ms at 40k ("Flat vs IVF by size" in RESULTS.md).
FLAT_MAX_VECTORS = 20_000
# IVF: about IVF_LISTS_PER_SQRT·√n lists (so ~√n/2 vectors per list); k-means on at most
# IVF_TRAIN_PER_LIST vectors per list, for IVF_TRAIN_ITERATIONS rounds (quality plateaus well
# before faiss's default 25). Fewer, larger lists than the common 4·√n: on two cores k-means over
# 4·√n lists costs minutes at 1M vectors, and recall depends on the share of lists probed.
IVF_LISTS_PER_SQRT = 2
IVF_TRAIN_PER_LIST = 64
IVF_TRAIN_ITERATIONS = 12
# Lists probed per query, as a fraction of nlist (at least IVF_MIN_NPROBE): chosen for recall@10 ≥ 0.95
# against exact search on real-embedding-like vectors at 1M (benchmarks/RESULTS.md).
IVF_PROBE_FRACTION = 1 / 32
IVF_MIN_NPROBE = 32  # below ~32 probed lists recall@10 drops under 0.95 at 5k-100k vectors (measured)
# A rebuild keeps the previous centroids while the list count it would choose stays within this
# factor of theirs: k-means again for a one-file change would cost far more than it gains.
IVF_REUSE_RATIO = 1.5
_SEED = 1234  # k-means seed, so the same vectors give the same index


def _faiss() -> Any:
    try:
        import faiss
    except ImportError:
        raise MissingDependencyError("faiss is not installed; install it with: pip install faiss-cpu") from None
    return faiss


def plan(count: int) -> dict[str, Any]:
    """The index type and parameters for ``count`` vectors, as the manifest records them."""
    if count < 0:
        raise ValueError(f"count must be at least 0, got {count}")
    if count <= FLAT_MAX_VECTORS:
        return {"type": "IndexFlatIP", "metric": "inner_product", "params": {}}
    # k-means wants at least ~39 training vectors per centroid.
    nlist = int(max(1, min(65_536, round(IVF_LISTS_PER_SQRT * math.sqrt(count)), count // 39)))
    return {"type": "IndexIVFFlat", "metric": "inner_product", "params": _ivf_params(count, nlist)}


def _ivf_params(count: int, nlist: int) -> dict[str, Any]:
    return {
        "nlist": nlist,
        "nprobe": int(min(nlist, max(IVF_MIN_NPROBE, round(nlist * IVF_PROBE_FRACTION)))),
        "train_vectors": int(min(count, IVF_TRAIN_PER_LIST * nlist)),
        "train_iterations": IVF_TRAIN_ITERATIONS,
        "direct_map": "array",
    }


def build(vectors: np.ndarray, *, previous: faiss.Index | None = None) -> tuple[faiss.Index, dict[str, Any]]:
    """Build an inner-product index over unit vectors (inner product = cosine similarity).

    Args:
        vectors: ``(n, d)`` float32 unit vectors, in row order.
        previous: the index being replaced; when it is an IVF index with the same number of lists,
            a list count close to the planned one (:data:`IVF_REUSE_RATIO`), its trained centroids
            are reused instead of running k-means again (a one-file change to a large corpus then
            costs no training).

    Returns:
        The index and its description for the manifest (type, metric, parameters).
    """
    import numpy as np

    faiss = _faiss()
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    count, dim = int(vectors.shape[0]), int(vectors.shape[1])
    info = plan(count)
    if info["type"] == "IndexFlatIP":
        index = faiss.IndexFlatIP(dim)
        if count:
            index.add(vectors)
        return index, info
    params = info["params"]
    reused = (
        previous is not None
        and isinstance(previous, faiss.IndexIVFFlat)
        and previous.d == dim
        and previous.metric_type == faiss.METRIC_INNER_PRODUCT
        and params["nlist"] / IVF_REUSE_RATIO <= previous.nlist <= params["nlist"] * IVF_REUSE_RATIO
        and previous.nlist * 39 <= count
    )
    if reused:
        quantizer = faiss.clone_index(previous.quantizer)
        params = _ivf_params(count, int(previous.nlist))
    else:
        quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, params["nlist"], faiss.METRIC_INNER_PRODUCT)
    if reused:
        index.is_trained = True
    else:
        rng = np.random.default_rng(_SEED)
        sample = vectors[np.sort(rng.choice(count, params["train_vectors"], replace=False))]
        index.cp.niter = params["train_iterations"]
        index.cp.seed = _SEED
        index.train(sample)
    index.make_direct_map()
    index.add(vectors)
    index.nprobe = params["nprobe"]
    info = dict(info, params=dict(params, centroids="reused" if reused else "trained"))
    return index, info


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
    _ensure_direct_map(index)
    return index.reconstruct_n(0, index.ntotal)


def _ensure_direct_map(index: faiss.Index) -> None:
    faiss = _faiss()
    if isinstance(index, faiss.IndexIVF) and index.direct_map.type == faiss.DirectMap.NoMap:
        index.make_direct_map()


def search(index: faiss.Index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` inner products and row ids for each query row (``-1`` ids pad short results)."""
    faiss = _faiss()
    k = max(1, min(k, index.ntotal))
    if len(queries) > 1:
        return index.search(queries, k)
    # One query: spreading its scan over threads costs more than it saves, and when the other
    # core is busy an OpenMP team can stall for tens of milliseconds (measured). The setting is
    # per thread, so a build running elsewhere keeps its threads.
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        return index.search(queries, k)
    finally:
        faiss.omp_set_num_threads(threads)
