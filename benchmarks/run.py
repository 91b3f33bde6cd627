"""Run every parisqa benchmark and write benchmarks/RESULTS.md and RESULTS.json.

Usage (from the repository root)::

    .venv/bin/python benchmarks/run.py            # everything (first run prepares corpora: long)
    .venv/bin/python benchmarks/run.py --quick    # smoke test: seed corpus, small sizes, ~30 s
    .venv/bin/python benchmarks/run.py --only query,search

Every figure is measured ``--runs`` times (median, min, max reported) together with its floor — the
bare operation it cannot beat — in the same run, so the ratio holds even on a busy machine. Generated
corpora, cached embeddings and prepared indexes live under ``benchmarks/work/`` (git-ignored); delete
it to start from scratch.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpora  # noqa: E402
import numpy as np  # noqa: E402
import questions  # noqa: E402
import vectorcache  # noqa: E402

SECTIONS = ("build", "incremental", "query", "search", "cold", "memory", "peer")
TXTAI_VERSION = "9.14.0"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def stats(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def code_stamp() -> str:
    """Hash of parisqa's source: prepared indexes are rebuilt when the code that wrote them changed."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "src" / "parisqa").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def machine_info() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    versions = {}
    for name in (
        "parisqa",
        "torch",
        "onnxruntime",
        "faiss-cpu",
        "sentence-transformers",
        "transformers",
        "tokenizers",
        "numpy",
        "gradio",
        "bm25s",
    ):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=ROOT, capture_output=True, text=True)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "git_commit": commit.stdout.strip() + (" (src modified)" if dirty.stdout.strip() else ""),
        "load_average_start": os.getloadavg(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


class Bench:
    """Shared state: paths, embedders (loaded once), prepared corpora and indexes."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick = args.quick
        self.runs = args.runs or (1 if args.quick else 3)
        self.work = Path(args.work).resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.model_cache = self.work / "model-cache"
        # Every engine and child process of the run uses this ONNX cache, not the user's.
        os.environ["PARISQA_MODEL_CACHE"] = str(self.model_cache)
        self.results: dict[str, Any] = {}
        self._onnx = None
        self._torch = None
        self._cache = None

    # --- embedders -------------------------------------------------------------------------
    def onnx(self):
        if self._onnx is None:
            from parisqa.embedding import Embedder

            log("loading the ONNX embedder (exports from the bundled weights the first time)")
            self._onnx = Embedder(backend="onnx", cache_dir=self.model_cache)
            self._onnx.warm_up()
        return self._onnx

    def torch(self):
        if self._torch is None:
            from parisqa.embedding import Embedder

            log("loading the torch embedder")
            self._torch = Embedder(backend="torch")
            self._torch.warm_up()
        return self._torch

    def vector_cache(self):
        if self._cache is None:
            from parisqa.embedding import model_info

            self._cache = vectorcache.VectorCache(self.work / "vectors" / model_info().weights_sha256[:16])
        return self._cache

    # --- corpora and prepared indexes ------------------------------------------------------
    def corpus(self, name: str) -> tuple[Path, dict]:
        if name == "seed" or (name == "build" and self.quick):
            return ROOT / "corpus", {"chunks": None, "sources": {"seed article": 1}}
        sizes = {"build": self.build_size(), "10k": 10_000, "100k": 100_000}
        folder = self.work / f"corpus-{name}-{sizes[name]}"
        t = time.perf_counter()
        info = corpora.make_corpus(folder, sizes[name])
        if time.perf_counter() - t > 1:
            log(f"corpus {name}: {info['chunks']:,} chunks from {info['files']:,} files")
        return folder, info

    def build_size(self) -> int:
        return self.args.build_chunks or (60 if self.quick else 2000)

    def prepared(self, name: str, synthesize: bool = False):
        """Settings of an index over corpus ``name``, built from cached embeddings (real where
        cached; synthetic for texts the cache lacks when ``synthesize``)."""
        from parisqa.config import Settings
        from parisqa.indexer import build_index

        corpus, info = self.corpus(name)
        index = self.work / f"index-{name}"
        stamp_path = index / ".bench-stamp"
        stamp = f"{code_stamp()} synth={synthesize}"
        if not stamp_path.exists() or stamp_path.read_text() != stamp:
            shutil.rmtree(index, ignore_errors=True)
        settings = Settings(corpus_dir=corpus, index_dir=index)
        embedder = vectorcache.CachingEmbedder(self.onnx(), self.vector_cache(), log=log, synthesize=synthesize)
        t = time.perf_counter()
        summary = build_index(settings, embedder=embedder)
        if summary.rebuilt:
            log(
                f"prepared index-{name}: {summary.chunks:,} chunks in {time.perf_counter() - t:.0f} s "
                f"({embedder.embedded:,} embedded by the model, {embedder.synthesized:,} synthetic)"
            )
        stamp_path.write_text(stamp)
        self.link_model_cache(index)
        return settings, summary, info, embedder.synthesized

    def link_model_cache(self, index: Path) -> None:
        """Make sure the run's ONNX cache holds the export, as a first ``ask`` on ``index`` would."""
        del index  # the cache is per user (PARISQA_MODEL_CACHE), not per index
        self.onnx()


# --- 1. build throughput -------------------------------------------------------------------------
def _embedded_texts(index_dir: Path) -> tuple[list[str], list[str]]:
    """The chunk texts and the distinct sentence texts an index build sends to the model."""
    from parisqa.indexer import SENTENCES
    from parisqa.sentences import SentenceTable
    from parisqa.store import load_index

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
    from parisqa.indexer import build_index
    from parisqa.tokens import count_wordpieces

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


# --- 2. incremental and unchanged rebuilds ----------------------------------------------------------
def bench_incremental(b: Bench) -> dict:
    from parisqa.config import Settings
    from parisqa.indexer import build_index

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


def prepare_seed(b: Bench):
    from parisqa.config import Settings
    from parisqa.indexer import build_index

    index = b.work / "index-seed"
    stamp = code_stamp()
    if not (index / ".bench-stamp").exists() or (index / ".bench-stamp").read_text() != stamp:
        shutil.rmtree(index, ignore_errors=True)
    settings = Settings(corpus_dir=ROOT / "corpus", index_dir=index)
    summary = build_index(settings, embedder=b.onnx())
    (index / ".bench-stamp").write_text(stamp)
    b.link_model_cache(index)
    return settings, summary, {"chunks": summary.chunks}, 0


# --- 3. query latency -----------------------------------------------------------------------------
def load_breakdown(index_dir: Path) -> dict:
    """Seconds for each part of loading an index: read, sha256, chunk parse, FAISS deserialise."""
    from parisqa import store
    from parisqa import vectors as vector_index

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


# --- 4. search stage at scale ---------------------------------------------------------------------------
def bench_search(b: Bench) -> dict:
    import faiss

    from parisqa import vectors as vector_index

    cache = b.vector_cache()
    if len(cache) < 1000 and not b.quick:
        b.prepared("10k")  # embeds the 10k corpus once: the real vectors everything else derives from
    base = cache.all_vectors()
    if len(base) < 1000:
        from parisqa.store import load_index

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


# --- 5. cold start ------------------------------------------------------------------------------------
def _wall(cmd: list[str], env: dict | None = None, timeout: float = 600) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT)
    return time.perf_counter() - t, result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FLOOR_SCRIPT = """
import sys
{imports}
from parisqa.embedding import Embedder
e = Embedder(backend="{backend}", cache_dir=sys.argv[1])
e.encode(["warm up"])
"""


