"""Manage the corpus folder's documents: list them, add uploaded or pasted text, delete one.

What the web page's "Index" tab does, as plain functions. Everything that arrives from outside (a
file name, a title, file bytes) is checked here:

- names are reduced to one safe file name inside the corpus folder: no folder parts (``../../x.txt``
  and ``/etc/passwd`` lose their folders), no control characters (NUL, newline), no leading dot (a
  hidden file would not be indexed), no Windows device names (``CON``, ``NUL``, ``COM1``...), at most
  ``MAX_NAME_BYTES`` bytes;
- only ``.txt``/``.md`` files (UTF-8 text without NUL bytes) and ``.pdf``/``.html``/``.htm``/``.docx``
  and image (``.png``/``.jpg``/``.jpeg``/``.tif``/``.tiff``) files whose content is what their
  extension says (sniffed, see :func:`parisqa.corpus.formats.check_kind`)
  are taken, up to a size limit (``PARISQA_MAX_UPLOAD_BYTES``, default
  ``parisqa.config.DEFAULT_MAX_UPLOAD_BYTES``);
- an existing document is never overwritten: the same name with the same bytes is reported as already
  there, the same name with other bytes is saved under the next free name (``notes-2.txt``);
- files are written beside their final name under a hidden temporary name, then linked into place,
  which fails rather than replaces when the name was taken meanwhile.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import CORPUS_SUFFIXES, parse_upload_limit
from ..errors import CorpusError, ExtractionError, UploadRefused
from .formats import check_kind, format_of

MAX_NAME_BYTES = 120
ALLOWED_SUFFIXES = CORPUS_SUFFIXES
_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"] + [f"{p}{i}" for p in ("COM", "LPT") for i in range(10)]
)
_UNSAFE = re.compile(r"[^\w .()+,=@&'-]", re.UNICODE)


def max_upload_bytes(value: object = None) -> int:
    """The upload size limit: ``value``, else ``PARISQA_MAX_UPLOAD_BYTES``, else the default (see
    :func:`parisqa.config.parse_upload_limit`).

    Raises:
        ConfigError: the value is not a positive whole number of bytes.
    """
    return parse_upload_limit(value)


def human_size(size: int) -> str:
    """``5242880`` -> ``"5 MB"``; ``1536`` -> ``"1.5 KB"`` (powers of 1024)."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            if unit == "bytes":
                return f"{size:,} bytes"
            return f"{value:.1f} {unit}".replace(".0 ", " ")
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _truncate_utf8(text: str, max_bytes: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= max_bytes:
        return text
    return data[:max_bytes].decode("utf-8", "ignore")


def _split_suffix(name: str) -> tuple[str, str]:
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, "." + suffix


def safe_name(name: str) -> str:
    """Reduce ``name`` to one safe file name (no folders, no control characters, not hidden).

    Folder separators become ``-`` (``"../../etc/passwd"`` -> ``"etc-passwd"``), every character
    other than letters, digits and a few plain punctuation marks becomes ``-``, dots and dashes at
    the start are dropped, Windows device names get a ``_`` (``"CON.txt"`` -> ``"CON_.txt"``). The
    suffix is lower-cased. Returns ``""`` when nothing usable is left.
    """
    name = unicodedata.normalize("NFC", str(name))
    name = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in name)
    name = name.replace("\\", "/")
    name = "-".join(part.strip() for part in name.split("/") if part.strip() not in ("", ".", ".."))
    name = _UNSAFE.sub("-", name)
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"\.{2,}", ".", name)
    name = re.sub(r"-{2,}", "-", name)
    stem, suffix = _split_suffix(name.strip())
    stem, suffix = stem.strip(" .-_"), suffix.lower().rstrip(" .-")
    if not stem:
        if len(suffix) < 2:
            return ""
        stem = "document"
    if stem.split(".")[0].upper() in _WINDOWS_DEVICES:
        stem += "_"
    stem = _truncate_utf8(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))).strip(" .-") or "document"
    return f"{stem}{suffix}"


