"""The vector index: exact below a size, IVF above it, and either one reads back every vector."""

import numpy as np
import pytest

from parisqa.index import vectors
from parisqa.index.build import build_index
from parisqa.index.store import load_index, read_manifest

EXTRA = "Lyon Robotics Notes\nLyon hosts a growing robotics cluster around its universities.\n"


def _clustered(n, dim=32, clusters=40, seed=0):
    """Unit vectors in clusters, like embeddings of texts on a handful of topics."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((clusters, dim))
    x = centres[rng.integers(0, clusters, n)] + 0.35 * rng.standard_normal((n, dim))
    x = x.astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_plan_is_exact_up_to_the_threshold_then_ivf():
    assert vectors.plan(0)["type"] == vectors.plan(vectors.FLAT_MAX_VECTORS)["type"] == "IndexFlatIP"
    ivf = vectors.plan(1_000_000)
    assert ivf["type"] == "IndexIVFFlat"
    params = ivf["params"]
    assert params["nlist"] == 2000 and 16 <= params["nprobe"] < params["nlist"]
    assert params["train_vectors"] <= 1_000_000 and params["direct_map"] == "array"
    small = vectors.plan(vectors.FLAT_MAX_VECTORS + 1)["params"]
    assert small["nlist"] * 39 <= vectors.FLAT_MAX_VECTORS + 1
    with pytest.raises(ValueError, match="count must be at least 0, got -1"):
        vectors.plan(-1)


def test_ivf_round_trip_keeps_vectors_params_and_recall(monkeypatch):
    monkeypatch.setattr(vectors, "FLAT_MAX_VECTORS", 500)
    x = _clustered(6000)
    index, info = vectors.build(x)
    assert info["type"] == "IndexIVFFlat" and info["params"]["centroids"] == "trained"
    loaded = vectors.deserialize(vectors.serialize(index))
    assert loaded.nprobe == info["params"]["nprobe"] and loaded.ntotal == len(x)
    assert np.array_equal(vectors.all_vectors(loaded), x)
    assert np.array_equal(loaded.reconstruct(1234), x[1234])

    queries = _clustered(50, seed=1)
    exact = vectors.build(x[:400])[0]  # below the threshold: flat
    assert vectors.plan(400)["type"] == "IndexFlatIP"
    flat = type(exact)(x.shape[1])
    flat.add(x)
    _, truth = flat.search(queries, 10)
    found = [vectors.search(loaded, q[None, :], 10)[1][0] for q in queries]
    recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found)])
    assert recall >= 0.9


def test_rebuild_reuses_trained_centroids(monkeypatch):
    monkeypatch.setattr(vectors, "FLAT_MAX_VECTORS", 500)
    x = _clustered(6000)
    first, _ = vectors.build(x)
    second, info = vectors.build(np.concatenate([x, _clustered(10, seed=3)]), previous=first)
    assert info["params"]["centroids"] == "reused"
    assert np.array_equal(vectors.all_vectors(second.quantizer), vectors.all_vectors(first.quantizer))
    assert second.ntotal == 6010


def test_index_type_follows_size_without_re_embedding(settings, corpus, embedder, monkeypatch):
    first = build_index(settings, embedder=embedder)
    assert read_manifest(settings.index_dir)["faiss"]["type"] == "IndexFlatIP"
    # Lower the threshold under the corpus size: the next build switches type, embedding only the new file.
    monkeypatch.setattr(vectors, "FLAT_MAX_VECTORS", first.chunks)
    (corpus / "lyon.txt").write_text(EXTRA, encoding="utf-8")
    second = build_index(settings, embedder=embedder)
    assert second.embedded == second.chunks - first.chunks
    manifest = read_manifest(settings.index_dir)
    assert manifest["faiss"]["type"] == "IndexIVFFlat" and manifest["faiss"]["params"]["nprobe"] >= 1
    index = load_index(settings.index_dir)
    assert index.vectors.ntotal == len(index.chunks) == second.chunks
    original = embedder.encode([index.chunks[0].embed_text])[0]
    assert float(index.vectors.reconstruct(0) @ original) > 0.9999
    (corpus / "lyon.txt").unlink()
    third = build_index(settings, embedder=embedder)
    assert third.embedded == 0
    assert read_manifest(settings.index_dir)["faiss"]["type"] == "IndexFlatIP"
