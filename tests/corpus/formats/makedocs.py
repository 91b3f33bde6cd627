"""Real documents for the extractor tests and the extraction benchmark, written by real tools.

PDFs are laid out by fpdf2 (running header and footer with page numbers, two heading sizes, an outline,
body lines wrapped by hand so some words are hyphenated at line ends), DOCX files by python-docx, HTML
as a saved web page with navigation, a cookie banner and a footer around the article.
"""

from __future__ import annotations

import io
import random

HEADER = "Northwind Maritime Review 2025"
PAGE2_SENTENCE = "The harbour of Brest handled forty-seven cargo ships in March."
HYPHEN_WORD = "infrastructure"  # always broken as "infra-" / "structure" at a line end
WORDS = (
    "the port city trade route weather season ferry crew cargo vessel market fishing quay lighthouse "
    "island channel tide storm engine captain logbook freight customs warehouse crane berth pilot "
    "navigation coastline estuary shipyard dockers container schedule timber grain export import"
).split()


def sentences(n: int, seed: int) -> list[str]:
    """``n`` plain English-looking sentences, the same for the same seed."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
        out.append(" ".join(words).capitalize() + ".")
    return out


def outline(pages: int) -> list[tuple[int, str, list[str]]]:
    """The document plan: (heading level, heading, paragraphs); about four paragraphs per page."""
    plan: list[tuple[int, str, list[str]]] = [(1, "Harbours of the Atlantic Coast", [])]
    plan.append((2, "Introduction", [" ".join(sentences(6, 1)), " ".join(sentences(5, 2))]))
    plan.append(
        (
            2,
            "Harbour traffic",
            [f"Traffic in the western ports kept growing. {PAGE2_SENTENCE} " + " ".join(sentences(3, 3))],
        )
    )
    plan.append((3, "Freight and customs", [" ".join(sentences(5, 4)), f"The new {HYPHEN_WORD} opened in May."]))
    seed = 10
    while sum(len(p) for _, _, p in plan) < pages * 4:
        seed += 1
        plan.append((2, f"Section {seed - 10}", [" ".join(sentences(6, seed * 7 + k)) for k in range(4)]))
        plan.append((3, f"Details {seed - 10}", [" ".join(sentences(4, seed * 11))]))
    return plan


def pdf(pages: int = 3, *, with_outline: bool = True, encrypt: bool = False, page2_break: bool = True) -> bytes:
    """A report of about ``pages`` pages written by fpdf2.

    Page 1 holds the title, the introduction and the start of "Harbour traffic"; ``PAGE2_SENTENCE``
    is forced to the top of page 2 (``page2_break``). ``HYPHEN_WORD`` is broken at a line end.
    """
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 8, HEADER, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")

    doc = Report(format="A4")
    doc.set_auto_page_break(True, margin=20)
    doc.set_creator("makedocs")
    if encrypt:
        doc.set_encryption(owner_password="owner", user_password="secret")
    doc.add_page()
    width = doc.w - doc.l_margin - doc.r_margin
    sizes = {1: 20, 2: 15, 3: 12.5}
    for level, heading, paragraphs in outline(pages):
        if heading == "Harbour traffic" and page2_break:
            doc.add_page()
        if with_outline:
            doc.start_section(heading, level=level - 1)
        doc.set_font("Helvetica", "B", sizes[level])
        doc.ln(3)
        doc.cell(0, sizes[level] * 0.5, heading, new_x="LMARGIN", new_y="NEXT")
        doc.ln(2)
        doc.set_font("Helvetica", "", 11)
        for paragraph in paragraphs:
            for line in _wrap(doc, paragraph, width):
                doc.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
            doc.ln(3)
    return bytes(doc.output())


def _wrap(doc, text: str, width: float) -> list[str]:
    """Greedy line breaking; a long word that does not fit is hyphenated, ``HYPHEN_WORD`` always is."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if word.strip(".,") == HYPHEN_WORD and line:
            lines.append(f"{line} infra-")
            line = word[5:]
            continue
        if doc.get_string_width(trial) <= width:
            line = trial
            continue
        if len(word) >= 8:
            for cut in range(len(word) - 3, 2, -1):
                head = f"{line} {word[:cut]}-".strip()
                if doc.get_string_width(head) <= width:
                    lines.append(head)
                    line = word[cut:]
                    break
            else:
                lines.append(line)
                line = word
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def noise_pdf() -> bytes:
    """A one-page PDF holding only a picture of noise: OCR reads a few "words", none with confidence.

    Seeded: this seed's noise gives Tesseract 5.3 blobs it reads as words (most noise gives none).
    """
    import random

    from fpdf import FPDF
    from PIL import Image

    rng = random.Random(2)
    pixels = bytes(max(0, min(255, int(rng.gauss(128, 120)))) for _ in range(800 * 600))
    buf = io.BytesIO()
    Image.frombytes("L", (800, 600), pixels).save(buf, format="PNG")
    doc = FPDF()
    doc.add_page()
    doc.image(io.BytesIO(buf.getvalue()), x=10, y=10, w=180)
    return bytes(doc.output())


