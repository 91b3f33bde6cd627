"""PDF tables come back as `cell | cell` rows, header first: real PDFs printed by Chromium and fpdf2."""

from __future__ import annotations

import io
import os
import random
import shutil

import pytest
import tablemaker

from parisqa.corpus.formats import extract, render_page

HAVE_CHROMIUM = shutil.which(tablemaker.CHROMIUM) is not None
needs_chromium = pytest.mark.skipif(
    not HAVE_CHROMIUM and os.environ.get("PARISQA_REQUIRE_BROWSER") != "1",
    reason="Debian's chromium is not installed (.ci/run installs it)",
)
SHAPES = {shape.name: shape for shape in tablemaker.SHAPES}


@pytest.fixture(scope="module")
def printed() -> dict[str, bytes]:
    return {name: tablemaker.chromium_pdf(tablemaker.html(shape)) for name, shape in SHAPES.items()}


@needs_chromium
@pytest.mark.parametrize("name", list(SHAPES))
def test_a_table_printed_by_chromium_comes_back_cell_for_cell(printed, name):
    shape = SHAPES[name]
    found = extract(f"{name}.pdf", printed[name])
    rows = tablemaker.rows_in(found.text)
    assert rows[0] == list(shape.header)  # header first
    assert tablemaker.cell_accuracy(shape.cells, rows) == 1.0, found.text
    # The table is one block of its own, between the paragraphs around it.
    first_page = found.text[: found.pages[0][1]]
    assert "checked twice.\n\n" + " | ".join(shape.header) + "\n" in first_page


@pytest.mark.parametrize("name", list(SHAPES))
def test_a_table_written_by_fpdf2_comes_back_cell_for_cell(name):
    shape = SHAPES[name]
    found = extract(f"{name}.pdf", tablemaker.fpdf_pdf(shape, ruled=bool(shape.css)))
    assert tablemaker.cell_accuracy(shape.cells, tablemaker.rows_in(found.text)) == 1.0, found.text


@needs_chromium
@pytest.mark.parametrize("name", ["long-over-two-pages", "long-without-thead"])
def test_a_table_going_on_to_the_next_page_keeps_its_header(printed, name):
    shape = SHAPES[name]
    found = extract(f"{name}.pdf", printed[name])
    assert len(found.pages) >= 2
    header = " | ".join(shape.header)
    for start, end in found.pages[1:]:
        page = found.text[start:end].lstrip("\n")
        assert page.startswith(header + "\n"), page[:200]
    assert found.text.count(header) == len(found.pages)  # once a page, never twice in a row


@needs_chromium
def test_a_wrapped_cell_is_joined_and_its_row_highlighted(printed):
    data = printed["recipes-wrapped"]
    found = extract("recipes.pdf", data)
    row = "Seeded rye | dark rye 70%, strong white 30% | 85% | 1.8% levain 30% | 220 °C, 60 min"
    start = found.text.index(row)
    # Every cell character maps to a pdfium character holding it (the separators map to nothing).
    mapped = sum(count for _, count in found.chars_of(1, start, start + len(row)))
    assert mapped == len(row.replace(" | ", "").replace(" ", ""))
    from PIL import Image

    plain = Image.open(io.BytesIO(render_page(data, 1, [], extracted=found))).convert("RGB")
    marked = Image.open(io.BytesIO(render_page(data, 1, [(start, start + len(row))], extracted=found))).convert("RGB")
    changed = sum(1 for a, b in zip(plain.get_flattened_data(), marked.get_flattened_data()) if a != b)
    assert changed > 2000


@needs_chromium
@pytest.mark.parametrize("columns,align", [(1, "justify"), (2, "justify"), (3, "justify"), (3, "left")])
def test_prose_in_columns_is_never_a_table(columns, align):
    rng = random.Random(5)
    words = (
        "the river valley was settled early by farmers who cleared forests along banks and built small "
        "villages of stone their fields wheat barley fed growing towns downstream trade in grain"
    ).split()
    paragraphs = "".join(
        "<p>" + " ".join(rng.choice(words) for _ in range(rng.randrange(20, 120))) + ".</p>" for _ in range(30)
    )
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><style>body { font-family: serif; font-size: 10pt } '
        f".c {{ column-count: {columns}; text-align: {align} }}</style></head><body><div class=c>{paragraphs}"
        "</div></body></html>"
    )
    found = extract("prose.pdf", tablemaker.chromium_pdf(page))
    assert " | " not in found.text
