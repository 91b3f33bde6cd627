"""A corpus mixing the five formats, each file on its own topic, written by the real tools.

The PDF (fpdf2) puts its key fact on page 2; the DOCX (python-docx) has headings, a list and a
table; the HTML page has navigation, a cookie banner and a footer around its article. Shared by the
end-to-end document tests and the browser test.
"""

from __future__ import annotations

import io
from pathlib import Path

PDF_FACT = "The Grenoble observatory recorded two hundred and twelve clear nights in 2024."
PDF_QUESTION = "How many clear nights did the Grenoble observatory record in 2024?"
DOCX_FACT = "Nantes opened forty kilometres of protected cycle lanes along the Loire in 2023."
DOCX_QUESTION = "How many kilometres of protected cycle lanes did Nantes open along the Loire?"
HTML_FACT = "The Croix-Rousse bakery ferments its sourdough for thirty-six hours before baking."
HTML_QUESTION = "For how long does the Croix-Rousse bakery ferment its sourdough?"
MD_FACT = "The Montmartre apiary keeps eighteen hives on the roof of the old town hall."
MD_QUESTION = "How many hives does the Montmartre apiary keep?"
TXT_QUESTION = "Why is ethical AI important?"

FILLER = (
    "Astronomers in the Alps compare their instruments every spring. The mountain air is dry and thin, "
    "which helps telescopes see faint objects. Volunteers keep the domes clean and log the weather. "
    "Students from the university visit the site during the summer school and learn to calibrate cameras."
)


def pdf_bytes() -> bytes:
    """A two-page report: a heading and filler on page 1, the observatory fact on page 2."""
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.set_creator("docmaker")
    doc.add_page()
    doc.set_font("Helvetica", "B", 18)
    doc.cell(0, 10, "Mountain Observatories", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 11)
    for _ in range(3):
        doc.multi_cell(0, 6, FILLER)
        doc.ln(3)
    doc.add_page()
    doc.set_font("Helvetica", "B", 14)
    doc.cell(0, 10, "Observing season", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 11)
    doc.multi_cell(0, 6, f"{PDF_FACT} Most of them came in the winter months, when cold fronts cleared the sky.")
    doc.ln(3)
    doc.multi_cell(0, 6, FILLER)
    return bytes(doc.output())


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Cycling in Nantes", level=1)
    document.add_heading("New lanes", level=2)
    document.add_paragraph(DOCX_FACT + " The city council voted the plan after a year of consultation.")
    document.add_paragraph("Lanes opened on:")
    for place in ("the Ile de Nantes", "the Erdre banks", "the Rezé bridge"):
        document.add_paragraph(place, style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate((("Year", "Kilometres"), ("2023", "40"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def html_bytes() -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bakeries of Lyon</title>
<style>body {{ font-family: serif; }}</style><script>var tracking = true;</script></head>
<body>
<div class="cookie-banner">We use cookies. Accept all cookies</div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/shop">Shop</a></li></ul></nav></header>
<main><article>
<h1>Bakeries of Lyon</h1>
<h2>Sourdough</h2>
<p>{HTML_FACT} The long rest gives the crumb its open texture and a mild acidity.</p>
<p>Customers queue from seven in the morning on Saturdays, and the loaves sell out by noon.</p>
<ul><li>Rye loaves on Tuesdays.</li><li>Brioche on Sundays.</li></ul>
</article></main>
<footer><p>Copyright 2025 Lyon Food Guide.</p></footer>
</body></html>""".encode()


def md_text() -> str:
    return f"""# Urban beekeeping

## Montmartre

{MD_FACT} The honey is sold at the autumn wine festival.

## Care

Beekeepers inspect the frames every ten days from April to September.
"""


def write_corpus(folder: Path, seed: Path | None = None) -> dict[str, str]:
    """Write the five files into ``folder``; returns {format: file name}."""
    folder.mkdir(parents=True, exist_ok=True)
    if seed is not None:
        (folder / "paris-ai-city.txt").write_bytes(seed.read_bytes())
    (folder / "observatories.pdf").write_bytes(pdf_bytes())
    (folder / "cycling.docx").write_bytes(docx_bytes())
    (folder / "bakeries.html").write_bytes(html_bytes())
    (folder / "bees.md").write_text(md_text(), encoding="utf-8")
    return {
        "txt": "paris-ai-city.txt",
        "pdf": "observatories.pdf",
        "docx": "cycling.docx",
        "html": "bakeries.html",
        "md": "bees.md",
    }
