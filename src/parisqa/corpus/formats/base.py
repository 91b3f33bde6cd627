"""The record every extractor returns, and what the extractors share (kept apart from the package
``__init__`` so the per-format modules import it without a cycle back to the dispatcher)."""

from __future__ import annotations

import bisect
import zipfile
import zlib
from dataclasses import dataclass

__all__ = ["ZIP_ERRORS", "Extracted"]

# What Python's zipfile raises on a damaged archive: its own error, zlib's, an unsupported "version"
# or compression method (NotImplementedError), a truncated stream (EOFError), bad fields (ValueError).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, KeyError)


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
    """

    text: str
    extractor: str
    version: str
    pages: tuple[tuple[int, int], ...] = ()
    char_map: tuple[tuple[tuple[int, int, int], ...], ...] = ()

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
