"""Build or update the index from the corpus, re-embedding only what changed.

Each file's content hash decides whether it is unchanged (its chunks and vectors are reused as they
are), changed or added (it is chunked again; chunks whose embedded text already has a vector reuse
it, the rest go to the model) or removed. The result is written as a new generation and swapped in
atomically (see :mod:`parisqa.index.store`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from .._version import __version__
from ..config import ENCODING_NAME, LOCAL_STORE, Settings
from ..corpus.chunking import chunk_document
from ..corpus.formats import Extracted, extract, extractor_version, format_of
from ..corpus.language import analysed, detect_language
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
)
from ..corpus.sentences import Sentence, SentenceTable, chunk_sentences
from ..corpus.structure import parse
from ..embed.choice import embedder_for, info_for, is_embedder_for, token_counter
from ..embed.encoder import Embedder
from ..errors import (
    ConfigError,
    CorpusError,
    ExtractionError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
)
from ..records import BuildSummary, Chunk, content_id
from . import vectors as vector_index
from .layout import (
    BM25_MATRIX,
    BM25_VOCAB,
    CHUNKER_VERSION,
    NULL_SCORES,
    SCHEMA_VERSION,
    SENTENCES,
    TERM_STATS,
    extracted_name,
)
from .lexical import Bm25Index, TermStats
from .store import (
    CHECKED_MODEL_KEYS,
    LoadedIndex,
    load_index,
    mismatches,
    new_generation_name,
    read_data_file,
    read_manifest,
    remove_stale,
    store_of,
    write_generation,
    write_index,
    write_lock,
)

log = logging.getLogger(__name__)
# Build progress for people watching a long build (the CLI shows it on stderr); see _encode.
progress_log = logging.getLogger("parisqa.progress")
PROGRESS_EVERY_SECONDS = 10.0
PROGRESS_SLICE = 256  # texts embedded between two looks at the clock


def expected_manifest(settings: Settings, known_model: dict[str, Any] | None = None) -> dict[str, Any]:
    """The settings part of a manifest, as the current code and settings would write it.

    The ``model`` entry is the chosen model's (``settings.model``); ``max_wordpieces`` is its input
    limit in its own tokens (MiniLM's word pieces, e5's SentencePiece tokens).
    """
    info = info_for(settings.model, known_model)
    store = {"store": {"kind": "milvus", "uri": settings.store}} if settings.store != LOCAL_STORE else {}
    return {
        **store,
        "schema_version": SCHEMA_VERSION,
        "encoding": ENCODING_NAME,
        "chunking": {
            "max_tokens": settings.chunk_tokens,
            "overlap_tokens": settings.chunk_overlap,
            "max_wordpieces": info.max_seq_length,
            "chunker_version": CHUNKER_VERSION,
        },
        "model": info.to_dict(),
    }


def _title_from_name(source: str) -> str:
    stem = Path(source).stem
    return stem.replace("_", " ").replace("-", " ").strip() or stem


def chunk_text(
    doc: Document, settings: Settings, max_wordpieces: int, counter: Callable[[list[str]], list[int]] | None = None
) -> list[Chunk]:
    """Parse and chunk one document with the current settings.

    Args:
        doc: the document.
        settings: chunking parameters and the model.
        max_wordpieces: the model's input limit, in its own tokens.
        counter: counts the model's tokens for a batch of texts (default: ``settings.model``'s).
    """
    parsed = parse(doc.text, markdown=doc.markdown, fallback_title=_title_from_name(doc.source))
    chunks = chunk_document(
        doc.text,
        doc.source,
        parsed,
        max_tokens=settings.chunk_tokens,
        overlap=settings.chunk_overlap,
        max_wordpieces=max_wordpieces,
        count_wordpieces=counter or token_counter(settings.model),
    )
    if doc.extracted is not None and doc.extracted.pages:
        # A PDF's chunks know their pages, so citations can give them without the extraction at hand.
        chunks = [replace(c, pages=doc.extracted.pages_of(c.start, c.end)) for c in chunks]
    return chunks


def document_language(doc: Document) -> str:
    """The language detected in a document (``en``, ``fr``, ``es``, ``de``, ``it`` or ``other``)."""
    return detect_language(doc.text)


def _chunking_mismatches(manifest: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """What, besides the model, keeps the previous index's chunks from being reused."""
    found = []
    for key in ("schema_version", "encoding"):
        if manifest.get(key) != expected.get(key):
            found.append(f"{key} is {manifest.get(key)!r} in the index but {expected.get(key)!r} now")
    have = {k: v for k, v in (manifest.get("chunking") or {}).items() if k != "max_wordpieces"}
    want = {k: v for k, v in expected["chunking"].items() if k != "max_wordpieces"}
    if have != want:
        found.append(f"chunking is {have!r} in the index but {want!r} now")
    return found


