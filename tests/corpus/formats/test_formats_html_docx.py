"""HTML and DOCX extraction on a saved web page and a document written by python-docx."""

from __future__ import annotations

import makedocs
import pytest

from parisqa.corpus.formats import FORMATS, extract, format_of, sniff
from parisqa.corpus.structure import parse


def test_html_keeps_the_article_only():
    ex = extract("page.html", makedocs.html())
    assert ex.extractor == "html" and ex.version.startswith("html-") and "trafilatura-" in ex.version
    assert ex.pages == () and ex.page_of(10) is None
    for boilerplate in ("cookies", "Contact us", "Copyright", "Privacy", "tracking", "var x", "font-family"):
        assert boilerplate not in ex.text
    assert makedocs.PAGE2_SENTENCE in ex.text


def test_html_headings_items_and_table():
    ex = extract("page.htm", makedocs.html())
    lines = ex.text.splitlines()
    assert "# Harbours of the Atlantic Coast" in lines
    assert "## Harbour traffic" in lines
    assert "### Freight and customs" in lines
    assert "- Lorient, the fishing port." in lines
    assert any(line.startswith("| Brest | 47") for line in lines)
    assert "**" not in ex.text
    parsed = parse(ex.text, markdown=True)
    units = {ex.text[u.start : u.end]: u for u in parsed.units}
    item = units["- Lorient, the fishing port."]
    assert item.kind == "list"
    assert parsed.title == "Harbours of the Atlantic Coast"


@pytest.mark.parametrize("size", [10_000_000, 10 * 1024 * 1024, 30 * 1024 * 1024])
def test_html_with_10_mb_of_inline_script(size: int):
    # Over 10,000,000 bytes, one text node stopped libxml2 and the article was lost.
    ex = extract("heavy.html", makedocs.html(script_bytes=size))
    assert makedocs.PAGE2_SENTENCE in ex.text
    assert "aaaaaaaa" not in ex.text


def test_html_in_another_encoding():
    page = makedocs.html().replace(b'charset="utf-8"', b'charset="iso-8859-1"')
    page = page.replace(b"The new infrastructure", "The new caf\u00e9 infrastructure".encode("latin-1"))
    ex = extract("latin.html", page)
    assert "The new caf\u00e9 infrastructure" in ex.text


def test_docx_headings_lists_and_table_rows():
    ex = extract("report.docx", makedocs.docx())
    assert ex.extractor == "docx" and "python-docx-" in ex.version
    blocks = ex.text.split("\n\n")
    assert blocks[0] == "# Harbours of the Atlantic Coast"
    assert "## Harbour traffic" in blocks
    assert "### Freight and customs" in blocks
    assert "- Brest\n- Lorient\n- Saint-Nazaire\n1. Second step" in blocks
    assert "Port | Ships\nBrest | 47" in blocks
    assert makedocs.PAGE2_SENTENCE in blocks
    parsed = parse(ex.text, markdown=True)
    unit = next(u for u in parsed.units if ex.text[u.start : u.end] == makedocs.PAGE2_SENTENCE)
    assert unit.heading_path == ("Harbours of the Atlantic Coast", "Harbour traffic")
    assert [ex.text[u.start : u.end] for u in parsed.units if u.kind == "list"][:2] == ["- Brest", "- Lorient"]


def test_sniff_and_suffixes():
    assert sniff(makedocs.pdf(1)) == "pdf"
    assert sniff(makedocs.docx()) == "docx"
    assert sniff(makedocs.html()) == "html"
    assert sniff(b"<!-- saved from url -->\n<html><body>x</body></html>") == "html"
    assert sniff(b"plain text") is None
    assert sniff(b"PK\x03\x04 not really a zip") is None
    assert sniff(b"\x89PNG\r\n\x1a\n....") == sniff(b"\xff\xd8\xff\xe0..") == sniff(b"II*\x00..") == "image"
    assert set(FORMATS) == {".pdf", ".html", ".htm", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
    assert format_of("a/B.PDF") == "pdf" and format_of("x.txt") is None
