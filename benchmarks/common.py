"""What every benchmark section shares: paths, statistics, the machine's description, and :class:`Bench`.

``Bench`` holds the state sections share: the arguments, the embedders (loaded once), the generated
corpora and the prepared indexes under ``benchmarks/work/``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import corpora  # noqa: E402
import numpy as np  # noqa: E402
import vectorcache  # noqa: E402

SECTIONS = (
    "build",
    "incremental",
    "query",
    "search",
    "cold",
    "memory",
    "peer",
    "extraction",
    "multilingual",
    "milvus",
    "ocr",
    "tables",
    "scale",
)
TXTAI_VERSION = "9.14.0"


def standalone(
    doc: str, run: Any, argv: list[str] | None, what: str, heading: Any, table: Any
) -> None:
    """The ``main`` of a section that also runs on its own: ``--runs N`` (median of N runs of each
    ``what``) and ``--json``; else ``heading(result)`` lines, then ``table(result)``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help=f"runs of each {what} (median reported; default 3)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    result = run(args.runs)
    if args.json:
        print(json.dumps(result))
        return
    print("\n".join([*heading(result), *table(result)]))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def stats(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def code_stamp() -> str:
    """Hash of parisqa's source: prepared indexes are rebuilt when the code that wrote them changed."""
    digest = hashlib.sha256()
    package = ROOT / "src" / "parisqa"
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
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
            from parisqa.embed.encoder import Embedder

            log("loading the ONNX embedder (exports from the bundled weights the first time)")
            self._onnx = Embedder(backend="onnx", cache_dir=self.model_cache)
            self._onnx.warm_up()
        return self._onnx

    def torch(self):
        if self._torch is None:
            from parisqa.embed.encoder import Embedder

            log("loading the torch embedder")
            self._torch = Embedder(backend="torch")
            self._torch.warm_up()
        return self._torch

    def vector_cache(self):
        if self._cache is None:
            from parisqa.embed.model import model_info

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
        from parisqa.index.build import build_index

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


def prepare_seed(b: Bench):
    from parisqa.config import Settings
    from parisqa.index.build import build_index

    index = b.work / "index-seed"
    stamp = code_stamp()
    if not (index / ".bench-stamp").exists() or (index / ".bench-stamp").read_text() != stamp:
        shutil.rmtree(index, ignore_errors=True)
    settings = Settings(corpus_dir=ROOT / "corpus", index_dir=index)
    summary = build_index(settings, embedder=b.onnx())
    (index / ".bench-stamp").write_text(stamp)
    b.link_model_cache(index)
    return settings, summary, {"chunks": summary.chunks}, 0


def wall(cmd: list[str], env: dict | None = None, timeout: float = 600) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT)
    return time.perf_counter() - t, result
