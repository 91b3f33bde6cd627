"""Section 7: a peer, txtai, on the same chunk texts in its own virtualenv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import questions
from common import HERE, TXTAI_VERSION, Bench, log, pct, stats


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
    from parisqa.index.store import load_index

    python = peer_python(b)
    corpus, info = b.corpus("build")
    build = b.results.get("build")
    # The same chunk texts parisqa embeds (heading path + text), from a build of the same corpus.
    from parisqa.config import Settings
    from parisqa.index.build import build_index

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
