"""Section "milvus": build and query cost of the Milvus store (milvus-lite, embedded) next to the local store.

Random unit vectors stand in for embeddings (the model's cost is the same for both stores and is
measured in ``run.py``); chunk texts are drawn from a Zipf-like vocabulary so BM25 has common and rare
terms. Local store: FAISS flat (the same exact inner-product search parisqa uses up to 20k chunks)
plus ``parisqa.index.lexical.Bm25Index``, fused like ``parisqa.answer.search``. Milvus: ``MilvusStore`` with
BM25 in the engine, fused here (``client``) or by ``hybrid_search`` (``engine``).

Usage::

    .venv/bin/python benchmarks/run.py --only milvus                 # 10k chunks (2k with --quick)
    .venv/bin/python benchmarks/bench_milvus.py --sizes 10000 100000 --queries 50   # standalone, any sizes

The section runs 10k chunks only: milvus-lite searches by brute force and a 100k build plus rebuild
takes over ten minutes on two cores. The 100k figures it reports are those of the standalone run
recorded in :data:`REFERENCE_100K` (not re-measured; say so wherever they are quoted).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

DIM = 384
# The standalone run at 100k chunks (``--sizes 10000 100000 --queries 30``, commit 142127d,
# 2026-12-01, load average about 15): kept and reported as such, not re-run by the section.
REFERENCE_100K = {
    "chunks": 100_000,
    "queries": 30,
    "measured": "2026-12-01, commit 142127d, standalone --sizes 10000 100000 --queries 30, load average ~15",
    "local": {"build chunks/s": 876, "dense ms": 122.33, "bm25 ms": 26.88, "hybrid ms": 151.67},
    "milvus": {
        "build chunks/s": 223,
        "rebuild 1% changed s": 247.7,
        "dense ms": 1446.73,
        "bm25 ms": 1709.60,
        "hybrid ms": 1474.22,
        "hybrid engine ms": 1737.81,
    },
}


def corpus(n: int, seed: int = 0):
    import numpy as np

    from parisqa.records import Chunk

    rng = np.random.default_rng(seed)
    vocab = [f"w{i}x" for i in range(20_000)]
    weights = 1.0 / np.arange(1, len(vocab) + 1)
    weights /= weights.sum()
    chunks = []
    start = 0
    for i in range(n):
        words = rng.choice(len(vocab), size=60, p=weights)
        text = " ".join(vocab[w] for w in words)
        chunks.append(Chunk(id=f"c{i:07d}", source=f"doc{i // 20}.txt", start=start, end=start + len(text), text=text))
        start += len(text) + 1
    vectors = rng.standard_normal((n, DIM)).astype("float32")
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = rng.standard_normal((200, DIM)).astype("float32")
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    texts = [" ".join(vocab[w] for w in rng.choice(len(vocab), size=4, p=weights)) for _ in range(200)]
    return chunks, vectors, queries, texts


def median_ms(fn, args_list) -> float:
    times = []
    for args in args_list:
        t = time.perf_counter()
        fn(*args)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def local(chunks, vectors, queries, texts, nq: int, k: int) -> dict[str, float]:
    import faiss
    import numpy as np

    from parisqa.corpus.terms import terms
    from parisqa.index import vectors as vector_index
    from parisqa.index.lexical import Bm25Index

    out = {}
    t = time.perf_counter()
    index = faiss.IndexFlatIP(DIM)
    index.add(vectors)
    out["build dense s"] = time.perf_counter() - t
    t = time.perf_counter()
    bm25 = Bm25Index.build([c.text for c in chunks])
    out["build bm25 s"] = time.perf_counter() - t
    out["build chunks/s"] = len(chunks) / (out["build dense s"] + out["build bm25 s"])
    depth = max(4 * k, 40)

    def dense(q, _text):
        vector_index.search(index, q.reshape(1, -1), depth)  # parisqa's query path: one thread per query

    def lexical(_q, text):
        scores = bm25.scores(terms(text))
        rows = np.flatnonzero(scores > 0)
        rows[np.argsort(-scores[rows])][:depth]

    def hybrid(q, text):
        dense(q, text)
        lexical(q, text)

    pairs = list(zip(queries[:nq], texts[:nq]))
    for q, text in pairs[:3]:  # warm-up
        hybrid(q, text)
    out["dense ms"] = median_ms(dense, pairs)
    out["bm25 ms"] = median_ms(lexical, pairs)
    out["hybrid ms"] = median_ms(hybrid, pairs)
    return out


def milvus(chunks, vectors, queries, texts, nq: int, k: int, folder: Path) -> dict[str, float]:
    from parisqa.index.milvus import MilvusStore, StoreMeta

    out = {}
    meta = StoreMeta("random", DIM)
    store = MilvusStore(str(folder / "bench.db"))
    t = time.perf_counter()
    writer = store.begin("bench", "gen-1", meta)
    writer.add(chunks, vectors)
    name = writer.finish()
    store.commit("bench", name)
    out["build s"] = time.perf_counter() - t
    out["build chunks/s"] = len(chunks) / out["build s"]
    t = time.perf_counter()
    gen = store.open(name, meta)
    gen.search(queries[0], texts[0], k)
    out["open + first query s"] = time.perf_counter() - t
    pairs = list(zip(queries[:nq], texts[:nq]))
    for mode in ("dense", "bm25", "hybrid"):
        out[f"{mode} ms"] = median_ms(lambda q, text, m=mode: gen.search(q, text, k, mode=m), pairs)
    out["hybrid engine ms"] = median_ms(lambda q, text: gen.search(q, text, k, fusion="engine"), pairs)
    # An incremental rebuild: 1% of chunks changed, the rest copied from the previous generation.
    changed = max(1, len(chunks) // 100)
    t = time.perf_counter()
    writer = store.begin("bench", "gen-2", meta)
    writer.copy_from(name, [c.id for c in chunks[changed:]])
    writer.add(chunks[:changed], vectors[:changed])
    second = writer.finish()
    store.commit("bench", second)
    out["rebuild 1% changed s"] = time.perf_counter() - t
    store.close()
    return out


def bench_milvus(b) -> dict:
    """The section for ``run.py``: local store and milvus-lite side by side at 10k chunks (2k quick)."""
    from importlib.metadata import version

    n = 2_000 if b.quick else 10_000
    nq = 10 if b.quick else 30
    k = 5
    chunks, vectors, queries, texts = corpus(n)
    loc = local(chunks, vectors, queries, texts, nq, k)
    folder = Path(tempfile.mkdtemp(prefix="parisqa-milvus-bench-"))
    try:
        mil = milvus(chunks, vectors, queries, texts, nq, k, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "versions": {"pymilvus": version("pymilvus"), "milvus-lite": version("milvus-lite")},
        "k": k,
        "levels": [{"chunks": n, "queries": nq, "local": loc, "milvus": mil}],
        "reference": REFERENCE_100K,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("-k", type=int, default=5)
    args = parser.parse_args()
    import pymilvus

    rows = []
    for n in args.sizes:
        chunks, vectors, queries, texts = corpus(n)
        loc = local(chunks, vectors, queries, texts, args.queries, args.k)
        folder = Path(tempfile.mkdtemp(prefix="parisqa-milvus-bench-"))
        try:
            mil = milvus(chunks, vectors, queries, texts, args.queries, args.k, folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        rows.append((n, loc, mil))
        print(f"{n} chunks: local {loc}\n  milvus-lite {mil}", file=sys.stderr, flush=True)

    from importlib.metadata import version

    print(
        f"\nMilvus store vs local store, random unit vectors (dim {DIM}), k={args.k}, median of "
        f"{args.queries} queries; pymilvus {pymilvus.__version__}, milvus-lite {version('milvus-lite')}\n"
    )
    print(
        "| chunks | store | build chunks/s | rebuild, 1% changed (s) | dense ms | BM25 ms | hybrid ms "
        "| hybrid, engine fusion ms |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for n, loc, mil in rows:
        print(
            f"| {n:,} | local (FAISS flat + bm25s) | {loc['build chunks/s']:,.0f} | - | {loc['dense ms']:.2f} "
            f"| {loc['bm25 ms']:.2f} | {loc['hybrid ms']:.2f} | - |"
        )
        print(
            f"| {n:,} | milvus-lite | {mil['build chunks/s']:,.0f} | {mil['rebuild 1% changed s']:.1f} "
            f"| {mil['dense ms']:.2f} | {mil['bm25 ms']:.2f} | {mil['hybrid ms']:.2f} | {mil['hybrid engine ms']:.2f} |"
        )


if __name__ == "__main__":
    main()