def embed_key(chunk: Chunk) -> str:
    """Key of the embedding cache: the exact text the model embeds."""
    return content_id(chunk.embed_text, length=32)


def is_stale(settings: Settings, manifest: dict[str, Any]) -> bool:
    """Whether the corpus differs from what ``manifest`` indexed.

    Compares file lists and sizes/modification times first; only files whose stat changed are read
    and hashed, so an unchanged corpus costs one directory walk.
    """
    files, _ = scan_corpus(settings.corpus_dir)
    known = {**manifest.get("skipped", {}), **manifest.get("files", {})}
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


def build_index(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    progress: bool = False,
    on_warning: Callable[[str], None] | None = None,
    lock_wait: float = 0.0,
) -> BuildSummary:
    """Build or update the index in ``settings.index_dir`` from ``settings.corpus_dir``.

    Args:
        settings: where the corpus and index are, and chunking parameters.
        embedder: the model wrapper (default: the process-wide one of ``settings.model``); it must be
            that model's (an :class:`parisqa.embed.e5.E5Embedder` for ``multilingual``).
        progress: show a progress bar while embedding.
        on_warning: called with each warning (skipped files, damaged previous index).
        lock_wait: seconds to wait for another build to finish before refusing.

    Returns:
        What changed.

    Raises:
        CorpusError: the corpus folder is missing or holds no indexable file.
        IndexBusyError: another build holds the lock.
        ParisqaError: the new index could not be written (the previous one is intact).
    """
    started = time.perf_counter()
    warnings: list[str] = []
    embedder = embedder or embedder_for(settings.model)
    if not is_embedder_for(embedder, settings.model):
        raise ConfigError(
            f"the embedder given ({type(embedder).__name__}) does not compute the {settings.model!r} model's "
            "embeddings; pass that model's embedder (parisqa.embed.choice.embedder_for) or none"
        )

    def warn(message: str) -> None:
        warnings.append(message)
        if on_warning:
            on_warning(message)
        else:  # a caller that takes the warnings shows them itself; logging them too printed each twice
            log.warning(message)

    # Refuse a missing or empty corpus before taking the lock (and creating the index folder).
    files, scan_warnings = scan_corpus(settings.corpus_dir)
    if not files:
        for message in scan_warnings:  # say why the files that are there do not count
            warn(message)
        _require_files(settings, files)
    with write_lock(settings.index_dir, wait=lock_wait, on_wait=warn):
        # Read the corpus only now: a build that waited for another one must index the files as
        # they are when it runs, not as they were when it started waiting.
        remove_stale(settings.index_dir)
        if settings.store != LOCAL_STORE:
            docs, skipped = _read_corpus(settings, warn)
            done = _build_in_store(settings, docs, skipped, warn, embedder, progress)
            return BuildSummary(
                **done, seconds=time.perf_counter() - started, skipped=tuple(skipped), warnings=tuple(warnings)
            )
        old = _previous_index(settings, warn)
        docs, skipped = _read_corpus(settings, warn, _stored_extractions(old, warn))
        expected = expected_manifest(settings, old.manifest.get("model") if old else None)
        # With the same model, embeddings stay valid whatever else changed: texts found in the old index
        # (even one chunked differently) are not embedded again. With another model, the chunks (and
        # their sentences) stay valid when nothing else changed: only the vectors are computed again.
        same_model = old is not None and all(
            old.manifest.get("model", {}).get(key) == expected["model"].get(key) for key in CHECKED_MODEL_KEYS
        )
        reuse_chunks = old is not None and not _chunking_mismatches(old.manifest, expected)
        reuse = reuse_chunks and same_model and not mismatches(old.manifest, expected)  # type: ignore[union-attr]
        if old is not None and not reuse_chunks:
            warn(
                "the index was built with other settings ("
                + "; ".join(mismatches(old.manifest, expected) or _chunking_mismatches(old.manifest, expected))
                + "); re-chunking every file"
            )
        elif old is not None and not same_model:
            warn(
                f"the index was built with model {old.manifest.get('model', {}).get('name')!r}, "
                f"{expected['model']['name']!r} is asked for now; embedding every chunk again (chunks are kept)"
            )
        old_files: dict[str, Any] = old.manifest.get("files", {}) if old else {}
        old_chunks: dict[str, range] = {}
        if old is not None:
            # Chunks are written file by file in manifest order, so each file's rows are a range: this
            # spares decoding every chunk record (≈1 s at 100k chunks) when little or nothing changed.
            start = 0
            for source, entry in old_files.items():
                old_chunks[source] = range(start, start + len(entry.get("chunks", ())))
                start = old_chunks[source].stop
            if not _ranges_match(old, old_files, old_chunks, start):  # written some other way: ask the records
                old_chunks = {}
                for row, chunk in enumerate(old.chunks):
                    old_chunks.setdefault(chunk.source, []).append(row)  # type: ignore[attr-defined]

        added = changed = unchanged = 0
        counter = token_counter(settings.model, embedder)
        chunk_languages: list[str] = []  # per new chunk: its document's language
        new_chunks: list[Chunk | None] = []  # None: row rows_from_old[i] of the old index, read when needed
        rows_from_old: list[int] = []  # per new chunk: row in the old index, or -1
        file_entries: dict[str, Any] = {}
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        max_wp = int(expected["chunking"]["max_wordpieces"])
        for doc in docs:
            prev = old_files.get(doc.source)
            same_text = doc.extracted is None or (
                prev is not None and prev.get("extractor_version") == doc.extracted.version
            )
            keep = (
                reuse_chunks
                and prev
                and prev.get("sha256") == doc.sha256
                and same_text
                and isinstance(prev.get("language"), str)
            )
            if keep and not same_model:
                # Another model: its input limit may be lower; a file with a chunk over it is chunked again.
                kept = old_chunks.get(doc.source, range(0))
                counts = counter([old.chunks[r].embed_text for r in kept]) if kept else []  # type: ignore[union-attr]
                keep = max(counts, default=0) <= max_wp
            if keep:
                unchanged += 1
                rows = old_chunks.get(doc.source, range(0))
                chunks = [None] * len(rows)
                ids = list(prev.get("chunks", ()))
                rows_from_old.extend(rows)
                indexed_at = prev.get("indexed_at", now)
                language = str(prev["language"])
            else:
                if prev:
                    changed += 1
                else:
                    added += 1
                chunks = chunk_text(doc, settings, max_wp, counter)
                ids = [c.id for c in chunks]
                rows_from_old.extend([-1] * len(chunks))
                indexed_at = now
                language = document_language(doc)
            new_chunks.extend(chunks)
            chunk_languages.extend([analysed(language)] * len(chunks))
            file_entries[doc.source] = file_entry(doc, ids, indexed_at, language)
        removed = sum(1 for source in old_files if source not in file_entries)
        summary = dict(added=added, changed=changed, removed=removed, unchanged=unchanged)

        if old is not None and reuse and not (added or changed or removed):
            # The model entry too: a reinstalled model (same hash, new file stat) is recorded once, so
            # later runs need not hash its weights again.
            if (
                old.manifest.get("files") == file_entries
                and old.manifest.get("skipped", {}) == skipped
                and old.manifest.get("model") == expected["model"]
            ):
                return BuildSummary(
                    **summary,
                    chunks=len(new_chunks),
                    embedded=0,
                    seconds=time.perf_counter() - started,
                    skipped=tuple(skipped),
                    warnings=tuple(warnings),
                    rebuilt=False,
                    reasons=_reasons(skipped),
                )

        new_chunks = [c if c is not None else old.chunks[r] for c, r in zip(new_chunks, rows_from_old)]  # type: ignore[union-attr]
        vectors, sentences, embedded = _embeddings_for(
            new_chunks,
            rows_from_old,
            old if same_model else None,
            embedder,
            progress,
            chunk_languages,
            old_sentences=_old_sentence_table(old) if (old is not None and reuse_chunks and not same_model) else None,
            dimension=int(expected["model"]["dimension"]),
        )
        index, index_info = vector_index.build(vectors, previous=old.vectors if (old is not None and reuse) else None)
        bm25 = Bm25Index.build([c.embed_text for c in new_chunks], chunk_languages)
        bm25_matrix, bm25_vocab = bm25.to_bytes()
        null_scores = _null_scores(new_chunks, vectors, sentences, bm25, embedder, sorted(set(chunk_languages)))
        manifest = dict(
            expected,
            parisqa_version=__version__,
            created_at=now,
            faiss=index_info,
            files=file_entries,
            skipped=skipped,
        )
        extra = {
            BM25_MATRIX: bm25_matrix,
            BM25_VOCAB: bm25_vocab,
            SENTENCES: sentences.to_bytes(),
            NULL_SCORES: null_scores,
        }
        for doc in docs:
            if doc.extracted is not None:
                extra[extracted_name(doc.sha256)] = json.dumps(doc.extracted.to_dict(), ensure_ascii=False).encode(
                    "utf-8", "surrogatepass"
                )
        write_index(settings.index_dir, manifest, new_chunks, index, extra)
        remove_stale(settings.index_dir)
    return BuildSummary(
        **summary,
        chunks=len(new_chunks),
        embedded=embedded,
        seconds=time.perf_counter() - started,
        skipped=tuple(skipped),
        warnings=tuple(warnings),
        reasons=_reasons(skipped),
    )


