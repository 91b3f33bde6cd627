"""The settings an index was built with stick: an omitted setting never rebuilds an index another way.

An index records its model, store and chunking in its manifest. A command run without
``--model``/``--store``/``--chunk-tokens``/``--chunk-overlap`` (and no ``PARISQA_*`` variable for
it) uses what the index recorded (:func:`adopt`), so forgetting a flag never re-embeds a large
multilingual index with the English model nor moves a Milvus index into the folder. A different
value given on purpose is refused until confirmed (:func:`check_changes`): the message says what
would happen, and the front end says how to confirm (``remedy="confirm"``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import LOCAL_STORE, Settings
from ..embed.choice import choice_of
from ..errors import ConfigError, IndexCorruptError
from .manifest import read_manifest, store_of


def recorded(manifest: dict[str, Any]) -> dict[str, Any]:
    """The index settings a manifest records, as :class:`Settings` fields (those it records)."""
    found: dict[str, Any] = {"store": store_of(manifest)}
    if isinstance(manifest.get("model"), dict):
        found["model"] = choice_of(manifest["model"])
    chunking = manifest.get("chunking") or {}
    if isinstance(chunking.get("max_tokens"), int):
        found["chunk_tokens"] = chunking["max_tokens"]
    if isinstance(chunking.get("overlap_tokens"), int):
        found["chunk_overlap"] = chunking["overlap_tokens"]
    return found


def _manifest(index_dir: Path) -> dict[str, Any] | None:
    try:
        return read_manifest(index_dir)
    except IndexCorruptError:
        return None  # a damaged index is reported where it is loaded or rebuilt


def adopt(settings: Settings, manifest: dict[str, Any] | None = None) -> Settings:
    """``settings`` with every index setting not given replaced by the one the index recorded.

    Args:
        settings: the settings as given.
        manifest: the index's manifest (default: read from ``settings.index_dir``; none: unchanged).
    """
    manifest = manifest if manifest is not None else _manifest(settings.index_dir)
    if manifest is None:
        return settings
    values = {k: v for k, v in recorded(manifest).items() if not settings.is_given(k) and getattr(settings, k) != v}
    if not values:
        return settings
    if values.get("chunk_overlap", settings.chunk_overlap) > values.get("chunk_tokens", settings.chunk_tokens) // 2:
        # A budget given too small for the recorded overlap: the overlap changes too (checked as given).
        values.pop("chunk_overlap", None)
    return settings.with_(**values, given=settings.given)


def changes(settings: Settings, manifest: dict[str, Any]) -> list[str]:
    """What building with ``settings`` would change in the index ``manifest`` describes, in words."""
    have = recorded(manifest)
    found = []
    if "model" in have and settings.model != have["model"]:
        found.append(f"it was built with the {have['model']} model; re-embedding it with {settings.model}")
    if settings.store != have["store"]:
        where = lambda s: "the index folder" if s == LOCAL_STORE else f"the Milvus store '{s}'"  # noqa: E731
        found.append(f"its chunks are in {where(have['store'])}; rebuilding it in {where(settings.store)}")
    for name, words in (("chunk_tokens", "chunk tokens"), ("chunk_overlap", "chunk overlap")):
        if name in have and getattr(settings, name) != have[name]:
            found.append(f"it was chunked with {words} {have[name]}; re-chunking it with {getattr(settings, name)}")
    return found


def check_changes(settings: Settings, manifest: dict[str, Any] | None, confirmed: bool) -> None:
    """Refuse to rebuild an index with other settings than it recorded, unless ``confirmed``.

    Raises:
        ConfigError: a given setting differs from the index's (``remedy="confirm"``).
    """
    if manifest is None or confirmed:
        return
    found = changes(settings, manifest)
    if found:
        raise ConfigError(f"index '{settings.index_dir}': " + "; ".join(found), remedy="confirm")