def upload_name(original: str) -> str:
    """The corpus file name for an uploaded file called ``original``.

    Raises:
        UploadRefused: the file is not a ``.txt``/``.md`` file.
    """
    name = safe_name(original)
    _, suffix = _split_suffix(name)
    if suffix not in ALLOWED_SUFFIXES:
        shown = suffix or "no extension"
        raise UploadRefused(
            f"refused {_shown(original)}: only {', '.join(ALLOWED_SUFFIXES)} files can be added (it has {shown}); "
            "save it as plain text, PDF, HTML or DOCX first"
        )
    return name


def title_name(title: str) -> str:
    """The corpus file name for pasted text titled ``title`` (``.txt`` added unless it names one).

    Raises:
        UploadRefused: the title is empty or has nothing usable in a file name.
    """
    if not str(title).strip():
        raise UploadRefused("give the pasted text a title; it becomes the document's file name")
    name = safe_name(title)
    if not name:
        raise UploadRefused(f"the title {_shown(title)} has no letters or digits to name a file with; choose another")
    _, suffix = _split_suffix(name)
    if suffix not in ALLOWED_SUFFIXES:
        name = _truncate_utf8(name, MAX_NAME_BYTES - 4).rstrip(" .-") + ".txt"
    return name


def _shown(name: str) -> str:
    """A name as it can be shown in a message: control characters visible, bounded length."""
    text = repr(str(name))
    return text if len(text) <= 80 else text[:77] + "...'"


def _check_size(name: str, size: int, limit: int) -> None:
    if size > limit:
        have, most = human_size(size), human_size(limit)
        if have == most:  # rounding would hide the difference
            have, most = f"{size:,} bytes", f"{limit:,}-byte"
        raise UploadRefused(
            f"refused {name}: it is {have}, over the {most} upload limit; split it, or raise PARISQA_MAX_UPLOAD_BYTES"
        )


def check_text(data: bytes, name: str, limit: int) -> str:
    """Decode the bytes of a would-be corpus document, or refuse them.

    Raises:
        UploadRefused: over ``limit`` bytes, empty, binary (NUL bytes) or not UTF-8.
    """
    _check_size(name, len(data), limit)
    if b"\x00" in data:
        raise UploadRefused(f"refused {name}: it looks binary (contains NUL bytes); only plain text can be added")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UploadRefused(
            f"refused {name}: it is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8"
        ) from None
    if not text.strip():
        raise UploadRefused(f"refused {name}: it is empty")
    return text


def check_content(data: bytes, name: str, limit: int) -> None:
    """Refuse the bytes of a would-be corpus document that do not fit its name.

    A ``.txt``/``.md`` file must be UTF-8 text (:func:`check_text`); a PDF, HTML or DOCX file must hold
    that format, whatever its extension says (its text is extracted at the next rebuild, which names
    the file in its summary if it cannot be).

    Raises:
        UploadRefused: over ``limit`` bytes, empty, or not what the extension says.
    """
    if format_of(name) is None:
        check_text(data, name, limit)
        return
    _check_size(name, len(data), limit)
    if not data.strip():
        raise UploadRefused(f"refused {_shown(name)}: it is empty")
    try:
        check_kind(name, data)
    except ExtractionError as exc:
        raise UploadRefused(f"refused {_shown(name)}: {exc.reason}") from None


@dataclass(frozen=True)
class Saved:
    """One document added to the corpus folder.

    Attributes:
        name: the file name it was saved under (relative to the corpus folder).
        requested: the name it would have had, when that was taken by another document.
        unchanged: the same name already held exactly these bytes; nothing was written.
    """

    name: str
    requested: str | None = None
    unchanged: bool = False

    def message(self) -> str:
        if self.unchanged:
            return f"{self.name} is already in the corpus with the same content; nothing to add"
        if self.requested:
            return f"added {self.name} (a different {self.requested} already exists; delete it first to replace it)"
        return f"added {self.name}"


def _taken(corpus_dir: Path) -> dict[str, str]:
    """Names in the corpus folder's top level, by case-folded name (names must differ beyond case)."""
    try:
        return {entry.casefold(): entry for entry in os.listdir(corpus_dir)}
    except FileNotFoundError:
        return {}


def _inside(corpus_dir: Path, path: Path) -> bool:
    return path.resolve().parent == corpus_dir.resolve()


