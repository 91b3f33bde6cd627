"""Write the cycleshop corpus: a small bike shop's own files, in the formats such a shop has.

    python eval/collections/cycleshop/make_corpus.py      # rewrites eval/collections/cycleshop/corpus/

Two PDFs with tables (fpdf2), two HTML pages with navigation and footer around the article, two Word
files with tables and ``label: value`` lines (python-docx), a Markdown FAQ, a plain text note and a
French Markdown page. The text was written for parisqa (CC0); the shop, its people and its numbers are
invented. The files are committed; this script is how they were made (fpdf2 and python-docx are in the
``test`` extra), with fixed creation dates: a rerun gives the same text (the Word files differ only in
their zip timestamps).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

OUT = Path(__file__).resolve().parent / "corpus"
WHEN = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)

NAV = """<header><nav><ul>
<li><a href="/">Home</a></li><li><a href="/workshop">Workshop</a></li><li><a href="/hire">Bike hire</a></li>
<li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li><li><a href="/basket">Basket (0)</a></li>
</ul></nav></header>"""
FOOTER = """<footer><p>We use cookies to make this site work. <a href="/privacy">Privacy policy</a> ·
<a href="/terms">Terms</a> · <a href="/sitemap">Sitemap</a></p><p>Follow us on Instagram and Strava.</p>
<p>© 2026 Quayside Cycles Ltd. All rights reserved.</p></footer>"""


def _page(title: str, body: str) -> str:
    head = f"<head><title>{title} | Quayside Cycles</title></head>"
    return f"<!doctype html><html>{head}<body>{NAV}{body}{FOOTER}</body></html>\n"


def _pdf(path: Path, title: str, blocks: list[tuple[str, object]]) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(WHEN)
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 12, title, new_x="LMARGIN", new_y="NEXT")
    for kind, content in blocks:
        if kind == "h":
            pdf.ln(4)
            pdf.set_font("Helvetica", "B", 14)
            pdf.cell(0, 9, str(content), new_x="LMARGIN", new_y="NEXT")
        elif kind == "p":
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 6, str(content), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif kind == "table":
            pdf.set_font("Helvetica", "", 11)
            with pdf.table(first_row_as_headings=True, line_height=7) as table:
                for cells in content:  # type: ignore[union-attr]
                    row = table.row()
                    for cell in cells:
                        row.cell(cell)
            pdf.ln(3)
    pdf.output(str(path))


def _docx(path: Path, title: str, blocks: list[tuple[str, object]]) -> None:
    import docx

    document = docx.Document()
    document.core_properties.created = WHEN.replace(tzinfo=None)
    document.core_properties.modified = WHEN.replace(tzinfo=None)
    document.add_heading(title, level=1)
    for kind, content in blocks:
        if kind == "h":
            document.add_heading(str(content), level=2)
        elif kind == "p":
            document.add_paragraph(str(content))
        elif kind == "li":
            document.add_paragraph(str(content), style="List Bullet")
        elif kind == "table":
            rows = list(content)  # type: ignore[call-overload]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, cells in enumerate(rows):
                for c, cell in enumerate(cells):
                    table.cell(r, c).text = cell
    document.save(str(path))


def workshop_prices() -> None:
    _pdf(
        OUT / "workshop-prices.pdf",
        "Workshop price list 2026",
        [
            ("p", "All prices include labour. Parts are charged at the shelf price. Prices valid from 1 March 2026."),
            (
                "table",
                [
                    ("Job", "Price", "Usual time"),
                    ("Puncture repair", "£8", "20 minutes"),
                    ("Brake adjustment (per wheel)", "£12", "20 minutes"),
                    ("Fit a new chain", "£15 plus parts", "30 minutes"),
                    ("Wheel truing", "£18", "45 minutes"),
                    ("Basic service", "£45", "same day"),
                    ("Full service", "£95", "2 working days"),
                    ("E-bike safety check", "£40", "1 hour"),
                    ("Bike fit", "£60", "90 minutes"),
                ],
            ),
            ("h", "What a service includes"),
            (
                "p",
                "The basic service covers gears and brakes adjusted, tyres checked and inflated, the chain cleaned "
                "and lubricated, and a safety check of every bolt. The full service adds stripping and regreasing "
                "the hubs, headset and bottom bracket, new cables where needed, and a wash.",
            ),
            ("h", "Electric bikes"),
            (
                "p",
                "We repair electric bikes with Bosch, Shimano Steps and Bafang motors. Motor and battery faults "
                "are diagnosed with the maker's software; warranty repairs go back to the maker.",
            ),
        ],
    )


def hire_terms() -> None:
    _pdf(
        OUT / "hire-terms.pdf",
        "Bike hire: rates and terms",
        [
            ("p", "Our hire fleet has 24 bikes: city bikes, e-bikes and children's bikes, all serviced weekly."),
            (
                "table",
                [
                    ("Bike", "Half day", "Full day", "Week"),
                    ("City bike", "£12", "£20", "£85"),
                    ("E-bike", "£25", "£40", "£180"),
                    ("Children's bike", "£8", "£12", "£50"),
                    ("Helmet", "£2", "£3", "£10"),
                ],
            ),
            ("h", "Terms of hire"),
            (
                "p",
                "A refundable deposit of £150 per bike is taken by card when the bike is collected. Riders of adult "
                "bikes must be at least 16 years old; children's bikes are for riders aged 6 to 12 with an adult.",
            ),
            (
                "p",
                "Bikes are due back by 17:00 on the last day of hire. A late return is charged £10 for each hour "
                "or part of an hour. Lost keys for the lock cost £25.",
            ),
        ],
    )


def about_page() -> None:
    body = """<main><article>
