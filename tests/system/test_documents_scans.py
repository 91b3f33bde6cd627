"""End to end: a fact only in a scanned page, and one only in a PDF table cell, are found and cited.

The scan is a real fpdf2 PDF rendered at 300 dpi and wrapped as an image-only PDF, read by the real
Tesseract; the table is printed by the real Chromium. The answer cites the right page first, with the
value in the answer, and every citation slices ``parisqa text FILE``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import docmaker
import pytest
from test_documents import run_json, text_of

from parisqa.cli import main
from parisqa.corpus.formats import ocr

# Skipped without them, unless PARISQA_REQUIRE_OCR=1 (as in CI), where they fail instead.
pytestmark = pytest.mark.skipif(
    (ocr.tesseract() is None or shutil.which("/usr/bin/chromium") is None)
    and os.environ.get("PARISQA_REQUIRE_OCR") != "1",
    reason="needs Tesseract and Chromium (.ci/run installs both)",
)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = Path(os.environ["PARISQA_CORPUS"])
    docmaker.write_corpus(folder)
    (folder / "lake-scan.pdf").write_bytes(docmaker.scan_pdf(docmaker.lake_pdf()))
    (folder / "recipes.pdf").write_bytes(docmaker.recipes_pdf())
    (folder / "lake-photo.jpg").write_bytes(docmaker.photo(docmaker.lake_pdf(), page=1, image_format="JPEG"))
    return folder


def _check_spans(capsysbinary, answer: dict) -> None:
    texts: dict[str, str] = {}
    for citation in answer["citations"]:
        if citation["source"] not in texts:
            capsysbinary.readouterr()
            texts[citation["source"]] = text_of(capsysbinary, citation["source"])
        assert texts[citation["source"]][citation["start"] : citation["end"]] == citation["text"]


def test_a_scanned_page_and_a_table_cell_answer_their_questions(capsysbinary, corpus, embedder):
    assert main(["index", "--json"]) == 0
    out, err = capsysbinary.readouterr()
    summary = json.loads(out)
    assert summary["skipped"] == [] and summary["added"] == 7, summary
    # The OCR's cost is shown in the build's progress lines.
    assert "OCR: lake-scan.pdf, 2 page(s) in" in err.decode() and "mean word confidence" in err.decode()
    manifest = json.loads((Path(os.environ["PARISQA_INDEX"]) / "manifest.json").read_text())
    entry = manifest["files"]["lake-scan.pdf"]["ocr"]
    assert entry["engine"] == "tesseract" and entry["version"].startswith("tesseract 5")
    assert entry["mean_confidence"] > 85 and entry["pages"] == [1, 2] and entry["languages"] == "eng"
    assert manifest["files"]["lake-photo.jpg"]["extractor"] == "image"
    assert "ocr" not in manifest["files"]["recipes.pdf"]

    answer = run_json(capsysbinary, "ask", "--json", "--no-build", docmaker.SCAN_QUESTION)
    first = answer["citations"][0]
    assert first["source"] == "lake-scan.pdf" and first["page"] == 2, answer
    assert "three hundred and forty" in answer["answer"]
    _check_spans(capsysbinary, answer)

    answer = run_json(capsysbinary, "ask", "--json", "--no-build", docmaker.TABLE_QUESTION)
    first = answer["citations"][0]
    assert first["source"] == "recipes.pdf" and first["page"] == 1, answer
    assert docmaker.TABLE_VALUE in answer["answer"], answer["answer"]
    assert "Seeded rye |" in first["text"]
    _check_spans(capsysbinary, answer)

    # Nothing changed: the scans are not read again (their OCR is kept with the index).
    calls = []
    real = ocr.run_tesseract
    ocr.run_tesseract = lambda *a: calls.append(a) or real(*a)
    try:
        summary = run_json(capsysbinary, "index", "--json")
    finally:
        ocr.run_tesseract = real
    assert calls == [] and summary["unchanged"] == 7


def test_a_page_under_the_confidence_floor_is_reported_in_skipped(capsysbinary, tmp_path, embedder):
    import io

    import pypdfium2 as pdfium
    from test_documents import makedocs

    folder = Path(os.environ["PARISQA_CORPUS"])
    folder.mkdir()
    merged = pdfium.PdfDocument.new()
    for data in (docmaker.scan_pdf(docmaker.lake_pdf(), 200), makedocs.noise_pdf()):
        merged.import_pages(pdfium.PdfDocument(data), [0])
    buf = io.BytesIO()
    merged.save(buf)
    (folder / "mixed.pdf").write_bytes(buf.getvalue())
    summary = run_json(capsysbinary, "index", "--json")
    assert summary["added"] == 1
    assert [s["source"] for s in summary["skipped"]] == ["mixed.pdf#page=2"]
    assert "OCR mean word confidence" in summary["skipped"][0]["reason"]
    # The page entry does not make the index look stale: asking does not rebuild.
    summary = run_json(capsysbinary, "index", "--json")
    assert summary["unchanged"] == 1 and summary["added"] == 0
