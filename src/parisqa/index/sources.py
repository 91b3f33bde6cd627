"""The corpus as the index sees it: which files to read, their text, and whether the index is stale.

A converted file's text (PDF, HTML, DOCX) is stored with the index it was indexed into, so a file
whose bytes did not change is not extracted again, and every citation slices the very text the
index was made from (:func:`indexed_document`). The build (:mod:`parisqa.index.build`) reads the
corpus through :func:`read_corpus`; the front ends show a file's text through :func:`indexed_document`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from ..config import Settings
from ..corpus.formats import Extracted, extract, extractor_version, format_of
from ..corpus.reader import (
    Document,
    SourceFile,
    StoredExtraction,
    Unreadable,
    decode,
    read_bytes,
    read_document,
    scan_corpus,
    shown,
    skipped_pages,
)
from ..errors import CorpusError, ExtractionError, IndexCorruptError, IndexMismatchError, IndexMissingError
from .manifest import read_manifest
from .previous import Previous


def is_stale(settings: Settings, manifest: dict[str, Any]) -> bool:
    """Whether the corpus differs from what ``manifest`` indexed.

    Compares file lists and sizes/modification times first; only files whose stat changed are read
    and hashed, so an unchanged corpus costs one directory walk.
    """
    files, _ = scan_corpus(settings.corpus_dir)
    skipped = {source: entry for source, entry in manifest.get("skipped", {}).items() if "page" not in entry}
    known = {**skipped, **manifest.get("files", {})}
    if {f.source for f in files} != set(known):
        return True
    for f in files:
        entry = known[f.source]
        if entry.get("size") == f.size and entry.get("mtime_ns") == f.mtime_ns:
            continue
        try:
            doc = read_document(f)
        except Unreadable:
            if f.source in manifest.get("files", {}):
                return True
            continue
        if doc.sha256 != entry.get("sha256"):
            return True
    return False


def require_files(settings: Settings, files: list[SourceFile]) -> None:
    """Raise :class:`CorpusError` when the corpus folder holds no indexable file."""
    if not files:
        raise CorpusError(
            f"corpus folder '{settings.corpus_dir}' has no .txt, .md, .pdf, .html, .docx or image files",
            remedy="add_files",
        )


def read_corpus(
    settings: Settings, warn: Callable[[str], None], stored: StoredExtraction | None = None
) -> tuple[list[Document], dict[str, Any]]:
    """The readable corpus files, and the skipped ones as the manifest records them."""
    files, scan_warnings = scan_corpus(settings.corpus_dir)
    for message in scan_warnings:
        warn(message)
    require_files(settings, files)
    docs: list[Document] = []
    skipped: dict[str, Any] = {}
    for f in files:
        try:
            docs.append(read_document(f, stored))
        except Unreadable as exc:
            warn(str(exc))
            skipped[f.source] = {"size": f.size, "mtime_ns": f.mtime_ns, "reason": exc.reason}
            continue
        skipped.update(skipped_pages(docs[-1], warn))
    if not docs:
        raise CorpusError(
            f"no file in corpus folder '{settings.corpus_dir}' could be read as UTF-8 text or converted; "
            "see the warnings above"
        )
    return docs, skipped


def stored_extractions(old: Previous | None, warn: Callable[[str], None]) -> StoredExtraction | None:
    """Looks up the extractions ``old`` keeps, for files whose bytes and extractor are unchanged."""
    if old is None:
        return None
    files = old.manifest.get("files", {})

    def stored(source: str, sha256: str) -> Extracted | None:
        entry = files.get(source)
        if not entry or entry.get("sha256") != sha256 or not entry.get("extracted"):
            return None
        if entry.get("extractor_version") != extractor_version(source):
            return None
        try:
            return stored_extraction(old, entry)
        except IndexCorruptError as exc:
            warn(f"{exc}; extracting {source} again")
            return None

    return stored


def stored_extraction(index: Any, entry: dict[str, Any]) -> Extracted:
    """The extraction a manifest file entry names, read from ``index``'s generation (``read_extra``).

    Raises:
        IndexCorruptError: the file is missing, damaged or not an extraction.
    """
    data = index.read_extra(str(entry["extracted"]))
    try:
        return Extracted.from_dict(json.loads(data.decode("utf-8", "surrogatepass")))
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(
            f"index '{getattr(index, 'path', getattr(index, 'index_dir', ''))}' holds an extraction this parisqa "
            f"cannot read ({exc})",
            remedy="rebuild",
        ) from None


def indexed_document(settings: Settings, source: str) -> tuple[bytes, str, Extracted | None]:
    """A corpus file's bytes, and its text exactly as parisqa indexes it (every citation slices it).

    For ``.txt``/``.md`` the text is the file decoded as UTF-8; for a converted file, the extraction
    stored with the index (local or Milvus) when it was made from the file's current bytes, else a
    new extraction (the same text for the same extractor version: extraction is deterministic).

    Returns:
        The bytes, the text, and for a converted file its :class:`Extracted` (else None).

    Raises:
        Unreadable: the file cannot be read or its text extracted.
    """
    from .generations import read_data_file

    data = read_bytes(settings.corpus_dir, source)
    if format_of(source) is None:
        try:
            return data, decode(data, source), None
        except Unreadable as exc:
            raise Unreadable(f"cannot show {shown(source)}: {exc.reason}", exc.reason) from None
    digest = hashlib.sha256(data).hexdigest()
    try:
        manifest = read_manifest(settings.index_dir)
    except (IndexCorruptError, IndexMismatchError):
        manifest = None
    entry = (manifest or {}).get("files", {}).get(source)
    if manifest is not None and entry and entry.get("sha256") == digest and entry.get("extracted"):
        try:
            # The extraction is a data file of the generation the manifest names, whatever the store.
            raw = read_data_file(settings.index_dir, manifest, str(entry["extracted"]))
            extracted = Extracted.from_dict(json.loads(raw.decode("utf-8", "surrogatepass")))
            return data, extracted.text, extracted
        except (IndexCorruptError, IndexMismatchError, IndexMissingError, ValueError, KeyError, TypeError):
            pass  # extract it again below
    try:
        extracted = extract(source, data)
    except ExtractionError as exc:
        raise Unreadable(f"cannot extract the text of {shown(source)}: {exc.reason}", exc.reason) from None
    return data, extracted.text, extracted


__all__ = [
    "indexed_document",
    "is_stale",
    "read_corpus",
    "require_files",
    "stored_extraction",
    "stored_extractions",
]
