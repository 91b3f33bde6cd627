"""20 concurrent clients on loopback across two collections, through /v1 and the page, while the folder
watcher rebuilds one of them: errors, p50 and p95 answer latency.

Starts the real ``parisqa serve --collection paris=... --collection bees=... --watch --api-key ...`` in
a subprocess on a free 127.0.0.1 port (indexes built beforehand, so the start embeds nothing), then
runs ``--clients`` client threads at once: half ask through the OpenAI-compatible ``/v1`` with the
official ``openai`` client, half through the page's Gradio API with ``gradio_client``
(``predict(..., api_name="/ask")``), alternating collections, each asking ``--requests`` questions.
Meanwhile a writer adds a file to the bees corpus folder every ``--write-every`` seconds, which the
watcher turns into incremental rebuilds of that collection while it is being asked.

Prints one JSON object (and writes it to ``--out`` when given): requests, errors (with the first
few), p50/p95/max latency overall and per route, and the syncs the watcher made during the run.
Not a test: nothing is asserted.

    .venv/bin/python benchmarks/serve_load.py --clients 20 --requests 10
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
KEY = "bench-load-key"
QUESTIONS = {
    "paris": [
        "Why is ethical AI important?",
        "What challenges does Paris face in becoming an AI leader?",
        "How are startups contributing to Paris' AI ecosystem?",
        "What is the role of the French government in AI development?",
    ],
    "bees": [
        "How long does a queen bee live?",
        "Why do bees swarm?",
        "How much honey does one hive produce in a year?",
        "Can I keep bees in a city garden?",
    ],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {KEY}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def _prepare(work: Path, env: dict[str, str]) -> list[str]:
    shutil.copytree(ROOT / "corpus", work / "paris")
    shutil.copytree(ROOT / "eval" / "bees" / "corpus", work / "bees")
    collections = [f"paris={work / 'paris'}", f"bees={work / 'bees'}"]
    for value in collections:
        cmd = [sys.executable, "-m", "parisqa", "index", "--collection", value, "--index", str(work / "index")]
        subprocess.run(cmd, check=True, env=env, capture_output=True, timeout=900)
    return collections


def _client_loop(kind: str, collection: str, url: str, requests: int, out: list, errors: list) -> None:
    questions = QUESTIONS[collection]
    try:
        if kind == "v1":
            from openai import OpenAI

            client = OpenAI(base_url=url + "/v1", api_key=KEY, max_retries=0, timeout=300)

            def ask(q: str) -> dict:
                reply = client.chat.completions.create(
                    model=f"parisqa/{collection}", messages=[{"role": "user", "content": q}]
                )
                return reply.model_extra["parisqa"]
        else:
            from gradio_client import Client

            page = url + ("/" if collection == "paris" else f"/c/{collection}/")
            gradio = Client(page, headers={"Authorization": f"Bearer {KEY}"}, verbose=False)

            def ask(q: str) -> dict:
                return gradio.predict(q, api_name="/ask")
    except Exception as exc:  # noqa: BLE001 - a client that cannot connect is an error of the run
        errors.append(f"{kind}/{collection} connect: {exc!r}")
        return
    for n in range(requests):
        question = questions[n % len(questions)]
        started = time.perf_counter()
        try:
            answer = ask(question)
            if not answer.get("citations"):
                raise AssertionError(f"no citation for {question!r}")
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors.append(f"{kind}/{collection}: {exc!r}"[:300])
            continue
        out.append((f"{kind}/{collection}", time.perf_counter() - started))


def _writer(folder: Path, every: float, stop: threading.Event, wrote: list) -> None:
    n = 0
    while not stop.wait(every):
        name = folder / f"field-note-{n:03d}.md"
        temp = folder / f".{name.name}.tmp"
        temp.write_text(
            f"# Field note {n}\n\nHive {n} of the Vincennes apiary was inspected; the colony had "
            f"{8 + n % 5} frames of brood and a young queen marked in the year's colour.\n",
            encoding="utf-8",
        )
        os.replace(temp, name)  # saved as editors do
        wrote.append(name.name)
        n += 1


def pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(np.asarray(values), q)), 3) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10, help="questions per client")
    parser.add_argument("--write-every", type=float, default=2.0, help="seconds between files written")
    parser.add_argument("--out", help="also write the JSON object to this file")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    with tempfile.TemporaryDirectory(prefix="parisqa-load-") as tmp:
        work = Path(tmp)
        collections = _prepare(work, env)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-m", "parisqa", "serve", "--watch", "--port", str(port), "--api-key", KEY]
        cmd += ["--index", str(work / "index")]
        for value in collections:
            cmd += ["--collection", value]
        server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(work / "server.log", "w"))  # noqa: SIM115
        try:
            deadline = time.monotonic() + 300
            while True:
                try:
                    if all(_get(f"{url}/api/collections/{n}/index")["indexed_documents"] for n in QUESTIONS):
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start; see " + str(work / "server.log"))
                time.sleep(0.5)
            syncs_before = _get(f"{url}/api/collections/bees/index")["sync"]["syncs"]
            results: list[tuple[str, float]] = []
            errors: list[str] = []
            stop, wrote = threading.Event(), []
            writer = threading.Thread(target=_writer, args=(work / "bees", args.write_every, stop, wrote))
            threads = []
            for n in range(args.clients):
                kind = "v1" if n % 2 == 0 else "page"
                collection = "paris" if (n // 2) % 2 == 0 else "bees"
                threads.append(
                    threading.Thread(target=_client_loop, args=(kind, collection, url, args.requests, results, errors))
                )
            started = time.perf_counter()
            writer.start()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
            stop.set()
            writer.join()
            deadline = time.monotonic() + 120
            state = _get(f"{url}/api/collections/bees/index")
            while state["sync"]["pending"] or state["sync"]["syncing"]:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.5)
                state = _get(f"{url}/api/collections/bees/index")
            routes = sorted({r for r, _ in results})
            latencies = [s for _, s in results]
            report = {
                "clients": args.clients,
                "requests": args.clients * args.requests,
                "answered": len(results),
                "errors": len(errors),
                "first_errors": errors[:5],
                "wall_s": round(wall, 2),
                "answers_per_s": round(len(results) / wall, 2),
                "latency_s": {"p50": pct(latencies, 50), "p95": pct(latencies, 95), "max": pct(latencies, 100)},
                "by_route": {
                    r: {
                        "n": sum(1 for x, _ in results if x == r),
                        "p50": pct([s for x, s in results if x == r], 50),
                        "p95": pct([s for x, s in results if x == r], 95),
                    }
                    for r in routes
                },
                "files_written_during_run": len(wrote),
                "watcher_syncs_during_run": state["sync"]["syncs"] - syncs_before,
                "bees_documents_after": state["indexed_documents"],
                "cores": os.cpu_count(),
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
        finally:
            server.terminate()
            server.wait(30)
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