def _reasons(skipped: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(entry.get("reason", "")) for entry in skipped.values())


def _stored_extractions(old: LoadedIndex | None, warn: Callable[[str], None]) -> StoredExtraction | None:
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


def stored_extraction(index: LoadedIndex, entry: dict[str, Any]) -> Extracted:
    """The extraction a manifest file entry names, read from ``index``'s generation.

    Raises:
        IndexCorruptError: the file is missing, damaged or not an extraction.
    """
    data = index.read_extra(str(entry["extracted"]))
    try:
        return Extracted.from_dict(json.loads(data.decode("utf-8", "surrogatepass")))
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(
            f"index '{index.path}' holds an extraction this parisqa cannot read ({exc})", remedy="rebuild"
        ) from None


def indexed_document(settings: Settings, source: str) -> tuple[bytes, str, Extracted | None]:
    """A corpus file's bytes, and its text exactly as parisqa indexes it (every citation slices it).

    For ``.txt``/``.md`` the text is the file decoded as UTF-8; for a converted file, the extraction
    stored with the index when it was made from the file's current bytes, else a new extraction (the
    same text for the same extractor version: extraction is deterministic).

    Returns:
        The bytes, the text, and for a converted file its :class:`Extracted` (else None).

    Raises:
        Unreadable: the file cannot be read or its text extracted.
    """
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
    if entry and entry.get("sha256") == digest and entry.get("extracted"):
        try:
            extracted = stored_extraction(load_index(settings.index_dir), entry)
            return data, extracted.text, extracted
        except (IndexCorruptError, IndexMismatchError):
            pass  # extract it again below
    try:
        extracted = extract(source, data)
    except ExtractionError as exc:
        raise Unreadable(f"cannot extract the text of {shown(source)}: {exc.reason}", exc.reason) from None
    return data, extracted.text, extracted


