"""Build or update the index from the corpus, re-embedding only what changed.

One build plan for every store. Each file's content hash decides whether it is unchanged (its
chunks, vectors and answer units are reused as they are), changed or added (it is chunked again;
chunks whose embedded text already has a vector reuse it, the rest go to the model) or removed. The
previous index is read through :mod:`parisqa.index.previous` wherever it is kept; the new one is
computed once (chunks, embeddings, answer units, BM25, null score statistics, extracted texts,
manifest) and handed to a sink (:mod:`parisqa.index.sinks`): the index folder or a Milvus store,
which writes it and swaps the manifest in as the commit point.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .._version import __version__
from ..config import ENCODING_NAME, LOCAL_STORE, Settings
from ..corpus.chunking import chunk_document
from ..corpus.language import analysed, detect_language
from ..corpus.reader import Document, scan_corpus
from ..corpus.sentences import Sentence, SentenceTable, chunk_sentences
from ..corpus.structure import parse
from ..embed.base import Embedder
from ..embed.choice import embedder_for, info_for, is_embedder_for, token_counter
from ..errors import ConfigError, IndexCorruptError
from ..records import BuildSummary, Chunk, content_id
from .generations import remove_stale
from .layout import CHUNKER_VERSION, SCHEMA_VERSION, extracted_name
from .lexical import Bm25Index
from .lock import write_lock
from .manifest import CHECKED_MODEL_KEYS, mismatches, read_manifest
from .previous import Previous, open_previous
from .recorded import adopt, check_changes
from .sinks import Computed, sink_for
from .sources import indexed_document as indexed_document
from .sources import is_stale as is_stale
from .sources import read_corpus, require_files, stored_extractions

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


@dataclass
class Plan:
    """What a build does with each file, decided before anything is embedded.

    Attributes:
        chunks: the new index's chunks in order; ``None`` where the chunk is carried over from the
            previous index (``refs[i]`` names it there).
        refs: per chunk, its ref in the previous index (carried over) or ``None`` (new).
        languages: per chunk, its document's analysed language.
        files: the manifest's file entries.
        same_model: the previous index's vectors are this model's (they may be reused).
        same_chunks: the previous index's chunks and answer units are valid now (same chunking).
        reuse: nothing but the corpus changed since the previous index was built.
    """

    chunks: list[Chunk | None] = field(default_factory=list)
    refs: list[Any] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    files: dict[str, Any] = field(default_factory=dict)
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    same_model: bool = False
    same_chunks: bool = False
    reuse: bool = False

    def counts(self) -> dict[str, int]:
        return dict(added=self.added, changed=self.changed, removed=self.removed, unchanged=self.unchanged)


def plan_build(
    docs: list[Document],
    previous: Previous | None,
    expected: dict[str, Any],
    settings: Settings,
    counter: Callable[[list[str]], list[int]],
    warn: Callable[[str], None],
) -> Plan:
    """Decide, file by file, what is kept from ``previous`` and what is chunked again.

    With the same model, embeddings stay valid whatever else changed: texts found in the old index
    (even one chunked differently) are not embedded again. With another model, the chunks (and
    their answer units) stay valid when nothing else changed: only the vectors are computed again,
    and a file with a chunk over the new model's input limit is chunked again.
    """
    plan = Plan()
    old_manifest = previous.manifest if previous is not None else None
    if previous is not None:
        plan.same_model = all(
            previous.manifest.get("model", {}).get(key) == expected["model"].get(key) for key in CHECKED_MODEL_KEYS
        )
        plan.same_chunks = not _chunking_mismatches(previous.manifest, expected)
        plan.reuse = plan.same_chunks and plan.same_model and not mismatches(previous.manifest, expected)
        if not plan.same_chunks:
            warn(
                "the index was built with other settings ("
                + "; ".join(
                    mismatches(previous.manifest, expected) or _chunking_mismatches(previous.manifest, expected)
                )
                + "); re-chunking every file"
            )
        elif not plan.same_model:
            warn(
                f"the index was built with model {previous.manifest.get('model', {}).get('name')!r}, "
                f"{expected['model']['name']!r} is asked for now; embedding every chunk again (chunks are kept)"
            )
    old_files: dict[str, Any] = (old_manifest or {}).get("files", {})
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    max_wp = int(expected["chunking"]["max_wordpieces"])
    for doc in docs:
        prev = old_files.get(doc.source)
        same_text = doc.extracted is None or (
            prev is not None and prev.get("extractor_version") == doc.extracted.version
        )
        keep = bool(
            plan.same_chunks
            and prev
            and prev.get("sha256") == doc.sha256
            and same_text
            and isinstance(prev.get("language"), str)
        )
        refs = previous.refs(doc.source) if keep and previous is not None else ()
        if keep and not plan.same_model and refs:
            # Another model: its input limit may be lower; a file with a chunk over it is chunked again.
            counts = counter([c.embed_text for c in previous.chunks(refs)])  # type: ignore[union-attr]
            keep = max(counts, default=0) <= max_wp
        if keep:
            plan.unchanged += 1
            chunks: list[Chunk | None] = [None] * len(refs)
            plan.refs.extend(refs)
            ids = list(prev.get("chunks", ()))  # type: ignore[union-attr]
            indexed_at = prev.get("indexed_at", now)  # type: ignore[union-attr]
            language = str(prev["language"])  # type: ignore[index]
        else:
            if prev:
                plan.changed += 1
            else:
                plan.added += 1
            chunks = list(chunk_text(doc, settings, max_wp, counter))
            plan.refs.extend([None] * len(chunks))
            ids = [c.id for c in chunks]  # type: ignore[union-attr]
            indexed_at = now
            language = document_language(doc)
        plan.chunks.extend(chunks)
        plan.languages.extend([analysed(language)] * len(chunks))
        plan.files[doc.source] = file_entry(doc, ids, indexed_at, language)
    plan.removed = sum(1 for source in old_files if source not in plan.files)
    return plan


def build_index(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    progress: bool = False,
    on_warning: Callable[[str], None] | None = None,
    lock_wait: float = 0.0,
    rebuild: bool = False,
) -> BuildSummary:
    """Build or update the index in ``settings.index_dir`` from ``settings.corpus_dir``.

    The chunks, vectors and BM25 go where ``settings.store`` says (the index folder, or a Milvus
    store); the manifest, the write lock and the small data files stay in the index folder. An index
    setting not given (``settings.is_given``) is the one the index recorded
    (:mod:`parisqa.index.recorded`); one given with another value rebuilds only when ``rebuild``.

    Args:
        settings: where the corpus and index are, and chunking parameters.
        embedder: the model wrapper (default: the process-wide one of ``settings.model``); it must be
            that model's (an :class:`parisqa.embed.e5.E5Embedder` for ``multilingual``).
        progress: show a progress bar while embedding.
        on_warning: called with each warning (skipped files, damaged previous index).
        lock_wait: seconds to wait for another build to finish before refusing.
        rebuild: confirms rebuilding an index with another model, store or chunking than it has.

    Returns:
        What changed.

    Raises:
        ConfigError: a setting given differs from the index's and ``rebuild`` is false.
        CorpusError: the corpus folder is missing or holds no indexable file.
        IndexBusyError: another build holds the lock.
        StoreError: the Milvus store cannot be reached or written (the index in place is intact).
        ParisqaError: the new index could not be written (the previous one is intact).
    """
    started = time.perf_counter()
    warnings: list[str] = []
    settings = adopt(settings)
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
        require_files(settings, files)
    sink = sink_for(settings)
    with write_lock(settings.index_dir, wait=lock_wait, on_wait=warn):
        sink.connect()
        # Read the corpus only now: a build that waited for another one must index the files as
        # they are when it runs, not as they were when it started waiting.
        remove_stale(settings.index_dir)
        check_changes(settings, _current_manifest(settings.index_dir), rebuild)
        previous = open_previous(settings.index_dir, warn, settings.milvus_token)
        docs, skipped = read_corpus(settings, warn, stored_extractions(previous, warn))
        expected = expected_manifest(settings, previous.manifest.get("model") if previous else None)
        plan = plan_build(docs, previous, expected, settings, token_counter(settings.model, embedder), warn)

        def summary(**more: Any) -> BuildSummary:
            return BuildSummary(
                **plan.counts(),
                chunks=len(plan.chunks),
                seconds=time.perf_counter() - started,
                skipped=tuple(skipped),
                warnings=tuple(warnings),
                reasons=_reasons(skipped),
                **more,
            )

        if (
            previous is not None
            and plan.reuse
            and not (plan.added or plan.changed or plan.removed)
            # The model entry too: a reinstalled model (same hash, new file stat) is recorded once,
            # so later runs need not hash its weights again.
            and previous.manifest.get("files") == plan.files
            and previous.manifest.get("skipped", {}) == skipped
            and previous.manifest.get("model") == expected["model"]
        ):
            return summary(embedded=0, rebuilt=False)

        dimension = int(expected["model"]["dimension"])
        try:
            chunks, vectors, per_chunk, unit_vectors, embedded = _embed(plan, previous, embedder, progress, dimension)
        except IndexCorruptError as exc:
            if previous is None:
                raise
            # The previous index lacks what its manifest names (a chunk, a vector): nothing of it is reused.
            warn(f"{exc}; rebuilding it from scratch")
            previous = None
            plan = plan_build(docs, None, expected, settings, token_counter(settings.model, embedder), warn)
            chunks, vectors, per_chunk, unit_vectors, embedded = _embed(plan, None, embedder, progress, dimension)
        sentences = SentenceTable.build(per_chunk, unit_vectors)
        bm25 = Bm25Index.build([c.embed_text for c in chunks], plan.languages)
        computed = Computed(
            chunks=chunks,
            vectors=vectors,
            per_chunk=per_chunk,
            sentences=sentences,
            languages=plan.languages,
            bm25=bm25,
            null_scores=_null_scores(chunks, vectors, sentences, bm25, embedder, sorted(set(plan.languages))),
            files=_extractions(docs),
        )
        manifest = dict(
            expected,
            parisqa_version=__version__,
            created_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            files=plan.files,
            skipped=skipped,
        )
        sink.write(settings.index_dir, manifest, computed, previous, plan.reuse)
        remove_stale(settings.index_dir)
    return summary(embedded=embedded)


def _current_manifest(index_dir: Path) -> dict[str, Any] | None:
    try:
        return read_manifest(index_dir)
    except IndexCorruptError:
        return None  # damaged: reported by open_previous, and rebuilt


def _extractions(docs: list[Document]) -> dict[str, bytes]:
    """Converted files' extracted texts, which their citations are offsets into, as data files."""
    import json

    return {
        extracted_name(doc.sha256): json.dumps(doc.extracted.to_dict(), ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        )
        for doc in docs
        if doc.extracted is not None
    }


