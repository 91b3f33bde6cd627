"""Find and read the corpus: ``.txt`` and ``.md`` files decoded as UTF-8, PDF, HTML and Word files
converted to their extracted text, scans and photos (PNG, JPEG, TIFF) to their OCR text
(:mod:`parisqa.corpus.formats`).

A file that cannot be read as text (binary, not UTF-8, too large, a link leading outside the corpus,
a PDF that is encrypted, a scan when Tesseract is not installed...) is skipped with a warning that names it and says
why; the others still index.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any

from ..config import CORPUS_SUFFIXES
from ..errors import CorpusError, ExtractionError
from .formats import Extracted, extract, format_of

MAX_FILE_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    """A corpus file found on disk, before reading."""

    source: str  # path relative to the corpus folder, with "/" separators
    path: Path
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Document:
    """A corpus file read and decoded; ``text`` is what every offset indexes into."""

    source: str
    text: str
    sha256: str  # of the file's bytes (for a converted file, of the original, not of the text)
    size: int
    mtime_ns: int
    extracted: Extracted | None = None  # a converted file's extraction; ``text`` is its ``text``

    @property
    def markdown(self) -> bool:
        """Whether the text is read as Markdown: ``.md`` files, and extracted text (laid out as Markdown)."""
        return self.extracted is not None or self.source.lower().endswith((".md", ".markdown"))


# Called with a converted file's source and content hash: its stored extraction when the index holds
# one made from those bytes by the current extractor, else None (extract it again).
StoredExtraction = Callable[[str, str], "Extracted | None"]


class Unreadable(Exception):
    """A corpus file that cannot be indexed; the message says why and how to fix it.

    Attributes:
        reason: the message without its "skipped NAME: " opening, as the index summary lists it.
    """

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason if reason is not None else message.partition(": ")[2] or message


def indexable_name(name: str) -> bool:
    """Whether a file named ``name`` is read into the index: a corpus suffix, not hidden, not an office lock.

    Hidden names cover editors' swap and lock files (``.notes.md.swp``, ``.#notes.md``) and the hidden
    temporary names files are saved under before being renamed into place; ``~$report.docx`` is the
    lock file Word and LibreOffice keep beside an open document.
    """
    return not name.startswith((".", "~$")) and name.lower().endswith(CORPUS_SUFFIXES)


def scan_corpus(corpus_dir: Path) -> tuple[list[SourceFile], list[str]]:
    """List the indexable files under ``corpus_dir``.

    Hidden files and folders (name starting with ".") are ignored. Symbolic links are followed only
    when they resolve to a file inside the corpus folder; others are reported and skipped.

    Returns:
        The files sorted by source path, and warnings for the ones skipped.

    Raises:
        CorpusError: the folder does not exist or is not a folder.
    """
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.exists():
        raise CorpusError(
            f"corpus folder '{corpus_dir}' does not exist; create it and add documents "
            "(.txt, .md, .pdf, .html, .docx, or scans as .png, .jpg, .tiff), "
            "or pass --corpus DIR (or set PARISQA_CORPUS)"
        )
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus path '{corpus_dir}' is not a folder; pass a folder with --corpus DIR")
    root = corpus_dir.resolve()
    files: list[SourceFile] = []
    warnings: list[str] = []

    def unreadable_folder(exc: OSError) -> None:
        where = _rel(corpus_dir, Path(exc.filename)) if exc.filename else str(corpus_dir)
        warnings.append(f"skipped {shown(where)}/: cannot read the folder ({exc.strerror}); check its permissions")

    for dirpath, dirnames, filenames in os.walk(corpus_dir, onerror=unreadable_folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for dirname in dirnames:
            if os.path.islink(os.path.join(dirpath, dirname)):
                warnings.append(
                    f"skipped {shown(_rel(corpus_dir, Path(dirpath) / dirname))}/: symbolic links to folders "
                    "are not followed; copy the files into the corpus instead"
                )
        for name in sorted(filenames):
            if not indexable_name(name):
                continue
            path = Path(dirpath) / name
            source = _rel(corpus_dir, path)
            if _SURROGATE.search(source):
                # Undecodable bytes in the name: it could not be written to the manifest or shown.
                warnings.append(f"skipped {shown(source)}: its name is not valid UTF-8; rename the file")
                continue
            if path.is_symlink():
                problem, target = _link_problem(path, root)
                if problem:
                    warnings.append(f"skipped {shown(source)}: {problem}")
                    continue
                path = target  # read the file itself, so swapping the link later changes nothing
            try:
                stat = path.stat()
            except OSError as exc:
                warnings.append(f"skipped {shown(source)}: cannot read it ({exc.strerror})")
                continue
            if not S_ISREG(stat.st_mode):
                # A FIFO or device named like a text file: reading it could block or never end.
                warnings.append(f"skipped {shown(source)}: it is not a regular file")
                continue
            files.append(SourceFile(source, path, stat.st_size, stat.st_mtime_ns))
    files.sort(key=lambda f: f.source)
    return files, warnings


_SURROGATE = re.compile("[\ud800-\udfff]")
# Control characters and bidirectional overrides: shown escaped, so a file name cannot rewrite the
# terminal or reorder the message it appears in.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def shown(name: str) -> str:
    """``name`` safe to print: control, bidi-override and undecodable characters escaped."""
    return _UNSAFE.sub(_escape, name)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _link_problem(path: Path, root: Path) -> tuple[str | None, Path]:
    """Why the symbolic link ``path`` is not indexed (``None`` when it may be), and its target."""
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return f"it is a symbolic link to '{os.readlink(path)}', which does not exist", path
    except (OSError, RuntimeError):  # a loop of links (RuntimeError before Python 3.13)
        return "it is a symbolic link that loops or cannot be followed", path
    if not target.is_relative_to(root):
        return (
            f"it is a symbolic link to '{target}', outside the corpus folder; copy the file into the corpus instead",
            target,
        )
    if not target.is_file():
        return f"it is a symbolic link to '{target}', which is not a regular file", target
    return None, target


def decode(data: bytes, source: str) -> str:
    """Decode file bytes as UTF-8 text, or raise :class:`Unreadable` naming the problem.

    The text is kept as is (no newline translation, a byte-order mark stays as U+FEFF) so that
    offsets are offsets into exactly what the file holds.
    """
    if b"\x00" in data:
        raise Unreadable(f"skipped {shown(source)}: it looks binary (contains NUL bytes); only text files index")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(
            f"skipped {shown(source)}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8"
        ) from None


def read_document(file: SourceFile, stored: StoredExtraction | None = None) -> Document:
    """Read and decode (or, for PDF, HTML and DOCX, extract) one corpus file.

    Args:
        file: the file as the scan found it.
        stored: looks up a converted file's extraction kept with the index, so an unchanged file is
            not extracted again.

    Raises:
        Unreadable: the file is too large or unreadable, a text file is binary or not UTF-8, or a
            converted file's text cannot be extracted (the reason says why).
    """
    if file.size > MAX_FILE_BYTES:
        raise Unreadable(
            f"skipped {shown(file.source)}: {file.size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit; "
            "split it into smaller files"
        )
    try:
        data = _read_limited(file.path)
    except OSError as exc:
        reason = "it became a symbolic link" if exc.errno == errno.ELOOP else exc.strerror
        raise Unreadable(f"skipped {shown(file.source)}: cannot read it ({reason})") from None
    if len(data) > MAX_FILE_BYTES:  # it grew after the folder was scanned
        raise Unreadable(
            f"skipped {shown(file.source)}: it is over the {MAX_FILE_BYTES:,}-byte limit; split it into smaller files"
        )
    if not data:
        raise Unreadable(f"skipped {shown(file.source)}: {EMPTY}", EMPTY)
    digest = hashlib.sha256(data).hexdigest()
    if format_of(file.source) is None:
        text = decode(data, file.source)
        _require_words(file.source, text)
        return Document(file.source, text, digest, len(data), file.mtime_ns)
    extracted = stored(file.source, digest) if stored else None
    if extracted is None:
        try:
            extracted = extract(file.source, data)
        except ExtractionError as exc:
            raise Unreadable(f"skipped {shown(file.source)}: {exc.reason}", exc.reason) from None
    _require_words(file.source, extracted.text)
    return Document(file.source, extracted.text, digest, len(data), file.mtime_ns, extracted)


def skipped_pages(doc: Document, warn: Callable[[str], None]) -> dict[str, Any]:
    """The pages of ``doc`` its extraction left out (OCR below the confidence floor), as ``skipped`` entries.

    Keyed ``"source#page=N"``; each entry has its ``page``, which tells them from skipped files.
    """
    out: dict[str, Any] = {}
    for page, reason in doc.extracted.ocr.skipped if doc.extracted and doc.extracted.ocr else ():
        warn(f"skipped page {page} of {shown(doc.source)}: {reason}")
        out[f"{doc.source}#page={page}"] = {"source": doc.source, "page": page, "reason": f"page {page}: {reason}"}
    return out


# A file with nothing to index is skipped with one of these reasons, whatever its format.
EMPTY = "the file is empty; add text to it or remove it"
NO_TEXT = "the file holds no text (only blanks or marks); add text to it or remove it"
_WORD = re.compile(r"[^\W_]")


def _require_words(source: str, text: str) -> None:
    """Refuse a text with no letter or digit: it would index as nothing, or as an empty chunk."""
    if not _WORD.search(text):
        raise Unreadable(f"skipped {shown(source)}: {NO_TEXT}", NO_TEXT)


def read_bytes(corpus_dir: Path, source: str) -> bytes:
    """The bytes of one corpus file, for showing or checking a citation in its whole document.

    The scan's rules hold here too: a symbolic link is read only when it leads to a regular file
    inside the corpus folder, only regular files are read, and at most :data:`MAX_FILE_BYTES`.

    Raises:
        Unreadable: the file cannot be read; the message says why.
    """
    path = Path(corpus_dir) / source
    if path.is_symlink():
        problem, path = _link_problem(path, Path(corpus_dir).resolve())
        if problem:
            raise Unreadable(f"cannot show {shown(source)}: {problem}")
    try:
        data = _read_limited(path)
    except OSError as exc:
        raise Unreadable(f"cannot read {shown(source)} ({exc.strerror})") from None
    if len(data) > MAX_FILE_BYTES:
        raise Unreadable(f"cannot show {shown(source)}: it is over the {MAX_FILE_BYTES:,}-byte limit")
    return data


def _read_limited(path: Path) -> bytes:
    """At most ``MAX_FILE_BYTES + 1`` bytes of ``path``, refusing to follow a symbolic link.

    The scan already resolved links it allows, so a link found here was put in place after the scan.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return fh.read(MAX_FILE_BYTES + 1)