def _ranges_match(old: LoadedIndex, files: dict[str, Any], ranges: dict[str, range], total: int) -> bool:
    """Whether each file's first and last chunk records sit where the manifest order puts them."""
    if total != len(old.chunks):
        return False
    for source, rows in ranges.items():
        ids = files[source].get("chunks", ())
        for row, chunk_id in ((rows.start, ids[0]), (rows.stop - 1, ids[-1])) if rows else ():
            chunk = old.chunks[row]
            if chunk.source != source or chunk.id != chunk_id:
                return False
    return True


def _require_files(settings: Settings, files: list[SourceFile]) -> None:
    if not files:
        raise CorpusError(
            f"corpus folder '{settings.corpus_dir}' has no .txt, .md, .pdf, .html or .docx files",
            remedy="add_files",
        )


def _read_corpus(
    settings: Settings, warn: Callable[[str], None], stored: StoredExtraction | None = None
) -> tuple[list[Document], dict[str, Any]]:
    """The readable corpus files, and the skipped ones as the manifest records them."""
    files, scan_warnings = scan_corpus(settings.corpus_dir)
    for message in scan_warnings:
        warn(message)
    _require_files(settings, files)
    docs: list[Document] = []
    skipped: dict[str, Any] = {}
    for f in files:
        try:
            docs.append(read_document(f, stored))
        except Unreadable as exc:
            warn(str(exc))
            skipped[f.source] = {"size": f.size, "mtime_ns": f.mtime_ns, "reason": exc.reason}
    if not docs:
        raise CorpusError(
            f"no file in corpus folder '{settings.corpus_dir}' could be read as UTF-8 text or converted; "
            "see the warnings above"
        )
    return docs, skipped


