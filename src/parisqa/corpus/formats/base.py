"""The record every extractor returns, and what the extractors share (kept apart from the package
``__init__`` so the per-format modules import it without a cycle back to the dispatcher)."""

from __future__ import annotations

import bisect
import zipfile
import zlib
from dataclasses import dataclass

__all__ = ["CONTROL", "ZIP_ERRORS", "Extracted", "OcrInfo", "highlighted", "png", "scaled_boxes"]

# What Python's zipfile raises on a damaged archive: its own error, zlib's, an unsupported "version"
# or compression method (NotImplementedError), a truncated stream (EOFError), bad fields (ValueError).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, KeyError)
# str.translate table: control characters (but newline), pdfium's hyphen and non-characters, the
# byte-order mark and no-break spaces become plain spaces (one for one: offsets keep their meaning).
CONTROL = {c: " " for c in range(32) if c != 10}
CONTROL.update({0xFFFE: " ", 0xFFFF: " ", 0xFEFF: " ", 0xA0: " "})


@dataclass(frozen=True)
class OcrInfo:
    """How the pages of a file without a text layer were read (recorded in the file's manifest entry).

    Attributes:
        engine: ``"tesseract"``.
        version: the engine's version line (``"tesseract 5.3.0"``).
        languages: the Tesseract languages the document was read in (``"eng"``, ``"fra"``, ``"eng+fra"``).
        confidence: mean word confidence (0-100) over the pages kept.
        pages: the 1-based pages read by OCR.
        skipped: ``(page, reason)`` for each page left out (its reading below the confidence floor, or
            no OCR engine installed).
        seconds: how long the OCR took.
    """

    engine: str
    version: str
    languages: str
    confidence: float
    pages: tuple[int, ...] = ()
    skipped: tuple[tuple[int, str], ...] = ()
    seconds: float = 0.0

    def to_dict(self) -> dict:
        """A JSON-ready form (the manifest entry's ``ocr`` object); ``from_dict`` reads it back."""
        return {
            "engine": self.engine,
            "version": self.version,
            "languages": self.languages,
            "mean_confidence": self.confidence,
            "pages": list(self.pages),
            "skipped_pages": [{"page": page, "reason": reason} for page, reason in self.skipped],
            "seconds": self.seconds,
        }

    @classmethod
    def from_dict(cls, data: dict) -> OcrInfo:
        """The inverse of :meth:`to_dict`."""
        return cls(
            str(data["engine"]),
            str(data["version"]),
            str(data["languages"]),
            float(data["mean_confidence"]),
            tuple(int(p) for p in data.get("pages", ())),
            tuple((int(s["page"]), str(s["reason"])) for s in data.get("skipped_pages", ())),
            float(data.get("seconds", 0.0)),
        )


