"""Extraction details a reader notices: hyphens at PDF line ends, numbers of DOCX numbered lists."""

from __future__ import annotations

import io

from parisqa.corpus.formats import extract


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF written by fpdf2 with exactly these lines (so a line may end in a hyphen)."""
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.add_page()
    doc.set_font("Helvetica", "", 11)
    for line in lines:
        doc.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def test_a_pdf_line_end_hyphen_is_kept_when_it_belongs_to_the_word():
    text = extract(
        "bread.pdf",
        _pdf(
            [
                "Bakers gently pre-",
                "shape the dough, then give it its final shape after a well-",
                "known rest. The infor-",
                "mation is printed on every label for every-",
                "one who asks. Everyone loves bread, as is well known.",
            ]
        ),
    ).text
    # "preshape" is no word of the document while "shape" is: the hyphen is part of "pre-shape".
    assert "gently pre-shape the dough" in text, text
    assert "a well-known rest" in text, text
    # A word cut in two ("infor-mation") or one the document writes joined ("everyone") is joined.
    assert "The information is printed" in text and "for everyone who asks" in text, text


def test_numbered_docx_lists_keep_their_numbers():
    import docx

    document = docx.Document()
    document.add_heading("Focaccia", level=1)
    document.add_paragraph("Method:")
    for step in ("Mix the flour and water.", "Rest the dough for an hour.", "Bake at 220 degrees."):
        document.add_paragraph(step, style="List Number")
    document.add_paragraph("You will need:")
    for item in ("flour", "olive oil"):
        document.add_paragraph(item, style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    text = extract("focaccia.docx", buffer.getvalue()).text
    assert "1. Mix the flour and water.\n2. Rest the dough for an hour.\n3. Bake at 220 degrees." in text, text
    assert "- flour\n- olive oil" in text, text
