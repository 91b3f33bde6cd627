"""PDF text with pypdfium2: per page, in reading order, sentences whole, headings marked, pages known.

pypdfium2 was measured fastest of the candidates for the bare text (1.3 times ``pdftotext``, 6 times
pypdf, 70 times pdfminer.six on the same fpdf2 reports, see benchmarks/bench_extraction.py) and it also gives
what the rest of parisqa needs: each character's box for highlighting on the rendered page, the font
size for headings, the outline, and pdfium's own mark of a hyphen that breaks a word at a line end
(U+FFFE, with the two halves already on one line).

The per-character calls into pdfium are the slow part, so they are made once per *line* (font size and
baseline of its first character), not per character. Layout rules, in order:

- a line repeated at the top or bottom of most pages (digits ignored: "Page 3 of 9") is a running
  header or footer and is dropped, as is a lone page number there;
- a line matching an outline entry of its page is a heading at the entry's level; without an outline,
  a line in a font at least 10% larger than the body text's is a heading ranked by its size, and a
  short bold line in the body font without final punctuation is a heading below those;
- lines are joined into paragraphs with spaces; a new paragraph starts at a gap wider than the usual
  line pitch (measured per font size), an indent, a change of font size, a heading or a list bullet;
- a word hyphenated at a line end is joined without its hyphen, unless the hyphen belongs to the
  word: the word already holds a hyphen ("state-of-the-art"), the document writes it hyphenated
  elsewhere, or the joined form is no word of the document while the part after the hyphen is one
  ("pre-shape" when "shape" occurs and "preshape" does not; "infor-mation" is joined);
- a paragraph broken by a page break (no final punctuation, next page starts in lower case) is joined;
- a table (:mod:`.pdftables`) replaces its lines with its rows, cells joined by `` | ``, header first;
  one going on from the previous page gets that page's header row again when it lacks it;
- a page with no text but something drawn on it (a scan) is read by OCR (:mod:`.ocr`); its text keeps
  Tesseract's layout and its words' boxes (``Extracted.boxes``) instead of pdfium character indices.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parisqa.errors import ExtractionError

from .base import CONTROL as _CONTROL
from .base import Extracted, OcrInfo, highlighted, png, scaled_boxes
from .pdftables import Table

if TYPE_CHECKING:
    from .ocr import OcrPage

# 2: pages without a text layer read by OCR (the version then names the engine: installing it re-extracts).
# 3: a line-end hyphen that belongs to the word is kept ("pre-shape" had become "preshape").
EXTRACTOR_VERSION = "3"
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?(?:\d{1,4}|[ivxlcdm]{1,6})(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_BULLET = re.compile(r"^(?:[-*+\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2013]|\d{1,3}[.)]|[A-Za-z][.)])\s")
_FINAL = ".!?:;\"'\u201d\u2019)]"
_UNCLEAN = re.compile("[\x00-\x09\x0b-\x1f\ufffe\uffff\ufeff\xa0]")


def version() -> str:
    import pypdfium2.version as v

    from .ocr import ocr_version

    return f"pdf-{EXTRACTOR_VERSION} pypdfium2-{v.PYPDFIUM_INFO} pdfium-{v.PDFIUM_INFO.build} {ocr_version()}"


@dataclass
class _Line:
    start: int  # pdfium char index of the first kept character
    text: str  # with U+FFFE hyphens still in place, one char per pdfium char
    size: float
    base: float  # baseline y of its first character (PDF points, from the bottom)
    x: float
    end_base: float  # baseline y of its last character (lower when pdfium joined a hyphenated line)
    position: int = 0  # index among the page's lines
    heading: int = 0
    bold: bool = False  # first and last characters in a bold font


def _open(source: str, data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        text = str(exc).lower()
        if "password" in text or "security" in text:
            raise ExtractionError(source, "encrypted; decrypt it first (e.g. qpdf --decrypt)") from None
        raise ExtractionError(source, f"damaged or truncated PDF ({exc}); re-save or re-export it") from None


def _page_lines(textpage) -> tuple[list[_Line], str]:
    import pypdfium2.raw as raw

    count = textpage.count_chars()
    if count <= 0:
        return [], ""
    text = textpage.get_text_range(0, count)
    if len(text) != count:  # a character outside the BMP: fall back to one call per character
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i) or 32) for i in range(count))
    lines = []
    x, y = _double(), _double()
    for m in re.finditer(r"[^\r\n]+", text):
        s, e = m.span()
        while s < e and text[s] in " \t\x02\xa0":
            s += 1
        while e > s and text[e - 1] in " \t\x02\xa0":
            e -= 1
        if s == e:
            continue
        size = raw.FPDFText_GetFontSize(textpage, s)
        raw.FPDFText_GetCharOrigin(textpage, s, x, y)
        first_y, first_x = y.value, x.value
        if "\ufffe" in text[s:e]:
            raw.FPDFText_GetCharOrigin(textpage, e - 1, x, y)
        line = _Line(s, text[s:e], round(size * 2) / 2, first_y, first_x, y.value, len(lines))
        if e - s <= 100 and raw.FPDFText_GetFontWeight(textpage, s) >= 600:
            line.bold = raw.FPDFText_GetFontWeight(textpage, e - 1) >= 600
        lines.append(line)
    return lines, text


def _double():
    import ctypes

    return ctypes.c_double()


def _key(text: str) -> str:
    """A line's identity for running headers: digits do not count ("Page 3 of 9" = "Page 4 of 9")."""
    return re.sub(r"\d+", "#", _norm(text))


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def extract_pdf(source: str, data: bytes) -> Extracted:
    """Extract the text of a PDF; see the module docstring for the rules.

    Raises:
        ExtractionError: encrypted, damaged, or no text layer on any page.
    """
    doc = _open(source, data)
    try:
        return _extract(source, doc)
    except ExtractionError:
        raise
    except Exception as exc:  # pdfium on a damaged file can fail anywhere; say so with the file's name
        raise ExtractionError(source, f"damaged PDF ({type(exc).__name__}: {exc}); re-save or re-export it") from None
    finally:
        doc.close()