def web_first_answer(env: dict, question: str, timeout: float = 300) -> float:
    """Seconds from launching ``app.py`` to its first answer over the /ask API."""
    from gradio_client import Client

    port = _free_port()
    t = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"app.py exited with {proc.returncode}: {proc.stderr.read()[-2000:]}")
            if time.perf_counter() - t > timeout:
                raise RuntimeError("app.py did not answer in time")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    pass
            except OSError:
                time.sleep(0.05)
                continue
            try:
                client = Client(f"http://127.0.0.1:{port}/", verbose=False)
                result = client.predict(question, api_name="/ask")
            except Exception:  # not ready yet (the API answers only once the app is built)
                time.sleep(0.05)
                continue
            if result:
                return time.perf_counter() - t
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def bench_cold(b: Bench) -> dict:
    settings, *_ = prepare_seed(b)
    env = dict(
        os.environ,
        PARISQA_CORPUS=str(settings.corpus_dir),
        PARISQA_INDEX=str(settings.index_dir),
        GRADIO_ANALYTICS_ENABLED="False",
    )
    script = str(Path(sys.executable).with_name("parisqa"))
    q = "Why is ethical AI important?"
    out: dict[str, Any] = {}
    runs = max(b.runs, 3) if not b.quick else 1
    py, helps, asks = [], [], []
    for _ in range(runs):
        py.append(_wall([sys.executable, "-c", "pass"], env)[0])
        s, r = _wall([script, "--help"], env)
        assert r.returncode == 0, r.stderr
        helps.append(s)
    out["python_startup_seconds"] = stats(py)
    out["help_seconds"] = stats(helps)
    if b.quick:
        return out
    floor_onnx, floor_torch, floor_web, webs = [], [], [], []

    def floor(imports: str, backend: str, cache: str) -> float:
        s, r = _wall([sys.executable, "-c", FLOOR_SCRIPT.format(imports=imports, backend=backend), cache], env)
        assert r.returncode == 0, r.stderr
        return s

    model_cache = str(b.model_cache)
    for _ in range(runs):
        s, r = _wall([script, "ask", "--json", "--no-build", q], env)
        assert r.returncode == 0, r.stderr
        asks.append(s)
        floor_onnx.append(floor("", "onnx", model_cache))
        floor_web.append(floor("import gradio", "onnx", model_cache))
        # The web start is timed in the same round as its floor, so both see the same machine load.
        webs.append(web_first_answer(env, q))
        log(
            f"cold: ask {asks[-1]:.2f} s (python + model {floor_onnx[-1]:.2f} s); web start to first answer "
            f"{webs[-1]:.2f} s (python + import gradio + model {floor_web[-1]:.2f} s)"
        )
    s, r = _wall([sys.executable, "-c", FLOOR_SCRIPT.format(imports="", backend="torch"), "/nonexistent"], env)
    floor_torch.append(s)
    out["ask_one_shot_seconds"] = stats(asks)
    out["python_plus_model_load_seconds"] = stats(floor_onnx)
    out["python_plus_torch_model_load_seconds"] = stats(floor_torch)
    out["ratio_ask_to_model_load"] = statistics.median(asks) / statistics.median(floor_onnx)
    out["web_first_answer_seconds"] = stats(webs)
    out["import_gradio_plus_model_load_seconds"] = stats(floor_web)
    out["ratio_web_to_gradio_plus_model"] = statistics.median(webs) / statistics.median(floor_web)
    return out


