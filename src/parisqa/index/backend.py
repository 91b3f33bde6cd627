"""Which backend serves an index: the local folder or a Milvus store, as its manifest says.

Both offer the same small interface to the answer layer (``manifest``, ``size``, ``load_search()``,
``for_hits()``; retrieval through :func:`parisqa.answer.search.search`), so the front ends and the
answer step do not know which one they have.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import IndexMissingError
from .milvus_index import MilvusIndex, load_milvus_index
from .store import LoadedIndex, check_compatible, load_index, read_manifest, store_of

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