def _outline(doc) -> dict[int, dict[str, int]]:
    """Outline titles by 0-based page: normalised title -> heading level (1-based)."""
    found: dict[int, dict[str, int]] = {}
    try:
        for n, mark in enumerate(doc.get_toc(max_depth=6)):
            if n > 5000:
                break
            dest = mark.get_dest()
            index = dest.get_index() if dest is not None else None
            title = mark.get_title() or ""
            if index is not None and title.strip():
                found.setdefault(index, {})[_norm(title)] = min(6, mark.level + 1)
    except Exception:  # a broken outline is no reason to refuse the text
        return {}
    return found


def _extract(source: str, doc) -> Extracted:
    import pypdfium2.raw as raw

    from . import ocr
    from .pdftables import find_tables

    pages: list[list[_Line]] = []
    tables: dict[int, list[tuple[int, Table]]] = {}  # 0-based page -> (position among its lines, table)
    heights = []
    scans: dict[int, ocr.OcrPage] = {}  # 0-based page -> its OCR, for pages without a text layer
    reader: ocr.Reader | None = None
    for i in range(len(doc)):
        page = doc[i]
        textpage = page.get_textpage()
        try:
            lines, chars = _page_lines(textpage)
            found_tables = find_tables(page, textpage, chars, lines) if len(lines) >= 2 else []
        finally:
            textpage.close()
        if found_tables:
            lines, tables[i] = _without_tables(lines, found_tables)
        heights.append(page.get_height())
        if not lines and raw.FPDFPage_CountObjects(page) > 0:  # drawn but no text: a scan (a blank page has nothing)
            reader = reader or ocr.Reader(source, len(doc))
            found = reader.page(i + 1, ocr.page_image(page))
            if found is not None and found.text:
                scans[i] = found
        page.close()
        pages.append(lines)
    info = reader.info() if reader else None
    if not any(pages) and not scans:
        if info and info.skipped:
            raise ExtractionError(source, info.skipped[0][1])
        if info:
            raise ExtractionError(source, "no text layer, and OCR found no text on its pages; nothing to index")
        raise ExtractionError(source, "no text on any page (blank pages?); nothing to index")

    _drop_running_lines(pages, heights)
    outline = _outline(doc)
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    heading_sizes = sorted({s for s in sizes if s >= body * 1.1}, reverse=True)
    for index, lines in enumerate(pages):
        marks = outline.get(index, {})
        longest = max(map(len, marks), default=0) + 8
        for line in lines:
            name = _norm(line.text.replace("\ufffe", "-")) if len(line.text) <= longest else ""
            if name in marks:
                line.heading = marks[name]
            elif not outline and line.size in heading_sizes and len(line.text) <= 200:
                line.heading = min(6, heading_sizes.index(line.size) + 1)
            elif not outline and line.bold and line.size == body and line.text.rstrip()[-1:] not in _FINAL + ",":
                line.heading = min(6, len(heading_sizes) + 1)  # a bold line in the body font: a run-in heading
    return _assemble(pages, scans, info, tables)