def _previous_index(settings: Settings, warn: Callable[[str], None]) -> LoadedIndex | None:
    """The current index, when it can be read; a damaged one is reported and rebuilt from scratch."""
    try:
        if read_manifest(settings.index_dir) is None:
            return None
        return load_index(settings.index_dir)
    except (IndexCorruptError, IndexMismatchError) as exc:
        warn(f"{exc}; rebuilding it from scratch")
        return None


def _embeddings_for(
    chunks: list[Chunk],
    rows_from_old: list[int],
    old: LoadedIndex | None,
    embedder: Any,
    progress: bool,
    languages: list[str] | None = None,
    *,
    old_sentences: SentenceTable | None = None,
    dimension: int = 384,
) -> tuple[Any, SentenceTable, int]:
    """Chunk vectors and the sentence table for ``chunks``, embedding only what the old index lacks.

    Chunks carried over from ``old`` (``rows_from_old[i] >= 0``) keep their vectors, sentences and
    sentence vectors row for row; any other text whose exact embedded form is in ``old`` reuses that
    vector; the rest goes to the model in one batch. ``old`` is given only when it was embedded with
    the same model. ``languages`` gives each chunk's document language (its sentence rules);
    ``old_sentences`` is the old index's sentence table when ``old`` is not given but its chunks are
    reused (another model): their sentence split is kept, their vectors are computed again.

    Returns:
        The chunk vectors, the sentence table, and how many chunks were sent to the model.
    """
    import numpy as np

    dim = dimension
    old_vectors = None
    if old is not None:
        old_vectors = vector_index.all_vectors(old.vectors)
        old_sentences = _old_sentence_table(old)

    def sentences_of(chunk: Chunk, old_row: int, language: str) -> list[Sentence]:
        if old_row >= 0 and old_sentences is not None:
            # Same chunker version (a carried-over row implies it), so the same split: no re-parsing.
            rows = old_sentences.rows_for(old_row)
            return [
                Sentence(s, e, q)
                for s, e, q in zip(
                    old_sentences.start[rows.start : rows.stop].tolist(),
                    old_sentences.end[rows.start : rows.stop].tolist(),
                    old_sentences.question[rows.start : rows.stop].tolist(),
                )
            ]
        return chunk_sentences(chunk, language)

    per_chunk = [
        sentences_of(c, r, languages[i] if languages else "en") for i, (c, r) in enumerate(zip(chunks, rows_from_old))
    ]
    chunk_out = np.zeros((len(chunks), dim), dtype=np.float32)
    sentence_out = np.zeros((sum(len(s) for s in per_chunk), dim), dtype=np.float32)

    chunk_cache: dict[str, Any] = {}
    sentence_cache: dict[str, Any] = {}
    if old_vectors is not None and any(r < 0 for r in rows_from_old):
        # Texts of the old chunks that are not carried over row for row (those of changed and removed
        # files) may recur in new chunks: a moved paragraph is not embedded again.
        kept = set(rows_from_old)
        for row in range(len(old.chunks)):  # type: ignore[union-attr]
            if row in kept:
                continue
            c = old.chunks[row]  # type: ignore[union-attr]
            chunk_cache[embed_key(c)] = old_vectors[row]
            for i in old_sentences.rows_for(row) if old_sentences is not None else ():
                text = c.text[int(old_sentences.start[i]) - c.start : int(old_sentences.end[i]) - c.start]
                sentence_cache[text] = old_sentences.vectors[i]

    todo: dict[str, list[tuple[str, int]]] = {}  # text -> [(kind, row)]
    chunk_texts: set[str] = set()
    s_row = 0
    for i, (chunk, old_row) in enumerate(zip(chunks, rows_from_old)):
        sentence_rows = range(s_row, s_row + len(per_chunk[i]))
        s_row += len(per_chunk[i])
        if old_row >= 0 and old_vectors is not None:
            chunk_out[i] = old_vectors[old_row]
            old_rows = old_sentences.rows_for(old_row) if old_sentences is not None else range(0)
            if len(old_rows) == len(sentence_rows):
                sentence_out[sentence_rows.start : sentence_rows.stop] = old_sentences.vectors[  # type: ignore[union-attr]
                    old_rows.start : old_rows.stop
                ]
                continue
        else:
            cached = chunk_cache.get(embed_key(chunk))
            if cached is not None:
                chunk_out[i] = cached
            else:
                todo.setdefault(chunk.embed_text, []).append(("chunk", i))
                chunk_texts.add(chunk.embed_text)
        for row, sentence in zip(sentence_rows, per_chunk[i]):
            text = chunk.text[sentence.start - chunk.start : sentence.end - chunk.start]
            cached = sentence_cache.get(text)
            if cached is not None:
                sentence_out[row] = cached
            else:
                todo.setdefault(text, []).append(("sentence", row))
    if todo:
        texts = list(todo)
        encoded = _encode(embedder, texts, progress)
        for text, vector in zip(texts, encoded):
            for kind, row in todo[text]:
                (chunk_out if kind == "chunk" else sentence_out)[row] = vector
    return chunk_out, SentenceTable.build(per_chunk, sentence_out), len(chunk_texts)


