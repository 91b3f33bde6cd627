"""Word (.docx) text with python-docx, after checking the zip is not a bomb and fetches nothing.

A DOCX is a zip of XML parts. Before python-docx opens it, its central directory is checked: the
number of entries, the total uncompressed size and each entry's compression ratio (Python's zipfile
never inflates an entry beyond the size the directory states, so these bounds hold while reading). A
relationship that points outside the file (an attached template, a linked object or sub-document:
the usual way to make Word fetch a remote file) makes the file refused; hyperlinks, which nothing
fetches, are fine. python-docx itself parses with entity resolution off and never follows a link.

Output: paragraphs in body order, heading styles (``Heading N``, ``Title``) as ``#`` lines, list
paragraphs (a list style or numbering) as items: ``1. ``, ``2. `` (or ``a. ``, ``i. ``) for a numbered
list as Word counts it, ``- `` for bullets; each table row as its cells joined by `` | ``.
"""

from __future__ import annotations

import io
import re
import zipfile

from parisqa.errors import ExtractionError

from .base import ZIP_ERRORS, Extracted

# 2: numbered lists keep their numbers ("1.", "2." were written as "-").
EXTRACTOR_VERSION = "2"
MAX_ENTRIES = 5000
MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_RATIO = 200  # a real DOCX part compresses about 5-20 times; a bomb thousands of times
_EXTERNAL = re.compile(rb'<Relationship\b[^>]*TargetMode\s*=\s*"External"[^>]*>', re.I)
_TYPE = re.compile(rb'Type\s*=\s*"([^"]*)"')
_TARGET = re.compile(rb'Target\s*=\s*"([^"]*)"')


def version() -> str:
    from importlib.metadata import version as package_version

    return f"docx-{EXTRACTOR_VERSION} python-docx-{package_version('python-docx')}"


