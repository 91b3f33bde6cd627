"""The peer benchmark, run inside benchmarks/work/peer-venv: txtai on the texts parisqa indexes.

Usage: ``peer-venv/bin/python benchmarks/peer_txtai.py INPUT.json``; prints one JSON line.
"""

import json
import statistics
import sys
import time
from importlib.metadata import version

import numpy as np


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as fh:
        spec = json.loads(fh.read())
    from txtai import Embeddings

    texts, questions, runs = spec["texts"], spec["questions"], spec["runs"]
    builds = []
    for _ in range(runs):
        embeddings = Embeddings(path=spec["model"], content=False)
        t = time.perf_counter()
        embeddings.index(texts)
        builds.append(time.perf_counter() - t)
    embeddings.search(questions[0], 5)
    p50 = []
    for _ in range(runs):
        lat = []
        for q in questions:
            t = time.perf_counter()
            embeddings.search(q, 5)
            lat.append(time.perf_counter() - t)
        p50.append(float(np.percentile(lat, 50)))
    build = statistics.median(builds)
    print(
        json.dumps(
            {
                "version": version("txtai"),
                "method": f"{type(embeddings.model).__name__}/{type(getattr(embeddings.model, 'model', None)).__name__}, "
                f"faiss {embeddings.config.get('build', {}).get('settings', {}).get('components', '')}",
                "build_seconds": {"median": build, "min": min(builds), "max": max(builds), "n": len(builds)},
                "build_chunks_per_s": len(texts) / build,
                "query_p50_seconds": {
                    "median": statistics.median(p50),
                    "min": min(p50),
                    "max": max(p50),
                    "n": len(p50),
                },
            }
        )
    )


if __name__ == "__main__":
    main()
