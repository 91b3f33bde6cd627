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
- a word hyphenated at a line end is joined without its hyphen (kept when the word already holds a
  hyphen, as in "state-of-the-art");
- a paragraph broken by a page break (no final punctuation, next page starts in lower case) is joined;
- a line whose words stand apart in columns (a gap wider than 1.5 times the font size at a space) is a
  table row: its cells are joined by `` | `` (as the HTML and Word extractors write rows), it is a block
  of its own, and consecutive rows are one table, one line each.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from parisqa.errors import ExtractionError

from .base import Extracted

# 2: table rows (cells in columns) as "a | b" lines.
EXTRACTOR_VERSION = "2"
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?(?:\d{1,4}|[ivxlcdm]{1,6})(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)
_BULLET = re.compile(r"^(?:[-*+\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2013]|\d{1,3}[.)]|[A-Za-z][.)])\s")
_FINAL = ".!?:;\"'\u201d\u2019)]"
_CONTROL = {c: " " for c in range(32) if c != 10}
_CONTROL.update({0xFFFE: " ", 0xFFFF: " ", 0xFEFF: " ", 0xA0: " "})
_UNCLEAN = re.compile("[\x00-\x09\x0b-\x1f\ufffe\uffff\ufeff\xa0]")


def version() -> str:
    import pypdfium2.version as v

    return f"pdf-{EXTRACTOR_VERSION} pypdfium2-{v.PYPDFIUM_INFO} pdfium-{v.PDFIUM_INFO.build}"


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
    cells: tuple[int, ...] = ()  # offsets in ``text`` of the spaces that separate table cells


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
        line.cells = _cell_gaps(textpage, s, text[s:e], size)
        if e - s <= 100 and raw.FPDFText_GetFontWeight(textpage, s) >= 600:
            line.bold = raw.FPDFText_GetFontWeight(textpage, e - 1) >= 600
        lines.append(line)
    return lines, text


# A space this much wider than the font size separates two table cells, not two words.
_CELL_GAP = 1.5


def _cell_gaps(textpage, start: int, text: str, size: float) -> tuple[int, ...]:
    """Offsets of the spaces in a line that stand for a column gap (one box call on each side of a space)."""
    import pypdfium2.raw as raw

    if " " not in text or size <= 0:
        return ()
    left, right, bottom, top = _double(), _double(), _double(), _double()
    gaps = []
    for m in re.finditer(r" +", text):
        a, b = m.start() - 1, m.end()
        if a < 0 or b >= len(text):
            continue
        raw.FPDFText_GetCharBox(textpage, start + a, left, right, bottom, top)
        before = right.value
        raw.FPDFText_GetCharBox(textpage, start + b, left, right, bottom, top)
        if left.value - before > _CELL_GAP * size:
            gaps.append(m.start())
    return tuple(gaps)


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
    pages: list[list[_Line]] = []
    heights = []
    for i in range(len(doc)):
        page = doc[i]
        textpage = page.get_textpage()
        try:
            lines, _ = _page_lines(textpage)
        finally:
            textpage.close()
        heights.append(page.get_height())
        page.close()
        pages.append(lines)
    if not any(pages):
        raise ExtractionError(source, "no text layer; OCR is not supported (a scan? convert it to text first)")

    _drop_running_lines(pages, heights)
    outline = _outline(doc)
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0]
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
    return _assemble(pages)


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


def _assemble(pages: list[list[_Line]]) -> Extracted:
    pitch = _pitches(pages)
    out: list[str] = []  # pieces of the text
    length = 0
    spans: list[tuple[int, int]] = []
    runs_by_page: list[tuple[tuple[int, int, int], ...]] = []
    last_block_open = False  # the text so far ends in a paragraph that may continue on the next page

    def put(piece: str) -> None:
        nonlocal length
        out.append(piece)
        length += len(piece)

    for lines in pages:
        runs: list[tuple[int, int, int]] = []
        page_start = length
        prev: _Line | None = None
        for line in lines:
            text = line.text
            row = bool(line.cells) and not line.heading
            prev_row = prev is not None and bool(prev.cells) and not prev.heading
            new_block = (
                prev is None
                or row
                or prev_row
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
            elif row and prev_row:
                put("\n")  # the next row of the same table
            elif new_block:
                put("\n\n")
            else:
                put(" ")
            if line.heading:
                put("#" * line.heading + " ")
            if row:
                bounds = [0, *line.cells, len(text)]
                for n, (a, b) in enumerate(zip(bounds, bounds[1:])):
                    piece = text[a:b].strip(" ")
                    if not piece:
                        continue
                    if n:
                        put(" | ")
                    offset = a + (len(text[a:b]) - len(text[a:b].lstrip(" ")))
                    _put_line(line, put, runs, lambda: length, offset, offset + len(piece))
            else:
                _put_line(line, put, runs, lambda: length)
            prev = line
        last_block_open = prev is not None and not prev.heading and prev.text.rstrip()[-1:] not in _FINAL
        spans.append((page_start, length))
        runs_by_page.append(tuple(runs))

    text = "".join(out)
    # The pages partition the text: a joining space or blank line belongs to the page it leads into.
    starts = [s for s, _ in spans]
    bounds = [(starts[i], starts[i + 1] if i + 1 < len(starts) else len(text)) for i in range(len(starts))]
    return Extracted(text, "pdf", version(), tuple(bounds), tuple(runs_by_page))


def _put_line(
    line: _Line, put, runs: list[tuple[int, int, int]], where, begin: int = 0, end: int | None = None
) -> None:
    """Write one line's characters (``[begin, end)`` of it), dropping pdfium's end-of-line hyphens
    inside words, and map them."""
    text = line.text[: len(line.text) if end is None else end]
    base = line.start
    i = begin
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
            if not (left.isalpha() and right.islower() and "-" not in word):
                runs.append((where(), base + j, 1))
                put("-")
        i = j + 1


def render(
    data: bytes, page: int, highlight: list[tuple[int, int]], scale: float, extracted: Extracted | None
) -> bytes:
    """PNG of page ``page`` (1-based) with the text spans ``highlight`` painted over their characters."""
    import io

    import pypdfium2.raw as raw
    from PIL import Image, ImageDraw

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
        boxes = []
        if highlight and extracted is not None:
            textpage = pdf_page.get_textpage()
            left, bottom, right, top = (_double() for _ in range(4))
            for start, end in highlight:
                for first, count in extracted.chars_of(page, start, end):
                    for r in range(raw.FPDFText_CountRects(textpage, first, count)):
                        if raw.FPDFText_GetRect(textpage, r, left, top, right, bottom):
                            boxes.append((left.value, top.value, right.value, bottom.value))
            textpage.close()
        pdf_page.close()
    finally:
        doc.close()
    if boxes:
        layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for x0, y0, x1, y1 in boxes:
            pad = 1.5
            draw.rectangle(
                ((x0 - pad) * scale, (height - y0 - pad) * scale, (x1 + pad) * scale, (height - y1 + pad) * scale),
                fill=(255, 214, 0, 110),
            )
        image = Image.alpha_composite(image, layer)
    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="PNG")
    return buf.getvalue()
