"""An embedder that remembers: texts embedded once (by the real model) are never embedded again.

Used only to *prepare* the large benchmark indexes (10k, 100k chunks): the query benchmarks need an
index of that size, not the hour it takes to embed it on two cores each run. Build throughput is
measured separately, with the real model on every text.

Store layout (``benchmarks/work/vectors/<weights sha256[:16]>/``): ``keys.txt`` (one sha256 of a
text per line) and ``vectors.f32`` (float32 rows, same order), appended as new texts come.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class VectorCache:
    """Text → vector store on disk, appended to as it grows."""

    def __init__(self, folder: Path, dimension: int = 384) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.dimension = dimension
        self._keys_path = self.folder / "keys.txt"
        self._vecs_path = self.folder / "vectors.f32"
        keys = self._keys_path.read_text().split() if self._keys_path.exists() else []
        vecs = (
            np.fromfile(self._vecs_path, dtype=np.float32).reshape(-1, dimension)
            if self._vecs_path.exists()
            else np.zeros((0, dimension), np.float32)
        )
        n = min(len(keys), len(vecs))  # a run killed mid-append leaves at most a ragged tail
        self._rows = {k: i for i, k in enumerate(keys[:n])}
        self._vectors = [vecs[:n]]
        self._count = n
        if n != len(keys) or n != len(vecs):
            self._keys_path.write_text("".join(k + "\n" for k in keys[:n]))
            vecs[:n].tofile(self._vecs_path)

    def __len__(self) -> int:
        return self._count

    def all_vectors(self) -> np.ndarray:
        if len(self._vectors) > 1:
            self._vectors = [np.concatenate(self._vectors)]
        return self._vectors[0]

    def lookup(self, texts: list[str]) -> tuple[np.ndarray, list[int]]:
        """Vectors for ``texts`` (zeros where unknown) and the positions that are unknown."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        missing = []
        table = self.all_vectors()
        for i, text in enumerate(texts):
            row = self._rows.get(_key(text))
            if row is None:
                missing.append(i)
            else:
                out[i] = table[row]
        return out, missing

    def add(self, texts: list[str], vectors: np.ndarray) -> None:
        keys = [_key(t) for t in texts]
        fresh = [(k, v) for k, v in zip(keys, vectors) if k not in self._rows]
        if not fresh:
            return
        block = np.ascontiguousarray(np.stack([v for _, v in fresh]), dtype=np.float32)
        with open(self._vecs_path, "ab") as fh:
            block.tofile(fh)
        with open(self._keys_path, "a") as fh:
            fh.write("".join(k + "\n" for k, _ in fresh))
        for k, _ in fresh:
            self._rows[k] = self._count
            self._count += 1
        self._vectors.append(block)


class CachingEmbedder:
    """Stands in for :class:`parisqa.embed.encoder.Embedder`; embeds only texts the cache lacks.

    Args:
        inner: the real embedder, called for texts not in the cache (in slices, saved as it goes).
        cache: the store.
        slice_size: texts embedded between two saves, so an interrupted preparation resumes.
        synthesize: give texts the cache lacks a synthetic vector (:func:`synthetic_vectors`)
            instead of running the model: for indexes whose size matters, not their answers.
    """

    def __init__(self, inner, cache: VectorCache, slice_size: int = 2048, log=None, synthesize: bool = False) -> None:
        self.inner = inner
        self.cache = cache
        self.slice_size = slice_size
        self.log = log or (lambda message: None)
        self.synthesize = synthesize
        self.embedded = 0
        self.synthesized = 0

    @property
    def loaded(self) -> bool:
        return True

    @property
    def backend(self) -> str:
        return f"cache+{self.inner.backend}"

    def warm_up(self) -> None:
        pass

    def offer_cache_dir(self, path) -> None:
        self.inner.offer_cache_dir(path)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Questions (the build's null-score questions) go through the cache like any text."""
        return self.encode(texts)

    def encode(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        out, missing = self.cache.lookup(texts)
        if missing and self.synthesize:
            out[missing] = synthetic_vectors([texts[i] for i in missing], self.cache.all_vectors())
            self.synthesized += len(missing)
            return out
        if missing:
            self.log(f"embedding {len(missing):,} new texts ({len(texts) - len(missing):,} cached)")
        for start in range(0, len(missing), self.slice_size):
            rows = missing[start : start + self.slice_size]
            batch = [texts[i] for i in rows]
            vectors = self.inner.encode(batch)
            out[rows] = vectors
            self.cache.add(batch, vectors)
            self.embedded += len(rows)
            self.log(f"  {min(start + self.slice_size, len(missing)):,}/{len(missing):,}")
        return out


def perturbed(base: np.ndarray, count: int, seed: int, noise: float = 0.25) -> np.ndarray:
    """``count`` unit vectors with the structure of real embeddings: each is a real vector plus
    0.3 × another real vector plus Gaussian noise of norm about ``noise``, normalised. Neighbours
    are then as close as real near-duplicates are, and topics stay clustered as in ``base``."""
    rng = np.random.default_rng(seed)
    dim = base.shape[1]
    out = np.empty((count, dim), dtype=np.float32)
    for start in range(0, count, 100_000):
        n = min(100_000, count - start)
        block = base[rng.integers(0, len(base), n)] + 0.3 * base[rng.integers(0, len(base), n)]
        block += rng.standard_normal((n, dim), dtype=np.float32) * (noise / np.sqrt(dim))
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start : start + n] = block
    return out


def synthetic_vectors(texts: list[str], base: np.ndarray) -> np.ndarray:
    """Deterministic stand-in vectors for ``texts`` (seeded by each text's hash), built from ``base``."""
    if len(base) == 0:
        raise ValueError("the vector cache is empty: embed a real corpus first (the 10k level)")
    out = np.empty((len(texts), base.shape[1]), dtype=np.float32)
    for i, text in enumerate(texts):
        seed = int(_key(text)[:12], 16)
        out[i] = perturbed(base, 1, seed)[0]
    return out