<h1>About Quayside Cycles</h1>
<p>Quayside Cycles opened in April 2011 in a former net loft on the harbour. It was founded by Maria Okafor,
a former courier who wanted a workshop where people could watch their bike being fixed.</p>
<h2>The team</h2>
<p>Our head mechanic is Tomasz Nowak, who trained at the Cytech centre and has built wheels for the shop since
2014. Priya Shah runs the hire desk and leads the Sunday group ride.</p>
<h2>Find us</h2>
<p>Address: 14 Harbour Street, Harwick HW2 4QP</p>
<p>Phone: 01632 960418</p>
<p>Email: bookings@quaysidecycles.example</p>
</article></main>"""
    (OUT / "about.html").write_text(_page("About us", body), encoding="utf-8")


def hours_page() -> None:
    body = """<main><article>
<h1>Opening hours</h1>
<p>The shop and the workshop keep the same hours.</p>
<ul>
<li>Monday: closed</li>
<li>Tuesday: 9:00 to 17:30</li>
<li>Wednesday: 9:00 to 17:30</li>
<li>Thursday: 9:00 to 20:00 (late workshop)</li>
<li>Friday: 9:00 to 17:30</li>
<li>Saturday: 8:30 to 17:00</li>
<li>Sunday: 10:00 to 16:00</li>
</ul>
<p>We close for our winter break from 24 December to 2 January. Hire bikes can be returned to the drop box
by the door outside opening hours.</p>
</article></main>"""
    (OUT / "opening-hours.html").write_text(_page("Opening hours", body), encoding="utf-8")


def staff_handbook() -> None:
    _docx(
        OUT / "staff-handbook.docx",
        "Staff handbook",
        [
            ("p", "This handbook is for everyone who works at Quayside Cycles. Read it in your first week."),
            ("h", "Company details"),
            ("p", "Company name: Quayside Cycles Ltd"),
            ("p", "Company number: 07731942"),
            ("p", "VAT number: GB 318 4402 77"),
            ("p", "Registered office: 14 Harbour Street, Harwick HW2 4QP"),
            ("h", "Who does what"),
            (
                "table",
                [
                    ("Name", "Role", "Usual days"),
                    ("Maria Okafor", "Owner and buyer", "Tuesday to Saturday"),
                    ("Tomasz Nowak", "Head mechanic", "Tuesday to Friday"),
                    ("Priya Shah", "Hire desk and group rides", "Thursday to Sunday"),
                    ("Leo Brandt", "Mechanic (part time)", "Saturday and Sunday"),
                ],
            ),
            ("h", "Booking repairs"),
            (
                "p",
                "Customers book a repair on the website's booking page or by phone; we give them a drop-off slot "
                "and a job number. Punctures need no booking: we fix them while the customer waits.",
            ),
            ("h", "Taking payment"),
            (
                "p",
                "We accept cash, debit and credit cards and contactless payments. We do not take cheques. "
                "Students with a valid student card get 10% off workshop labour.",
            ),
        ],
    )


def stock_list() -> None:
    _docx(
        OUT / "stock-list.docx",
        "What we stock",
        [
            ("p", "We keep a small range of parts we trust rather than everything."),
            (
                "table",
                [
                    ("Brand", "Product", "Sizes"),
                    ("Schwalbe", "Marathon Plus tyres", "700x32c, 700x38c, 26x2.0"),
                    ("Continental", "Grand Prix 5000 tyres", "700x25c, 700x28c"),
                    ("Shimano", "Chains and cassettes", "8 to 12 speed"),
                    ("Abus", "Locks", "-"),
                ],
            ),
            ("h", "Used bikes"),
            (
                "p",
                "We sell second-hand bikes too. Every used bike is fully serviced before sale and comes with a "
                "three-month warranty on parts and labour.",
            ),
        ],
    )


FAQ = """# Questions we get asked

## Do I need to book a repair?

For most jobs, yes: book online or call us and we will give you a drop-off slot. Punctures are fixed while you wait.

## How long will my bike be in the workshop?

A basic service is usually done the same day. A full service takes two working days, longer in spring.

## Do you offer discounts?

Students get 10% off workshop labour with a valid student card. Members of the Harwick Wheelers club get 5% off parts.

## Can I hire a bike for my child?

Yes. Children's bikes are for riders aged 6 to 12, and a helmet is included free with every children's hire.

## Do you buy old bikes?

No, but we take bikes in part exchange when you buy a second-hand bike from us.
"""

RIDES = """Sunday group ride

The Sunday group ride leaves the shop at 8:30 every Sunday from March to October. It is about 60 km at a
steady social pace with a coffee stop halfway, and nobody is dropped.

The ride is led by Priya Shah. Lights are needed from October, and a spare inner tube is a good idea.
Riders under 18 need a parent or guardian with them.
"""

FR = """# Quayside Cycles : horaires et tarifs

Page en français pour nos visiteurs.

## Horaires

- Lundi : fermé
- Du mardi au vendredi : 9 h à 17 h 30 (jeudi jusqu'à 20 h)
- Samedi : 8 h 30 à 17 h
- Dimanche : 10 h à 16 h

## Atelier

La réparation d'une crevaison coûte 8 £ et se fait pendant que vous attendez. Notre mécanicien en chef,
Tomasz Nowak, répare aussi les vélos électriques.

## Location

Un vélo électrique se loue 25 £ la demi-journée et 40 £ la journée. Une caution de 150 £ est demandée.
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    workshop_prices()
    hire_terms()
    about_page()
    hours_page()
    staff_handbook()
    stock_list()
    (OUT / "faq.md").write_text(FAQ, encoding="utf-8")
    (OUT / "group-rides.txt").write_text(RIDES, encoding="utf-8")
    (OUT / "tarifs-fr.md").write_text(FR, encoding="utf-8")


if __name__ == "__main__":
    main()
