"""The index on disk: a folder of named files plus ``manifest.json``, written atomically.

The folder's layout (every file name) is in :mod:`parisqa.index.layout`.

A build writes a new generation folder beside the current one, then replaces ``manifest.json`` with
a rename. Readers always see either the old or the new manifest, and the generation it names is
complete, so a crash or Ctrl-C at any moment leaves a loadable index. Everything loaded is data (JSON,
FAISS's binary format), never pickle.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from ..corpus.sentences import SentenceTable
from ..corpus.terms import terms
from ..errors import IndexBusyError, IndexCorruptError, IndexMismatchError, IndexMissingError, ParisqaError
from ..records import Chunk
from . import vectors as vector_index
from .layout import (
    BM25_MATRIX,
    BM25_VOCAB,
    BUILD_PREFIX,
    CHUNKS,
    EXTRA_NAME,
    GEN_NAME,
    GEN_PREFIX,
    LOCK,
    MANIFEST,
    MANIFEST_TMP_GLOB,
    NULL_SCORES,
    SENTENCES,
    VECTORS,
    manifest_tmp_name,
)
from .lexical import Bm25Index

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

# What must be equal between an index and the current settings for the index to be usable.
_CHECKED = ("schema_version", "encoding", "chunking")
CHECKED_MODEL_KEYS = ("name", "dimension", "weights_sha256")


@dataclass(eq=False)
class LoadedIndex:
    """An index generation read from disk: chunks, vectors, BM25 index and sentence table, ready to query.

    The chunks and vectors are read and verified on load; the BM25 index and the sentence table on
    first use (:meth:`load_search`), so a build that only reuses the previous index's vectors does
    not pay for them. A query then costs one embedding, one FAISS search and one BM25 scoring, plus
    work proportional to the few candidates kept.
    """

    path: Path
    manifest: dict[str, Any]
    chunks: Sequence[Chunk]  # a ChunkList: records decode on first access
    vectors: Any  # faiss.Index
    _bm25: Bm25Index | None = field(default=None, repr=False)
    _sentences: SentenceTable | None = field(default=None, repr=False)
    _null_scores: dict[str, Any] | None = field(default=None, repr=False)
    _faq_questions: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    _term_cache: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)
    _search_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    kind = "local"

    @property
    def generation(self) -> str:
        return str(self.manifest["generation"])

    @property
    def size(self) -> int:
        """Number of chunks."""
        return len(self.chunks)

    def for_hits(self, hits: Sequence[Any]) -> LoadedIndex:
        """The answer step's tables for ``hits``: the whole loaded index (hit rows are its rows)."""
        return self

    def read_extra(self, name: str) -> bytes:
        """The verified bytes of an extra data file written with this generation.

        Raises:
            IndexCorruptError: the file is missing or does not match the manifest.
        """
        return read_data_file(self.path, self.manifest, name)

    def load_search(self) -> LoadedIndex:
        """Read the BM25 index and the sentence table now (once); returns ``self``.

        Raises:
            IndexCorruptError: they are missing, damaged, or in a format this parisqa cannot read.
        """
        if self._sentences is not None:
            return self
        with self._search_lock:
            if self._sentences is None:
                try:
                    bm25 = Bm25Index.from_bytes(self.read_extra(BM25_MATRIX), self.read_extra(BM25_VOCAB))
                    sentences = SentenceTable.from_bytes(self.read_extra(SENTENCES))
                except (ValueError, KeyError, TypeError) as exc:  # hashes matched, but not this version's arrays
                    raise IndexCorruptError(
                        f"index '{self.path}' holds search data this parisqa cannot read ({exc})", remedy="rebuild"
                    ) from None
                self._null_scores = self._read_null_scores()
                self._bm25 = bm25
                self._sentences = sentences
        return self

    @property
    def bm25(self) -> Bm25Index:
        """The BM25 index (read on first use)."""
        self.load_search()
        assert self._bm25 is not None
        return self._bm25

    @property
    def sentences(self) -> SentenceTable:
        """The sentence table (read on first use)."""
        self.load_search()
        assert self._sentences is not None
        return self._sentences

    @property
    def null_scores(self) -> dict[str, Any] | None:
        """The corpus's null score statistics (:mod:`parisqa.index.nullscores`), read with the search data.

        None for an index built before them (the answering step then uses defaults).
        """
        self.load_search()
        return self._null_scores

    def _read_null_scores(self) -> dict[str, Any] | None:
        from . import nullscores

        if NULL_SCORES not in (self.manifest.get("data") or {}):
            return None
        data = self.read_extra(NULL_SCORES)  # a damaged file is reported, as for every other data file
        try:
            return nullscores.from_bytes(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise IndexCorruptError(
                f"index '{self.path}' holds null score statistics this parisqa cannot read ({exc})", remedy="rebuild"
            ) from None

    def faq_questions(self) -> tuple[np.ndarray, np.ndarray]:
        """Chunk rows and unit embeddings of the FAQ questions (one per FAQ chunk), built once."""
        if self._faq_questions is None:
            import numpy as np

            table = self.sentences
            rows = np.flatnonzero(table.question)
            self._faq_questions = (
                table.chunk[rows].astype(np.int64),
                np.ascontiguousarray(table.vectors[rows], dtype=np.float32),
            )
        return self._faq_questions

    def chunk_vector(self, row: int) -> np.ndarray:
        return self.vectors.reconstruct(int(row))

    def language_of(self, source: str) -> str:
        """The language a file is analysed as (``en`` or ``fr``), from its manifest entry."""
        return file_language(self.manifest, source)

    @cached_property
    def languages(self) -> list[str]:
        """The analysed languages of the index's files, English first."""
        return file_languages(self.manifest)

    def chunk_terms(self, row: int) -> frozenset[str]:
        """Content terms of a chunk's embedded text (heading path + text), in its file's language, cached."""
        cached = self._term_cache.get(row)
        if cached is None:
            chunk = self.chunks[row]
            cached = frozenset(terms(chunk.embed_text, self.language_of(chunk.source)))
            if len(self._term_cache) > 50_000:
                self._term_cache.clear()
            self._term_cache[row] = cached
        return cached


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
    return _verified_bytes(Path(index_dir) / manifest["generation"], name, entry, Path(index_dir))


def _verified_bytes(gen_dir: Path, name: str, entry: dict[str, Any], index_dir: Path) -> bytes:
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


def load_index(index_dir: Path, expected: dict[str, Any] | None = None) -> LoadedIndex:
    """Read and verify the index in ``index_dir``.

    Args:
        index_dir: the index folder.
        expected: the current settings in manifest form; when given, an index built with other
            settings is refused.

    Raises:
        IndexMissingError: there is no index.
        IndexCorruptError: a file is missing, truncated or altered.
        IndexMismatchError: the index was built with other settings.
    """
    index_dir = Path(index_dir)
    for attempt in range(3):
        manifest = read_manifest(index_dir)
        if manifest is None:
            raise IndexMissingError(f"no index in '{index_dir}'", remedy="build")
        if expected is not None:
            check_compatible(manifest, expected, index_dir)
        if store_of(manifest) != "local":
            raise IndexMismatchError(
                f"index '{index_dir}' keeps its chunks in the Milvus store '{store_of(manifest)}', not in its folder",
                remedy="rebuild",
            )
        try:
            return _load_generation(index_dir, manifest)
        except IndexCorruptError:
            # A concurrent build may have swapped in a new generation and removed ours between
            # reading the manifest and its files; read the manifest again before giving up.
            latest = read_manifest(index_dir)
            if attempt == 2 or latest is None or latest.get("generation") == manifest.get("generation"):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _load_generation(index_dir: Path, manifest: dict[str, Any]) -> LoadedIndex:
    generation = manifest["generation"]
    if not isinstance(generation, str) or not GEN_NAME.fullmatch(generation):
        raise IndexCorruptError(f"index manifest '{index_dir / MANIFEST}' is damaged", remedy="rebuild")
    gen_dir = index_dir / generation
    data = manifest.get("data") or {}
    try:
        chunk_bytes = _verified_bytes(gen_dir, CHUNKS, data[CHUNKS], index_dir)
        vector_bytes = _verified_bytes(gen_dir, VECTORS, data[VECTORS], index_dir)
    except KeyError:
        raise IndexCorruptError(f"index manifest '{index_dir / MANIFEST}' is damaged", remedy="rebuild") from None
    try:
        chunks = parse_chunks(chunk_bytes)
        vectors = vector_index.deserialize(vector_bytes)
    except (ValueError, KeyError, TypeError, RuntimeError, RecursionError):
        raise IndexCorruptError(
            f"index '{index_dir}' is damaged: {generation} cannot be read", remedy="rebuild"
        ) from None
    if vectors.ntotal != len(chunks) or len(chunks) != manifest.get("chunks"):
        raise IndexCorruptError(
            f"index '{index_dir}' is damaged: {len(chunks)} chunk records but {vectors.ntotal} vectors",
            remedy="rebuild",
        )
    dimension = (manifest.get("model") or {}).get("dimension")
    if dimension is not None and vectors.d != dimension:
        raise IndexCorruptError(
            f"index '{index_dir}' is damaged: its vectors have {vectors.d} dimensions but the manifest says "
            f"{dimension}",
            remedy="rebuild",
        )
    return LoadedIndex(index_dir, manifest, chunks, vectors)


def _json_codec() -> tuple[Callable[[bytes], Any], Callable[[Any], bytes]]:
    """orjson when installed: 3x faster to parse and 10x faster to write chunk records than json,
    which a 100k-chunk rebuild reads and writes in full. Both write the same compact UTF-8 JSON."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency
        return json.loads, lambda obj: json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return orjson.loads, orjson.dumps


_loads, _dumps = _json_codec()


class ChunkList(Sequence[Chunk]):
    """The chunk records of ``chunks.jsonl``, decoded when first read.

    Loading a 100k-chunk index then costs one scan for line ends instead of 100k JSON parses; a
    query reads only the few chunks it cites. The bytes were checked against the manifest's sha256
    before this is built, and the first and last records are decoded at once, so a wrong format
    still fails at load.
    """

    def __init__(self, data: bytes) -> None:
        import numpy as np

        raw = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(raw == 10)
        if len(data) and (not len(ends) or ends[-1] != len(data) - 1):
            ends = np.append(ends, len(data))
        starts = np.concatenate(([0], ends[:-1] + 1)) if len(ends) else ends
        keep = ends > starts
        self._data = data
        self._starts = starts[keep]
        self._ends = ends[keep]
        self._parsed: list[Chunk | None] = [None] * len(self._starts)
        if self._parsed:
            self[0], self[len(self) - 1]  # noqa: B018  (decode now: fail at load, not at query time)

    def __len__(self) -> int:
        return len(self._parsed)

    @overload
    def __getitem__(self, row: int) -> Chunk: ...
    @overload
    def __getitem__(self, row: slice) -> list[Chunk]: ...
    def __getitem__(self, row: int | slice) -> Chunk | list[Chunk]:
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        chunk = self._parsed[row]
        if chunk is None:
            line = self._data[int(self._starts[row]) : int(self._ends[row])]
            chunk = Chunk.from_dict(_loads(line))
            self._parsed[row] = chunk
        return chunk

    def __iter__(self) -> Iterator[Chunk]:
        for row in range(len(self)):
            yield self[row]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]


def parse_chunks(data: bytes) -> ChunkList:
    """The chunk records in the bytes of ``chunks.jsonl`` (one JSON object per line).

    Raises:
        ValueError, KeyError, TypeError: the bytes are not chunk records.
    """
    return ChunkList(data)


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


def write_index(
    index_dir: Path,
    manifest: dict[str, Any],
    chunks: list[Chunk],
    vectors: Any,
    extra: dict[str, bytes] | None = None,
) -> str:
    """Write a new generation and swap it in atomically; return its name.

    ``manifest`` is completed here with the generation name, chunk count and data-file hashes. The
    previous generation stays on disk (a reader may still be loading it) and is removed by a later
    write. ``extra`` holds further named data files (read back with :meth:`LoadedIndex.read_extra`).

    Raises:
        ValueError: an ``extra`` name is not a plain new file name.
        ParisqaError: writing failed (disk full, permissions); the previous index is untouched.
    """
    for name in extra or {}:
        if not EXTRA_NAME.fullmatch(name) or name in (CHUNKS, VECTORS):
            raise ValueError(f"extra index file name must be a plain new file name, got {name!r}")
    files = {
        CHUNKS: b"".join(_dumps(c.to_dict()) + b"\n" for c in chunks),
        VECTORS: vector_index.serialize(vectors),
        **(extra or {}),
    }
    return write_generation(index_dir, manifest, files, chunks=len(chunks))


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


@contextmanager
def write_lock(index_dir: Path, *, wait: float = 0.0, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index's write lock; only one process may build an index at a time.

    Args:
        index_dir: the index folder (created when missing).
        wait: seconds to wait for a lock held by someone else before giving up.
        on_wait: told once, with a message, when we have to wait.

    Raises:
        IndexBusyError: the lock is still held after ``wait`` seconds.
    """
    index_dir = Path(index_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ParisqaError(
            f"cannot create the index folder '{index_dir}' ({exc.strerror}); pass a writable --index DIR"
        ) from None
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _lock_holder(fd)
                message = f"another parisqa process{holder} is rebuilding the index in '{index_dir}'"
                if time.monotonic() >= deadline:
                    raise IndexBusyError(message, remedy="wait") from None
                if on_wait and not told:
                    on_wait(f"{message}; waiting for it to finish")
                    told = True
                time.sleep(0.1)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        except OSError:
            pass  # the pid only makes the "busy" message friendlier; a full disk must not stop here
        yield
    finally:
        os.close(fd)


def _lock_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""


def file_language(manifest: dict[str, Any], source: str) -> str:
    """The language a file is analysed as (``en`` or ``fr``), from its manifest entry (default ``en``)."""
    entry = (manifest.get("files") or {}).get(source) or {}
    return "fr" if entry.get("language") == "fr" else "en"


def file_languages(manifest: dict[str, Any]) -> list[str]:
    """The analysed languages of an index's files, English first."""
    found = {file_language(manifest, source) for source in manifest.get("files") or {}}
    return ["en"] + sorted(found - {"en"})
