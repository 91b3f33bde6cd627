"""Find and read the corpus: ``.txt`` and ``.md`` files under a folder, decoded as UTF-8.

A file that cannot be read as text (binary, not UTF-8, too large, a link leading outside the corpus)
is skipped with a warning that names it and says why; the others still index.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .config import CORPUS_SUFFIXES
from .errors import CorpusError

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
    sha256: str
    size: int
    mtime_ns: int

    @property
    def markdown(self) -> bool:
        return self.source.lower().endswith((".md", ".markdown"))


class Unreadable(Exception):
    """A corpus file that cannot be indexed; the message says why and how to fix it."""


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
            f"corpus folder '{corpus_dir}' does not exist; create it and add .txt or .md files, "
            "or pass --corpus DIR (or set PARISQA_CORPUS)"
        )
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus path '{corpus_dir}' is not a folder; pass a folder with --corpus DIR")
    root = corpus_dir.resolve()
    files: list[SourceFile] = []
    warnings: list[str] = []
    for dirpath, dirnames, filenames in os.walk(corpus_dir, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for dirname in dirnames:
            if os.path.islink(os.path.join(dirpath, dirname)):
                warnings.append(
                    f"skipped {_rel(corpus_dir, Path(dirpath) / dirname)}/: symbolic links to folders "
                    "are not followed; copy the files into the corpus instead"
                )
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(CORPUS_SUFFIXES):
                continue
            path = Path(dirpath) / name
            source = _rel(corpus_dir, path)
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(root) or not target.is_file():
                    warnings.append(
                        f"skipped {source}: it is a symbolic link to '{target}', outside the corpus "
                        "folder; copy the file into the corpus instead"
                    )
                    continue
            try:
                stat = path.stat()
            except OSError as exc:
                warnings.append(f"skipped {source}: cannot read it ({exc.strerror})")
                continue
            if not path.is_file():
                continue
            files.append(SourceFile(source, path, stat.st_size, stat.st_mtime_ns))
    files.sort(key=lambda f: f.source)
    return files, warnings


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def decode(data: bytes, source: str) -> str:
    """Decode file bytes as UTF-8 text, or raise :class:`Unreadable` naming the problem.

    The text is kept as is (no newline translation, a byte-order mark stays as U+FEFF) so that
    offsets are offsets into exactly what the file holds.
    """
    if b"\x00" in data:
        raise Unreadable(f"skipped {source}: it looks binary (contains NUL bytes); only text files index")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(
            f"skipped {source}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8"
        ) from None


def read_document(file: SourceFile) -> Document:
    """Read and decode one corpus file.

    Raises:
        Unreadable: the file is too large, unreadable, binary or not UTF-8.
    """
    if file.size > MAX_FILE_BYTES:
        raise Unreadable(
            f"skipped {file.source}: {file.size:,} bytes is over the {MAX_FILE_BYTES:,}-byte limit; "
            "split it into smaller files"
        )
    try:
        data = file.path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"skipped {file.source}: cannot read it ({exc.strerror})") from None
    text = decode(data, file.source)
    return Document(file.source, text, hashlib.sha256(data).hexdigest(), len(data), file.mtime_ns)


def read_source_text(corpus_dir: Path, source: str) -> str:
    """The current text of one corpus file, for checking or displaying a citation."""
    path = Path(corpus_dir) / source
    return decode(path.read_bytes(), source)
