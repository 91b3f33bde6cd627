"""Load: 20 concurrent clients ask through the web app's HTTP API while a rebuild is swapped in.

The web app is served for real on 127.0.0.1; each client thread has its own gradio_client and asks
in a loop. A `parisqa index` process rebuilds the index meanwhile (one file edited, one added) and
swaps it in. Every answer must come back without error and cite only passages of one index
version, old or new, checked against the files' text of that version. Latencies go to
test-artifacts/load.json.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from parisqa.config import Settings
from parisqa.index.build import build_index
from parisqa.index.store import load_index

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 20
LOAD_SECONDS = 60  # the clients ask for this long (longer only while too few answers followed the swap)
MAX_REQUESTS_PER_CLIENT = 150
ANSWERS_AFTER_SWAP = 100
HARD_LIMIT_SECONDS = 300  # only if the rebuild, or enough answers after it, take longer than LOAD_SECONDS

LYON_OLD = (
    "Lyon Robotics Notes\n\n"
    "The Lyon robotics cluster received forty million euros from the regional council in 2023.\n\n"
    "Its laboratories train two hundred engineers a year in industrial automation.\n"
)
LYON_NEW = (
    "Lyon Robotics Notes\n\n"
    "The Lyon robotics cluster received ninety million euros from the national research agency in 2025.\n\n"
    "Its laboratories now train five hundred engineers a year in medical robotics.\n"
)
NANTES = (
    "Nantes Ocean Computing\n\n"
    "Nantes opened a marine data centre that models Atlantic storms for shipping companies.\n\n"
    "The centre shares its storm forecasts with fishermen every morning.\n"
)
QUESTIONS = (
    "How much did the Lyon robotics cluster receive?",
    "How many engineers do the Lyon laboratories train?",
    "What does the Nantes marine data centre model?",
    "Why is ethical AI important?",
    "What challenges does Paris face in becoming an AI leader?",
    "Who shares storm forecasts with fishermen?",
    "What is Viva Tech?",
)


def _pipes() -> dict:
    return {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _spans(index_dir: Path) -> dict[str, list[tuple[int, int]]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    for chunk in load_index(index_dir).chunks:
        spans.setdefault(chunk.source, []).append((chunk.start, chunk.end))
    return spans


def _fits(version: dict, citation: dict) -> bool:
    """Whether a citation is a passage of this index version: inside one of its chunks, same text."""
    text = version["texts"].get(citation["source"])
    if text is None or text[citation["start"] : citation["end"]] != citation["text"]:
        return False
    return any(s <= citation["start"] and citation["end"] <= e for s, e in version["spans"].get(citation["source"], ()))


def _percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


@pytest.mark.slow
def test_twenty_clients_ask_through_http_while_a_rebuild_swaps_in(settings, corpus, embedder, tmp_path):
    from gradio_client import Client

    from parisqa.web import build_app

    seed = (corpus / "paris-ai-city.txt").read_bytes().decode("utf-8")
    (corpus / "lyon.txt").write_text(LYON_OLD, encoding="utf-8")
    build_index(settings, embedder=embedder)
    old = {"texts": {"paris-ai-city.txt": seed, "lyon.txt": LYON_OLD}, "spans": _spans(settings.index_dir)}

    app = build_app(Settings(corpus_dir=corpus, index_dir=settings.index_dir))
    port = _free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        Client(url, verbose=False).predict(QUESTIONS[0], api_name="/ask")  # the model and index are loaded

        # The rebuild runs in its own process, started with the clients.
        (corpus / "lyon.txt").write_text(LYON_NEW, encoding="utf-8")
        (corpus / "nantes.txt").write_text(NANTES, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARISQA_")}
        env.update(PARISQA_CORPUS=str(corpus), PARISQA_INDEX=str(settings.index_dir))
        results: list[dict] = []
        lock = threading.Lock()
        stop = threading.Event()
        rebuilt_at: list[float] = []
        started = time.monotonic()
        rebuild = subprocess.Popen([sys.executable, "-m", "parisqa", "index"], env=env, **_pipes())

        def client(number: int) -> None:
            api = Client(url, verbose=False)
            for i in range(MAX_REQUESTS_PER_CLIENT):
                if stop.is_set():
                    return
                question = QUESTIONS[(number + i) % len(QUESTIONS)]
                sent = time.monotonic()
                try:
                    answer = api.predict(question, api_name="/ask")
                    error = None
                except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                    answer, error = None, f"{type(exc).__name__}: {exc}"
                done = time.monotonic()
                with lock:
                    results.append({"q": question, "sent": sent, "done": done, "answer": answer, "error": error})

        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            now = time.monotonic()
            if not rebuilt_at and rebuild.poll() is not None:
                rebuilt_at.append(now)
            with lock:
                after = sum(1 for r in results if rebuilt_at and r["sent"] > rebuilt_at[0])
            served_both = bool(rebuilt_at) and after >= ANSWERS_AFTER_SWAP
            if (now - started >= LOAD_SECONDS and served_both) or now - started > HARD_LIMIT_SECONDS:
                stop.set()
            time.sleep(0.05)
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        out, err = rebuild.communicate(timeout=600)
        assert rebuild.returncode == 0, err
    finally:
        app.close()

    new = {
        "texts": {"paris-ai-city.txt": seed, "lyon.txt": LYON_NEW, "nantes.txt": NANTES},
        "spans": _spans(settings.index_dir),
    }
    errors = [r for r in results if r["error"]]
    versions = {"old": 0, "new": 0, "either": 0}
    mixed = []
    for r in results:
        if r["error"]:
            continue
        obj = r["answer"] if isinstance(r["answer"], dict) else json.loads(r["answer"])
        fits = {
            name
            for name, version in (("old", old), ("new", new))
            if all(_fits(version, c) for c in obj["citations"] + obj.get("related", []))
        }
        if not fits:
            mixed.append((r["q"], [(c["source"], c["start"], c["end"]) for c in obj["citations"]]))
        else:
            versions["either" if len(fits) == 2 else fits.pop()] += 1
    latencies = sorted((r["done"] - r["sent"]) * 1000 for r in results)
    report = {
        "clients": CLIENTS,
        "requests": len(results),
        "errors": len(errors),
        "answers_by_index_version": versions,
        "inconsistent_answers": len(mixed),
        "seconds": round(elapsed, 1),
        "rebuild_finished_after_seconds": round(rebuilt_at[0] - started, 1) if rebuilt_at else None,
        "latency_ms": {
            "p50": round(_percentile(latencies, 50), 1),
            "p95": round(_percentile(latencies, 95), 1),
            "max": round(latencies[-1], 1),
        },
        "throughput_per_s": round(len(results) / elapsed, 1),
    }
    print("load:", json.dumps(report))
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "load.json").write_text(json.dumps(report, indent=1) + "\n")
    assert not errors, errors[:3]
    assert not mixed, mixed[:3]
    assert versions["old"] and versions["new"], f"both index versions must have been served: {versions}"
    assert len(results) >= CLIENTS
