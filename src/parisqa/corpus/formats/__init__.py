"""Text out of PDF, HTML, Word and image files, as the one text every citation of such a file slices.

parisqa cites ``text[start:end]`` of a document. For a converted format that text is the *extracted*
text, so the extractor decides what a citation can be: it must be deterministic for a given file and
extractor version (the version goes into the index manifest; a new one re-extracts). The text is laid
out as plain Markdown-like text so the existing structure parser finds headings (``# ...`` lines),
list items (``- ...`` lines) and paragraphs (blocks separated by a blank line); table rows are cells
joined by `` | ``.

One function per format sits behind :func:`extract`; the format comes from the file's suffix and is
checked against the content (:func:`sniff`), so a ``.pdf`` that is really a web page is refused rather
than read as garbage. Every failure is an :class:`~parisqa.errors.ExtractionError` naming the file and
the reason. Heavy libraries (pypdfium2, trafilatura, python-docx) are imported on first use. PDF pages
without a text layer and image files (PNG, JPEG, TIFF) are read by OCR (:mod:`.ocr`, Tesseract).
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from parisqa.errors import ExtractionError

from .base import ZIP_ERRORS, Extracted

__all__ = [
    "FORMATS",
    "Extracted",
    "ExtractionError",
    "check_kind",
    "extract",
    "extractor_version",
    "format_of",
    "render_page",
    "sniff",
]


# Each entry: the format's extractor, imported lazily so the heavy library loads on first use.
def _pdf(source: str, data: bytes) -> Extracted:
    from .pdf import extract_pdf

    return extract_pdf(source, data)


def _html(source: str, data: bytes) -> Extracted:
    from .html import extract_html

    return extract_html(source, data)


def _docx(source: str, data: bytes) -> Extracted:
    from .docx import extract_docx

    return extract_docx(source, data)


def _image(source: str, data: bytes) -> Extracted:
    from .image import extract_image

    return extract_image(source, data)


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
FORMATS: dict[str, Callable[[str, bytes], Extracted]] = {
    ".pdf": _pdf,
    ".html": _html,
    ".htm": _html,
    ".docx": _docx,
    **dict.fromkeys(IMAGE_SUFFIXES, _image),
}
_KIND = {".pdf": "pdf", ".html": "html", ".htm": "html", ".docx": "docx", **dict.fromkeys(IMAGE_SUFFIXES, "image")}
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b", re.I | re.S
)


def sniff(data: bytes) -> str | None:
    """The format the bytes hold, whatever the file is called: ``"pdf"``, ``"docx"``, ``"html"``,
    ``"image"`` or None.

    PDF readers accept ``%PDF-`` within the first kilobyte; a DOCX is a zip holding
    ``word/document.xml``; HTML starts (after a byte-order mark, blanks and comments) with a doctype
    or one of the usual first tags; PNG, JPEG and TIFF files start with their signatures.
    """
    if data.startswith(_IMAGE_MAGIC):
        return "image"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        import io

        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else None
        except ZIP_ERRORS:
            return None
    if _HTML_START.match(data[:4096]):
        return "html"
    return None


def _named(kind: str) -> str:
    """A format as messages name it: "PDF", "DOCX", "HTML", "an image"."""
    return "an image" if kind == "image" else kind.upper()


def format_of(path: Path | str) -> str | None:
    """``"pdf"``, ``"html"``, ``"docx"`` or ``"image"`` for a suffix this package converts, else None."""
    return _KIND.get(Path(path).suffix.lower())


@functools.cache
def _version_of(kind: str) -> str:
    if kind == "pdf":
        from .pdf import version
    elif kind == "html":
        from .html import version
    elif kind == "image":
        from .image import version
    else:
        from .docx import version
    return version()


def extractor_version(path: Path | str) -> str | None:
    """The version the extractor of ``path``'s format stamps on what it extracts (None: not converted).

    An extraction stored with another version is stale: the file is extracted again.
    """
    kind = format_of(path)
    return None if kind is None else _version_of(kind)


def check_kind(path: Path | str, data: bytes) -> str:
    """Check that ``data`` holds the format ``path``'s suffix names (the first check of :func:`extract`).

    Cheap (a look at the first bytes, or a zip directory), so an upload can be refused at once.

    Returns:
        The format: ``"pdf"``, ``"html"``, ``"docx"`` or ``"image"``.

    Raises:
        ExtractionError: not a converted suffix, an empty file, or content of another kind (the
            extension lies); the reason says what the file is and what to do.
    """
    source = str(path)
    suffix = Path(source).suffix.lower()
    kind = _KIND.get(suffix)
    if kind is None:
        raise ExtractionError(
            source,
            f"{suffix or 'no suffix'} is not a converted format; use .pdf, .html, .htm, .docx, .png, .jpg or .tiff",
        )
    found = sniff(data)
    if kind == "html":
        if found in ("pdf", "docx") or b"\x00" in data[:65536]:
            what = found.upper() if found else "binary data"
            raise ExtractionError(source, f"the file is {what}, not HTML; rename it to its real type")
    elif found != kind:
        if not data:
            raise ExtractionError(source, "the file is empty")
        if found is None and data.startswith(b"PK\x03\x04") and kind == "docx":
            raise ExtractionError(source, "damaged or not a Word document (no word/document.xml); re-save it as .docx")
        if found is None:
            raise ExtractionError(
                source, f"the content is not {_named(kind)} (the extension lies?); convert it or rename it"
            )
        real = ".png, .jpg or .tiff (by its type)" if found == "image" else f".{found}"
        raise ExtractionError(source, f"the content is {_named(found)}, not {_named(kind)}; rename it to {real}")
    return kind


def extract(path: Path | str, data: bytes) -> Extracted:
    """Extract the text of a PDF, HTML, DOCX or image file.

    Args:
        path: the file's path or name; its suffix chooses the format and it names the file in errors.
        data: the file's bytes.

    Returns:
        The extracted text with its extractor name and version (and page spans for a PDF or an image).

    Raises:
        ExtractionError: the suffix is not a converted format, the content is another format than the
            suffix says, or the file cannot be read (encrypted, a scan without Tesseract, damaged,
            zip bomb...).
    """
    source = str(path)
    check_kind(source, data)
    return FORMATS[Path(source).suffix.lower()](source, data)


def render_page(
    data: bytes,
    page: int,
    highlight: list[tuple[int, int]] | tuple[tuple[int, int], ...] = (),
    scale: float = 1.5,
    *,
    extracted: Extracted | None = None,
) -> bytes:
    """A PNG of one page of a PDF (or frame of an image), with the given spans of the extracted text
    highlighted on it.

    Args:
        data: the PDF's (or image's) bytes.
        page: the 1-based page number.
        highlight: spans ``(start, end)`` in offsets of the extracted text; parts on other pages are ignored.
        scale: pixels per PDF point (1.5 gives about 108 dpi).
        extracted: the file's :class:`Extracted`, if at hand (else the file is extracted again).

    Raises:
        ExtractionError: the file cannot be opened or has no such page.
    """
    if sniff(data) == "image":
        from .image import render
    else:
        from .pdf import render

    return render(data, page, list(highlight), scale, extracted)