def save_document(corpus_dir: Path, name: str, data: bytes, *, limit: int | None = None) -> Saved:
    """Add a document to the top of the corpus folder, never overwriting another.

    Args:
        corpus_dir: the corpus folder (created when missing).
        name: a file name already made safe (see :func:`upload_name`, :func:`title_name`).
        data: the file's bytes.
        limit: size limit in bytes (default: :func:`max_upload_bytes`).

    Raises:
        UploadRefused: the content or the name cannot be taken.
        CorpusError: the corpus folder cannot be written.
    """
    limit = max_upload_bytes(limit)
    if safe_name(name) != name or _split_suffix(name)[1] not in ALLOWED_SUFFIXES:
        raise UploadRefused(f"refused {_shown(name)}: not a safe corpus file name")
    check_content(data, name, limit)
    corpus_dir = Path(corpus_dir)
    try:
        corpus_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CorpusError(
            f"cannot create the corpus folder '{corpus_dir}' ({exc.strerror}); check its permissions"
        ) from None
    stem, suffix = _split_suffix(name)
    tmp = corpus_dir / f".upload-{secrets.token_hex(6)}.tmp"
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        for attempt in range(1, 1000):
            candidate = name if attempt == 1 else f"{stem}-{attempt}{suffix}"
            existing = _taken(corpus_dir).get(candidate.casefold())
            if existing is not None:
                path = corpus_dir / existing
                if attempt == 1 and existing == name and path.is_file() and not path.is_symlink():
                    if path.read_bytes() == data:
                        return Saved(name, unchanged=True)
                continue
            target = corpus_dir / candidate
            if not _inside(corpus_dir, target):  # pragma: no cover - safe_name makes this impossible
                raise UploadRefused(f"refused {_shown(name)}: it would be written outside the corpus folder")
            try:
                os.link(tmp, target)  # fails instead of replacing when the name was taken meanwhile
            except FileExistsError:
                continue
            return Saved(candidate, requested=name if candidate != name else None)
        raise UploadRefused(f"refused {name}: too many documents with this name; rename it")
    except OSError as exc:
        raise CorpusError(
            f"cannot write {name} to the corpus folder '{corpus_dir}' ({exc.strerror}); check its permissions"
        ) from None
    finally:
        tmp.unlink(missing_ok=True)


def add_file(corpus_dir: Path, path: Path, *, name: str | None = None, limit: int | None = None) -> Saved:
    """Copy the file at ``path`` (e.g. an upload) into the corpus under a safe form of ``name``.

    Args:
        corpus_dir: the corpus folder.
        path: the file to copy.
        name: the name the user gave the file (default: ``path``'s own name).
        limit: size limit in bytes (default: :func:`max_upload_bytes`); larger files are not read.

    Raises:
        UploadRefused: wrong type, too large, not UTF-8 text (or not the PDF, HTML or DOCX its
            extension says), or unreadable.
    """
    limit = max_upload_bytes(limit)
    original = name if name is not None else Path(path).name
    safe = upload_name(original)
    try:
        _check_size(safe, os.stat(path).st_size, limit)
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UploadRefused(f"refused {_shown(original)}: cannot read the uploaded file ({exc.strerror})") from None
    return save_document(corpus_dir, safe, data, limit=limit)


def add_text(corpus_dir: Path, title: str, text: str, *, limit: int | None = None) -> Saved:
    """Save pasted ``text`` in the corpus as a ``.txt`` file named after ``title``.

    Raises:
        UploadRefused: no usable title, empty or too long text.
    """
    return save_document(corpus_dir, title_name(title), str(text or "").encode("utf-8"), limit=limit)


def source_path(corpus_dir: Path, source: str) -> Path:
    """The path of the corpus document ``source`` (relative, "/"-separated, as the index lists it).

    Raises:
        CorpusError: ``source`` cannot name a document inside the corpus folder, or there is none.
    """
    corpus_dir = Path(corpus_dir)
    text = str(source)
    parts = text.replace("\\", "/").split("/")
    if (
        not text
        or text.startswith("/")
        or any(p in ("", ".", "..") or p.startswith(".") or "\x00" in p for p in parts)
        or not text.lower().endswith(ALLOWED_SUFFIXES)
    ):
        raise CorpusError(f"{_shown(source)} is not a document of the corpus; pick one from the list")
    path = corpus_dir.joinpath(*parts)
    if not path.parent.resolve().is_relative_to(corpus_dir.resolve()) or not (path.is_file() or path.is_symlink()):
        raise CorpusError(f"{_shown(source)} is not in the corpus folder (deleted since?); refresh the list")
    return path


