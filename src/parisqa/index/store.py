"""The local index: a folder of named files plus ``manifest.json``, loaded as one :class:`LoadedIndex`.

The folder's layout (every file name) is in :mod:`parisqa.index.layout`; the manifest is read and
compared with the settings in :mod:`parisqa.index.manifest`; generations are written, committed by
the manifest swap and cleaned in :mod:`parisqa.index.generations`; the write lock is
:mod:`parisqa.index.lock`. Everything loaded is data (JSON, FAISS's binary format), never pickle.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from ..corpus.sentences import SentenceTable
from ..corpus.terms import terms
from ..errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from ..records import Chunk
from . import vectors as vector_index
from .generations import new_generation_name as new_generation_name
from .generations import read_data_file as read_data_file
from .generations import remove_stale as remove_stale
from .generations import verified_bytes, write_generation
from .layout import BM25_MATRIX, BM25_VOCAB, CHUNKS, EXTRA_NAME, GEN_NAME, MANIFEST, NULL_SCORES, SENTENCES, VECTORS
from .lexical import Bm25Index
from .lock import write_lock as write_lock
from .manifest import CHECKED_MODEL_KEYS as CHECKED_MODEL_KEYS
from .manifest import check_compatible, file_language, file_languages, read_manifest, store_of
from .manifest import known_model as known_model
from .manifest import mismatches as mismatches

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


@dataclass(eq=False)
class LoadedIndex:
    """An index generation read from disk: chunks, vectors, BM25 index and sentence table, ready to query.

    The chunks and vectors are read and verified on load; the BM25 index and the sentence table on
    first use (:meth:`load_search`), so a build that only reuses the previous index's vectors does
    not pay for them. A query then costs one embedding, one FAISS search and one BM25 scoring, plus
    work proportional to the few candidates kept.
    """

    path: Path
    manifest: dict[str, Any]
    chunks: Sequence[Chunk]  # a ChunkList: records decode on first access
    vectors: Any  # faiss.Index
    _bm25: Bm25Index | None = field(default=None, repr=False)
    _sentences: SentenceTable | None = field(default=None, repr=False)
    _null_scores: dict[str, Any] | None = field(default=None, repr=False)
    _faq_questions: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    _term_cache: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)
    _search_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    kind = "local"

    @property
    def generation(self) -> str:
        return str(self.manifest["generation"])

    @property
    def size(self) -> int:
        """Number of chunks."""
        return len(self.chunks)

    def for_hits(self, hits: Sequence[Any]) -> LoadedIndex:
        """The answer step's tables for ``hits``: the whole loaded index (hit rows are its rows)."""
        return self

    def read_extra(self, name: str) -> bytes:
        """The verified bytes of an extra data file written with this generation.

        Raises:
            IndexCorruptError: the file is missing or does not match the manifest.
        """
        return read_data_file(self.path, self.manifest, name)

    def load_search(self) -> LoadedIndex:
        """Read the BM25 index and the sentence table now (once); returns ``self``.

        Raises:
            IndexCorruptError: they are missing, damaged, or in a format this parisqa cannot read.
        """
        if self._sentences is not None:
            return self
        with self._search_lock:
            if self._sentences is None:
                try:
                    bm25 = Bm25Index.from_bytes(self.read_extra(BM25_MATRIX), self.read_extra(BM25_VOCAB))
                    sentences = SentenceTable.from_bytes(self.read_extra(SENTENCES))
                except (ValueError, KeyError, TypeError) as exc:  # hashes matched, but not this version's arrays
                    raise IndexCorruptError(
                        f"index '{self.path}' holds search data this parisqa cannot read ({exc})", remedy="rebuild"
                    ) from None
                self._null_scores = self._read_null_scores()
                self._bm25 = bm25
                self._sentences = sentences
        return self

    @property
    def bm25(self) -> Bm25Index:
        """The BM25 index (read on first use)."""
        self.load_search()
        assert self._bm25 is not None
        return self._bm25

    @property
    def sentences(self) -> SentenceTable:
        """The sentence table (read on first use)."""
        self.load_search()
        assert self._sentences is not None
        return self._sentences

    @property
    def null_scores(self) -> dict[str, Any] | None:
        """The corpus's null score statistics (:mod:`parisqa.index.nullscores`), read with the search data.

        None for an index built before them (the answering step then uses defaults).
        """
        self.load_search()
        return self._null_scores

    def _read_null_scores(self) -> dict[str, Any] | None:
        from . import nullscores

        if NULL_SCORES not in (self.manifest.get("data") or {}):
            return None
        data = self.read_extra(NULL_SCORES)  # a damaged file is reported, as for every other data file
        try:
            return nullscores.from_bytes(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise IndexCorruptError(
                f"index '{self.path}' holds null score statistics this parisqa cannot read ({exc})", remedy="rebuild"
            ) from None

    def faq_questions(self) -> tuple[np.ndarray, np.ndarray]:
        """Chunk rows and unit embeddings of the FAQ questions (one per FAQ chunk), built once."""
        if self._faq_questions is None:
            import numpy as np

            table = self.sentences
            rows = np.flatnonzero(table.question)
            self._faq_questions = (
                table.chunk[rows].astype(np.int64),
                np.ascontiguousarray(table.vectors[rows], dtype=np.float32),
            )
        return self._faq_questions

    def chunk_vector(self, row: int) -> np.ndarray:
        return self.vectors.reconstruct(int(row))

    def language_of(self, source: str) -> str:
        """The language a file is analysed as (``en`` or ``fr``), from its manifest entry."""
        return file_language(self.manifest, source)

    @cached_property
    def languages(self) -> list[str]:
        """The analysed languages of the index's files, English first."""
        return file_languages(self.manifest)

    def chunk_terms(self, row: int) -> frozenset[str]:
        """Content terms of a chunk's embedded text (heading path + text), in its file's language, cached."""
        cached = self._term_cache.get(row)
        if cached is None:
            chunk = self.chunks[row]
            cached = frozenset(terms(chunk.embed_text, self.language_of(chunk.source)))
            if len(self._term_cache) > 50_000:
                self._term_cache.clear()
            self._term_cache[row] = cached
        return cached


def load_index(index_dir: Path, expected: dict[str, Any] | None = None) -> LoadedIndex:
    """Read and verify the index in ``index_dir``.

    Args:
        index_dir: the index folder.
        expected: the current settings in manifest form; when given, an index built with other
            settings is refused.

    Raises:
        IndexMissingError: there is no index.
        IndexCorruptError: a file is missing, truncated or altered.
        IndexMismatchError: the index was built with other settings.
    """
    index_dir = Path(index_dir)
    for attempt in range(3):
        manifest = read_manifest(index_dir)
        if manifest is None:
            raise IndexMissingError(f"no index in '{index_dir}'", remedy="build")
        if expected is not None:
            check_compatible(manifest, expected, index_dir)
        if store_of(manifest) != "local":
            raise IndexMismatchError(
                f"index '{index_dir}' keeps its chunks in the Milvus store '{store_of(manifest)}', not in its folder",
                remedy="rebuild",
            )
        try:
            return _load_generation(index_dir, manifest)
        except IndexCorruptError:
            # A concurrent build may have swapped in a new generation and removed ours between
            # reading the manifest and its files; read the manifest again before giving up.
            latest = read_manifest(index_dir)
            if attempt == 2 or latest is None or latest.get("generation") == manifest.get("generation"):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _load_generation(index_dir: Path, manifest: dict[str, Any]) -> LoadedIndex:
    generation = manifest["generation"]
    if not isinstance(generation, str) or not GEN_NAME.fullmatch(generation):
        raise IndexCorruptError(f"index manifest '{index_dir / MANIFEST}' is damaged", remedy="rebuild")
    gen_dir = index_dir / generation
    data = manifest.get("data") or {}
    try:
        chunk_bytes = verified_bytes(gen_dir, CHUNKS, data[CHUNKS], index_dir)
        vector_bytes = verified_bytes(gen_dir, VECTORS, data[VECTORS], index_dir)
    except KeyError:
        raise IndexCorruptError(f"index manifest '{index_dir / MANIFEST}' is damaged", remedy="rebuild") from None
    try:
        chunks = parse_chunks(chunk_bytes)
        vectors = vector_index.deserialize(vector_bytes)
    except (ValueError, KeyError, TypeError, RuntimeError, RecursionError):
        raise IndexCorruptError(
            f"index '{index_dir}' is damaged: {generation} cannot be read", remedy="rebuild"
        ) from None
    if vectors.ntotal != len(chunks) or len(chunks) != manifest.get("chunks"):
        raise IndexCorruptError(
            f"index '{index_dir}' is damaged: {len(chunks)} chunk records but {vectors.ntotal} vectors",
            remedy="rebuild",
        )
    dimension = (manifest.get("model") or {}).get("dimension")
    if dimension is not None and vectors.d != dimension:
        raise IndexCorruptError(
            f"index '{index_dir}' is damaged: its vectors have {vectors.d} dimensions but the manifest says "
            f"{dimension}",
            remedy="rebuild",
        )
    return LoadedIndex(index_dir, manifest, chunks, vectors)


def _json_codec() -> tuple[Callable[[bytes], Any], Callable[[Any], bytes]]:
    """orjson when installed: 3x faster to parse and 10x faster to write chunk records than json,
    which a 100k-chunk rebuild reads and writes in full. Both write the same compact UTF-8 JSON."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency
        return json.loads, lambda obj: json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return orjson.loads, orjson.dumps


_loads, _dumps = _json_codec()


class ChunkList(Sequence[Chunk]):
    """The chunk records of ``chunks.jsonl``, decoded when first read.

    Loading a 100k-chunk index then costs one scan for line ends instead of 100k JSON parses; a
    query reads only the few chunks it cites. The bytes were checked against the manifest's sha256
    before this is built, and the first and last records are decoded at once, so a wrong format
    still fails at load.
    """

    def __init__(self, data: bytes) -> None:
        import numpy as np

        raw = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(raw == 10)
        if len(data) and (not len(ends) or ends[-1] != len(data) - 1):
            ends = np.append(ends, len(data))
        starts = np.concatenate(([0], ends[:-1] + 1)) if len(ends) else ends
        keep = ends > starts
        self._data = data
        self._starts = starts[keep]
        self._ends = ends[keep]
        self._parsed: list[Chunk | None] = [None] * len(self._starts)
        if self._parsed:
            self[0], self[len(self) - 1]  # noqa: B018  (decode now: fail at load, not at query time)

    def __len__(self) -> int:
        return len(self._parsed)

    @overload
    def __getitem__(self, row: int) -> Chunk: ...
    @overload
    def __getitem__(self, row: slice) -> list[Chunk]: ...
    def __getitem__(self, row: int | slice) -> Chunk | list[Chunk]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        chunk = self._parsed[row]
        if chunk is None:
            line = self._data[int(self._starts[row]) : int(self._ends[row])]
            chunk = Chunk.from_dict(_loads(line))
            self._parsed[row] = chunk
        return chunk

    def __iter__(self) -> Iterator[Chunk]:
        for row in range(len(self)):
            yield self[row]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def parse_chunks(data: bytes) -> ChunkList:
    """The chunk records in the bytes of ``chunks.jsonl`` (one JSON object per line).

    Raises:
        ValueError, KeyError, TypeError: the bytes are not chunk records.
    """
    return ChunkList(data)


def write_index(
    index_dir: Path,
    manifest: dict[str, Any],
    chunks: list[Chunk],
    vectors: Any,
    extra: dict[str, bytes] | None = None,
) -> str:
    """Write a new generation and swap it in atomically; return its name.

    ``manifest`` is completed here with the generation name, chunk count and data-file hashes. The
    previous generation stays on disk (a reader may still be loading it) and is removed by a later
    write. ``extra`` holds further named data files (read back with :meth:`LoadedIndex.read_extra`).

    Raises:
        ValueError: an ``extra`` name is not a plain new file name.
        ParisqaError: writing failed (disk full, permissions); the previous index is untouched.
    """
    for name in extra or {}:
        if not EXTRA_NAME.fullmatch(name) or name in (CHUNKS, VECTORS):
            raise ValueError(f"extra index file name must be a plain new file name, got {name!r}")
    files = {
        CHUNKS: b"".join(_dumps(c.to_dict()) + b"\n" for c in chunks),
        VECTORS: vector_index.serialize(vectors),
        **(extra or {}),
    }
    return write_generation(index_dir, manifest, files, chunks=len(chunks))