@dataclass(frozen=True)
class Extracted:
    """The text of a converted document and where each page of it lies.

    Attributes:
        text: the extracted text; every offset parisqa stores for the file indexes into it.
        extractor: the extractor's name (``"pdf"``, ``"html"``, ``"docx"``).
        version: the extractor's version, including its library's; a change means re-extraction.
        pages: for a PDF, the span ``(start, end)`` of each page in ``text`` (page 1 first); the spans
            are contiguous and cover ``text``. Empty for other formats.
        char_map: for a PDF, per page, runs ``(text_offset, char_index, length)``: text characters
            ``text_offset .. text_offset+length`` are pdfium text-page characters ``char_index ..``
            of that page. Characters parisqa inserted (heading marks, joining spaces) are in no run.
        boxes: per page, runs ``(text_offset, length, x0, y0, x1, y1)``: text characters
            ``text_offset .. text_offset+length`` lie in that box, in fractions of the page's width and
            height from its top left corner. Given for pages read by OCR, whose characters have no
            pdfium index (empty for the others).
        ocr: how OCR read the pages without a text layer, or None when no page needed it.
    """

    text: str
    extractor: str
    version: str
    pages: tuple[tuple[int, int], ...] = ()
    char_map: tuple[tuple[tuple[int, int, int], ...], ...] = ()
    boxes: tuple[tuple[tuple[int, int, float, float, float, float], ...], ...] = ()
    ocr: OcrInfo | None = None

    def page_of(self, offset: int) -> int | None:
        """The 1-based page holding character ``offset`` of ``text``, or None for a non-PDF."""
        if not self.pages:
            return None
        return max(1, bisect.bisect_right(self.pages, offset, key=lambda span: span[0]))

    def pages_of(self, start: int, end: int) -> tuple[int, int] | None:
        """First and last 1-based page of the span ``[start, end)``, or None for a non-PDF."""
        first = self.page_of(start)
        if first is None:
            return None
        last = self.page_of(max(start, end - 1))
        return (first, last or first)

    def to_dict(self) -> dict:
        """A JSON-ready form, to keep beside the index (``from_dict`` reads it back)."""
        return {
            "text": self.text,
            "extractor": self.extractor,
            "version": self.version,
            "pages": [list(span) for span in self.pages],
            "char_map": [[list(run) for run in runs] for runs in self.char_map],
            "boxes": [[list(box) for box in boxes] for boxes in self.boxes],
            "ocr": self.ocr.to_dict() if self.ocr else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Extracted:
        """The inverse of :meth:`to_dict`."""
        return cls(
            data["text"],
            data["extractor"],
            data["version"],
            tuple((int(s), int(e)) for s, e in data.get("pages", ())),
            tuple(tuple((int(o), int(c), int(n)) for o, c, n in runs) for runs in data.get("char_map", ())),
            tuple(
                tuple((int(o), int(n), float(a), float(b), float(c), float(d)) for o, n, a, b, c, d in boxes)
                for boxes in data.get("boxes", ())
            ),
            OcrInfo.from_dict(data["ocr"]) if data.get("ocr") else None,
        )

    def chars_of(self, page: int, start: int, end: int) -> list[tuple[int, int]]:
        """The pdfium character ranges ``(first, count)`` on ``page`` (1-based) behind ``text[start:end]``."""
        runs = self.char_map[page - 1] if 0 < page <= len(self.char_map) else ()
        out = []
        for offset, char, length in runs:
            lo, hi = max(start, offset), min(end, offset + length)
            if lo < hi:
                out.append((char + lo - offset, hi - lo))
        return out

    def boxes_of(self, page: int, start: int, end: int) -> list[tuple[float, float, float, float]]:
        """The boxes (fractions of the page, top left origin) on ``page`` (1-based) of ``text[start:end]``."""
        boxes = self.boxes[page - 1] if 0 < page <= len(self.boxes) else ()
        return [(x0, y0, x1, y1) for offset, n, x0, y0, x1, y1 in boxes if offset < end and start < offset + n]


def scaled_boxes(boxes: list[tuple[float, float, float, float]], size: tuple[int, int]) -> list[tuple[float, ...]]:
    """Boxes in fractions of a page as pixel boxes of an image of ``size``, padded a little."""
    width, height = size
    pad = 2
    return [(x0 * width - pad, y0 * height - pad, x1 * width + pad, y1 * height + pad) for x0, y0, x1, y1 in boxes]


def highlighted(image, boxes: list[tuple[float, ...]]):
    """``image`` (RGBA) with the pixel ``boxes`` painted over in translucent yellow."""
    from PIL import Image, ImageDraw

    if not boxes:
        return image
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    for box in boxes:
        draw.rectangle(box, fill=(255, 214, 0, 110))
    return Image.alpha_composite(image, layer)


def png(image) -> bytes:
    """The PNG bytes of a PIL image."""
    import io

    buf = io.BytesIO()
    image.convert("RGB").save(buf, format="PNG")
    return buf.getvalue()
