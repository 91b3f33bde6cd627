"""Time from starting the web chat (``python app.py``) to the page being served and to its first answer.

Starts app.py in a subprocess on a free loopback port over a copy of the corpus whose index is built
beforehand (a warm start: the model loads, the index is read, nothing is embedded), then polls the
page and calls ``/ask`` with gradio_client. Prints one JSON object with the median, min and max of
each figure over ``--runs`` starts. Not a test: nothing is asserted.

    .venv/bin/python benchmarks/web_first_answer.py --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _one_start(env: dict[str, str], question: str) -> dict[str, float]:
    from gradio_client import Client

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        env={**env, "PARISQA_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"app.py exited with code {proc.returncode}")
            try:
                urllib.request.urlopen(url, timeout=5).read()
                break
            except OSError:
                time.sleep(0.05)
        page = time.perf_counter() - started
        answer = Client(url, verbose=False).predict(question, api_name="/ask")
        first = time.perf_counter() - started
        assert answer["citations"], answer
        return {"page_s": page, "first_answer_s": first}
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--question", default="Why is ethical AI important?")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(ROOT / "corpus", corpus)
        env = {**os.environ, "PARISQA_CORPUS": str(corpus), "PARISQA_INDEX": str(index)}
        env.pop("PARISQA_AUTH", None)
        subprocess.run([sys.executable, "-m", "parisqa", "index"], env=env, check=True, capture_output=True)
        runs = [_one_start(env, args.question) for _ in range(args.runs)]
    result = {"runs": args.runs}
    for key in runs[0]:
        values = [r[key] for r in runs]
        result[key] = {
            "median": round(statistics.median(values), 2),
            "min": round(min(values), 2),
            "max": round(max(values), 2),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
