"""Which backend serves an index: the local folder or a Milvus store, as its manifest says.

Both implement :class:`IndexBackend`, the one interface the answer layer reads (retrieval itself
goes through :func:`parisqa.answer.search.search`, which fuses both backends' candidates with the
same function), so the front ends and the answer step do not know which one they have. Both run
the same conformance tests (``tests/index/test_backend_conformance.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ..errors import IndexMissingError
from .manifest import check_compatible, read_manifest, store_of
from .milvus_index import MilvusIndex, load_milvus_index
from .store import LoadedIndex, load_index


@runtime_checkable
class IndexBackend(Protocol):
    """A loaded index generation as the answer layer reads it.

    Attributes:
        kind: ``"local"`` or ``"milvus"``.
        manifest: the manifest of the generation served.
    """

    kind: str
    manifest: dict[str, Any]

    @property
    def size(self) -> int:
        """Number of chunks."""
        ...

    @property
    def generation(self) -> str:
        """The generation served (changes with every committed build)."""
        ...

    @property
    def languages(self) -> list[str]:
        """The analysed languages of the index's files, English first."""
        ...

    @property
    def bm25(self) -> Any:
        """Term statistics: ``num_docs``, ``doc_freq`` and ``idf(term)``."""
        ...

    @property
    def null_scores(self) -> dict[str, Any] | None:
        """The corpus's null score statistics (:mod:`parisqa.index.nullscores`); None for an old index."""
        ...

    def load_search(self) -> IndexBackend:
        """Read the query-time data now (once); returns the backend."""
        ...

    def language_of(self, source: str) -> str:
        """The language a file is analysed as."""
        ...

    def for_hits(self, hits: Sequence[Any]) -> Any:
        """The tables composing an answer reads for ``hits`` (sentences, chunk terms, statistics)."""
        ...


ServedIndex = LoadedIndex | MilvusIndex


def load(index_dir: Path, expected: dict[str, Any] | None = None, *, token: str | None = None) -> ServedIndex:
    """Read and verify the index in ``index_dir``, from its folder or from the Milvus store it names.

    Raises:
        IndexMissingError, IndexCorruptError, IndexMismatchError: as :func:`parisqa.index.store.load_index`.
        StoreError: the Milvus store cannot be reached.
    """
    manifest = read_manifest(index_dir)
    if manifest is None:
        raise IndexMissingError(f"no index in '{index_dir}'", remedy="build")
    if store_of(manifest) == "local":
        return load_index(index_dir, expected)
    if expected is not None:
        check_compatible(manifest, expected, Path(index_dir))
    return load_milvus_index(Path(index_dir), manifest, token, expected)
