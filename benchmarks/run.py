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
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_build import bench_build  # noqa: E402
from bench_cold import bench_cold  # noqa: E402
from bench_extraction import bench_extraction  # noqa: E402
from bench_incremental import bench_incremental  # noqa: E402
from bench_memory import bench_memory  # noqa: E402
from bench_milvus import bench_milvus  # noqa: E402
from bench_multilingual import bench_multilingual  # noqa: E402
from bench_ocr import bench_ocr  # noqa: E402
from bench_peer import bench_peer  # noqa: E402
from bench_query import bench_query  # noqa: E402
from bench_scale import bench_scale  # noqa: E402
from bench_search import bench_search  # noqa: E402
from bench_tables import bench_tables  # noqa: E402
from common import SECTIONS, Bench, log, machine_info  # noqa: E402
from report import report  # noqa: E402


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
        chosen = tuple(s for s in SECTIONS if s not in ("peer", "milvus", "scale"))
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
        "extraction": bench_extraction,
        "multilingual": bench_multilingual,
        "milvus": bench_milvus,
        "ocr": bench_ocr,
        "tables": bench_tables,
        "scale": bench_scale,
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
            if name in chosen or name not in old:
                continue
            done.setdefault(name, old[name])
            # Sections not re-run keep when (and under what load) they were measured.
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
