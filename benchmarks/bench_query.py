"""Section 3: query latency (seed, 10k, 100k chunks), with the index-load breakdown."""

from __future__ import annotations

import gc
import hashlib
import json
import statistics
import time
from pathlib import Path

import questions
from common import Bench, log, pct, prepare_seed, stats


# --- 3. query latency -----------------------------------------------------------------------------
def load_breakdown(index_dir: Path) -> dict:
    """Seconds for each part of loading an index: read, sha256, chunk parse, FAISS deserialise."""
    from parisqa.index import store
    from parisqa.index import vectors as vector_index

    manifest = store.read_manifest(index_dir)
    gen = index_dir / manifest["generation"]
    out = {}
    t = time.perf_counter()
    blobs = {name: (gen / name).read_bytes() for name in manifest["data"]}
    out["read"] = time.perf_counter() - t
    t = time.perf_counter()
    for data in blobs.values():
        hashlib.sha256(data).hexdigest()
    out["sha256"] = time.perf_counter() - t
    t = time.perf_counter()
    chunks = store.parse_chunks(blobs[store.CHUNKS]) if hasattr(store, "parse_chunks") else None
    if chunks is None:
        from parisqa.records import Chunk

        chunks = [Chunk.from_dict(json.loads(line)) for line in blobs[store.CHUNKS].decode().splitlines() if line]
    len(chunks)
    out["chunks_parse"] = time.perf_counter() - t
    t = time.perf_counter()
    vector_index.deserialize(blobs[store.VECTORS])
    out["faiss_deserialize"] = time.perf_counter() - t
    out["bytes"] = {name: len(data) for name, data in blobs.items()}
    return out


def bench_query(b: Bench) -> dict:
    from parisqa.api import Engine

    levels = ["seed"] if b.quick else ["seed", "10k"] + (["100k"] if not b.args.skip_100k else [])
    embedder = b.onnx()
    floors = {"onnx": embedder}
    if not b.quick:
        floors["torch"] = b.torch()
    out = {}
    for level in levels:
        if level == "seed":
            settings, summary, info, synthetic = prepare_seed(b)
            qs = questions.SEED + questions.GENERAL[:10]
        else:
            settings, summary, info, synthetic = b.prepared(level, synthesize=level == "100k")
            qs = questions.GENERAL + questions.SEED[:10]
        if b.quick:
            qs = qs[:12]
        engine = Engine(settings, embedder=embedder, auto_build=False)
        gc.collect()
        t = time.perf_counter()
        engine.index()
        first_load = time.perf_counter() - t
        breakdown = load_breakdown(settings.index_dir)
        engine.ask(qs[0])  # warm: first call allocates
        for q in qs[:3]:
            for e in floors.values():
                e.encode([q])
        ask_p50, ask_p95, floor_p50 = [], [], {name: [] for name in floors}
        parts: dict[str, list[float]] = {}
        for run in range(b.runs):
            lat, flo = [], []
            for q in qs:
                # Interleaved, so the floor and the full ask see the same machine load.
                t = time.perf_counter()
                embedder.encode([q])
                flo.append(time.perf_counter() - t)
                t = time.perf_counter()
                answer = engine.ask(q)
                lat.append(time.perf_counter() - t)
                for key, ms in answer.timings_ms.items():
                    parts.setdefault(key, []).append(ms / 1000)
            ask_p50.append(pct(lat, 50))
            ask_p95.append(pct(lat, 95))
            floor_p50["onnx"].append(pct(flo, 50))
            # torch apart: its OpenMP threads keep spinning after each call and would slow the next ask.
            for name, e in floors.items():
                if name != "onnx":
                    flo = []
                    for q in qs:
                        t = time.perf_counter()
                        e.encode([q])
                        flo.append(time.perf_counter() - t)
                    floor_p50[name].append(pct(flo, 50))
            log(
                f"query {level} run {run + 1}: ask p50 {ask_p50[-1] * 1000:.1f} ms, p95 {ask_p95[-1] * 1000:.1f} ms; "
                + ", ".join(f"bare {n} embed p50 {floor_p50[n][-1] * 1000:.1f} ms" for n in floors)
            )
        best_floor = min(statistics.median(v) for v in floor_p50.values())
        out[level] = {
            "chunks": summary.chunks,
            "synthetic_vectors": synthetic,
            "questions": len(qs),
            "faiss": engine.index().manifest.get("faiss", {}).get("type"),
            "first_load_seconds": first_load,
            "load_breakdown_seconds": breakdown,
            "ask_p50_seconds": stats(ask_p50),
            "ask_p95_seconds": stats(ask_p95),
            "bare_embed_p50_seconds": {n: stats(v) for n, v in floor_p50.items()},
            "parts_p50_seconds": {k: pct(v, 50) for k, v in parts.items()},
            "ratio_p50_to_fastest_bare_embed": statistics.median(ask_p50) / best_floor,
        }
        del engine
        gc.collect()
    return out