def _without_tables(lines: list[_Line], tables: list[Table]) -> tuple[list[_Line], list[tuple[int, Table]]]:
    """The page's lines outside its tables, and each table with the position it takes among them."""
    inside = {n for table in tables for n in table.lines}
    kept = [line for n, line in enumerate(lines) if n not in inside]
    return kept, [(sum(1 for n in range(table.lines[0]) if n not in inside), table) for table in tables]


def _drop_running_lines(pages: list[list[_Line]], heights: list[float]) -> None:
    """Remove running headers, footers and page numbers: lines at a page's top or bottom that repeat."""
    if len(pages) < 2:
        return
    edge: Counter[str] = Counter()
    for lines, height in zip(pages, heights):
        keys = {_key(line.text) for line in _edges(lines, height)}
        edge.update(keys)
    need = max(2, math.ceil(len(pages) * 0.5))
    for n, (lines, height) in enumerate(zip(pages, heights)):
        drop = {
            id(line)
            for line in _edges(lines, height)
            if edge[_key(line.text)] >= need or _PAGE_NUMBER.match(line.text.strip())
        }
        if drop:
            pages[n] = [line for line in lines if id(line) not in drop]


def _edges(lines: list[_Line], height: float) -> list[_Line]:
    """The first two and last two lines of a page, if they sit in its top or bottom eighth."""
    top = sorted(lines, key=lambda line: -line.base)[:2]
    bottom = sorted(lines, key=lambda line: line.base)[:2]
    out = [line for line in top if line.base > height * 0.875]
    out += [line for line in bottom if line.base < height * 0.125 and line not in out]
    return out


