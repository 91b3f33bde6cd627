"""parisqa: offline question answering over a folder of texts, with exact citations.

The public API is here: :func:`ask`, :func:`build_index`, :func:`open_engine` and the records. The
subpackages are the pipeline's stages, imported one way only: ``corpus`` → ``embed`` → ``index`` →
``answer`` → ``api`` → ``evaluation`` → ``web``/``cli`` (see the README's "Code layout"). The package
imports nothing heavy; the model, torch, FAISS and Gradio load on first use.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# Set before anything can import huggingface_hub/transformers, so no code path tries the network.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from ._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from .api import ask, build_index, open_engine
    from .records import Answer, BuildSummary, Chunk, Citation

__all__ = ["Answer", "BuildSummary", "Chunk", "Citation", "__version__", "ask", "build_index", "open_engine"]


def __getattr__(name: str) -> Any:
    if name in ("ask", "build_index", "open_engine"):
        from . import api

        return getattr(api, name)
    if name in ("Answer", "BuildSummary", "Chunk", "Citation"):
        from . import records

        return getattr(records, name)
    raise AttributeError(f"module 'parisqa' has no attribute {name!r}")
