"""OCR of scans and photos with the real Tesseract: scans made by rendering real text PDFs to images."""

from __future__ import annotations

import difflib
import io
import os
import sys
from pathlib import Path

import makedocs
import pytest

from parisqa.corpus.formats import Extracted, extract, ocr, render_page

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "system"))
import docmaker  # noqa: E402  (the end-to-end tests' document writer: text PDFs, scans, photos)

# Skipped without Tesseract, unless PARISQA_REQUIRE_OCR=1 (as in CI), where they fail instead.
pytestmark = pytest.mark.skipif(
    ocr.tesseract() is None and os.environ.get("PARISQA_REQUIRE_OCR") != "1",
    reason="Tesseract is not installed (.ci/run installs it)",
)


def accuracy(found: str, source: str) -> float:
    """Share of the source's characters OCR got right (whitespace runs count as one space)."""
    a, b = " ".join(found.split()), " ".join(source.split())
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(b)


def yellow_share(png: bytes) -> float:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = list(image.get_flattened_data())
    return sum(1 for r, g, b in pixels if r - b > 60 and g - b > 40) / len(pixels)


@pytest.fixture(scope="module")
def lake() -> tuple[bytes, Extracted]:
    pdf = docmaker.lake_pdf()
    return pdf, extract("lake.pdf", pdf)


@pytest.mark.parametrize("dpi,angle,floor", [(300, 0.0, 0.98), (150, 1.2, 0.95)])
def test_a_scanned_pdf_is_read_page_by_page(lake, dpi, angle, floor):
    text_pdf, source = lake
    scan = docmaker.scan_pdf(text_pdf, dpi, angle)
    found = extract("scan.pdf", scan)
    assert found.ocr is not None and found.ocr.engine == "tesseract" and found.ocr.version.startswith("tesseract ")
    assert found.ocr.pages == (1, 2) and found.ocr.skipped == () and found.ocr.confidence > 85
    assert found.ocr.languages == "eng"
    assert len(found.pages) == 2 and found.char_map == ((), ())
    assert accuracy(found.text, source.text.replace("# ", "")) >= floor
    start = found.text.find(docmaker.SCAN_FACT[:40])
    assert start > 0 and found.page_of(start) == 2
    # Every word box slices the text: each run is a word of it, none crossing a page.
    for page, boxes in enumerate(found.boxes, 1):
        for offset, length, x0, y0, x1, y1 in boxes:
            assert found.page_of(offset) == page and " " not in found.text[offset : offset + length]
            assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1
    assert Extracted.from_dict(found.to_dict()) == found


def test_the_page_view_highlights_the_cited_words_on_the_scan(lake):
    scan = docmaker.scan_pdf(lake[0])
    found = extract("scan.pdf", scan)
    start = found.text.find(docmaker.SCAN_FACT[:40])
    span = (start, start + len(docmaker.SCAN_FACT))
    plain = render_page(scan, 2, [], extracted=found)
    marked = render_page(scan, 2, [span], extracted=found)
    assert yellow_share(plain) == 0 and yellow_share(marked) > 0.01
    assert yellow_share(render_page(scan, 1, [span], extracted=found)) == 0  # the span is not on page 1


@pytest.mark.parametrize("name,image_format", [("page.png", "PNG"), ("page.jpg", "JPEG")])
def test_a_photo_of_a_page_is_read(lake, name, image_format):
    data = docmaker.photo(lake[0], page=2, image_format=image_format)
    found = extract(name, data)
    assert found.extractor == "image" and len(found.pages) == 1 and found.ocr.pages == (1,)
    assert accuracy(found.text, lake[1].text[lake[1].pages[1][0] :]) >= 0.97
    start = found.text.find("three hundred and forty passengers")
    assert start >= 0
    assert yellow_share(render_page(data, 1, [(start, start + 34)], extracted=found)) > 0.001


def test_a_multi_page_tiff_gives_one_page_per_frame(lake):
    images = docmaker.page_images(lake[0], 200)
    buf = io.BytesIO()
    images[0].save(buf, format="TIFF", save_all=True, append_images=images[1:], compression="tiff_lzw")
    found = extract("lake.tiff", buf.getvalue())
    assert len(found.pages) == 2 and found.page_of(found.text.find("three hundred and forty")) == 2


def test_the_ocr_language_follows_the_document():
    scan = docmaker.scan_pdf(docmaker.french_pdf())
    found = extract("marche.pdf", scan)
    assert found.ocr.languages == "fra"
    assert docmaker.FRENCH_FACT in " ".join(found.text.split())  # accents and the hyphenated number intact


def test_a_page_under_the_confidence_floor_is_left_out_and_reported(lake):
    import pypdfium2 as pdfium

    # A real text page followed by a page of noise, merged by pdfium.
    merged = pdfium.PdfDocument.new()
    for data in (lake[0], makedocs.noise_pdf()):
        merged.import_pages(pdfium.PdfDocument(data), [0])
    buf = io.BytesIO()
    merged.save(buf)
    found = extract("mixed.pdf", buf.getvalue())
    assert found.text.startswith("# Lake Annecy") and found.pages[1][0] == found.pages[1][1] == len(found.text)
    assert [page for page, _ in found.ocr.skipped] == [2]
    assert "below the floor" in found.ocr.skipped[0][1]
    with pytest.raises(ocr.ExtractionError, match="below the floor"):
        extract("noise.pdf", makedocs.noise_pdf())


def test_without_tesseract_a_scan_is_skipped_naming_the_package(lake, monkeypatch):
    monkeypatch.setattr(ocr, "tesseract", lambda: None)
    scan = docmaker.scan_pdf(lake[0], 100)
    for name, data in (("scan.pdf", scan), ("page.png", docmaker.photo(lake[0], dpi=100))):
        with pytest.raises(ocr.ExtractionError) as caught:
            extract(name, data)
        assert "apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra" in caught.value.reason
        assert "\n" not in caught.value.reason


def test_a_damaged_or_oversized_image_is_refused_with_its_reason():
    from PIL import Image

    with pytest.raises(ocr.ExtractionError, match="damaged or unsupported image"):
        extract("torn.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    buf = io.BytesIO()
    Image.new("1", (12_000, 8_000), 1).save(buf, format="PNG")  # 96 megapixels of white, a few KB
    with pytest.raises(ocr.ExtractionError, match="over the 80,000,000-pixel limit"):
        extract("poster.png", buf.getvalue())
