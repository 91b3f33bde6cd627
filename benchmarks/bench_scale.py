"""Section 11: build at scale (issue 22): parisqa's builds against txtai on the same chunk texts, in one run.

Every figure here is measured in the same process run, interleaved run by run, so the ratios hold on a
busy shared machine even when absolute times do not:

- txtai indexing the chunk texts a parisqa build embeds (its own venv, ``peer_txtai.py``);
- parisqa's serial build: ``minilm`` (fp32 ONNX) and ``minilm-int8``, from an empty index folder;
- what the answer step's sentence vectors cost: the raw encode of the chunk texts alone against the
  chunk texts plus the distinct sentences (int8);
- the build on Ray Data (``parisqa.index.distributed``) on a local Ray instance with 1 and 2 actors
  (``minilm-int8``), Ray's own start-up excluded (paid once per cluster), the actors' start and model
  load included (paid by every build).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import time
from typing import Any

from bench_build import _embedded_texts
from bench_peer import peer_python
from common import HERE, Bench, log, stats


def _build(settings, embedder) -> float:
    from parisqa.index.build import build_index

    shutil.rmtree(settings.index_dir, ignore_errors=True)
    t = time.perf_counter()
    build_index(settings, embedder=embedder)
    return time.perf_counter() - t


def bench_scale(b: Bench) -> dict:
    from parisqa.config import Settings
    from parisqa.embed.encoder import Embedder

    corpus, info = b.corpus("build")
    fp32 = b.onnx()
    int8 = Embedder(backend="onnx", cache_dir=b.model_cache, precision="int8")
    int8.warm_up()
    serial = Settings(corpus_dir=corpus, index_dir=b.work / "scale-fp32")
    quant = Settings(corpus_dir=corpus, index_dir=b.work / "scale-int8", model="minilm-int8")
    _build(serial, fp32)
    texts, sentences = _embedded_texts(serial.index_dir)
    chunks = len(texts)
    payload = b.work / "scale-peer-input.json"
    payload.write_text(json.dumps({"texts": texts, "questions": ["what is it?"], "model": str(fp32.folder), "runs": 1}))
    python = peer_python(b)
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")

    ray_out: dict[str, Any] = {}
    try:
        import ray

        from parisqa.index.distributed import RayEmbedder

        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report over the network
        ray.init(num_cpus=os.cpu_count(), include_dashboard=False, log_to_driver=False)
        rays = {n: RayEmbedder("local", model="minilm-int8", actors=n, batch_size=64) for n in (1, 2)}
        # Ray itself starts outside the timings (paid once per cluster); each build still starts its own
        # actors and loads the model in each, as a real build does.
        rays[1].encode(texts[:8])
    except ImportError:
        rays = {}
        ray_out["error"] = "Ray is not installed (pip install 'parisqa[ray]')"

    times: dict[str, list[float]] = {"txtai": [], "fp32": [], "int8": [], "raw_int8_chunks": [], "raw_int8_all": []}
    times.update({f"ray{n}": [] for n in rays})
    for run in range(b.runs):
        r = subprocess.run(
            [str(python), str(HERE / "peer_txtai.py"), str(payload)], capture_output=True, text=True, env=env
        )
        if r.returncode != 0:
            return {"error": r.stderr[-3000:]}
        times["txtai"].append(json.loads(r.stdout.strip().splitlines()[-1])["build_seconds"]["median"])
        times["fp32"].append(_build(serial, fp32))
        times["int8"].append(_build(quant, int8))
        t = time.perf_counter()
        int8.encode(texts)
        times["raw_int8_chunks"].append(time.perf_counter() - t)
        t = time.perf_counter()
        int8.encode(texts + sentences)
        times["raw_int8_all"].append(time.perf_counter() - t)
        for n, embedder in rays.items():
            settings = Settings(corpus_dir=corpus, index_dir=b.work / f"scale-ray{n}", model="minilm-int8")
            times[f"ray{n}"].append(_build(settings, embedder))
        log(f"scale run {run + 1}: { ({k: round(v[-1], 1) for k, v in times.items() if v}) }")
    if rays:
        import ray

        ray.shutdown()
    med = {k: statistics.median(v) for k, v in times.items() if v}
    rate = {k: chunks / v for k, v in med.items()}
    out: dict[str, Any] = {
        "corpus": info,
        "chunks": chunks,
        "sentences": len(sentences),
        "seconds": {k: stats(v) for k, v in times.items() if v},
        "seconds_runs": {k: v for k, v in times.items() if v},
        "chunks_per_s": rate,
        "ratio_to_txtai": {k: med["txtai"] / v for k, v in med.items() if k != "txtai"},
        "sentence_share_of_encode": 1 - med["raw_int8_chunks"] / med["raw_int8_all"],
        "cpus": os.cpu_count(),
    }
    if rays:
        out["ray"] = {
            f"actors_{n}": {"chunks_per_s": rate[f"ray{n}"], "ratio_to_serial_int8": med["int8"] / med[f"ray{n}"]}
            for n in rays
        }
        out["per_core_chunks_per_s"] = rate[f"ray{max(rays)}"] / max(rays)
    out.update(ray_out)
    return out
