"""Section 1: index build throughput, against the raw encode of everything a build embeds."""

from __future__ import annotations

import gc
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from common import Bench, log, stats


# --- 1. build throughput -------------------------------------------------------------------------
def _embedded_texts(index_dir: Path) -> tuple[list[str], list[str]]:
    """The chunk texts and the distinct sentence texts an index build sends to the model."""
    from parisqa.corpus.sentences import SentenceTable
    from parisqa.index.layout import SENTENCES
    from parisqa.index.store import load_index

    index = load_index(index_dir)
    table = SentenceTable.from_bytes(index.read_extra(SENTENCES))
    chunks = list(index.chunks)
    sentences: dict[str, None] = {}
    for i in range(len(table)):
        c = chunks[int(table.chunk[i])]
        sentences[c.text[int(table.start[i]) - c.start : int(table.end[i]) - c.start]] = None
    return list(dict.fromkeys(c.embed_text for c in chunks)), list(sentences)


def bench_build(b: Bench) -> dict:
    from parisqa.config import Settings
    from parisqa.corpus.tokens import count_wordpieces
    from parisqa.index.build import build_index

    corpus, info = b.corpus("build")
    backends = ["onnx"] if b.quick else ["onnx", "torch"]
    out: dict[str, Any] = {"corpus": info, "backends": {}}
    texts = None
    for backend in backends:
        embedder = b.onnx() if backend == "onnx" else b.torch()
        build_s, raw_s = [], []
        for run in range(b.runs):
            index_dir = b.work / "tmp-build-index"
            shutil.rmtree(index_dir, ignore_errors=True)
            gc.collect()
            t = time.perf_counter()
            summary = build_index(Settings(corpus_dir=corpus, index_dir=index_dir), embedder=embedder)
            build_s.append(time.perf_counter() - t)
            if texts is None:
                texts, sentence_texts = _embedded_texts(index_dir)
            shutil.rmtree(index_dir, ignore_errors=True)
            gc.collect()
            # Floor: the model alone on the same texts the build embeds: every chunk and, for answer
            # extraction, every sentence (computed at index time so queries never embed them).
            t = time.perf_counter()
            embedder.encode(texts + sentence_texts)
            raw_s.append(time.perf_counter() - t)
            log(
                f"build {backend} run {run + 1}: {summary.chunks} chunks in {build_s[-1]:.1f} s; raw encode of "
                f"{len(texts)} chunks + {len(sentence_texts)} sentences {raw_s[-1]:.1f} s"
            )
        pieces = sum(min(n, 256) for n in count_wordpieces(texts + sentence_texts, embedder.folder))
        chunks = len(texts)
        out["chunks"], out["sentences"], out["wordpieces"] = chunks, len(sentence_texts), pieces
        out["backends"][backend] = {
            "build_seconds": stats(build_s),
            "raw_encode_seconds": stats(raw_s),
            "build_chunks_per_s": chunks / statistics.median(build_s),
            "build_wordpieces_per_s": pieces / statistics.median(build_s),
            "raw_chunks_per_s": chunks / statistics.median(raw_s),
            "raw_wordpieces_per_s": pieces / statistics.median(raw_s),
            "ratio_to_raw": statistics.median(raw_s) / statistics.median(build_s),
        }
    fastest = max(out["backends"].values(), key=lambda r: r["raw_chunks_per_s"])
    out["fastest_raw_chunks_per_s"] = fastest["raw_chunks_per_s"]
    return out