def _embed(
    plan: Plan, previous: Previous | None, embedder: Any, progress: bool, dim: int
) -> tuple[list[Chunk], Any, list[list[Sentence]], Any, int]:
    """Every chunk of the plan with its vector and answer units, embedding only what is new.

    Chunks carried over keep their vectors, answer units and unit vectors (with another model,
    only their split: the vectors are computed again); any other text whose exact embedded form is
    in the previous index (a changed or removed file's) reuses that vector when the model is the
    same; the rest goes to the model in one batch.

    Returns:
        The chunks, their vectors, each chunk's units, the units' vectors (float32), and how many
        chunk texts were sent to the model.
    """
    import numpy as np

    kept = [i for i, r in enumerate(plan.refs) if r is not None]
    kept_refs = [plan.refs[i] for i in kept]
    chunks = list(plan.chunks)
    if kept:
        for i, chunk in zip(kept, previous.chunks(kept_refs)):  # type: ignore[union-attr]
            chunks[i] = chunk
    per_chunk: list[list[Sentence] | None] = [None] * len(chunks)
    kept_unit_vectors = None
    if kept:
        try:
            splits, kept_unit_vectors = previous.sentences(kept_refs)  # type: ignore[union-attr]
            for i, units in zip(kept, splits):
                per_chunk[i] = units
        except IndexCorruptError:  # the old answer units cannot be read: split and embed them again
            kept_unit_vectors = None
    for i, units in enumerate(per_chunk):
        if units is None:
            per_chunk[i] = chunk_sentences(chunks[i], plan.languages[i])  # type: ignore[arg-type]
    done: list[Chunk] = chunks  # type: ignore[assignment]
    units_of: list[list[Sentence]] = per_chunk  # type: ignore[assignment]
    first_unit = np.cumsum([0] + [len(u) for u in units_of])
    n = len(done)
    out = np.zeros((n + int(first_unit[-1]), dim), dtype=np.float32)
    have = np.zeros(len(out), dtype=bool)
    if kept and plan.same_model:
        out[kept] = previous.vectors(kept_refs)  # type: ignore[union-attr]
        have[kept] = True
        if kept_unit_vectors is not None:
            rows = np.concatenate([np.arange(first_unit[i], first_unit[i + 1]) for i in kept]) + n
            out[rows] = kept_unit_vectors
            have[rows] = True

    def unit_text(i: int, unit: Sentence) -> str:
        chunk = done[i]
        return chunk.text[unit.start - chunk.start : unit.end - chunk.start]

    todo: dict[str, list[int]] = {}  # text -> rows of ``out``
    for i, chunk in enumerate(done):
        if not have[i]:
            todo.setdefault(chunk.embed_text, []).append(i)
        for j, unit in enumerate(units_of[i]):
            row = n + int(first_unit[i]) + j
            if not have[row]:
                todo.setdefault(unit_text(i, unit), []).append(row)
    chunk_texts = {done[i].embed_text for i in range(n) if not have[i]}
    if todo and previous is not None and plan.same_model:
        # Texts of the previous chunks not carried over (changed and removed files) may recur in new
        # chunks: a moved paragraph is not embedded again.
        kept_set = set(kept_refs)
        gone = [r for r in previous.all_refs() if r not in kept_set]
        if gone:
            _fill_from(previous, gone, todo, out, have)
    todo = {text: rows for text, rows in todo.items() if not have[rows[0]]}
    embedded = len({t for t in todo if t in chunk_texts})
    if todo:
        texts = list(todo)
        for text, vector in zip(texts, _encode(embedder, texts, progress)):
            out[todo[text]] = vector
    return done, out[:n], units_of, out[n:], embedded