def _encode(embedder: Any, texts: list[str], bar: bool) -> Any:
    """Embed ``texts``: with a progress bar, or reporting on :data:`progress_log` at a steady pace.

    Without a bar (output not on a terminal, or a build started by ``ask``), a long build would
    otherwise be silent for minutes; a line every :data:`PROGRESS_EVERY_SECONDS` says how far it got.
    Short builds print nothing.
    """
    import numpy as np

    if bar or len(texts) <= PROGRESS_SLICE or getattr(embedder, "reports_progress", False):
        # An embedder that reports its own progress (the Ray stage, parisqa.index.distributed) gets
        # every text at once: slicing would start one distributed job per slice.
        return embedder.encode(texts, show_progress=bar)
    started = last = time.monotonic()
    parts = []
    for first in range(0, len(texts), PROGRESS_SLICE):
        parts.append(embedder.encode(texts[first : first + PROGRESS_SLICE]))
        now = time.monotonic()
        done = first + len(parts[-1])
        if now - last >= PROGRESS_EVERY_SECONDS and done < len(texts):
            last = now
            rate = done / (now - started)
            progress_log.info(
                "indexing: %s of %s texts embedded (%d%%), about %s left",
                f"{done:,}",
                f"{len(texts):,}",
                100 * done // len(texts),
                _duration((len(texts) - done) / rate),
            )
    return np.concatenate(parts)


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def _null_scores(
    chunks: list[Chunk],
    vectors: Any,
    sentences: SentenceTable,
    bm25: Bm25Index,
    embedder: Any,
    languages: list[str] | None = None,
) -> bytes:
    """The corpus's null score statistics (:mod:`parisqa.index.nullscores`), as stored bytes.

    The null questions are embedded as questions (``encode_queries``: e5's ``query: `` prefix) and
    analysed as the engine analyses a question over these documents' ``languages``.
    """
    from ..corpus.terms import terms_any
    from . import nullscores

    wanted = ["en", *(languages or [])]
    stats = nullscores.compute_null_scores(
        vectors,
        sentences.chunk,
        sentences.vectors,
        sentences.question,
        [c.text for c in chunks],
        embedder.encode_queries,
        lambda text: bm25.scores(terms_any(text, wanted)),
    )
    return nullscores.to_bytes(stats)


def _old_sentence_table(old: LoadedIndex) -> SentenceTable | None:
    try:
        return SentenceTable.from_bytes(old.read_extra(SENTENCES))
    except (IndexCorruptError, ValueError, KeyError):
        return None


