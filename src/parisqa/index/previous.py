"""The index a build starts from: its chunks, vectors and answer units, wherever they are kept.

A build reuses what the current index already holds (chunks of unchanged files, embeddings of texts
it has seen). That index may sit in the index folder (FAISS and files) or in a Milvus store; the
build plan (:mod:`parisqa.index.build`) reads either through the one small interface here,
:class:`Previous`, so the rules of reuse are written once, whichever store the new index goes to.
A chunk of the previous index is named by a *ref*: its row in the local index, its id in Milvus.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ..corpus.sentences import Sentence, SentenceTable
from ..errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from ..records import Chunk
from . import vectors as vector_index
from .generations import read_data_file
from .layout import SENTENCES
from .manifest import read_manifest, store_of
from .store import LoadedIndex, load_index

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .milvus import MilvusGeneration


class Previous(Protocol):
    """What a build reads from the index it updates (see the module docstring)."""

    manifest: dict[str, Any]

    def refs(self, source: str) -> Sequence[Any]:
        """The refs of one file's chunks, in order (empty for a file the index does not hold)."""
        ...

    def all_refs(self) -> list[Any]:
        """Every chunk's ref."""
        ...

    def chunks(self, refs: Sequence[Any]) -> list[Chunk]:
        """The chunks of ``refs``, in order."""
        ...

    def vectors(self, refs: Sequence[Any]) -> np.ndarray:
        """The embeddings of ``refs``, one float32 row each."""
        ...

    def sentences(self, refs: Sequence[Any]) -> tuple[list[list[Sentence]], np.ndarray]:
        """Each chunk's answer units, and their embeddings (one row per unit, in order)."""
        ...

    def read_extra(self, name: str) -> bytes:
        """A verified data file of the generation (an extraction)."""
        ...


class LocalPrevious:
    """A local index (:class:`~parisqa.index.store.LoadedIndex`); refs are rows."""

    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        self.manifest = index.manifest
        self._ranges = _file_ranges(index)
        self._table: SentenceTable | None = None
        self._vectors: Any = None

    @property
    def faiss(self) -> Any:
        """The FAISS index (a local build may reuse its trained centroids)."""
        return self.index.vectors

    def refs(self, source: str) -> Sequence[int]:
        return self._ranges.get(source, range(0))

    def all_refs(self) -> list[int]:
        return list(range(len(self.index.chunks)))

    def chunks(self, refs: Sequence[int]) -> list[Chunk]:
        return [self.index.chunks[r] for r in refs]

    def vectors(self, refs: Sequence[int]) -> np.ndarray:
        import numpy as np

        if self._vectors is None:
            self._vectors = vector_index.all_vectors(self.index.vectors)
        return np.asarray(self._vectors[np.asarray(list(refs), dtype=np.int64)], dtype=np.float32)

    def sentences(self, refs: Sequence[int]) -> tuple[list[list[Sentence]], np.ndarray]:
        import numpy as np

        table = self._sentence_table()
        dim = int(self.index.vectors.d)
        if table is None:
            raise IndexCorruptError(f"index '{self.index.path}' has no readable {SENTENCES}", remedy="rebuild")
        per_chunk, rows = [], []
        for r in refs:
            span = table.rows_for(int(r))
            per_chunk.append(
                [
                    Sentence(s, e, q)
                    for s, e, q in zip(
                        table.start[span.start : span.stop].tolist(),
                        table.end[span.start : span.stop].tolist(),
                        table.question[span.start : span.stop].tolist(),
                    )
                ]
            )
            rows.append(np.arange(span.start, span.stop))
        index = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        return per_chunk, np.asarray(table.vectors[index], dtype=np.float32).reshape(len(index), dim)

    def _sentence_table(self) -> SentenceTable | None:
        if self._table is None:
            try:
                self._table = SentenceTable.from_bytes(self.index.read_extra(SENTENCES))
            except (IndexCorruptError, ValueError, KeyError):
                return None
        return self._table

    def read_extra(self, name: str) -> bytes:
        return self.index.read_extra(name)


