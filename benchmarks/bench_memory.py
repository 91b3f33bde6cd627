"""Section 6: memory (peak RSS of a query process) and the index's size on disk."""

from __future__ import annotations

import json
import sys

import questions
from common import Bench, prepare_seed, stats, wall

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
    from parisqa.index.layout import MANIFEST

    level = "seed" if b.quick else ("10k" if b.args.skip_100k else "100k")
    if level == "seed":
        settings, summary, *_ = prepare_seed(b)
    else:
        settings, summary, *_ = b.prepared(level, synthesize=level == "100k")
    peak, loaded = [], []
    for _ in range(1 if b.quick else 2):
        _, r = wall(
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
    from parisqa.index import store

    manifest = store.read_manifest(settings.index_dir)
    files = {name: entry["size"] for name, entry in manifest["data"].items()}
    total = sum(files.values()) + (settings.index_dir / MANIFEST).stat().st_size
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
