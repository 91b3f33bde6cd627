"""An index served from a Milvus store: the second backend behind the loaded index's small interface.

With ``--store FILE.db`` (milvus-lite) or ``--store http(s)://host:port`` the chunks, their vectors,
BM25 and the answer units live in Milvus collections (:mod:`parisqa.index.milvus`); the index folder
keeps what makes an index an index here: ``manifest.json`` (the commit point, naming the
collection), the write lock, the term statistics the answer step weighs words with, the null
score statistics its confidence is measured against, and the extracted texts of converted files.
The build writes the same things for both stores (:mod:`parisqa.index.sinks`), so both answer alike.

:class:`MilvusIndex` offers what the answer layer reads from a local
:class:`~parisqa.index.store.LoadedIndex`: ``manifest``, ``size``, ``load_search()``, ``search()``
(one request's hits from the engine), ``candidates()`` (both requests' candidates with both
scores, which the answer layer fuses exactly as for the local index), ``chunks_by_id()`` and
``for_hits(hits)``, which returns the tables composing an answer needs (sentence rows with their
vectors, chunk terms, IDF statistics) for just those hits, fetched with one request each; the local
index returns itself.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..corpus.sentences import Sentence, SentenceTable
from ..corpus.terms import terms
from ..errors import IndexCorruptError, IndexMismatchError
from ..records import Chunk
from .generations import read_data_file
from .layout import NULL_SCORES, TERM_STATS
from .lexical import TermStats
from .manifest import file_language, file_languages
from .milvus import SCHEMA_VERSION, Candidates, MilvusGeneration, MilvusHit, MilvusStore, StoreMeta

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

_stores: dict[tuple[str, str | None], MilvusStore] = {}
_stores_lock = threading.Lock()


def open_store(uri: str, token: str | None = None) -> MilvusStore:
    """The process's one connection to the store at ``uri`` (a milvus-lite file allows one client)."""
    with _stores_lock:
        store = _stores.get((uri, token))
        if store is None:
            store = _stores[(uri, token)] = MilvusStore(uri, token)
        return store


