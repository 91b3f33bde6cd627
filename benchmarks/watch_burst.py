"""watchdog against watchfiles on a burst of file writes: which one the folder watcher uses.

For each library and each run: start watching an empty temporary folder, write ``--files`` files as
fast as Python can (half of them written to a hidden temporary name and renamed into place, as
editors save), then wait until the watcher has reported every final name. Measured per run:

- ``lag``: from the last write to the moment the last final name was reported;
- ``deliveries``: how many times the library woke the Python side up (callbacks for watchdog, yielded
  batches for watchfiles): what a debouncer has to absorb;
- ``cpu``: process CPU seconds (user + system) from the start of the burst to the last report;
- ``missed``: final names never reported within 30 s (0 expected).

Prints one JSON object with the median, min and max of each figure. Not a test: nothing is asserted.

    .venv/bin/pip install -c constraints.txt watchdog   # the library compared against; parisqa uses watchfiles
    .venv/bin/python benchmarks/watch_burst.py --files 1000 --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path


def _burst(folder: Path, count: int) -> set[str]:
    names = set()
    for n in range(count):
        name = f"doc-{n:05d}.txt"
        text = f"Document {n}. The burst wrote this file.\n"
        if n % 2:
            temp = folder / f".{name}.tmp"
            temp.write_text(text, encoding="utf-8")
            os.replace(temp, folder / name)
        else:
            (folder / name).write_text(text, encoding="utf-8")
        names.add(name)
    return names


def _run_watchdog(folder: Path, count: int) -> dict[str, float]:
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    seen: set[str] = set()
    deliveries = [0]
    last_seen = [0.0]
    lock = threading.Lock()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event):  # noqa: ANN001 - watchdog's signature
            with lock:
                deliveries[0] += 1
                for path in (event.src_path, getattr(event, "dest_path", "")):
                    name = os.path.basename(os.fsdecode(path or ""))
                    if name.endswith(".txt") and not name.startswith("."):
                        seen.add(name)
                        last_seen[0] = time.perf_counter()

    observer = Observer()
    observer.schedule(Handler(), str(folder), recursive=True)
    observer.start()
    try:
        return _measure(folder, count, seen, deliveries, last_seen, lock)
    finally:
        observer.stop()
        observer.join(5)


def _run_watchfiles(folder: Path, count: int) -> dict[str, float]:
    import watchfiles

    seen: set[str] = set()
    deliveries = [0]
    last_seen = [0.0]
    lock = threading.Lock()
    stop = threading.Event()
    ready = threading.Event()

    def loop() -> None:
        for changes in watchfiles.watch(
            folder, stop_event=stop, debounce=200, step=20, yield_on_timeout=True, rust_timeout=100
        ):
            ready.set()
            if not changes:
                continue
            with lock:
                deliveries[0] += 1
                for _, path in changes:
                    name = os.path.basename(path)
                    if name.endswith(".txt") and not name.startswith("."):
                        seen.add(name)
                        last_seen[0] = time.perf_counter()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    ready.wait(5)
    try:
        return _measure(folder, count, seen, deliveries, last_seen, lock)
    finally:
        stop.set()
        thread.join(5)


def _measure(folder, count, seen, deliveries, last_seen, lock) -> dict[str, float]:  # noqa: ANN001
    time.sleep(0.3)  # the watch is set up
    cpu0 = time.process_time()
    names = _burst(folder, count)
    wrote = time.perf_counter()
    deadline = wrote + 30
    while time.perf_counter() < deadline:
        with lock:
            if names <= seen:
                break
        time.sleep(0.005)
    with lock:
        missed = len(names - seen)
        lag = max(0.0, last_seen[0] - wrote)
        return {"lag_s": lag, "deliveries": deliveries[0], "cpu_s": time.process_time() - cpu0, "missed": missed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, dict[str, dict[str, float]]] = {}
    runners = {"watchdog": _run_watchdog, "watchfiles": _run_watchfiles}
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in runners}
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        for name, run in runners.items():
            with tempfile.TemporaryDirectory(prefix=f"parisqa-{name}-") as tmp:
                samples[name].append(run(Path(tmp), args.files))
    for name, runs in samples.items():
        results[name] = {
            key: {
                "median": statistics.median(r[key] for r in runs),
                "min": min(r[key] for r in runs),
                "max": max(r[key] for r in runs),
            }
            for key in runs[0]
        }
    print(json.dumps({"files": args.files, "runs": args.runs, "results": results}, indent=1))


if __name__ == "__main__":
    main()