# --- 6. memory and disk -----------------------------------------------------------------------------------
MEMORY_SCRIPT = """
import json, sys
from parisqa.api import Engine
from parisqa.config import Settings

def high_water():
    # VmHWM, not ru_maxrss: after fork, ru_maxrss starts from the (large) parent's figure.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024

engine = Engine(Settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2]), auto_build=False)
engine.index()
loaded = high_water()
for q in json.loads(sys.argv[3]):
    engine.ask(q)
print(json.dumps({"peak_rss_bytes": high_water(), "after_index_load_bytes": loaded, "backend": engine.embedder.backend}))
"""


def bench_memory(b: Bench) -> dict:
    level = "seed" if b.quick else ("10k" if b.args.skip_100k else "100k")
    if level == "seed":
        settings, summary, *_ = prepare_seed(b)
    else:
        settings, summary, *_ = b.prepared(level, synthesize=level == "100k")
    peak, loaded = [], []
    for _ in range(1 if b.quick else 2):
        _, r = _wall(
            [
                sys.executable,
                "-c",
                MEMORY_SCRIPT,
                str(settings.corpus_dir),
                str(settings.index_dir),
                json.dumps(questions.GENERAL[:20]),
            ]
        )
        assert r.returncode == 0, r.stderr
        report_ = json.loads(r.stdout.strip().splitlines()[-1])
        peak.append(report_["peak_rss_bytes"])
        loaded.append(report_["after_index_load_bytes"])
    from parisqa import store

    manifest = store.read_manifest(settings.index_dir)
    files = {name: entry["size"] for name, entry in manifest["data"].items()}
    total = sum(files.values()) + (settings.index_dir / "manifest.json").stat().st_size
    return {
        "level": level,
        "chunks": summary.chunks,
        "peak_rss_bytes": stats(peak),
        "peak_rss_after_index_load_bytes": stats(loaded),
        "disk_bytes": total,
        "disk_bytes_per_chunk": total / summary.chunks,
        "files_bytes_per_chunk": {k: v / summary.chunks for k, v in files.items()},
        "model_cache_bytes": sum(p.stat().st_size for p in b.model_cache.rglob("*") if p.is_file()),
    }