def _fill_from(previous: Previous, refs: list[Any], todo: dict[str, list[int]], out: Any, have: Any) -> None:
    """Fill rows of ``out`` whose text the previous index embedded (chunks and units of ``refs``)."""
    old_chunks = previous.chunks(refs)
    old_vectors = previous.vectors(refs)
    for chunk, vector in zip(old_chunks, old_vectors):
        rows = todo.get(chunk.embed_text)
        if rows is not None:
            out[rows] = vector
            have[rows] = True
    try:
        splits, unit_vectors = previous.sentences(refs)
    except IndexCorruptError:
        return
    row = 0
    for chunk, units in zip(old_chunks, splits):
        for unit in units:
            rows = todo.get(chunk.text[unit.start - chunk.start : unit.end - chunk.start])
            if rows is not None and not have[rows[0]]:
                out[rows] = unit_vectors[row]
                have[rows] = True
            row += 1


def _reasons(skipped: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(entry.get("reason", "")) for entry in skipped.values())


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


def file_entry(doc: Any, ids: list[str], indexed_at: Any, language: str) -> dict[str, Any]:
    """A file's manifest entry: content hash, stat, chunk ids, when and in which language it was indexed,
    and for a converted file (PDF, HTML, DOCX, a scan) the extractor and the stored extraction's name, and
    for a scan its OCR (engine, version, languages, mean word confidence)."""
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
        if doc.extracted.ocr is not None:
            entry["ocr"] = doc.extracted.ocr.to_dict()
    return entry
