"""Peak memory (VmHWM) of one build of an N-chunk corpus, in a fresh process.

    python benchmarks/build_memory.py --chunks 100000 [--synthetic] [--work DIR]

The corpus is generated as ``benchmarks/run.py`` generates its own (``corpora.make_corpus``). With
``--synthetic`` the model is loaded (its memory counts) but each text gets a synthetic unit vector
instead of a forward pass (``vectorcache.synthetic_vectors``): the build's own data (chunks, sentences,
vectors, BM25, FAISS, the manifest) at full size, in minutes instead of the hours the model would take
on two cores. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import corpora
import vectorcache


def high_water() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--synthetic", action="store_true")
    parser.add_argument("--work", default=str(Path(__file__).resolve().parent / "work"))
    args = parser.parse_args()
    from parisqa.config import Settings
    from parisqa.embed.encoder import Embedder
    from parisqa.embed.model import model_cache_dir
    from parisqa.index.build import build_index

    work = Path(args.work)
    corpus = work / f"corpus-build-{args.chunks}"
    info = corpora.make_corpus(corpus, args.chunks)
    embedder = Embedder(cache_dir=model_cache_dir(), precision="int8")
    embedder.warm_up()
    if args.synthetic:
        # Synthetic vectors are built from real ones: embed a few of the corpus's paragraphs first.
        cache = vectorcache.VectorCache(work / "memory-vector-base")
        paragraphs = [p for f in sorted(corpus.rglob("*.txt"))[:4] for p in f.read_text().split("\n\n") if p.strip()]
        cache.add(paragraphs[:128], embedder.encode(paragraphs[:128]))
        embedder = vectorcache.CachingEmbedder(embedder, cache, synthesize=True)
    before = high_water()
    t = time.perf_counter()
    index = work / f"memory-index-{args.chunks}"
    summary = build_index(Settings(corpus_dir=corpus, index_dir=index, model="minilm-int8"), embedder=embedder)
    print(
        json.dumps(
            {
                "chunks": summary.chunks,
                "files": info.get("files"),
                "synthetic_vectors": args.synthetic,
                "seconds": time.perf_counter() - t,
                "peak_rss_bytes": high_water(),
                "rss_before_build_bytes": before,
            }
        )
    )


if __name__ == "__main__":
    main()
