"""The manifest of an index: reading it, checking its shape, and comparing it with the settings.

``manifest.json`` is the commit point of every build (see :mod:`parisqa.index.generations`): it names
the generation in use and records the settings, the model and every file's hash and language.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import IndexCorruptError, IndexMismatchError
from .layout import GEN_NAME, MANIFEST

# What must be equal between an index and the current settings for the index to be usable.
_CHECKED = ("schema_version", "encoding", "chunking")
CHECKED_MODEL_KEYS = ("name", "dimension", "weights_sha256")


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The manifest of ``index_dir``, or ``None`` when there is no index there yet.

    Raises:
        IndexCorruptError: the manifest exists but is not a valid manifest.
    """
    path = Path(index_dir) / MANIFEST
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise IndexCorruptError(f"cannot read '{path}' ({exc.strerror}); check its permissions") from None
    try:
        manifest = json.loads(raw)
        _check_shape(manifest)
    except (ValueError, RecursionError):
        raise IndexCorruptError(f"index manifest '{path}' is damaged", remedy="rebuild") from None
    return manifest


def known_model(index_dir: Path) -> dict[str, Any] | None:
    """What the manifest of ``index_dir`` records about the model, or ``None`` (no or unreadable index).

    Offered to the embedder so unchanged weights need no re-hashing.
    """
    try:
        manifest = json.loads((Path(index_dir) / MANIFEST).read_bytes())
        return manifest.get("model") if isinstance(manifest, dict) else None
    except (OSError, ValueError):
        return None


def _check_shape(manifest: Any) -> None:
    """Raise ``ValueError`` unless ``manifest`` has the types the code reading it relies on.

    A manifest edited by hand or by an attacker must give a clear "damaged" message, never a
    ``TypeError`` deep inside a build or a path outside the index folder.
    """
    if not isinstance(manifest, dict):
        raise ValueError("not an object")
    if not isinstance(manifest.get("generation"), str) or not GEN_NAME.fullmatch(manifest["generation"]):
        raise ValueError("bad generation name")
    for key in ("files", "skipped", "data"):
        table = manifest.get(key, {})
        if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
            raise ValueError(f"bad {key}")
    if "files" not in manifest:
        raise ValueError("no files")
    for key in ("model", "chunking", "faiss", "store"):
        if not isinstance(manifest.get(key, {}), dict):
            raise ValueError(f"bad {key}")
    for entry in manifest["files"].values():
        if not isinstance(entry.get("chunks", []), list):
            raise ValueError("bad file chunk list")
    if not isinstance(manifest.get("chunks", 0), int):
        raise ValueError("bad chunk count")


def store_of(manifest: dict[str, Any]) -> str:
    """Where an index's chunks live: ``"local"`` (its folder) or the Milvus URI its manifest names."""
    entry = manifest.get("store") or {}
    return str(entry.get("uri")) if entry.get("kind") == "milvus" else "local"


def mismatches(manifest: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Differences between an index's manifest and the current settings, as readable phrases."""
    found = []
    if store_of(manifest) != store_of(expected):
        found.append(f"store is {store_of(manifest)!r} in the index but {store_of(expected)!r} now")
    for key in _CHECKED:
        if manifest.get(key) != expected.get(key):
            found.append(f"{key} is {manifest.get(key)!r} in the index but {expected.get(key)!r} now")
    have, want = manifest.get("model") or {}, expected.get("model") or {}
    for key in CHECKED_MODEL_KEYS:
        if have.get(key) != want.get(key):
            found.append(f"model {key} is {have.get(key)!r} in the index but {want.get(key)!r} now")
    return found


def check_compatible(manifest: dict[str, Any], expected: dict[str, Any], index_dir: Path) -> None:
    """Raise :class:`IndexMismatchError` when the index was built with other settings."""
    found = mismatches(manifest, expected)
    if found:
        raise IndexMismatchError(
            f"index '{index_dir}' was built with other settings ({'; '.join(found)})", remedy="rebuild"
        )


def file_language(manifest: dict[str, Any], source: str) -> str:
    """The language a file is analysed as (``en`` or ``fr``), from its manifest entry (default ``en``)."""
    entry = (manifest.get("files") or {}).get(source) or {}
    return "fr" if entry.get("language") == "fr" else "en"


def file_languages(manifest: dict[str, Any]) -> list[str]:
    """The analysed languages of an index's files, English first."""
    found = {file_language(manifest, source) for source in manifest.get("files") or {}}
    return ["en"] + sorted(found - {"en"})