def _build_in_store(
    settings: Settings,
    docs: list[Document],
    skipped: dict[str, Any],
    warn: Callable[[str], None],
    embedder: Embedder | None,
    progress: bool,
) -> dict[str, Any]:
    """Build or update an index whose chunks live in a Milvus store (``settings.store``).

    Same rules as the local build: unchanged files' chunks are copied from the previous generation
    with their vectors and sentences, texts already embedded there are not embedded again, removed
    files' chunks are not copied, and the manifest swap (naming the new collection) is the commit
    point; only after it are older collections dropped. The caller holds the write lock.

    Returns:
        The :class:`BuildSummary` fields but ``seconds``, ``skipped`` and ``warnings``.
    """
    from .milvus import SCHEMA_VERSION as STORE_SCHEMA
    from .milvus_index import index_name_for, open_store, store_meta

    store = open_store(settings.store, settings.milvus_token)
    store.client  # noqa: B018  (connect now: an unreachable store fails before any embedding)
    try:
        old_manifest = read_manifest(settings.index_dir)
    except IndexCorruptError as exc:
        warn(f"{exc}; rebuilding it from scratch")
        old_manifest = None
    expected = expected_manifest(settings, old_manifest.get("model") if old_manifest else None)
    index_name = index_name_for(settings.index_dir)
    meta = store_meta(expected)
    problems = mismatches(old_manifest, expected) if old_manifest else []
    old_entry = (old_manifest or {}).get("store") or {}
    old_gen = old_stats = None
    if (
        old_manifest is not None
        and store_of(old_manifest) == settings.store
        and old_entry.get("index_name") == index_name
        and all(old_manifest.get("model", {}).get(k) == expected["model"].get(k) for k in CHECKED_MODEL_KEYS)
    ):
        try:
            old_gen = store.open(str(old_entry.get("collection")), meta)
            old_stats = TermStats.from_bytes(read_data_file(settings.index_dir, old_manifest, TERM_STATS))
        except (IndexMissingError, IndexMismatchError, IndexCorruptError, ValueError, KeyError, TypeError) as exc:
            warn(f"{exc}; rebuilding it from scratch")
            old_gen = old_stats = None
    reuse = old_gen is not None and not problems
    if old_manifest is not None and problems:
        warn("the index was built with other settings (" + "; ".join(problems) + "); re-chunking every file")

    old_files: dict[str, Any] = old_manifest.get("files", {}) if old_gen is not None else {}  # type: ignore[union-attr]
    added = changed = unchanged = 0
    kept_ids: list[str] = []
    new_chunks: list[Chunk] = []
    chunk_languages: list[str] = []  # per new chunk: its document's analysed language (BM25 terms, sentences)
    counter = token_counter(settings.model, embedder)
    file_entries: dict[str, Any] = {}
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    max_wp = int(expected["chunking"]["max_wordpieces"])
    for doc in docs:
        prev = old_files.get(doc.source)
        same_text = doc.extracted is None or (
            prev is not None and prev.get("extractor_version") == doc.extracted.version
        )
        if reuse and prev and prev.get("sha256") == doc.sha256 and same_text and isinstance(prev.get("language"), str):
            unchanged += 1
            ids = list(prev.get("chunks", ()))
            kept_ids.extend(ids)
            indexed_at = prev.get("indexed_at", now)
            language = str(prev["language"])
        else:
            changed += 1 if prev else 0
            added += 0 if prev else 1
            chunks = chunk_text(doc, settings, max_wp, counter)
            new_chunks.extend(chunks)
            language = document_language(doc)
            chunk_languages.extend([analysed(language)] * len(chunks))
            ids = [c.id for c in chunks]
            indexed_at = now
        file_entries[doc.source] = file_entry(doc, ids, indexed_at, language)
    removed = sum(1 for source in old_files if source not in file_entries)
    summary = dict(added=added, changed=changed, removed=removed, unchanged=unchanged)
    total = len(kept_ids) + len(new_chunks)
    if (
        reuse
        and not (added or changed or removed)
        and old_manifest.get("files") == file_entries  # type: ignore[union-attr]
        and old_manifest.get("skipped", {}) == skipped  # type: ignore[union-attr]
        and old_manifest.get("model") == expected["model"]  # type: ignore[union-attr]
    ):
        return dict(summary, chunks=total, embedded=0, rebuilt=False)

    # The old chunks not carried over (changed and removed files): their texts leave the term
    # statistics, and their vectors serve new chunks with the same text.
    kept = set(kept_ids)
    gone_ids = [i for entry in old_files.values() for i in entry.get("chunks", ()) if i not in kept]
    gone = list(old_gen.chunks(gone_ids).values()) if old_gen is not None else []
    gone_languages = [analysed(str((old_files.get(c.source) or {}).get("language", "en"))) for c in gone]
    vectors, per_chunk, sentence_vectors, embedded = _store_embeddings(
        new_chunks, old_gen if new_chunks else None, gone, embedder, progress, meta.dimension, chunk_languages
    )
    generation = new_generation_name()
    writer = store.begin(index_name, generation, meta)
    if kept_ids:
        writer.copy_from(old_gen.name, kept_ids)  # type: ignore[union-attr]
    if new_chunks:
        writer.add(new_chunks, vectors, per_chunk, sentence_vectors, languages=chunk_languages)
    collection = writer.finish()
    if reuse and old_stats is not None:
        stats = old_stats.updated(
            added=[c.embed_text for c in new_chunks],
            removed=[c.embed_text for c in gone],
            added_languages=chunk_languages,
            removed_languages=gone_languages,
        )
    else:
        stats = TermStats.count([c.embed_text for c in new_chunks], chunk_languages)
    manifest = dict(
        expected,
        parisqa_version=__version__,
        created_at=now,
        files=file_entries,
        skipped=skipped,
        store={
            "kind": "milvus",
            "uri": settings.store,
            "index_name": index_name,
            "collection": collection,
            "schema_version": STORE_SCHEMA,
        },
    )
    files = {TERM_STATS: stats.to_bytes()}
    for doc in docs:  # converted files' extracted text, which citations are offsets into
        if doc.extracted is not None:
            files[extracted_name(doc.sha256)] = json.dumps(doc.extracted.to_dict(), ensure_ascii=False).encode(
                "utf-8", "surrogatepass"
            )
    write_generation(settings.index_dir, manifest, files, chunks=total, generation=generation)
    # Committed: the previous generation stays (a reader may still use it), older ones and the
    # leftovers of killed builds go.
    store.commit(index_name, collection, keep=[old_gen.name] if old_gen is not None else [])
    remove_stale(settings.index_dir)
    return dict(summary, chunks=total, embedded=embedded)


