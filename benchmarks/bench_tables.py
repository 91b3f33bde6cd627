"""Section: PDF tables read back as rows, parisqa against pdfplumber on the same PDFs.

Run as a section of the benchmarks (``benchmarks/run.py --only tables``, into RESULTS.md/.json) or
alone, printing only (from the repository root, with the ``compare`` extra for pdfplumber)::

    .venv/bin/python benchmarks/bench_tables.py
    .venv/bin/python benchmarks/bench_tables.py --json

The tables (``tests/corpus/formats/tablemaker.py``) are eleven shapes: 2x2, wrapped cells in a narrow
table, unruled with a wrapped cell, right-aligned numbers, a shaded header, empty cells, seven
columns, horizontal rules only, French accents, and 60 rows running onto a second page with and
without a repeated ``<thead>``. Each is printed to PDF by headless Chromium from HTML and written by
fpdf2's ``table()`` (ruled, or without borders for the unruled shapes): 22 PDFs. A cell is right when
the text read has it at its row and column with its exact text (rows matched by their first cell, so
a repeated header row is not counted against a reader); the accuracy is the share of all cells right.
pdfplumber is run two ways: its default (ruled tables from drawn lines) and its text strategy
(columns from text alignment), each on every page, its rows joined in page order. Seconds per PDF
are medians of ``--runs`` runs of the whole read (parisqa: the whole extraction, text and tables).
camelot is not measured: it needs Ghostscript and OpenCV, which this machine does not have.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "corpus" / "formats"))
sys.path.insert(0, str(ROOT / "src"))

import tablemaker  # noqa: E402

from parisqa.corpus.formats import extract  # noqa: E402


def _ours(data: bytes) -> list[list[str]]:
    return tablemaker.rows_in(extract("table.pdf", data).text)


def _plumber(settings: dict | None):
    def read(data: bytes) -> list[list[str]]:
        import pdfplumber

        rows = []
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                for table in page.extract_tables(settings or {}):
                    rows += [[" ".join((cell or "").split()) for cell in row] for row in table]
        return rows

    return read


def pdfs(shapes=tablemaker.SHAPES) -> list[tuple[str, str, bytes, list[list[str]]]]:
    """``(shape, writer, pdf, cells)`` for every shape, printed by Chromium and written by fpdf2."""
    out = []
    for shape in shapes:
        out.append((shape.name, "chromium", tablemaker.chromium_pdf(tablemaker.html(shape)), shape.cells))
        out.append((shape.name, "fpdf2", tablemaker.fpdf_pdf(shape, ruled=bool(shape.css)), shape.cells))
    return out


def run(runs: int, shapes=tablemaker.SHAPES) -> dict:
    ways = {"parisqa": _ours}
    try:
        import pdfplumber

        ways["pdfplumber (lines)"] = _plumber(None)
        ways["pdfplumber (text)"] = _plumber({"vertical_strategy": "text", "horizontal_strategy": "text"})
        version = pdfplumber.__version__
    except ImportError:
        version = None
    rows = []
    totals = {way: [0, 0] for way in ways}
    seconds = {way: [] for way in ways}
    for name, writer, data, cells in pdfs(shapes):
        row = {"shape": name, "writer": writer, "cells": sum(len(r) for r in cells)}
        for way, read in ways.items():
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                found = read(data)
                times.append(time.perf_counter() - started)
            score = tablemaker.cell_accuracy(cells, found)
            row[way] = round(score, 4)
            totals[way][0] += score * row["cells"]
            totals[way][1] += row["cells"]
            seconds[way].append(statistics.median(times))
        rows.append(row)
    summary = {
        way: {
            "cell_accuracy": round(right / total, 4),
            "pdfs_at_100": sum(1 for r in rows if r[way] == 1.0),
            "seconds_per_pdf": round(statistics.median(seconds[way]), 4),
        }
        for way, (right, total) in totals.items()
    }
    return {"pdfplumber_version": version, "pdfs": len(rows), "rows": rows, "summary": summary}


def bench_tables(b) -> dict:
    """The benchmark section (one run with ``--quick``)."""
    from common import log

    if not Path(tablemaker.CHROMIUM).exists():
        log(f"tables: skipped, {tablemaker.CHROMIUM} is missing (apt-get install chromium)")
        return {"missing": f"{tablemaker.CHROMIUM} is missing (apt-get install chromium)"}
    runs = 1 if b.quick else max(1, min(b.runs, 3))
    shapes = tablemaker.SHAPES[:3] if b.quick else tablemaker.SHAPES
    log(f"tables: {len(shapes)} shapes x 2 writers, {runs} run(s)")
    return run(runs, shapes)


def table(result: dict) -> list[str]:
    ways = list(result["summary"])
    lines = ["| table | writer | cells | " + " | ".join(ways) + " |", "| --- | --- | ---: |" + " ---: |" * len(ways)]
    for r in result["rows"]:
        lines.append(
            f"| {r['shape']} | {r['writer']} | {r['cells']} | " + " | ".join(f"{r[w]:.0%}" for w in ways) + " |"
        )
    s = result["summary"]
    lines.append("| **all cells** | | | " + " | ".join(f"**{s[w]['cell_accuracy']:.1%}**" for w in ways) + " |")
    lines.append(
        "| PDFs read whole | | | " + " | ".join(f"{s[w]['pdfs_at_100']}/{result['pdfs']}" for w in ways) + " |"
    )
    lines.append("| seconds per PDF | | | " + " | ".join(f"{s[w]['seconds_per_pdf']:.3f}" for w in ways) + " |")
    return lines


def _heading(result: dict) -> list[str]:
    if result["pdfplumber_version"] is None:
        return ["pdfplumber is not installed (pip install -e '.[compare]'): parisqa alone"]
    return [f"pdfplumber {result['pdfplumber_version']}"]


def main(argv: list[str] | None = None) -> None:
    from common import standalone

    standalone(__doc__, run, argv, "read", _heading, table)


if __name__ == "__main__":
    main()
