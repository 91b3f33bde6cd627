"""PDF extraction throughput: parisqa's extractor against ``pdftotext`` (poppler-utils) on the same PDFs.

Usage (from the repository root)::

    .venv/bin/python benchmarks/extraction.py             # reports of about 10, 60 and 200 pages
    .venv/bin/python benchmarks/extraction.py --runs 5 --pages 30,300
    .venv/bin/python benchmarks/extraction.py --json      # one JSON object instead of the table

The PDFs are written by fpdf2 with ``tests/corpus/formats/makedocs.py`` (running header and footer,
three heading sizes, an outline, hyphenated line ends). Each figure is the median of ``--runs`` runs
of the whole file, both tools timed in the same loop so the ratio holds on a busy machine. ``pdftotext``
is timed as a process (its usual use), reading the file from a temporary folder; parisqa is timed in
process on the bytes, from opening the document to the finished :class:`Extracted`. Prints only;
nothing is written outside the temporary folder.
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
    pdftotext = shutil.which("pdftotext")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.pages.split(",")):
            data = makedocs.pdf(size)
            path = Path(tmp) / f"report-{size}.pdf"
            path.write_bytes(data)
            rows.append(measure(data, path, args.runs, pdftotext))
    if args.json:
        print(json.dumps({"runs": args.runs, "pdftotext": pdftotext, "rows": rows}))
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
