"""Section 2: incremental and unchanged rebuilds."""

from __future__ import annotations

import os
import shutil
import statistics
import time

from common import Bench, log, prepare_seed, stats


# --- 2. incremental and unchanged rebuilds ----------------------------------------------------------
def bench_incremental(b: Bench) -> dict:
    from parisqa.config import Settings
    from parisqa.index.build import build_index

    levels = ["seed"] if b.quick else ["10k"] + (["100k"] if not b.args.skip_100k else [])
    out = {}
    build = b.results.get("build", {})
    throughput = build.get("backends", {}).get("onnx", {}).get("build_chunks_per_s")
    for level in levels:
        if level == "seed":
            settings, summary, info, synthetic = prepare_seed(b)
        else:
            settings, summary, info, synthetic = b.prepared(level, synthesize=level == "100k")
        work_corpus = b.work / f"inc-corpus-{level}"
        work_index = b.work / f"inc-index-{level}"
        unchanged_s, changed_s, embedded = [], [], []
        for run in range(b.runs):
            for p in (work_corpus, work_index):
                shutil.rmtree(p, ignore_errors=True)
            shutil.copytree(settings.corpus_dir, work_corpus, copy_function=os.link)
            shutil.copytree(settings.index_dir, work_index, copy_function=os.link)
            s = Settings(corpus_dir=work_corpus, index_dir=work_index)
            # Copying resets mtimes: one pass lets the manifest learn them (not timed).
            build_index(s, embedder=b.onnx())
            t = time.perf_counter()
            unchanged = build_index(s, embedder=b.onnx())
            unchanged_s.append(time.perf_counter() - t)
            assert unchanged.rebuilt is False, unchanged
            files = sorted(p for p in work_corpus.rglob("*.txt") if p.is_file())
            victim = files[len(files) // 3]
            text = victim.read_text(encoding="utf-8")
            victim.unlink()  # a hard link: never write through it into the shared corpus
            victim.write_text(text + f"\nAdded in benchmark run {run}: a new closing paragraph.\n", encoding="utf-8")
            t = time.perf_counter()
            changed = build_index(s, embedder=b.onnx())
            changed_s.append(time.perf_counter() - t)
            embedded.append(changed.embedded)
            log(
                f"incremental {level} run {run + 1}: unchanged {unchanged_s[-1]:.2f} s, one file changed "
                f"{changed_s[-1]:.2f} s ({changed.embedded} embedded)"
            )
        for p in (work_corpus, work_index):
            shutil.rmtree(p, ignore_errors=True)
        chunks = summary.chunks
        out[level] = {
            "chunks": chunks,
            "synthetic_vectors": synthetic,
            "unchanged_rebuild_seconds": stats(unchanged_s),
            "one_file_changed_seconds": stats(changed_s),
            "embedded_after_change": statistics.median(embedded),
            "full_build_seconds_estimated": chunks / throughput if throughput else None,
        }
        if throughput:
            out[level]["ratio_to_full_build"] = statistics.median(changed_s) / (chunks / throughput)
    return out