def check_zip(source: str, data: bytes) -> None:
    """Refuse a zip bomb or a document with external references, from the zip's directory alone.

    Raises:
        ExtractionError: too many entries, too large once inflated, a suspicious compression ratio,
            an external relationship other than a hyperlink, or a damaged zip.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as exc:
        raise ExtractionError(source, f"damaged or truncated DOCX ({exc}); re-save it in Word or LibreOffice") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ExtractionError(
                source, f"zip bomb? {len(infos)} entries in the DOCX (at most {MAX_ENTRIES}); refused"
            )
        total = sum(info.file_size for info in infos)
        if total > MAX_UNCOMPRESSED:
            raise ExtractionError(
                source, f"zip bomb? {total} bytes once uncompressed (at most {MAX_UNCOMPRESSED}); refused"
            )
        for info in infos:
            if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(1, info.compress_size):
                raise ExtractionError(
                    source,
                    f"zip bomb? {info.filename} inflates {info.file_size // max(1, info.compress_size)} times; refused",
                )
        for info in infos:
            if not info.filename.endswith(".rels") or info.file_size > 10_000_000:
                continue
            try:
                rels = archive.read(info)
            except ZIP_ERRORS as exc:
                raise ExtractionError(source, f"damaged DOCX ({exc}); re-save it in Word or LibreOffice") from None
            for rel in _EXTERNAL.findall(rels):
                kind = _TYPE.search(rel)
                if kind and kind.group(1).rsplit(b"/", 1)[-1] == b"hyperlink":
                    continue
                target = _TARGET.search(rel)
                name = kind.group(1).rsplit(b"/", 1)[-1].decode("ascii", "replace") if kind else "?"
                where = target.group(1).decode("utf-8", "replace")[:80] if target else "?"
                raise ExtractionError(
                    source,
                    f"holds an external reference ({name} -> {where}); parisqa never fetches it; remove it and re-save",
                )


def extract_docx(source: str, data: bytes) -> Extracted:
    """Extract the text of a Word document.

    Raises:
        ExtractionError: zip bomb, external reference, damaged file, or no text at all.
    """
    check_zip(source, data)
    try:
        text = _text(data)
    except ExtractionError:
        raise
    except Exception as exc:  # python-docx/lxml on a damaged part
        raise ExtractionError(
            source, f"damaged DOCX ({type(exc).__name__}: {exc}); re-save it in Word or LibreOffice"
        ) from None
    if not text.strip():
        raise ExtractionError(source, "the document holds no text")
    return Extracted(text, "docx", version())


def _clean(text: str) -> str:
    return " ".join(text.split())


def _text(data: bytes) -> str:
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    numbering = _Numbering(document)
    blocks: list[str] = []
    in_list = False  # the last block is a list: the next item joins it, one item per line
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            text = _clean(paragraph.text)
            if not text:
                continue
            style = (paragraph.style.name if paragraph.style is not None else "") or ""
            level = _heading_level(style)
            if level:
                blocks.append("#" * level + " " + text)
            elif "list" in style.lower() or child.find(qn("w:pPr") + "/" + qn("w:numPr")) is not None:
                item = numbering.label(child, paragraph.style) + " " + text
                if in_list:
                    blocks[-1] += "\n" + item
                else:
                    blocks.append(item)
                in_list = True
                continue
            else:
                blocks.append(text)
            in_list = False
        elif child.tag == qn("w:tbl"):
            rows = []
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    value = _clean(cell.text)
                    if not cells or value != cells[-1]:  # a merged cell repeats itself across the span
                        cells.append(value)
                if any(cells):
                    rows.append(" | ".join(cells))
            if rows:
                blocks.append("\n".join(rows))
                in_list = False
    return "\n\n".join(blocks) + ("\n" if blocks else "")


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))  # fmt: skip


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    return "" if n <= 0 else _letters((n - 1) // 26) + chr(ord("a") + (n - 1) % 26)


class _Numbering:
    """The label of each list paragraph, counted as Word counts it: per list (numId), per level."""

    def __init__(self, document) -> None:
        from docx.oxml.ns import qn

        self._qn = qn
        self.formats: dict[str, dict[int, str]] = {}  # numId -> level -> numFmt ("decimal", "bullet"...)
        self.counts: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):  # no numbering part: bullets only
            return
        abstract: dict[str | None, dict[int, str]] = {}
        for definition in root.findall(qn("w:abstractNum")):
            levels = {}
            for level in definition.findall(qn("w:lvl")):
                fmt = level.find(qn("w:numFmt"))
                levels[int(level.get(qn("w:ilvl"), "0"))] = fmt.get(qn("w:val"), "decimal") if fmt is not None else ""
            abstract[definition.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self.formats[num.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})

    def _num_pr(self, element, style):
        """The paragraph's numbering (numId, level), from its own properties or its style's."""
        qn = self._qn
        num_pr = element.find(qn("w:pPr") + "/" + qn("w:numPr"))
        while num_pr is None and style is not None:
            num_pr = style.element.find(qn("w:pPr") + "/" + qn("w:numPr"))
            style = style.base_style
        if num_pr is None:
            return None, 0
        num_id = num_pr.find(qn("w:numId"))
        level = num_pr.find(qn("w:ilvl"))
        return (
            num_id.get(qn("w:val")) if num_id is not None else None,
            int(level.get(qn("w:val"), "0")) if level is not None else 0,
        )

    def label(self, element, style) -> str:
        """``"1."``, ``"b."``, ``"iv."`` for an item of a numbered list, ``"-"`` for any other item."""
        num_id, level = self._num_pr(element, style)
        fmt = self.formats.get(num_id or "", {}).get(level, "")
        if num_id is None or num_id == "0" or fmt not in _FORMATS:
            return "-"
        counts = self.counts.setdefault(num_id, [0] * 9)
        level = min(level, len(counts) - 1)
        counts[level] += 1
        counts[level + 1 :] = [0] * (len(counts) - level - 1)
        return _FORMATS[fmt](counts[level]) + "."


_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": _roman,
    "upperRoman": lambda n: _roman(n).upper(),
}


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    m = re.fullmatch(r"Heading ([1-9])", style)
    return min(6, int(m.group(1))) if m else 0
