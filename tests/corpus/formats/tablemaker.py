"""Tables of different shapes printed to PDF by the real tools (Chromium from HTML, and fpdf2), with
the cells they hold, to check and measure how PDF tables come back as rows.

Shared by the PDF table tests and benchmarks/bench_tables.py.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "system"))
from docmaker import CHROMIUM, chromium_pdf  # noqa: E402, F401  (re-exported; Chromium's print to PDF, shared with the document tests)


@dataclass(frozen=True)
class Shape:
    """A table: its header and rows, and how the HTML draws it (``css`` for table, cells)."""

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    css: str = "border-collapse: collapse"
    cell_css: str = "border: 1px solid #000; padding: 4px"
    width: str = ""  # the table's width (narrow: cells wrap)
    thead: bool = True

    @property
    def cells(self) -> list[list[str]]:
        return [list(self.header), *(list(row) for row in self.rows)]


_CITIES = (
    ("Lyon", "522,250", "Rhône", "third largest city"),
    ("Marseille", "873,076", "Bouches-du-Rhône", "oldest city of France, founded by Greek settlers"),
    ("Nice", "348,085", "Alpes-Maritimes", "on the Riviera"),
    ("Nantes", "320,732", "Loire-Atlantique", "on the Loire"),
)
SHAPES: tuple[Shape, ...] = (
    Shape("two-by-two", ("Year", "Kilometres"), (("2023", "40"),)),
    Shape(
        "recipes-wrapped",
        ("Bread", "Flour", "Hydration", "Salt", "Bake"),
        (
            ("Seeded rye", "dark rye 70%, strong white 30%", "85%", "1.8% levain 30%", "220 °C, 60 min"),
            ("Country loaf", "white 90%, whole wheat 10%", "75%", "2%", "240 °C, 45 min"),
            ("Baguette", "white 100%", "68%", "2%", "250 °C, 25 min"),
        ),
        width="55%",
    ),
    Shape(
        "cities-unruled",
        ("City", "Population", "Notes"),
        tuple(r[::3] and (r[0], r[1], r[3]) for r in _CITIES),
        css="",
        cell_css="padding: 1px",
        width="45%",
    ),
    Shape(
        "numbers-right-aligned",
        ("Quarter", "Revenue", "Costs", "Margin"),
        (
            ("Q1", "1,204", "880", "26.9%"),
            ("Q2", "1,377", "912", "33.8%"),
            ("Q3", "998", "1,010", "-1.2%"),
            ("Q4", "1,650", "1,100", "33.3%"),
        ),
        css="",
        cell_css="padding: 2px 14px; text-align: right",
    ),
    Shape(
        "shaded-header",
        ("Station", "Line", "Opened"),
        (("Châtelet", "1, 4, 7, 11, 14", "1900"), ("Bastille", "1, 5, 8", "1900"), ("Nation", "1, 2, 6, 9", "1900")),
        cell_css="border: 1px solid #444; padding: 5px; background: #dde",
    ),
    Shape(
        "empty-cells",
        ("Item", "Monday", "Tuesday", "Wednesday"),
        (("Bread", "12", "", "9"), ("Milk", "", "4", ""), ("Eggs", "30", "28", "31")),
    ),
    Shape(
        "seven-columns",
        ("Code", "Name", "Kind", "Size", "Weight", "Colour", "Price"),
        (
            ("A1", "Anvil", "tool", "L", "40 kg", "black", "120 €"),
            ("B2", "Bolt", "part", "S", "5 g", "grey", "0.10 €"),
            ("C3", "Cable", "part", "M", "1 kg", "red", "8 €"),
        ),
        cell_css="border: 1px solid #000; padding: 3px; font-size: 10pt",
    ),
    Shape(
        "horizontal-rules-only",
        ("Species", "Habitat", "Status"),
        (
            ("Alpine ibex", "high mountains", "recovered"),
            ("Brown bear", "Pyrenees", "endangered"),
            ("Eurasian lynx", "Jura forests", "vulnerable"),
        ),
        cell_css="border-top: 1px solid #000; border-bottom: 1px solid #000; padding: 4px 10px",
    ),
    Shape(
        "french-accents",
        ("Région", "Chef-lieu", "Spécialité"),
        (
            ("Bretagne", "Rennes", "crêpes et galettes de sarrasin"),
            ("Alsace", "Strasbourg", "choucroute garnie"),
            ("Provence", "Marseille", "bouillabaisse"),
        ),
        width="60%",
    ),
    # Three shapes written after the reader was done, to measure it on tables it was not tuned to.
    Shape(
        "centred-unruled",
        ("Team", "Played", "Won", "Points"),
        (("Lyon", "12", "8", "26"), ("Brest", "12", "7", "23"), ("Lens", "12", "5", "19"), ("Metz", "12", "2", "9")),
        css="",
        cell_css="padding: 2px 18px; text-align: center",
    ),
    Shape(
        "dense-numbers-ruled",
        ("Hour", "Mon", "Tue", "Wed", "Thu", "Fri"),
        tuple((f"{h}:00", *(str((h * 7 + d * 13) % 50) for d in range(5))) for h in range(8, 16)),
        cell_css="border: 1px solid #000; padding: 1px 3px; font-size: 9pt",
    ),
    Shape(
        "glossary-unruled",
        ("Term", "Meaning"),
        (
            ("Levain", "a starter of flour and water kept alive by regular feeding, used instead of baker's yeast"),
            ("Autolyse", "a rest of flour and water before the salt and starter go in, so the gluten forms"),
            ("Banneton", "a basket of cane or wood pulp in which the shaped dough rises"),
        ),
        css="",
        cell_css="padding: 3px 12px",
        width="70%",
    ),
    Shape(
        "long-over-two-pages",
        ("Day", "Visitors", "Weather"),
        tuple((f"Day {n}", str(1000 + 37 * n), ("sunny", "rain", "cloudy")[n % 3]) for n in range(1, 61)),
    ),
    Shape(
        "long-without-thead",
        ("Lot", "Weight", "Origin"),
        tuple((f"Lot {n}", f"{n * 3} kg", ("Brest", "Lorient", "Quimper")[n % 3]) for n in range(1, 61)),
        thead=False,
    ),
)


def html(shape: Shape, before: str = "", after: str = "") -> str:
    """A page with a heading, a paragraph, the table and a closing paragraph."""

    def row(cells: tuple[str, ...], tag: str) -> str:
        return "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"

    head = row(shape.header, "th")
    body = "".join(row(r, "td") for r in shape.rows)
    table = f"<thead>{head}</thead><tbody>{body}</tbody>" if shape.thead else f"<tbody>{head}{body}</tbody>"
    width = f"width: {shape.width};" if shape.width else ""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>'
        f"body {{ font-family: sans-serif; font-size: 12pt }} table {{ {shape.css}; {width} }} "
        f"td, th {{ {shape.cell_css}; vertical-align: top }} th {{ text-align: left }}"
        "</style></head><body>"
        f"<h1>{shape.name.replace('-', ' ').capitalize()}</h1>"
        f"<p>{before or 'The figures below were collected by the town office and checked twice.'}</p>"
        f"<table>{table}</table>"
        f"<p>{after or 'The office publishes the next figures in the spring, with the yearly report.'}</p>"
        "</body></html>"
    )


def fpdf_pdf(shape: Shape, ruled: bool = True) -> bytes:
    """The table written by fpdf2's ``table()`` (ruled: all borders; else none)."""
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.add_page()
    fonts = Path("/usr/share/fonts/truetype/dejavu")
    if (fonts / "DejaVuSans-Bold.ttf").exists():  # for "€" and accents beyond Latin-1's core fonts
        doc.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
        doc.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        doc.set_font("DejaVu", size=11)
    else:
        doc.set_font("Helvetica", size=11)
    doc.multi_cell(0, 6, "The figures below were collected by the town office and checked twice.")
    doc.ln(4)
    with doc.table(borders_layout="ALL" if ruled else "NONE", first_row_as_headings=True) as table:
        for cells in shape.cells:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    doc.ln(4)
    doc.multi_cell(0, 6, "The office publishes the next figures in the spring, with the yearly report.")
    return bytes(doc.output())


def rows_in(text: str) -> list[list[str]]:
    """The table rows in an extracted text: its lines holding `` | ``, split into cells."""
    return [[cell.strip() for cell in line.split(" | ")] for line in text.splitlines() if " | " in line]


def cell_accuracy(gold: list[list[str]], found: list[list[str]]) -> float:
    """Share of the gold table's cells found at their row and column with their exact text.

    Rows are matched by their first cell (the first row found with it: a repeated header row on a
    later page is not counted twice), so a missing row costs its cells and nothing else.
    """
    rows = {}
    for row in found:
        rows.setdefault(row[0] if row else "", row)
    total = sum(len(row) for row in gold)
    right = 0
    for row in gold:
        got = rows.get(row[0], [])
        right += sum(1 for c, cell in enumerate(row) if c < len(got) and " ".join(got[c].split()) == cell)
    return right / total
