"""Section 5: cold starts: one-shot `parisqa ask`, the embedder alone, the web app's first answer."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import ROOT, Bench, log, prepare_seed, stats, wall


# --- 5. cold start ------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FLOOR_SCRIPT = """
import sys
{imports}
from parisqa.embed.encoder import Embedder
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
        py.append(wall([sys.executable, "-c", "pass"], env)[0])
        s, r = wall([script, "--help"], env)
        assert r.returncode == 0, r.stderr
        helps.append(s)
    out["python_startup_seconds"] = stats(py)
    out["help_seconds"] = stats(helps)
    if b.quick:
        return out
    floor_onnx, floor_torch, floor_web, webs = [], [], [], []

    def floor(imports: str, backend: str, cache: str) -> float:
        s, r = wall([sys.executable, "-c", FLOOR_SCRIPT.format(imports=imports, backend=backend), cache], env)
        assert r.returncode == 0, r.stderr
        return s

    model_cache = str(b.model_cache)
    for _ in range(runs):
        s, r = wall([script, "ask", "--json", "--no-build", q], env)
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
    s, r = wall([sys.executable, "-c", FLOOR_SCRIPT.format(imports="", backend="torch"), "/nonexistent"], env)
    floor_torch.append(s)
    out["ask_one_shot_seconds"] = stats(asks)
    out["python_plus_model_load_seconds"] = stats(floor_onnx)
    out["python_plus_torch_model_load_seconds"] = stats(floor_torch)
    out["ratio_ask_to_model_load"] = statistics.median(asks) / statistics.median(floor_onnx)
    out["web_first_answer_seconds"] = stats(webs)
    out["import_gradio_plus_model_load_seconds"] = stats(floor_web)
    out["ratio_web_to_gradio_plus_model"] = statistics.median(webs) / statistics.median(floor_web)
    return out