def _pitches(pages: list[list[_Line]]) -> dict[float, float]:
    """The usual distance between baselines of consecutive lines, per font size.

    Measured, not derived from the font size: some writers (Chromium) scale the page, so the nominal
    font size says nothing about the distance between lines on it.
    """
    seen: dict[float, list[float]] = {}
    for lines in pages:
        for prev, line in zip(lines, lines[1:]):
            step = prev.end_base - line.base
            if line.size == prev.size and step > line.size * 0.3:
                seen.setdefault(line.size, []).append(step)
    # A low quantile, not the mode: in a text of one-line paragraphs the paragraph gap is the commonest step.
    return {size: sorted(steps)[len(steps) // 10] for size, steps in seen.items()}


_BROKEN = re.compile(r"[\w-]*\ufffe\w*")
_VOCABULARY_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def _vocabulary(pages: list[list[_Line]]) -> tuple[set[str], set[str]]:
    """The document's words (lower case) outside line-end breaks: plain words, and hyphenated ones."""
    plain: set[str] = set()
    hyphenated: set[str] = set()
    for lines in pages:
        for line in lines:
            for word in _VOCABULARY_WORD.findall(_BROKEN.sub(" ", line.text).lower()):
                if "-" in word:
                    hyphenated.add(word)
                    plain.update(word.split("-"))
                else:
                    plain.add(word)
    return plain, hyphenated


def _joins(head: str, tail: str, vocabulary: tuple[set[str], set[str]]) -> bool:
    """Whether a word broken at a line end as ``head-`` / ``tail`` is one word without the hyphen."""
    plain, hyphenated = vocabulary
    head, tail = head.lower(), tail.lower()
    if head + tail in plain:
        return True
    if f"{head}-{tail}" in hyphenated:
        return False
    return tail not in plain  # "infor-mation": no word "mation", a word cut in two; "pre-shape": kept


def _assemble(
    pages: list[list[_Line]],
    scans: dict[int, OcrPage] | None = None,
    ocr_info: OcrInfo | None = None,
    tables: dict[int, list[tuple[int, Table]]] | None = None,
) -> Extracted:
    pitch = _pitches(pages)
    vocabulary = _vocabulary(pages)
    out: list[str] = []  # pieces of the text
    length = 0
    spans: list[tuple[int, int]] = []
    runs_by_page: list[tuple[tuple[int, int, int], ...]] = []
    boxes_by_page: list[tuple[tuple[int, int, float, float, float, float], ...]] = []
    scans = scans or {}
    tables = tables or {}
    header: tuple[int, list[str]] | None = None  # the last table's width and header, while it may go on
    last_block_open = False  # the text so far ends in a paragraph that may continue on the next page

    def put(piece: str) -> None:
        nonlocal length
        out.append(piece)
        length += len(piece)

    for number, lines in enumerate(pages):
        runs: list[tuple[int, int, int]] = []
        page_start = length
        scan = scans.get(number)
        if scan is not None:  # a page read by OCR: its text as laid out, its words' boxes moved along
            if out:
                put("\n\n")
            boxes_by_page.append(tuple((length + o, n, *box) for o, n, *box in scan.boxes))
            put(scan.text)
            last_block_open = False
            spans.append((page_start, length))
            runs_by_page.append(())
            continue
        boxes_by_page.append(())
        prev: _Line | None = None
        placed = tables.get(number, [])
        ended_in_table = False
        for position, line in enumerate([*lines, None]):
            for _, table in (t for t in placed if t[0] == position):
                if out:
                    put("\n\n")
                # A table going on from the previous page without its header row gets it again.
                continues = header if position == 0 and prev is None else None
                header = _put_table(table, put, runs, lambda: length, continues)
                prev, last_block_open, ended_in_table = None, False, True
            if line is None:
                break
            header, ended_in_table = None, False
            text = line.text
            new_block = (
                prev is None
                or line.heading
                or prev.heading
                or line.size != prev.size
                or _BULLET.match(text)
                or prev.end_base - line.base > pitch.get(line.size, line.size * 1.2) * 1.3 + 0.5  # a gap
                or line.base > prev.end_base  # back up: a new column or a box
                or line.x > prev.x + line.size * 0.5  # indented: a first line or a list item
            )
            if prev is None and last_block_open and not line.heading and text[:1].islower() and out:
                put(" ")
            elif prev is None:
                if out:
                    put("\n\n")
            elif new_block:
                put("\n\n")
            else:
                put(" ")
            if line.heading:
                put("#" * line.heading + " ")
            _put_line(line, put, runs, lambda: length, vocabulary)
            prev = line
        last_block_open = prev is not None and not prev.heading and prev.text.rstrip()[-1:] not in _FINAL
        if not ended_in_table:
            header = None
        spans.append((page_start, length))
        runs_by_page.append(tuple(runs))

    text = "".join(out)
    # The pages partition the text: a joining space or blank line belongs to the page it leads into.
    starts = [s for s, _ in spans]
    bounds = [(starts[i], starts[i + 1] if i + 1 < len(starts) else len(text)) for i in range(len(starts))]
    return Extracted(
        text,
        "pdf",
        version(),
        tuple(bounds),
        tuple(runs_by_page),
        tuple(boxes_by_page) if scans else (),
        ocr_info,
    )


def _put_table(table: Table, put, runs: list[tuple[int, int, int]], where, continues) -> tuple[int, list[str]]:
    """Write a table as rows of cells joined by `` | ``, one row a line, and map its characters.

    Args:
        continues: ``(columns, header cells)`` of the table the previous page ended with: when this
            table has as many columns and does not start with that header, the header is written
            first (it is not on this page, so its characters map to nothing here).

    Returns:
        This table's ``(columns, header cells)``.
    """
    cells = [["".join(piece for _, piece in cell) for cell in row] for row in table.rows]
    if continues and continues[0] == table.columns and cells[0] != continues[1]:
        put(" | ".join(continues[1]) + "\n")
        head = continues[1]
    else:
        head = cells[0]
    for r, row in enumerate(table.rows):
        if r:
            put("\n")
        for c, cell in enumerate(row):
            if c:
                put(" | ")
            for first, piece in cell:
                if first >= 0:
                    runs.append((where(), first, len(piece)))
                put(piece)
    return table.columns, head


def _put_line(line: _Line, put, runs: list[tuple[int, int, int]], where, vocabulary: tuple[set[str], set[str]]) -> None:
    """Write one line's characters, dropping pdfium's end-of-line hyphens inside words, and map them."""
    text = line.text
    base = line.start
    i = 0
    n = len(text)
    while i < n:
        j = text.find("\ufffe", i)
        if j < 0:
            j = n
        if j > i:
            runs.append((where(), base + i, j - i))
            piece = text[i:j]
            put(piece.translate(_CONTROL) if _UNCLEAN.search(piece) else piece)
        if j < n:
            left, right = text[j - 1 : j], text[j + 1 : j + 2]
            word = re.search(r"[\w-]*$", text[:j]).group(0)
            tail = re.match(r"\w*", text[j + 1 :]).group(0)
            inside = left.isalpha() and right.islower() and "-" not in word
            if not (inside and _joins(word, tail, vocabulary)):
                runs.append((where(), base + j, 1))
                put("-")
        i = j + 1


def render(
    data: bytes, page: int, highlight: list[tuple[int, int]], scale: float, extracted: Extracted | None
) -> bytes:
    """PNG of page ``page`` (1-based) with the text spans ``highlight`` painted over their characters."""
    import pypdfium2.raw as raw

    source = "PDF"
    if extracted is None and highlight:
        extracted = extract_pdf(source, data)
    doc = _open(source, data)
    try:
        if not 1 <= page <= len(doc):
            raise ExtractionError(source, f"page {page} does not exist; the PDF has {len(doc)} pages")
        pdf_page = doc[page - 1]
        image = pdf_page.render(scale=scale).to_pil().convert("RGBA")
        height = pdf_page.get_height()
        boxes = []  # in pixels of the image
        if highlight and extracted is not None:
            textpage = pdf_page.get_textpage()
            left, bottom, right, top = (_double() for _ in range(4))
            pad = 1.5
            for start, end in highlight:
                for first, count in extracted.chars_of(page, start, end):
                    for r in range(raw.FPDFText_CountRects(textpage, first, count)):
                        if raw.FPDFText_GetRect(textpage, r, left, top, right, bottom):
                            boxes.append(
                                (
                                    (left.value - pad) * scale,
                                    (height - top.value - pad) * scale,
                                    (right.value + pad) * scale,
                                    (height - bottom.value + pad) * scale,
                                )
                            )
                boxes += scaled_boxes(extracted.boxes_of(page, start, end), image.size)
            textpage.close()
        pdf_page.close()
    finally:
        doc.close()
    return png(highlighted(image, boxes))