def delete_document(corpus_dir: Path, source: str) -> None:
    """Delete the corpus document ``source`` (a path relative to the corpus folder, as listed).

    A symbolic link is removed, never what it points to.

    Raises:
        CorpusError: ``source`` is not a document of the corpus folder (or cannot be deleted).
    """
    path = source_path(corpus_dir, source)
    try:
        path.unlink()
    except OSError as exc:
        raise CorpusError(f"cannot delete {source} ({exc.strerror}); check the folder's permissions") from None


@dataclass(frozen=True)
class DocumentRow:
    """One line of the document list: a file of the corpus folder, of the index, or of both."""

    source: str
    status: str  # "indexed", "new", "changed", "deleted", "skipped"
    chunks: int | None = None
    indexed_at: str | None = None
    size: int | None = None
    note: str = ""

    @property
    def pending(self) -> bool:
        """Whether a rebuild would change what the index holds for this document."""
        return self.status in ("new", "changed", "deleted")


def list_documents(corpus_dir: Path, manifest: dict | None) -> tuple[list[DocumentRow], list[str]]:
    """The documents of the corpus folder and of the index described by ``manifest``.

    Returns:
        One row per document, sorted by name, and warnings about files the corpus scan skipped.
    """
    from .reader import Unreadable, read_document, scan_corpus

    try:
        files, warnings = scan_corpus(Path(corpus_dir))
    except CorpusError as exc:
        files, warnings = [], [str(exc)]
    indexed = (manifest or {}).get("files", {})
    skipped = (manifest or {}).get("skipped", {})
    rows: list[DocumentRow] = []
    on_disk = {f.source for f in files}
    for f in files:
        entry = indexed.get(f.source)
        if entry is None:
            if f.source in skipped:
                reason = str(skipped[f.source].get("reason", ""))
                rows.append(DocumentRow(f.source, "skipped", size=f.size, note=reason))
            else:
                rows.append(DocumentRow(f.source, "new", size=f.size))
            continue
        status, note = "indexed", ""
        if entry.get("size") != f.size or entry.get("mtime_ns") != f.mtime_ns:
            try:
                status = "indexed" if read_document(f).sha256 == entry.get("sha256") else "changed"
            except Unreadable as exc:
                status, note = "changed", str(exc)
        rows.append(
            DocumentRow(f.source, status, len(entry.get("chunks", [])), entry.get("indexed_at"), f.size, note=note)
        )
    for source, entry in indexed.items():
        if source not in on_disk:
            rows.append(DocumentRow(source, "deleted", len(entry.get("chunks", [])), entry.get("indexed_at")))
    rows.sort(key=lambda r: r.source.casefold())
    return rows, warnings


def faq_questions(corpus_dir: Path, sources: Sequence[str], limit: int = 40) -> list[str]:
    """The FAQ questions found in the given corpus documents, in document order, without repeats."""
    from .reader import Unreadable, read_document, scan_corpus
    from .structure import parse

    wanted = set(sources)
    try:
        files, _ = scan_corpus(Path(corpus_dir))
    except CorpusError:
        return []
    seen: set[str] = set()
    questions: list[str] = []
    for f in files:
        if f.source not in wanted:
            continue
        try:
            doc = read_document(f)
        except Unreadable:
            continue
        parsed = parse(doc.text, markdown=doc.markdown, fallback_title=Path(f.source).stem)
        for pair in parsed.faq_pairs(doc.text):
            question = " ".join(pair.question.split())
            question = re.sub(r"^(?:#+\s*|(?:Q|Question)\s*[:.)]\s*)", "", question, flags=re.IGNORECASE).strip("*_ ")
            if question and question.casefold() not in seen:
                seen.add(question.casefold())
                questions.append(question)
                if len(questions) >= limit:
                    return questions
    return questions
