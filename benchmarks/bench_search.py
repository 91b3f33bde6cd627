"""Section 4: the vector search stage at scale (flat against IVF, up to 1M vectors)."""

from __future__ import annotations

import gc
import statistics
import time
from typing import Any

import numpy as np
import questions
import vectorcache
from common import Bench, log, pct, prepare_seed, stats


# --- 4. search stage at scale ---------------------------------------------------------------------------
def bench_search(b: Bench) -> dict:
    import faiss

    from parisqa.index import vectors as vector_index

    cache = b.vector_cache()
    if len(cache) < 1000 and not b.quick:
        b.prepared("10k")  # embeds the 10k corpus once: the real vectors everything else derives from
    base = cache.all_vectors()
    if len(base) < 1000:
        from parisqa.index.store import load_index

        settings, *_ = prepare_seed(b)
        seed_vectors = vector_index.all_vectors(load_index(settings.index_dir).vectors)
        base = np.concatenate([base, seed_vectors]) if len(base) else seed_vectors
    n = b.args.search_vectors or (5_000 if b.quick else 1_000_000)
    log(f"search: {n:,} vectors derived from {len(base):,} real embeddings")
    x = vectorcache.perturbed(base, n, seed=7)
    qvec = b.onnx().encode(questions.GENERAL + questions.SEED)
    queries = np.concatenate([qvec, vectorcache.perturbed(base, 100 - len(qvec), seed=99)]) if len(qvec) < 100 else qvec
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    flat = faiss.IndexFlatIP(x.shape[1])
    flat.add(x)
    _, truth = flat.search(queries, 10)

    def timed(index, qs, k=10):
        lat, found = [], []
        for q in qs:
            t = time.perf_counter()
            _, ids = vector_index.search(index, q[None, :], k)
            lat.append(time.perf_counter() - t)
            found.append(ids[0])
        recall = float(np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found)]))
        return lat, recall

    flat_p50 = []
    for _ in range(b.runs):
        lat, _ = timed(flat, queries[:30])
        flat_p50.append(pct(lat, 50))
    build_s = []
    index = info = None
    for _ in range(1):
        del index
        gc.collect()
        t = time.perf_counter()
        index, info = vector_index.build(x)
        build_s.append(time.perf_counter() - t)
        log(f"search: built {info['type']} {info['params']} in {build_s[-1]:.1f} s")
    p50, p95, recalls = [], [], []
    for _ in range(b.runs):
        lat, recall = timed(index, queries)
        p50.append(pct(lat, 50))
        p95.append(pct(lat, 95))
        recalls.append(recall)
    out: dict[str, Any] = {
        "vectors": n,
        "real_base_vectors": len(base),
        "queries": len(queries),
        "index": info,
        "build_seconds": stats(build_s),
        "search_p50_seconds": stats(p50),
        "search_p95_seconds": stats(p95),
        "recall_at_10": statistics.median(recalls),
        "exact_flat_p50_seconds": stats(flat_p50),
        "ratio_p50_to_exact_flat": statistics.median(p50) / statistics.median(flat_p50),
    }
    if info["type"] != "IndexFlatIP":
        sweep = []
        nlist = info["params"]["nlist"]
        for nprobe in sorted({max(1, nlist // 128), max(1, nlist // 64), max(1, nlist // 32), max(1, nlist // 16)}):
            index.nprobe = nprobe
            lat, recall = timed(index, queries)
            sweep.append({"nprobe": nprobe, "p50_seconds": pct(lat, 50), "recall_at_10": recall})
        index.nprobe = info["params"]["nprobe"]
        out["nprobe_sweep"] = sweep
    del index, flat
    gc.collect()
    # Where exact search stops being cheap: Flat vs the planned index on growing prefixes.
    threshold = []
    sizes = [1_000, 2_000, 5_000] if b.quick else [5_000, 10_000, 20_000, 40_000, 80_000, 160_000]
    for size in [s for s in sizes if s <= n]:
        sub = x[:size]
        f = faiss.IndexFlatIP(sub.shape[1])
        f.add(sub)
        lat_f = []
        for q in queries[:50]:
            t = time.perf_counter()
            vector_index.search(f, q[None, :], 10)
            lat_f.append(time.perf_counter() - t)
        saved = vector_index.FLAT_MAX_VECTORS
        vector_index.FLAT_MAX_VECTORS = 0
        try:
            ivf, ivf_info = vector_index.build(sub)
        finally:
            vector_index.FLAT_MAX_VECTORS = saved
        _, exact_ids = f.search(queries[:50], 10)
        lat_i, hits = [], []
        for q, t_ids in zip(queries[:50], exact_ids):
            t = time.perf_counter()
            _, ids = vector_index.search(ivf, q[None, :], 10)
            lat_i.append(time.perf_counter() - t)
            hits.append(len(set(ids[0]) & set(t_ids)) / 10)
        threshold.append(
            {
                "vectors": size,
                "flat_p50_seconds": pct(lat_f, 50),
                "ivf_p50_seconds": pct(lat_i, 50),
                "ivf_recall_at_10": float(np.mean(hits)),
                "ivf_nlist": ivf_info["params"]["nlist"],
                "ivf_nprobe": ivf_info["params"]["nprobe"],
            }
        )
        log(
            f"threshold {size:,}: flat {threshold[-1]['flat_p50_seconds'] * 1000:.2f} ms, "
            f"ivf {threshold[-1]['ivf_p50_seconds'] * 1000:.2f} ms (recall {threshold[-1]['ivf_recall_at_10']:.3f})"
        )
    out["flat_vs_ivf_by_size"] = threshold
    out["flat_max_vectors"] = vector_index.FLAT_MAX_VECTORS
    return out
