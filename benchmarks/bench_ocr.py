"""Section: OCR of scans, parisqa's reading against pytesseract and OCRmyPDF on the same scans.

Run as a section of the benchmarks (``benchmarks/run.py --only ocr``, into RESULTS.md/.json) or alone,
printing only (from the repository root, with the ``compare`` extra for the two peers)::

    .venv/bin/python benchmarks/bench_ocr.py            # 300 dpi and 150 dpi (skewed 1.2°) scans
    .venv/bin/python benchmarks/bench_ocr.py --runs 3 --json

The scans are real: text PDFs written by fpdf2 (``tests/system/docmaker.py``: two English reports of
two pages and a French page) rendered by pdfium at 300 dpi, and at 150 dpi turned by 1.2°, and wrapped
by Pillow as image-only PDFs. Character accuracy is ``1 - edit distance / length`` of the OCR text
against the text the same PDF gives parisqa's text extractor (heading marks and runs of white space
left out on both sides). Pages/s is the median of ``--runs`` runs over all pages, each way timed in the
same loop: parisqa from the scan's bytes to its finished extraction (page render, Tesseract, layout,
word boxes; the first page read in English and French, the later ones in the language it shows),
pytesseract from the same page images (``image_to_string``, English), OCRmyPDF from the scan file to
its text-layer PDF (one job, no optimisation), read back by pdfium. All three run Debian's Tesseract, one thread each.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "system"))
sys.path.insert(0, str(ROOT / "src"))

import docmaker  # noqa: E402

from parisqa.corpus.formats import extract, ocr  # noqa: E402

SETTINGS = ((300, 0.0), (150, 1.2))


def _documents() -> dict[str, bytes]:
    return {"lake": docmaker.lake_pdf(), "observatories": docmaker.pdf_bytes(), "french": docmaker.french_pdf()}


def plain(text: str) -> str:
    """The text without heading marks, white space runs as one space."""
    return " ".join(line.lstrip("#").strip() for line in text.split("\n") if line.strip()).strip()


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions of one character)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def accuracy(found: str, source: str) -> float:
    found, source = plain(found), plain(source)
    return max(0.0, 1 - edit_distance(found, source) / len(source))


def _pytesseract(scan: bytes, dpi: int) -> str:
    import pypdfium2 as pdfium
    import pytesseract

    doc = pdfium.PdfDocument(scan)
    out = []
    for page in doc:
        image = ocr.page_image(page, ocr.DPI)
        out.append(pytesseract.image_to_string(image, lang="eng"))
    doc.close()
    return "\n\n".join(out)


def _ocrmypdf(scan: bytes, dpi: int) -> str:
    import logging

    import ocrmypdf

    logging.getLogger("ocrmypdf").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "scan.pdf", Path(folder) / "out.pdf"
        source.write_bytes(scan)
        ocrmypdf.ocr(source, out, language=["eng"], output_type="pdf", optimize=0, jobs=1, progress_bar=False)
        return extract("out.pdf", out.read_bytes()).text


def _peers() -> dict:
    peers = {}
    try:
        import pytesseract  # noqa: F401

        peers["pytesseract"] = _pytesseract
    except ImportError:
        pass
    try:
        import ocrmypdf  # noqa: F401

        peers["ocrmypdf"] = _ocrmypdf
    except ImportError:
        pass
    return peers


def run(runs: int, documents: dict[str, bytes] | None = None) -> dict:
    """Accuracy and pages/s at each setting, for parisqa and each installed peer."""
    if ocr.tesseract() is None:
        raise SystemExit(f"Tesseract is not installed; {ocr.INSTALL}")
    documents = documents or _documents()
    sources = {name: extract(f"{name}.pdf", pdf).text for name, pdf in documents.items()}
    peers = _peers()
    # Tesseract on one thread for every way, as parisqa runs it. Only in the environment the peers'
    # Tesseract processes inherit, from here on: set at import time, it reached this process's own
    # OpenMP runtime (FAISS's) and turned the search section's IVF training into minutes of spinning.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    rows = []
    for dpi, angle in SETTINGS:
        scans = {name: docmaker.scan_pdf(pdf, dpi, angle) for name, pdf in documents.items()}
        pages = sum(len(extract(f"{n}.pdf", pdf).pages) for n, pdf in documents.items())
        ways = {"parisqa": lambda scan, dpi: extract("scan.pdf", scan).text, **peers}
        seconds: dict[str, list[float]] = {way: [] for way in ways}
        texts: dict[str, dict[str, str]] = {way: {} for way in ways}
        for _ in range(runs):
            for way, read in ways.items():
                started = time.perf_counter()
                for name, scan in scans.items():
                    texts[way][name] = read(scan, dpi)
                seconds[way].append(time.perf_counter() - started)
        for way in ways:
            per_doc = {name: accuracy(texts[way][name], sources[name]) for name in documents}
            chars = sum(len(plain(sources[n])) for n in documents)
            weighted = sum(per_doc[n] * len(plain(sources[n])) for n in documents) / chars
            rows.append(
                {
                    "dpi": dpi,
                    "angle": angle,
                    "way": way,
                    "pages": pages,
                    "char_accuracy": round(weighted, 4),
                    "char_accuracy_by_document": {n: round(a, 4) for n, a in per_doc.items()},
                    "pages_per_second": round(pages / statistics.median(seconds[way]), 3),
                }
            )
    french = extract("french.pdf", docmaker.scan_pdf(documents["french"])) if "french" in documents else None
    return {
        "tesseract": ocr.engine_version(),
        "runs": runs,
        "rows": rows,
        "french_languages": french.ocr.languages if french else None,
        "peers_missing": [p for p in ("pytesseract", "ocrmypdf") if p not in peers],
    }


def bench_ocr(b) -> dict:
    """The benchmark section (one run with ``--quick``)."""
    from common import log

    if ocr.tesseract() is None:
        log(f"ocr: skipped, Tesseract is not installed; {ocr.INSTALL}")
        return {"missing": f"Tesseract is not installed; {ocr.INSTALL}"}
    runs = 1 if b.quick else max(1, min(b.runs, 3))
    documents = {"lake": docmaker.lake_pdf()} if b.quick else None
    log(f"ocr: scans at {SETTINGS}, {runs} run(s)")
    return run(runs, documents)


def table(result: dict) -> list[str]:
    lines = [
        "| scan | way | pages | character accuracy | pages/s |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for r in result["rows"]:
        scan = f"{r['dpi']} dpi" + (f", turned {r['angle']}°" if r["angle"] else "")
        lines.append(f"| {scan} | {r['way']} | {r['pages']} | {r['char_accuracy']:.2%} | {r['pages_per_second']:.2f} |")
    return lines


def _heading(result: dict) -> list[str]:
    lines = [f"{result['tesseract']}; French scan read as: {result['french_languages']}"]
    if result["peers_missing"]:
        lines.append(f"not installed (pip install -e '.[compare]'): {', '.join(result['peers_missing'])}")
    return lines


def main(argv: list[str] | None = None) -> None:
    from common import standalone

    standalone(__doc__, run, argv, "way", _heading, table)


if __name__ == "__main__":
    main()