# --- 7. a peer: txtai --------------------------------------------------------------------------------------
def peer_python(b: Bench) -> Path:
    """A separate venv for txtai; it sees parisqa's packages (torch, faiss...) through a .pth file."""
    venv = b.work / "peer-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = subprocess.run(
        [str(python), "-c", "import site; print(site.getsitepackages()[0])"], capture_output=True, text=True, check=True
    ).stdout.strip()
    ours = subprocess.run(
        [sys.executable, "-c", "import site; print(site.getsitepackages()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "parisqa_env.pth").write_text(ours + "\n")
    probe = subprocess.run([str(python), "-c", "import txtai"], capture_output=True, text=True)
    if probe.returncode != 0:
        log(f"installing txtai {TXTAI_VERSION} into {venv} (benchmark only)")
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--no-deps", f"txtai=={TXTAI_VERSION}", "msgpack"], check=True
        )
    return python


def bench_peer(b: Bench) -> dict:
    from parisqa.store import load_index

    python = peer_python(b)
    corpus, info = b.corpus("build")
    build = b.results.get("build")
    # The same chunk texts parisqa embeds (heading path + text), from a build of the same corpus.
    from parisqa.config import Settings
    from parisqa.indexer import build_index

    index_dir = b.work / "index-build"
    build_index(Settings(corpus_dir=corpus, index_dir=index_dir), embedder=b.onnx())
    texts = [c.embed_text for c in load_index(index_dir).chunks]
    payload = b.work / "peer-input.json"
    payload.write_text(
        json.dumps(
            {
                "texts": texts,
                "questions": questions.GENERAL + questions.SEED,
                "model": str(b.onnx().folder),
                "runs": b.runs,
            }
        )
    )
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    t = time.perf_counter()
    r = subprocess.run(
        [str(python), str(HERE / "peer_txtai.py"), str(payload)], capture_output=True, text=True, env=env, timeout=7200
    )
    if r.returncode != 0:
        return {"error": r.stderr[-3000:]}
    peer = json.loads(r.stdout.strip().splitlines()[-1])
    log(f"peer txtai done in {time.perf_counter() - t:.0f} s")
    # parisqa on the very same index, for the side-by-side query figure.
    from parisqa.api import Engine

    engine = Engine(Settings(corpus_dir=corpus, index_dir=index_dir), embedder=b.onnx(), auto_build=False)
    qs = questions.GENERAL + questions.SEED
    engine.ask(qs[0])
    p50 = []
    for _ in range(b.runs):
        lat = []
        for q in qs:
            t = time.perf_counter()
            engine.ask(q)
            lat.append(time.perf_counter() - t)
        p50.append(pct(lat, 50))
    ours = {
        "query_p50_seconds": stats(p50),
        "build_chunks_per_s": (build or {}).get("backends", {}).get("onnx", {}).get("build_chunks_per_s"),
        "build_chunks_per_s_torch": (build or {}).get("backends", {}).get("torch", {}).get("build_chunks_per_s"),
    }
    return {"chunks": len(texts), "txtai": peer, "parisqa": ours}


# --- report ---------------------------------------------------------------------------------------------------
def ms(x: float | None) -> str:
    return "–" if x is None else f"{x * 1000:.1f} ms"


def sec(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f} s"


def spread(s: dict, fmt=ms) -> str:
    return f"{fmt(s['median'])} ({fmt(s['min'])}–{fmt(s['max'])})" if s["n"] > 1 else fmt(s["median"])


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**not met**")


def report(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# parisqa benchmarks",
        "",
        f"Generated by `.venv/bin/python benchmarks/run.py{' --quick' if results['quick'] else ''}` on "
        f"{m['date']}; git {m['git_commit']}. Figures are the median of {results['runs']} run(s), with "
        "(min–max) where there were several; each ratio divides a figure by its floor measured in the same run.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['platform']}; Python {m['python']}. "
        f"Load average at start {tuple(round(v, 2) for v in m['load_average_start'])}, at end "
        f"{tuple(round(v, 2) for v in results['load_average_end'])} — above ~0.5 the machine was shared and the "
        "timings are noisy.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
    ]
    ran = results.get("section_ran_at", {})
    if ran:
        lines += [
            "Each section was measured at (1-minute load average then): "
            + "; ".join(f"{k} {v['date']} ({v['load_average'][0]:.1f})" for k, v in ran.items())
            + ".",
            "",
        ]
    targets: list[tuple[str, str, str, bool | None]] = []
    build = results.get("build")
    if build:
        lines += [
            "## Index build throughput",
            "",
            f"{build['chunks']:,} chunks ({build['wordpieces']:,} word pieces) of the benchmark corpus, a fresh index "
            "each run, model already loaded. Floor: the same backend's raw `encode` of the same texts the build "
            "embeds: every distinct chunk text and every distinct sentence (sentence embeddings for answer "
            "extraction are made at index time). Chunks/s counts chunks; word pieces/s counts all embedded text.",
            "",
            "| backend | build | chunks/s | word pieces/s | raw encode | raw chunks/s | raw word pieces/s | build / raw |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, r in build["backends"].items():
            lines.append(
                f"| {name} | {spread(r['build_seconds'], sec)} | {r['build_chunks_per_s']:.1f} | "
                f"{r['build_wordpieces_per_s']:,.0f} | {spread(r['raw_encode_seconds'], sec)} | "
                f"{r['raw_chunks_per_s']:.1f} | {r['raw_wordpieces_per_s']:,.0f} | {r['ratio_to_raw']:.2f}× |"
            )
        best = max(build["backends"].values(), key=lambda r: r["build_chunks_per_s"])
        ratio = best["build_chunks_per_s"] / build["fastest_raw_chunks_per_s"]
        targets.append(("index build ≥ 0.85× raw encode throughput", "≥ 0.85×", f"{ratio:.2f}×", ratio >= 0.85))
        lines.append("")
    inc = results.get("incremental")
    if inc:
        lines += [
            "## Incremental and unchanged rebuilds",
            "",
            "A copy of the prepared index; one file gets a new closing paragraph. Full build time is estimated from "
            "the build throughput above (chunks ÷ ONNX build chunks/s). No model load is included (unchanged "
            "rebuilds never load the model).",
            "",
            "| corpus | chunks | unchanged rebuild | one file changed | embedded | full build (est.) | changed / full |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        rate = ((results.get("build") or {}).get("backends", {}).get("onnx") or {}).get("build_chunks_per_s")
        for level, r in inc.items():
            full = r.get("full_build_seconds_estimated") or (r["chunks"] / rate if rate else None)
            if full:
                r = dict(r, ratio_to_full_build=r["one_file_changed_seconds"]["median"] / full)
            lines.append(
                f"| {level} | {r['chunks']:,} | {spread(r['unchanged_rebuild_seconds'], sec)} | "
                f"{spread(r['one_file_changed_seconds'], sec)} | {r['embedded_after_change']:.0f} | "
                f"{sec(full)} | {r.get('ratio_to_full_build', 0):.4f} |"
            )
            targets.append(
                (
                    f"unchanged rebuild < 2 s ({level})",
                    "< 2 s",
                    sec(r["unchanged_rebuild_seconds"]["median"]),
                    r["unchanged_rebuild_seconds"]["median"] < 2,
                )
            )
        lines.append("")
    query = results.get("query")
    if query:
        lines += [
            "## Query latency",
            "",
            "`Engine.ask` end to end in process (index loaded, model loaded, ONNX backend), p50/p95 over the "
            "questions in `benchmarks/questions.py`; floor: bare query embedding (`Embedder.encode([q])`) of each "
            "backend, interleaved with the asks.",
            "",
            "| corpus | chunks | FAISS | ask p50 | ask p95 | bare embed p50 (onnx) | bare embed p50 (torch) | "
            "p50 / fastest bare embed | embed / search / answer p50 | index load |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for level, r in query.items():
            floors = r["bare_embed_p50_seconds"]
            parts = r["parts_p50_seconds"]
            part_text = " / ".join(ms(parts.get(k)) for k in ("embed", "search", "answer") if k in parts)
            lines.append(
                f"| {level} | {r['chunks']:,} | {r['faiss']} | {spread(r['ask_p50_seconds'])} | "
                f"{spread(r['ask_p95_seconds'])} | {spread(floors['onnx'])} | "
                f"{spread(floors['torch']) if 'torch' in floors else '–'} | "
                f"{r['ratio_p50_to_fastest_bare_embed']:.2f}× | {part_text} | {sec(r['first_load_seconds'])} |"
            )
            ratio = r["ratio_p50_to_fastest_bare_embed"]
            targets.append((f"query p50 ≤ 1.5× bare embed ({level})", "≤ 1.5×", f"{ratio:.2f}×", ratio <= 1.5))
        lines += [
            "",
            "Index load breakdown (one pass, OS cache warm):",
            "",
            "| corpus | read | sha256 | chunks parse | FAISS deserialise | data bytes |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for level, r in query.items():
            d = r["load_breakdown_seconds"]
            lines.append(
                f"| {level} | {ms(d['read'])} | {ms(d['sha256'])} | {ms(d['chunks_parse'])} | "
                f"{ms(d['faiss_deserialize'])} | {sum(d['bytes'].values()):,} |"
            )
        synth = {k: r["synthetic_vectors"] for k, r in query.items() if r.get("synthetic_vectors")}
        if synth:
            lines += [
                "",
                "Vectors: "
                + "; ".join(
                    f"the {k} index holds real text, but {v:,} of its embeddings are synthetic (a real embedding from "
                    "the 10k level plus another at 0.3 weight plus noise, normalised; deterministic per text) so it "
                    "can be built in minutes; its latency and memory figures are fair, its answers are not"
                    for k, v in synth.items()
                )
                + ".",
            ]
        lines.append("")
    search = results.get("search")
    if search:
        info = search["index"]
        lines += [
            "## Search stage at scale",
            "",
            f"{search['vectors']:,} vectors derived from {search['real_base_vectors']:,} real chunk embeddings "
            "(each: a real embedding + 0.3 × another + Gaussian noise of norm 0.25, normalised), "
            f"{search['queries']} queries (real question embeddings, topped up with held-out perturbed vectors). "
            "Single-query search through `parisqa.vectors.search`; recall@10 against exact search.",
            "",
            f"Planned index: `{info['type']}` {json.dumps(info['params'])}; built in "
            f"{spread(search['build_seconds'], sec)}.",
            "",
            "| index | p50 | p95 | recall@10 |",
            "| --- | --- | --- | --- |",
            f"| {info['type']} | {spread(search['search_p50_seconds'])} | {spread(search['search_p95_seconds'])} | "
            f"{search['recall_at_10']:.3f} |",
            f"| exact IndexFlatIP | {spread(search['exact_flat_p50_seconds'])} | – | 1.000 |",
            "",
        ]
        if "nprobe_sweep" in search:
            lines += ["nprobe sweep on the same index:", "", "| nprobe | p50 | recall@10 |", "| --- | --- | --- |"]
            lines += [
                f"| {s['nprobe']} | {ms(s['p50_seconds'])} | {s['recall_at_10']:.3f} |" for s in search["nprobe_sweep"]
            ]
            lines.append("")
        lines += [
            f"Flat vs IVF by size (threshold in use: exact up to {search['flat_max_vectors']:,} vectors):",
            "",
            "| vectors | Flat p50 | IVF p50 | IVF recall@10 | nlist / nprobe |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += [
            f"| {t['vectors']:,} | {ms(t['flat_p50_seconds'])} | {ms(t['ivf_p50_seconds'])} | "
            f"{t['ivf_recall_at_10']:.3f} | {t['ivf_nlist']} / {t['ivf_nprobe']} |"
            for t in search["flat_vs_ivf_by_size"]
        ]
        lines.append("")
        if search["vectors"] >= 1_000_000:
            p50 = search["search_p50_seconds"]["median"]
            targets.append(("1M search p50 < 50 ms", "< 50 ms", ms(p50), p50 < 0.05))
            targets.append(
                ("1M recall@10 ≥ 0.95", "≥ 0.95", f"{search['recall_at_10']:.3f}", search["recall_at_10"] >= 0.95)
            )
    cold = results.get("cold")
    if cold:
        lines += [
            "## Cold start",
            "",
            "Wall time of fresh processes on the seed index (ONNX export already cached).",
            "",
            "| what | time | floor | ratio |",
            "| --- | --- | --- | --- |",
            f"| `parisqa --help` | {spread(cold['help_seconds'], sec)} | python start-up {spread(cold['python_startup_seconds'], sec)} | – |",
        ]
        if "ask_one_shot_seconds" in cold:
            lines += [
                f"| `parisqa ask --json` (one shot) | {spread(cold['ask_one_shot_seconds'], sec)} | python + ONNX model load "
                f"{spread(cold['python_plus_model_load_seconds'], sec)} | {cold['ratio_ask_to_model_load']:.2f}× |",
                f"| web app start → first answer | {spread(cold['web_first_answer_seconds'], sec)} | python + import gradio + "
                f"ONNX model load {spread(cold['import_gradio_plus_model_load_seconds'], sec)} | "
                f"{cold['ratio_web_to_gradio_plus_model']:.2f}× |",
                f"| (reference) python + torch model load | {spread(cold['python_plus_torch_model_load_seconds'], sec)} | – | – |",
            ]
            r = cold["ratio_web_to_gradio_plus_model"]
            targets.append(
                ("web start → first answer ≤ 1.3× (import gradio + model load)", "≤ 1.3×", f"{r:.2f}×", r <= 1.3)
            )
        h = cold["help_seconds"]["median"]
        targets.append(("`parisqa --help` < 0.5 s", "< 0.5 s", sec(h), h < 0.5))
        lines.append("")
    mem = results.get("memory")
    if mem:
        lines += [
            "## Memory and disk",
            "",
            f"Serving the {mem['level']} index ({mem['chunks']:,} chunks) in a fresh process, 20 questions: peak RSS "
            f"{spread(mem['peak_rss_bytes'], lambda x: f'{x / 2**20:,.0f} MiB')} (VmHWM; "
            f"{mem.get('peak_rss_after_index_load_bytes', {}).get('median', 0) / 2**20:,.0f} MiB once the index was "
            "loaded, before the model). On disk: "
            f"{mem['disk_bytes'] / 2**20:,.1f} MiB, {mem['disk_bytes_per_chunk']:,.0f} bytes per chunk ("
            + ", ".join(f"{k} {v:,.0f}" for k, v in mem["files_bytes_per_chunk"].items())
            + f"); the ONNX model cache beside it: {mem['model_cache_bytes'] / 2**20:,.0f} MiB.",
            "",
        ]
    peer = results.get("peer")
    if peer:
        lines += ["## Peer: txtai", ""]
        if "error" in peer:
            lines += ["txtai could not run: ```" + peer["error"][-500:] + "```", ""]
        else:
            t, o = peer["txtai"], dict(peer["parisqa"])
            built = (results.get("build") or {}).get("backends", {})
            o["build_chunks_per_s"] = built.get("onnx", {}).get("build_chunks_per_s")
            o["build_chunks_per_s_torch"] = built.get("torch", {}).get("build_chunks_per_s")
            lines += [
                f"txtai {t.get('version')} in its own venv, `Embeddings(path=<local model folder>)` on the same "
                f"{peer['chunks']:,} chunk texts, model loaded from the bundled folder, offline.",
                "",
                "| | build chunks/s | query p50 |",
                "| --- | --- | --- |",
                f"| txtai ({t.get('method', '')}) | {t['build_chunks_per_s']:.1f} | {spread(t['query_p50_seconds'])} |",
                f"| parisqa (ONNX) | {o['build_chunks_per_s'] or 0:.1f} | {spread(o['query_p50_seconds'])} |",
                f"| parisqa (torch) | {o['build_chunks_per_s_torch'] or 0:.1f} | – |",
                "",
                "txtai's query is a vector search returning ids and scores; parisqa's is a full answer with citations.",
                "",
            ]
    if targets:
        lines += ["## Targets", "", "| target | wanted | measured | |", "| --- | --- | --- | --- |"]
        lines += [f"| {name} | {want} | {got} | {verdict(ok)} |" for name, want, got, ok in targets]
        lines.append("")
    lines += [
        "## Re-running",
        "",
        "On a quiet machine (nothing else running; `uptime` load near 0):",
        "",
        "```sh",
        ".venv/bin/python benchmarks/run.py            # everything; corpora and vectors are cached in benchmarks/work/",
        ".venv/bin/python benchmarks/run.py --only query --runs 5",
        "```",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke test: seed corpus, small sizes, one run")
    parser.add_argument("--only", help=f"comma-separated sections from {', '.join(SECTIONS)}")
    parser.add_argument("--runs", type=int, help="repetitions per figure (default 3; 1 with --quick)")
    parser.add_argument("--work", default=str(HERE / "work"), help="cache folder (default benchmarks/work)")
    parser.add_argument("--out", default=str(HERE), help="where RESULTS.md/.json go (default benchmarks/)")
    parser.add_argument("--build-chunks", type=int, help="chunks in the build-throughput corpus (default 2000)")
    parser.add_argument("--search-vectors", type=int, help="vectors in the search benchmark (default 1,000,000)")
    parser.add_argument("--skip-100k", action="store_true", help="leave out the 100k-chunk level")
    parser.add_argument("--report-only", action="store_true", help="rewrite RESULTS.md from RESULTS.json, run nothing")
    args = parser.parse_args(argv)
    chosen = SECTIONS if not args.only else tuple(s.strip() for s in args.only.split(","))
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {', '.join(SECTIONS)}")
    if args.quick and not args.only:
        chosen = tuple(s for s in SECTIONS if s != "peer")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    out = Path(args.out)
    if args.report_only:
        (out / "RESULTS.md").write_text(report(json.loads((out / "RESULTS.json").read_text())))
        return 0
    b = Bench(args)
    results: dict[str, Any] = {"machine": machine_info(), "quick": args.quick, "runs": b.runs}
    b.results = results
    if args.only and (out / "RESULTS.json").exists():
        # Sections run now may lean on earlier ones (e.g. build throughput for the full-build estimate).
        earlier = json.loads((out / "RESULTS.json").read_text())
        b.results.update({name: earlier[name] for name in SECTIONS if name in earlier and name not in chosen})
    funcs = {
        "build": bench_build,
        "incremental": bench_incremental,
        "query": bench_query,
        "search": bench_search,
        "cold": bench_cold,
        "memory": bench_memory,
        "peer": bench_peer,
    }
    out.mkdir(parents=True, exist_ok=True)
    previous = out / "RESULTS.json"
    old = json.loads(previous.read_text()) if previous.exists() else {}
    started = time.perf_counter()

    def save() -> None:
        # Written after every section, so a run stopped half-way keeps what it measured; sections not
        # re-run this time keep their earlier figures.
        done = dict(results)
        for name in SECTIONS:
            if name not in done and name in old:
                done[name] = old[name]
                for key in ("section_seconds", "section_ran_at"):
                    if name in old.get(key, {}):
                        done.setdefault(key, {})[name] = old[key][name]
        done["load_average_end"] = os.getloadavg()
        done["total_seconds"] = time.perf_counter() - started
        (out / "RESULTS.json").write_text(json.dumps(done, indent=1, default=float) + "\n")
        (out / "RESULTS.md").write_text(report(done))

    for name in SECTIONS:
        if name in chosen:
            log(f"== {name}")
            t = time.perf_counter()
            results[name] = funcs[name](b)
            results.setdefault("section_seconds", {})[name] = time.perf_counter() - t
            results.setdefault("section_ran_at", {})[name] = {
                "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                "load_average": os.getloadavg(),
            }
            save()
    log(f"wrote {out / 'RESULTS.md'} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
