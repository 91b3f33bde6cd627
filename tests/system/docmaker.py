"""A corpus mixing the five formats, each file on its own topic, written by the real tools.

The PDF (fpdf2) puts its key fact on page 2; the DOCX (python-docx) has headings, a list and a
table; the HTML page has navigation, a cookie banner and a footer around its article. Shared by the
end-to-end document tests and the browser test.
"""

from __future__ import annotations

import io
import shutil
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


# Scans: text PDFs rendered to images and wrapped as image-only PDFs, and photos of a page.
SCAN_FACT = "The Annecy lake ferry carries three hundred and forty passengers on each crossing."
SCAN_QUESTION = "How many passengers does the Annecy lake ferry carry on each crossing?"
FRENCH_FACT = "Le marché couvert de Besançon accueille quarante-deux producteurs chaque samedi matin."
FRENCH_FILLER = (
    "Les habitants de la vieille ville font leurs courses au marché depuis le siècle dernier. "
    "Les étals de fromage et de légumes sont installés avant l'aube, et les boulangers arrivent ensuite."
)
LAKE_FILLER = (
    "The lake is fed by mountain streams and stays cold until late June. Fishermen go out at dawn and "
    "sailing clubs race on Sunday afternoons. The old harbour keeps a small museum about the steamboats "
    "that carried goods between the villages before the railway came."
)


def text_pdf(pages: list[tuple[str, list[str]]]) -> bytes:
    """A plain fpdf2 report: per page, a heading (18 pt on page 1, 16 pt after) and its paragraphs."""
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.set_creator("docmaker")
    for number, (heading, paragraphs) in enumerate(pages):
        doc.add_page()
        doc.set_font("Helvetica", "B", 18 if number == 0 else 16)
        doc.cell(0, 10, heading, new_x="LMARGIN", new_y="NEXT")
        doc.set_font("Helvetica", "", 12)
        for paragraph in paragraphs:
            doc.multi_cell(0, 7, paragraph)
            doc.ln(3)
    return bytes(doc.output())


def lake_pdf() -> bytes:
    """Two pages about the lake; the ferry fact on page 2, under its own heading."""
    return text_pdf([("Lake Annecy", [LAKE_FILLER] * 3), ("The ferry", [f"{SCAN_FACT} {LAKE_FILLER}"])])


def french_pdf() -> bytes:
    return text_pdf([("Le marché de Besançon", [f"{FRENCH_FACT} {FRENCH_FILLER}", FRENCH_FILLER])])


def page_images(pdf: bytes, dpi: int = 300, angle: float = 0.0) -> list:
    """The pages of ``pdf`` rendered as grey images at ``dpi``, turned by ``angle`` degrees (a skewed scan)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    images = []
    for page in doc:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        if angle:
            image = image.rotate(angle, expand=True, fillcolor=255, resample=3)
        images.append(image)
    doc.close()
    return images


def scan_pdf(pdf: bytes, dpi: int = 300, angle: float = 0.0, bilevel: bool = False) -> bytes:
    """``pdf`` as a scanner would return it: one image per page, no text layer (written by Pillow).

    ``bilevel``: black and white, as a document scanner's smallest setting (a tenth of the bytes).
    """
    images = [image.convert("1") if bilevel else image for image in page_images(pdf, dpi, angle)]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buf.getvalue()


def photo(pdf: bytes, page: int = 1, image_format: str = "PNG", dpi: int = 200) -> bytes:
    """Page ``page`` of ``pdf`` as a PNG or JPEG picture of the page."""
    image = page_images(pdf, dpi)[page - 1]
    buf = io.BytesIO()
    image.save(buf, format=image_format, **({"quality": 85} if image_format == "JPEG" else {}))
    return buf.getvalue()


# A page of recipes printed by Chromium: the hydration of each dough is only in the table.
TABLE_QUESTION = "What is the hydration of the seeded rye dough?"
TABLE_VALUE = "85%"
RECIPES_HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>
body { font-family: serif; font-size: 12pt } table { border-collapse: collapse; width: 60% }
td, th { border: 1px solid #000; padding: 4px; vertical-align: top }</style></head><body>
<h1>Breads of the Croix-Rousse bakehouse</h1>
<p>The bakehouse bakes three doughs every morning. Each is mixed by hand and rests overnight in the cold
room before it is shaped.</p>
<table><thead><tr><th>Bread</th><th>Flour</th><th>Hydration</th><th>Salt</th><th>Bake</th></tr></thead>
<tbody><tr><td>Seeded rye</td><td>dark rye 70%, strong white 30%</td><td>85%</td><td>1.8% levain 30%</td>
<td>220 °C, 60 min</td></tr>
<tr><td>Country loaf</td><td>white 90%, whole wheat 10%</td><td>75%</td><td>2%</td><td>240 °C, 45 min</td></tr>
<tr><td>Baguette</td><td>white 100%</td><td>68%</td><td>2%</td><td>250 °C, 25 min</td></tr></tbody></table>
<p>Loaves that do not sell by the evening go to the food bank of the fourth arrondissement.</p>
</body></html>"""


def recipes_pdf() -> bytes:
    """The recipes page printed to PDF by headless Chromium."""
    return chromium_pdf(RECIPES_HTML)


# Debian's Chromium, which prints HTML to PDF for the document and PDF table tests.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def chromium_pdf(page: str) -> bytes:
    """The HTML ``page`` printed to PDF by headless Chromium (no header or footer lines)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        source, out = Path(folder) / "page.html", Path(folder) / "page.pdf"
        source.write_text(page, encoding="utf-8")
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--user-data-dir={folder}/profile",
                f"--print-to-pdf={out}",
                source.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )
        return out.read_bytes()
