"""Section 8: PDF extraction throughput, parisqa's extractor against ``pdftotext`` (poppler-utils).

Run as a section of the benchmarks (``benchmarks/run.py --only extraction``, into RESULTS.md/.json) or
alone, printing only (from the repository root)::

    .venv/bin/python benchmarks/bench_extraction.py             # reports of about 10, 60 and 200 pages
    .venv/bin/python benchmarks/bench_extraction.py --runs 5 --pages 30,300
    .venv/bin/python benchmarks/bench_extraction.py --json      # one JSON object instead of the table

The PDFs are written by fpdf2 with ``tests/corpus/formats/makedocs.py`` (running header and footer,
three heading sizes, an outline, hyphenated line ends). Each figure is the median of ``--runs`` runs
of the whole file, both tools timed in the same loop so the ratio holds on a busy machine. ``pdftotext``
is timed as a process (its usual use), reading the file from a temporary folder; parisqa is timed in
process on the bytes, from opening the document to the finished :class:`Extracted`. Without
``pdftotext`` on the PATH only parisqa's figure is given.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "corpus" / "formats"))
sys.path.insert(0, str(ROOT / "src"))

import makedocs  # noqa: E402

from parisqa.corpus.formats import extract  # noqa: E402


def measure(data: bytes, path: Path, runs: int, pdftotext: str | None) -> dict:
    ours, theirs = [], []
    extract("warm-up.pdf", data)  # imports and first-call costs are not throughput
    for _ in range(runs):
        t = time.perf_counter()
        ex = extract(path.name, data)
        ours.append(time.perf_counter() - t)
        if pdftotext:
            t = time.perf_counter()
            subprocess.run([pdftotext, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True)
            theirs.append(time.perf_counter() - t)
    pages = len(ex.pages)
    row = {
        "pages": pages,
        "bytes": len(data),
        "parisqa_pages_s": pages / statistics.median(ours),
        "extractor": ex.version,
    }
    if theirs:
        row["pdftotext_pages_s"] = pages / statistics.median(theirs)
        row["ratio"] = row["parisqa_pages_s"] / row["pdftotext_pages_s"]
    return row


def run_sizes(sizes: list[int], runs: int) -> dict:
    """Measure each generated PDF size; the section's result (see :func:`bench_extraction`)."""
    pdftotext = shutil.which("pdftotext")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            data = makedocs.pdf(size)
            path = Path(tmp) / f"report-{size}.pdf"
            path.write_bytes(data)
            rows.append(measure(data, path, runs, pdftotext))
    pdftotext_version = None
    if pdftotext:
        done = subprocess.run([pdftotext, "-v"], capture_output=True, text=True)
        pdftotext_version = (
            (done.stderr or done.stdout).splitlines()[0].strip() if (done.stderr or done.stdout) else None
        )
    return {"runs": runs, "pdftotext": pdftotext, "pdftotext_version": pdftotext_version, "rows": rows}


def bench_extraction(b) -> dict:
    """The benchmark section: reports of about 10, 60 and 200 pages (one small one with ``--quick``)."""
    from common import log

    sizes = [16] if b.quick else [16, 100, 350]
    log(f"extraction: PDFs of {sizes} plan units, {b.runs} run(s) each")
    return run_sizes(sizes, b.runs)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per PDF (median reported; default 3)")
    parser.add_argument(
        "--pages", default="16,100,350", help="approximate sizes to generate, in plan units (default 16,100,350)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be at least 1, got {args.runs}")
    result = run_sizes([int(s) for s in args.pages.split(",")], args.runs)
    rows, pdftotext = result["rows"], result["pdftotext"]
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"extractor: {rows[0]['extractor']}; pdftotext: {pdftotext or 'not installed (apt-get install poppler-utils)'}"
    )
    print("| pages | parisqa pages/s | pdftotext pages/s | ratio |")
    print("| ---: | ---: | ---: | ---: |")
    for r in rows:
        theirs = f"{r['pdftotext_pages_s']:.0f}" if "ratio" in r else "-"
        ratio = f"{r['ratio']:.2f}" if "ratio" in r else "-"
        print(f"| {r['pages']} | {r['parisqa_pages_s']:.0f} | {theirs} | {ratio} |")


if __name__ == "__main__":
    main()