def _store_embeddings(
    chunks: list[Chunk],
    old: Any,
    gone: list[Chunk],
    embedder: Any,
    progress: bool,
    dim: int,
    languages: list[str] | None = None,
) -> tuple[Any, list[list[Sentence]], Any, int]:
    """Vectors and answer units of new chunks; texts the old generation embedded (``gone``) are reused.

    ``embedder`` is the chosen model's; ``languages`` gives each chunk's document language (its
    sentence rules; default English).

    Returns:
        Chunk vectors, each chunk's sentences, the sentences' vectors, how many chunks went to the model.
    """
    import numpy as np

    per_chunk = [chunk_sentences(c, languages[i] if languages else "en") for i, c in enumerate(chunks)]
    chunk_out = np.zeros((len(chunks), dim), dtype=np.float32)
    sentence_out = np.zeros((sum(len(s) for s in per_chunk), dim), dtype=np.float32)
    chunk_cache: dict[str, Any] = {}
    sentence_cache: dict[str, Any] = {}
    if old is not None and gone:
        ids = [c.id for c in gone]
        old_vectors = old.vectors(ids)
        old_sentences = old.sentences(ids)
        for c in gone:
            if c.id in old_vectors:
                chunk_cache[embed_key(c)] = old_vectors[c.id]
            for s in old_sentences.get(c.id, ()):
                sentence_cache[c.text[s.start - c.start : s.end - c.start]] = np.asarray(s.vector, dtype=np.float32)
    todo: dict[str, list[tuple[str, int]]] = {}
    chunk_texts: set[str] = set()
    s_row = 0
    for i, chunk in enumerate(chunks):
        cached = chunk_cache.get(embed_key(chunk))
        if cached is not None:
            chunk_out[i] = cached
        else:
            todo.setdefault(chunk.embed_text, []).append(("chunk", i))
            chunk_texts.add(chunk.embed_text)
        for sentence in per_chunk[i]:
            text = chunk.text[sentence.start - chunk.start : sentence.end - chunk.start]
            cached = sentence_cache.get(text)
            if cached is not None:
                sentence_out[s_row] = cached
            else:
                todo.setdefault(text, []).append(("sentence", s_row))
            s_row += 1
    if todo:
        texts = list(todo)
        encoded = embedder.encode(texts, show_progress=progress)
        for text, vector in zip(texts, encoded):
            for kind, row in todo[text]:
                (chunk_out if kind == "chunk" else sentence_out)[row] = vector
    return chunk_out, per_chunk, sentence_out, len(chunk_texts)


def file_entry(doc: Any, ids: list[str], indexed_at: Any, language: str) -> dict[str, Any]:
    """A file's manifest entry: content hash, stat, chunk ids, when and in which language it was indexed,
    and for a converted file (PDF, HTML, DOCX) the extractor and the stored extraction's name."""
    entry: dict[str, Any] = {
        "sha256": doc.sha256,
        "size": doc.size,
        "mtime_ns": doc.mtime_ns,
        "chunks": ids,
        "indexed_at": indexed_at,
        "language": language,
    }
    if doc.extracted is not None:
        entry.update(
            extractor=doc.extracted.extractor,
            extractor_version=doc.extracted.version,
            extracted=extracted_name(doc.sha256),
        )
    return entry