class StorePrevious:
    """An index whose chunks live in a Milvus generation; refs are chunk ids."""

    def __init__(self, index_dir: Any, manifest: dict[str, Any], generation: MilvusGeneration) -> None:
        self.index_dir = index_dir
        self.manifest = manifest
        self.generation = generation

    @property
    def collection(self) -> str:
        return self.generation.name

    def refs(self, source: str) -> Sequence[str]:
        return list(((self.manifest.get("files") or {}).get(source) or {}).get("chunks", ()))

    def all_refs(self) -> list[str]:
        return [i for entry in (self.manifest.get("files") or {}).values() for i in entry.get("chunks", ())]

    def chunks(self, refs: Sequence[str]) -> list[Chunk]:
        found = self.generation.chunks(refs)
        return [_present(found, i, self.collection) for i in refs]

    def vectors(self, refs: Sequence[str]) -> np.ndarray:
        import numpy as np

        found = self.generation.vectors(refs)
        dim = self.generation.meta.dimension
        rows = [_present(found, i, self.collection) for i in refs]
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), dim)

    def sentences(self, refs: Sequence[str]) -> tuple[list[list[Sentence]], np.ndarray]:
        import numpy as np

        stored = self.generation.sentences(refs)
        per_chunk = [[Sentence(s.start, s.end, s.question) for s in stored[i]] for i in refs]
        vectors = [s.vector for i in refs for s in stored[i]]
        return per_chunk, np.asarray(vectors, dtype=np.float32).reshape(len(vectors), self.generation.meta.dimension)

    def read_extra(self, name: str) -> bytes:
        return read_data_file(self.index_dir, self.manifest, name)


def _present(found: dict[str, Any], ref: str, collection: str) -> Any:
    if ref not in found:
        raise IndexCorruptError(
            f"Milvus collection '{collection}' lacks chunk {ref}, which its manifest names", remedy="rebuild"
        )
    return found[ref]


def open_previous(index_dir: Any, warn: Callable[[str], None], token: str | None = None) -> Previous | None:
    """The index in ``index_dir`` as a build reads it, or None when there is none.

    A damaged or unreadable one is reported through ``warn`` and the build starts from scratch.
    """
    try:
        manifest = read_manifest(index_dir)
        if manifest is None:
            return None
        if store_of(manifest) == "local":
            return LocalPrevious(load_index(index_dir))
        from .milvus_index import open_store, store_meta

        entry = manifest.get("store") or {}
        from .milvus import SCHEMA_VERSION

        if entry.get("schema_version") != SCHEMA_VERSION:
            raise IndexMismatchError(
                f"index '{index_dir}' uses Milvus schema version {entry.get('schema_version')!r}, this parisqa "
                f"writes {SCHEMA_VERSION}"
            )
        generation = open_store(str(entry.get("uri")), token).open(str(entry.get("collection")), store_meta(manifest))
        return StorePrevious(index_dir, manifest, generation)
    except (IndexCorruptError, IndexMismatchError, IndexMissingError) as exc:
        warn(f"{exc}; rebuilding it from scratch")
        return None


def _file_ranges(old: LoadedIndex) -> dict[str, Sequence[int]]:
    """Each file's chunk rows in a local index.

    Chunks are written file by file in manifest order, so each file's rows are a range: this spares
    decoding every chunk record (≈1 s at 100k chunks) when little or nothing changed. An index
    written some other way is asked record by record.
    """
    files = old.manifest.get("files", {})
    ranges: dict[str, Sequence[int]] = {}
    start = 0
    for source, entry in files.items():
        ranges[source] = range(start, start + len(entry.get("chunks", ())))
        start = ranges[source].stop  # type: ignore[attr-defined]
    if _ranges_match(old, files, ranges, start):
        return ranges
    rows: dict[str, list[int]] = {}
    for row, chunk in enumerate(old.chunks):
        rows.setdefault(chunk.source, []).append(row)
    return rows  # type: ignore[return-value]


def _ranges_match(old: LoadedIndex, files: dict[str, Any], ranges: dict[str, Any], total: int) -> bool:
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
