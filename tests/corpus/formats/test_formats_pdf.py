"""PDF extraction on PDFs written by fpdf2 (and by Chromium when it is installed)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import makedocs
import pytest

from parisqa.corpus.formats import Extracted, extract, render_page
from parisqa.corpus.structure import parse


@pytest.fixture(scope="module")
def report() -> tuple[bytes, Extracted]:
    data = makedocs.pdf(4)
    return data, extract("report.pdf", data)


def test_headings_from_the_outline_with_their_levels(report):
    _, ex = report
    lines = ex.text.splitlines()
    assert "# Harbours of the Atlantic Coast" in lines
    assert "## Introduction" in lines
    assert "## Harbour traffic" in lines
    assert "### Freight and customs" in lines
    parsed = parse(ex.text, markdown=True)
    assert parsed.title == "Harbours of the Atlantic Coast"
    unit = next(u for u in parsed.units if "Brest handled" in ex.text[u.start : u.end])
    assert unit.heading_path == ("Harbours of the Atlantic Coast", "Harbour traffic")


def test_headings_from_font_size_without_an_outline():
    ex = extract("plain.pdf", makedocs.pdf(3, with_outline=False))
    lines = ex.text.splitlines()
    assert "# Harbours of the Atlantic Coast" in lines
    assert "## Harbour traffic" in lines
    assert "### Freight and customs" in lines


def test_running_header_footer_and_page_numbers_removed(report):
    _, ex = report
    assert makedocs.HEADER not in ex.text
    assert "Page 1 of" not in ex.text and "Page 2 of" not in ex.text
    assert len(ex.pages) >= 3


def test_hyphenated_line_ends_are_joined(report):
    _, ex = report
    assert f"The new {makedocs.HYPHEN_WORD} opened in May." in ex.text
    assert "infra-" not in ex.text and "\ufffe" not in ex.text
    assert "forty-seven" in ex.text  # a hyphen inside a line stays


def test_paragraphs_are_whole_lines_and_blocks(report):
    _, ex = report
    paragraph = next(p for p in ex.text.split("\n\n") if "Brest handled" in p)
    assert "\n" not in paragraph
    assert paragraph.startswith("Traffic in the western ports kept growing.")


def test_page_spans_partition_the_text_and_name_the_right_page(report):
    _, ex = report
    assert ex.pages[0][0] == 0 and ex.pages[-1][1] == len(ex.text)
    for (_, end), (start, _) in zip(ex.pages, ex.pages[1:]):
        assert end == start
    start = ex.text.index(makedocs.PAGE2_SENTENCE)
    end = start + len(makedocs.PAGE2_SENTENCE)
    assert ex.page_of(start) == 2
    assert ex.pages_of(start, end) == (2, 2)
    first, last = ex.pages[1]
    assert makedocs.PAGE2_SENTENCE in ex.text[first:last]
    assert ex.page_of(0) == 1 and ex.page_of(len(ex.text) - 1) == len(ex.pages)


def test_a_paragraph_broken_by_a_page_break_is_joined_and_spans_two_pages(report):
    _, ex = report
    for n, (start, _) in enumerate(ex.pages[1:], start=2):
        if ex.text[start] == " ":  # page n continues the paragraph of page n-1
            para_start = ex.text.rfind("\n\n", 0, start) + 2
            para_end = ex.text.find("\n\n", start)
            assert ex.pages_of(para_start, para_end) == (n - 1, n)
            return
    pytest.fail("no paragraph continues across a page break in the test report")


def test_char_map_points_at_the_same_characters_in_pdfium(report):
    import pypdfium2 as pdfium

    data, ex = report
    start = ex.text.index(makedocs.PAGE2_SENTENCE)
    ranges = ex.chars_of(2, start, start + len(makedocs.PAGE2_SENTENCE))
    doc = pdfium.PdfDocument(data)
    textpage = doc[1].get_textpage()
    got = "".join(textpage.get_text_range(first, count) for first, count in ranges)
    assert got == makedocs.PAGE2_SENTENCE


def test_round_trip_through_json(report):
    import json

    _, ex = report
    assert Extracted.from_dict(json.loads(json.dumps(ex.to_dict()))) == ex


def test_same_bytes_same_text(report):
    data, ex = report
    again = extract("other-name.pdf", data)
    assert again.text == ex.text and again.version == ex.version and again.pages == ex.pages


def test_render_page_highlights_the_span(report):
    from PIL import Image

    data, ex = report
    start = ex.text.index(makedocs.PAGE2_SENTENCE)
    plain = Image.open(io.BytesIO(render_page(data, 2, [], scale=1.0))).convert("RGB")
    png = render_page(data, 2, [(start, start + len(makedocs.PAGE2_SENTENCE))], scale=1.0, extracted=ex)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    marked = Image.open(io.BytesIO(png)).convert("RGB")
    assert marked.size == plain.size

    def yellow(img, box):
        import numpy as np

        px = np.asarray(img.crop(box)).astype(int)
        return int(((px[..., 0] > 200) & (px[..., 1] > 180) & (px[..., 2] < 170)).sum())

    # The sentence is on the first body line under the "Harbour traffic" heading, near the top.
    w, h = marked.size
    top = (0, 0, w, h // 4)
    assert yellow(marked, top) > 500
    assert yellow(plain, top) == 0
    assert yellow(marked, (0, h // 3, w, h)) == 0  # nothing highlighted lower on the page
    # Highlighting a span on another page leaves page 2 untouched.
    other = Image.open(io.BytesIO(render_page(data, 2, [(0, 40)], scale=1.0, extracted=ex))).convert("RGB")
    assert yellow(other, (0, 0, w, h)) == 0


def test_render_page_out_of_range_is_refused(report):
    from parisqa.errors import ExtractionError

    data, _ = report
    with pytest.raises(ExtractionError, match="page 99 does not exist"):
        render_page(data, 99, [])


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_pdf_printed_by_chromium(tmp_path: Path):
    page = tmp_path / "page.html"
    page.write_bytes(makedocs.html())
    out = tmp_path / "page.pdf"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    ex = extract(out.name, out.read_bytes())
    assert makedocs.PAGE2_SENTENCE in ex.text
    assert "\n# Harbours of the Atlantic Coast" in "\n" + ex.text
    assert "## Harbour traffic" in ex.text.splitlines()
    # Each <p> is a paragraph of its own: gaps are measured against the page's line pitch, not the font
    # size (Chromium scales its pages, so the nominal size is off by a third).
    blocks = ex.text.split("\n\n")
    for sentence in makedocs.sentences(4, 1):
        assert sentence in blocks


def test_table_rows_are_lines_of_cells_joined_by_pipes():
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, "Our prices for the season, all taxes included.", new_x="LMARGIN", new_y="NEXT")
    with pdf.table(first_row_as_headings=True, line_height=7) as table:
        for cells in (("Bike", "Half day", "Full day"), ("City bike", "£12", "£20"), ("E-bike", "£25", "£40")):
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.multi_cell(0, 6, "A deposit is taken for every bike.", new_x="LMARGIN", new_y="NEXT")
    ex = extract("prices.pdf", bytes(pdf.output()))
    lines = ex.text.splitlines()
    assert "Bike | Half day | Full day" in lines
    assert "City bike | £12 | £20" in lines
    assert "E-bike | £25 | £40" in lines
    # rows follow each other line by line; the paragraphs around the table stay blocks of their own
    start = ex.text.index("Bike | Half day")
    assert ex.text[start:].startswith("Bike | Half day | Full day\nCity bike | £12 | £20\nE-bike | £25 | £40\n\n")
    assert "Our prices for the season, all taxes included." in ex.text.split("\n\n")[0]
    # every cell maps back to the page (highlighting): the runs cover the cells' characters
    covered = sum(n for page in ex.char_map for _, _, n in page)
    assert covered >= len("CitybikeE-bike£12£20£25£40")