def index_name_for(index_dir: Path) -> str:
    """The name of an index folder's collections: a hash of its absolute path.

    Two index folders sharing one Milvus server never touch each other's collections.
    """
    return hashlib.sha256(str(Path(index_dir).absolute()).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def store_meta(manifest: dict[str, Any]) -> StoreMeta:
    """What the collections of an index with this manifest must be stamped with."""
    model = manifest.get("model") or {}
    return StoreMeta(str(model.get("name")), int(model.get("dimension") or 0))


def load_milvus_index(
    index_dir: Path, manifest: dict[str, Any], token: str | None = None, expected: dict[str, Any] | None = None
) -> MilvusIndex:
    """Open the collection ``manifest`` names, checking its stamp against the manifest.

    With ``expected`` (the manifest the current settings would write), the stamp is checked against
    its model instead: the embedding model chosen now (``--model``) must be the collection's.

    Raises:
        IndexMismatchError: the collection holds another schema, model or dimension, or never finished.
        IndexMissingError: the collection is not in the store.
        IndexCorruptError: the manifest's store entry is damaged.
        StoreError: the store cannot be reached.
    """
    entry = manifest.get("store") or {}
    if not isinstance(entry.get("collection"), str) or not isinstance(entry.get("uri"), str):
        raise IndexCorruptError(f"index manifest '{index_dir}' has a damaged store entry", remedy="rebuild")
    if entry.get("schema_version") != SCHEMA_VERSION:
        raise IndexMismatchError(
            f"index '{index_dir}' uses Milvus schema version {entry.get('schema_version')!r}, this parisqa "
            f"reads {SCHEMA_VERSION}",
            remedy="rebuild",
        )
    generation = open_store(entry["uri"], token).open(entry["collection"], store_meta(expected or manifest))
    return MilvusIndex(Path(index_dir), manifest, generation)


@dataclass(eq=False)
class MilvusIndex:
    """A committed generation in a Milvus store, ready to query (see the module docstring)."""

    path: Path
    manifest: dict[str, Any]
    store: MilvusGeneration
    _stats: TermStats | None = field(default=None, repr=False)
    _null_scores: dict[str, Any] | None = field(default=None, repr=False)

    kind = "milvus"

    @property
    def generation(self) -> str:
        return str(self.manifest["generation"])

    @property
    def size(self) -> int:
        """Number of chunks."""
        return len(self.store)

    def load_search(self) -> MilvusIndex:
        """Read the term statistics now (once); returns ``self``.

        Raises:
            IndexCorruptError: they are missing, damaged, or in a format this parisqa cannot read.
        """
        if self._stats is None:
            from . import nullscores

            try:
                stats = TermStats.from_bytes(read_data_file(self.path, self.manifest, TERM_STATS))
                if NULL_SCORES in (self.manifest.get("data") or {}):
                    self._null_scores = nullscores.from_bytes(read_data_file(self.path, self.manifest, NULL_SCORES))
            except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
                raise IndexCorruptError(
                    f"index '{self.path}' has damaged {TERM_STATS} or {NULL_SCORES}", remedy="rebuild"
                ) from None
            self._stats = stats
        return self

    @property
    def null_scores(self) -> dict[str, Any] | None:
        """The corpus's null score statistics (:mod:`parisqa.index.nullscores`), read with the term statistics."""
        self.load_search()
        return self._null_scores

    @property
    def bm25(self) -> TermStats:
        """Document frequencies (IDF), as ``LoadedIndex.bm25`` offers them; BM25 ranking is in the engine."""
        self.load_search()
        assert self._stats is not None
        return self._stats

    def language_of(self, source: str) -> str:
        """The language a file is analysed as (``en`` or ``fr``), from the manifest (default ``en``)."""
        return file_language(self.manifest, source)

    @property
    def languages(self) -> list[str]:
        """The analysed languages of the index's files, English first."""
        return file_languages(self.manifest)

    def search(self, query_vector: np.ndarray, query_terms: list[str], k: int, mode: str = "hybrid") -> list[MilvusHit]:
        """Top-``k`` chunks of one request in the engine (``mode`` ``"dense"`` or ``"bm25"``).

        The hybrid mode is fused by :func:`parisqa.answer.search.search` from :meth:`candidates`.
        """
        return self.store.search(query_vector, "", k, mode=mode, terms=query_terms)

    def candidates(self, query_vector: np.ndarray, query_terms: list[str], depth: int) -> Candidates:
        """Both candidate lists of a query with both raw scores each (see :class:`~parisqa.index.milvus.Candidates`)."""
        return self.store.candidates(query_vector, query_terms, depth)

    def chunks_by_id(self, ids: Sequence[str]) -> dict[str, Chunk]:
        """The chunks of ``ids`` (exact offsets), fetched in one request."""
        return self.store.chunks(ids)

    def for_hits(self, hits: Sequence[Any]) -> QueryTables:
        """The answer step's tables for ``hits`` (objects with ``chunk``; row ``i`` is ``hits[i]``)."""
        chunks = [h.chunk for h in hits]
        stored = self.store.sentences([c.id for c in chunks])
        per_chunk = [[Sentence(s.start, s.end, s.question) for s in stored[c.id]] for c in chunks]
        import numpy as np

        dim = self.store.meta.dimension
        vectors = [s.vector for c in chunks for s in stored[c.id]]
        matrix = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), dim)
        return QueryTables(self, tuple(chunks), SentenceTable.build(per_chunk, matrix))


@dataclass(eq=False)
class QueryTables:
    """What composing one answer reads, for the hits of one query: row ``i`` is the ``i``-th hit."""

    parent: MilvusIndex
    chunks: tuple[Chunk, ...]
    sentences: SentenceTable

    @property
    def bm25(self) -> TermStats:
        return self.parent.bm25

    @property
    def null_scores(self) -> dict[str, Any] | None:
        return self.parent.null_scores

    @property
    def manifest(self) -> dict[str, Any]:
        return self.parent.manifest

    def language_of(self, source: str) -> str:
        return self.parent.language_of(source)

    @property
    def languages(self) -> list[str]:
        return self.parent.languages

    def chunk_terms(self, row: int) -> frozenset[str]:
        chunk = self.chunks[row]
        return frozenset(terms(chunk.embed_text, self.language_of(chunk.source)))

    def for_hits(self, hits: Sequence[Any]) -> QueryTables:
        if tuple(h.chunk for h in hits) == self.chunks:
            return self
        return self.parent.for_hits(hits)