def image_pdf() -> bytes:
    """A one-page PDF holding only a picture of text (a "scan"): no text layer."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (400, 120), "white")
    ImageDraw.Draw(img).text((10, 50), "A scanned page with no text layer", fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    doc = FPDF()
    doc.add_page()
    doc.image(io.BytesIO(buf.getvalue()), x=10, y=10, w=180)
    return bytes(doc.output())


def docx() -> bytes:
    """A Word document written by python-docx: headings, paragraphs, a bulleted list and a table."""
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading("Harbours of the Atlantic Coast", level=1)
    document.add_heading("Introduction", level=2)
    for s in sentences(3, 1):
        document.add_paragraph(s)
    document.add_heading("Harbour traffic", level=2)
    document.add_paragraph(PAGE2_SENTENCE)
    document.add_paragraph("Main ports:")
    for port in ("Brest", "Lorient", "Saint-Nazaire"):
        document.add_paragraph(port, style="List Bullet")
    document.add_paragraph("Second step", style="List Number")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate((("Port", "Ships"), ("Brest", "47"))):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_heading("Freight and customs", level=3)
    document.add_paragraph(f"The new {HYPHEN_WORD} opened in May.")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def html(script_bytes: int = 0) -> bytes:
    """A saved web page: navigation, cookie banner, article with headings and lists, footer, scripts."""
    script = "var x = '" + "a" * script_bytes + "';" if script_bytes else "var x = 1;"
    paras = "".join(f"<p>{s}</p>" for s in sentences(4, 1))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Harbours of the Atlantic Coast</title>
<style>body {{ font-family: sans-serif; }} .nav a {{ color: blue; }}</style>
<script>{script}</script></head>
<body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience. Accept all cookies</div>
<header><nav class="nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/contact">Contact us</a></li></ul></nav></header>
<main><article>
<h1>Harbours of the Atlantic Coast</h1>
<h2>Introduction</h2>
{paras}
<h2>Harbour traffic</h2>
<p>{PAGE2_SENTENCE} Traffic in the western ports kept growing through the whole year.</p>
<p>The main ports on the coast are the following:</p>
<ul><li>Brest, the largest naval harbour.</li><li>Lorient, the fishing port.</li>
<li>Saint-Nazaire, the shipyard.</li></ul>
<h3>Freight and customs</h3>
<p>The new {HYPHEN_WORD} opened in May, and customs clearance now takes one day instead of three.</p>
<table><tr><th>Port</th><th>Ships</th></tr><tr><td>Brest</td><td>47</td></tr></table>
</article></main>
<footer><p>Copyright 2025 Northwind Media. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
<script>console.log("tracking");</script>
</body></html>"""
    return page.encode("utf-8")
