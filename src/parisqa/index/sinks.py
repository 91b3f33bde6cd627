"""Where a build writes the index it computed: the index folder (FAISS and files) or a Milvus store.

The build plan (:mod:`parisqa.index.build`) computes everything an index holds once: the chunks, their
embeddings and answer units, BM25, the null score statistics, the extracted texts and the manifest.
A sink only writes it, so both stores record the same things (pages are in the chunk records,
languages and extraction in the manifest, null scores and term statistics beside it) and answer alike.
Either way the manifest swap is the commit point (:func:`parisqa.index.store.write_generation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..config import LOCAL_STORE, Settings
from ..corpus.sentences import Sentence, SentenceTable
from ..records import Chunk
from . import vectors as vector_index
from .generations import new_generation_name, write_generation
from .layout import BM25_MATRIX, BM25_VOCAB, NULL_SCORES, SENTENCES, TERM_STATS
from .lexical import Bm25Index, TermStats
from .previous import LocalPrevious, Previous, StorePrevious
from .store import write_index

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


@dataclass
class Computed:
    """What a build computed for the new index, row ``i`` being the ``i``-th chunk.

    Attributes:
        chunks: every chunk, files in manifest order.
        vectors: their unit embeddings (float32).
        per_chunk: each chunk's answer units.
        sentences: the answer units with their embeddings, as the index serves them.
        languages: each chunk's analysed language (BM25 terms, sentence rules).
        bm25: BM25 over the chunks' embedded texts.
        null_scores: the null score statistics, as stored bytes.
        files: further data files (the extracted texts of converted files).
    """

    chunks: list[Chunk]
    vectors: np.ndarray
    per_chunk: list[list[Sentence]]
    sentences: SentenceTable
    languages: list[str]
    bm25: Bm25Index
    null_scores: bytes
    files: dict[str, bytes]


class Sink(Protocol):
    """Writes a computed index and commits its manifest."""

    def connect(self) -> None:
        """Fail now, before any embedding, when the destination cannot be written."""
        ...

    def write(
        self, index_dir: Any, manifest: dict[str, Any], data: Computed, previous: Previous | None, reuse: bool
    ) -> None:
        """Write ``data``, then swap in ``manifest`` (completed here) as the commit point.

        ``reuse`` says the previous index was built with the same settings (a local sink may reuse
        its trained FAISS centroids).
        """
        ...


class LocalSink:
    """The index folder: chunk records, FAISS, BM25, sentences and null scores as files."""

    def connect(self) -> None:
        return None

    def write(
        self, index_dir: Any, manifest: dict[str, Any], data: Computed, previous: Previous | None, reuse: bool
    ) -> None:
        old_faiss = previous.faiss if reuse and isinstance(previous, LocalPrevious) else None
        index, info = vector_index.build(data.vectors, previous=old_faiss)
        matrix, vocab = data.bm25.to_bytes()
        extra = {
            BM25_MATRIX: matrix,
            BM25_VOCAB: vocab,
            SENTENCES: data.sentences.to_bytes(),
            NULL_SCORES: data.null_scores,
            **data.files,
        }
        write_index(index_dir, dict(manifest, faiss=info), data.chunks, index, extra)


class MilvusSink:
    """A Milvus store: a new collection per generation; beside the manifest, term statistics and null scores.

    The sentence vectors written are the ones the local index serves (its float16 table), so both
    stores compute the same sentence scores, hence the same confidence.
    """

    def __init__(self, settings: Settings) -> None:
        from .milvus_index import open_store

        self.settings = settings
        self.store = open_store(settings.store, settings.milvus_token)

    def connect(self) -> None:
        self.store.client  # noqa: B018  (an unreachable store fails before any embedding)

    def write(
        self, index_dir: Any, manifest: dict[str, Any], data: Computed, previous: Previous | None, reuse: bool
    ) -> None:
        import numpy as np

        from .milvus import SCHEMA_VERSION
        from .milvus_index import index_name_for, store_meta

        index_name = index_name_for(index_dir)
        generation = new_generation_name()
        writer = self.store.begin(index_name, generation, store_meta(manifest))
        if data.chunks:
            writer.add(
                data.chunks,
                data.vectors,
                data.per_chunk,
                np.asarray(data.sentences.vectors, dtype=np.float32),
                languages=data.languages,
            )
        collection = writer.finish()
        store = {
            "kind": "milvus",
            "uri": self.settings.store,
            "index_name": index_name,
            "collection": collection,
            "schema_version": SCHEMA_VERSION,
        }
        files = {
            TERM_STATS: TermStats(dict(data.bm25.doc_freq), data.bm25.num_docs).to_bytes(),
            NULL_SCORES: data.null_scores,
            **data.files,
        }
        write_generation(index_dir, dict(manifest, store=store), files, chunks=len(data.chunks), generation=generation)
        # Committed: the previous generation stays (a reader may still use it), older ones and the
        # leftovers of killed builds go.
        keep = [previous.collection] if isinstance(previous, StorePrevious) else []
        self.store.commit(index_name, collection, keep=keep)


def sink_for(settings: Settings) -> Sink:
    """The sink ``settings.store`` names."""
    return LocalSink() if settings.store == LOCAL_STORE else MilvusSink(settings)
