"""Index generations on disk: written beside the current one, committed by a manifest swap, cleaned.

A build writes a new generation folder beside the current one, then replaces ``manifest.json`` with
a rename. Readers always see either the old or the new manifest, and the generation it names is
complete, so a crash or Ctrl-C at any moment leaves a loadable index. Every data file is checked
against the hash the manifest records when it is read (:func:`read_data_file`).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from ..errors import IndexCorruptError, ParisqaError
from .layout import BUILD_PREFIX, EXTRA_NAME, GEN_NAME, GEN_PREFIX, MANIFEST, MANIFEST_TMP_GLOB, manifest_tmp_name
from .manifest import read_manifest


def read_data_file(index_dir: Path, manifest: dict[str, Any], name: str) -> bytes:
    """The verified bytes of data file ``name`` of the generation ``manifest`` names.

    Raises:
        IndexCorruptError: the file is missing or does not match the manifest.
    """
    entry = (manifest.get("data") or {}).get(name)
    if entry is None:
        raise IndexCorruptError(
            f"index '{index_dir}' has no {name}; it was built by an older parisqa", remedy="rebuild"
        )
    return verified_bytes(Path(index_dir) / manifest["generation"], name, entry, Path(index_dir))


def verified_bytes(gen_dir: Path, name: str, entry: dict[str, Any], index_dir: Path) -> bytes:
    path = gen_dir / name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise IndexCorruptError(
            f"index '{index_dir}' is damaged: {path.relative_to(index_dir)} is missing", remedy="rebuild"
        ) from None
    except OSError as exc:
        raise IndexCorruptError(f"cannot read '{path}' ({exc.strerror}); check its permissions") from None
    if (
        not isinstance(entry, dict)
        or len(data) != entry.get("size")
        or hashlib.sha256(data).hexdigest() != entry.get("sha256")
    ):
        raise IndexCorruptError(
            f"index '{index_dir}' is damaged: {path.relative_to(index_dir)} does not match its "
            "manifest (truncated or modified)",
            remedy="rebuild",
        )
    return data


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise  # some file systems cannot flush a folder; the renames are still atomic there
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> dict[str, Any]:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def new_generation_name() -> str:
    """A fresh generation name (``gen-<time>-<random>``), as the manifest records it."""
    return f"{GEN_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"


def write_generation(
    index_dir: Path,
    manifest: dict[str, Any],
    files: dict[str, bytes],
    *,
    chunks: int,
    generation: str | None = None,
) -> str:
    """Write a generation folder of named ``files``, then swap in ``manifest`` naming it; return its name.

    The one commit point of every store: for the local store ``files`` are the whole index (see
    :func:`write_index`); for a Milvus store, whose rows are already in the collections the manifest
    names, only the small files kept beside them.

    Raises:
        ValueError: a file name is not a plain file name.
        ParisqaError: writing failed (disk full, permissions); the previous index is untouched.
    """
    index_dir = Path(index_dir)
    for name in files:
        if not EXTRA_NAME.fullmatch(name):
            raise ValueError(f"index file name must be a plain file name, got {name!r}")
    generation = generation or new_generation_name()
    if not GEN_NAME.fullmatch(generation):
        raise ValueError(f"generation must be 'gen-' then letters, digits, '-' or '_', got {generation!r}")
    build_dir = index_dir / f"{BUILD_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    swapped = False
    try:
        build_dir.mkdir(parents=True)
        data = {name: _write_file(build_dir / name, payload) for name, payload in files.items()}
        _fsync_dir(build_dir)
        os.rename(build_dir, index_dir / generation)
        # The generation's rename must be on disk before the manifest that names it: after a power
        # loss the two renames could otherwise land in either order.
        _fsync_dir(index_dir)
        full = dict(manifest, generation=generation, chunks=chunks, data=data)
        tmp = index_dir / manifest_tmp_name(secrets.token_hex(4))
        _write_file(tmp, json.dumps(full, indent=1, ensure_ascii=False).encode("utf-8"))
        os.replace(tmp, index_dir / MANIFEST)  # the commit point
        swapped = True
        _fsync_dir(index_dir)
    except OSError as exc:
        if not swapped:
            _discard(index_dir, build_dir, generation)
        raise ParisqaError(_write_error(index_dir, exc, swapped)) from None
    except BaseException:
        # Ctrl-C or an unexpected error: leave the index as it was (a kill leaves the same state,
        # and the next build removes what is left).
        if not swapped:
            _discard(index_dir, build_dir, generation)
        raise
    return generation


def _discard(index_dir: Path, build_dir: Path, generation: str) -> None:
    """Remove what an unfinished write left, unless the manifest already names it."""
    shutil.rmtree(build_dir, ignore_errors=True)
    try:
        current = read_manifest(index_dir)
    except IndexCorruptError:
        current = None
    if current is None or current.get("generation") != generation:
        shutil.rmtree(index_dir / generation, ignore_errors=True)
    for leftover in index_dir.glob(MANIFEST_TMP_GLOB):
        leftover.unlink(missing_ok=True)


def _write_error(index_dir: Path, exc: OSError, swapped: bool) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        hint = "free some disk space"
    elif exc.errno == errno.EFBIG:
        hint = "raise the file size limit (ulimit -f) or use another --index folder"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "check the folder's permissions"
    else:
        hint = "check the disk"
    if swapped:
        return (
            f"the new index in '{index_dir}' is in place but could not be flushed to disk "
            f"({exc.strerror or exc}); {hint}"
        )
    return (
        f"could not write the index to '{index_dir}' ({exc.strerror or exc}); {hint} and run "
        "`parisqa index` again; the previous index is intact"
    )


def remove_stale(index_dir: Path, keep: int = 2) -> None:
    """Remove leftover build folders and all but the newest ``keep`` generations (current included).

    Call only while holding the write lock.
    """
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return
    manifest = None
    try:
        manifest = read_manifest(index_dir)
    except IndexCorruptError:
        pass
    current = manifest.get("generation") if manifest else None
    for leftover in index_dir.glob(f"{BUILD_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in index_dir.glob(MANIFEST_TMP_GLOB):
        leftover.unlink(missing_ok=True)
    generations = sorted(
        (p for p in index_dir.glob(f"{GEN_PREFIX}*") if p.is_dir()), key=lambda p: p.stat().st_mtime_ns
    )
    others = [g for g in generations if g.name != current]
    keep_others = max(0, keep - (1 if current else 0))
    for old in others[: len(others) - keep_others] if keep_others else others:
        shutil.rmtree(old, ignore_errors=True)
