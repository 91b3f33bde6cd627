"""The embedder's two backends: the ONNX export reproduces sentence-transformers and keeps torch out."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from parisqa.embed import onnx as onnxmodel
from parisqa.embed.encoder import Embedder
from parisqa.embed.model import model_info

TEXTS = [
    "Why is ethical AI important?",
    "Paris hosts VivaTech, one of Europe's largest technology conferences, every June.",
    "Ça coûte cher à Zürich — naïve résumé",
    " ".join(["Long text beyond the model's 256 word-piece window keeps only its start."] * 50),
    "x",
]


def _cosines(a, b):
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_onnx_embeddings_match_sentence_transformers(onnx_cache, embedder):
    assert embedder.backend == "torch"
    onnx = Embedder(cache_dir=onnx_cache, batch_size=2)  # small batches: padding differs per batch
    reference = embedder.encode(TEXTS)
    got = onnx.encode(TEXTS)
    assert onnx.backend == "onnx"
    assert got.dtype == np.float32 and got.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert _cosines(got, reference).min() >= 0.9999
    single = np.concatenate([onnx.encode([t]) for t in TEXTS])
    assert _cosines(single, reference).min() >= 0.9999
    assert onnx.encode([]).shape == (0, 384)


def test_cache_records_what_it_was_checked_against(onnx_cache):
    folder = onnxmodel.cache_folder(onnx_cache, model_info().weights_sha256)
    meta = json.loads((folder / onnxmodel.META_FILE).read_text())
    assert meta["weights_sha256"] == model_info().weights_sha256
    assert meta["onnx_size"] == (folder / onnxmodel.MODEL_FILE).stat().st_size
    assert meta["min_cosine"] >= onnxmodel.MIN_COSINE
    assert len(meta["reference"]["vectors"]) == len(onnxmodel.PROBES)


@pytest.mark.parametrize("damage", ["truncate", "reference", "weights"])
def test_damaged_or_foreign_cache_is_refused(onnx_cache, tmp_path, damage):
    cache = tmp_path / "cache"
    shutil.copytree(onnx_cache, cache)
    folder = onnxmodel.cache_folder(cache, model_info().weights_sha256)
    meta_path = folder / onnxmodel.META_FILE
    meta = json.loads(meta_path.read_text())
    if damage == "truncate":
        data = (folder / onnxmodel.MODEL_FILE).read_bytes()
        (folder / onnxmodel.MODEL_FILE).write_bytes(data[: len(data) // 2])
        match = "does not match its recorded hash"
    elif damage == "reference":
        meta["reference"]["vectors"][0] = [-v for v in meta["reference"]["vectors"][0]]
        match = "does not reproduce"
    else:
        meta["weights_sha256"] = "0" * 64
        match = "other weights"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(onnxmodel.OnnxUnavailable, match=match):
        onnxmodel.load(cache, model_info(), Embedder().folder)


def test_a_cache_onnxruntime_cannot_load_is_refused_not_raised(onnx_cache, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(onnx_cache, cache)
    folder = onnxmodel.cache_folder(cache, model_info().weights_sha256)
    meta = json.loads((folder / onnxmodel.META_FILE).read_text())
    garbage = b"not an onnx model"
    (folder / onnxmodel.MODEL_FILE).write_bytes(garbage)
    meta.update(onnx_size=len(garbage), onnx_sha256=hashlib.sha256(garbage).hexdigest())
    (folder / onnxmodel.META_FILE).write_text(json.dumps(meta))
    with pytest.raises(onnxmodel.OnnxUnavailable, match="cannot load"):
        onnxmodel.load(cache, model_info(), Embedder().folder)


def test_working_folders_of_killed_exports_are_removed_when_stale(tmp_path):
    old, fresh = tmp_path / ".export-1-aaaa", tmp_path / ".export-2-bbbb"
    for folder in (old, fresh):
        folder.mkdir()
        (folder / onnxmodel.MODEL_FILE).write_bytes(b"x")
    os.utime(old, (0, 0))
    onnxmodel.remove_stale_exports(tmp_path)
    assert not old.exists() and fresh.exists()  # a young one may belong to an export in progress


def test_failed_export_falls_back_to_torch_once(tmp_path, embedder, monkeypatch, caplog):
    calls = []

    def failing_export(*args, **kwargs):
        calls.append(1)
        raise onnxmodel.OnnxUnavailable("ONNX export failed: simulated")

    monkeypatch.setattr(onnxmodel, "export", failing_export)
    first = Embedder(cache_dir=tmp_path / "cache")
    vectors = first.encode(TEXTS[:2])
    assert first.backend == "torch" and "simulated" in first.fallback_reason
    assert "simulated" in caplog.text
    assert _cosines(vectors, embedder.encode(TEXTS[:2])).min() >= 0.9999
    second = Embedder(cache_dir=tmp_path / "cache")
    second.warm_up()
    assert second.backend == "torch" and len(calls) == 1  # the failure is remembered, not retried
    with pytest.raises(Exception, match="ONNX embedding backend is unavailable.*simulated"):
        Embedder(cache_dir=tmp_path / "cache", backend="onnx").warm_up()


def test_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="backend must be one of auto, onnx, torch, got 'tf'"):
        Embedder(backend="tf")


ASK_WITHOUT_TORCH = textwrap.dedent(
    """
    import json, sys
    from parisqa.api import Engine
    engine = Engine(auto_build=False)
    answer = engine.ask("Why is ethical AI important?")
    heavy = [m for m in ("torch", "sentence_transformers", "transformers") if m in sys.modules]
    print(json.dumps({"backend": engine.embedder.backend, "heavy": heavy, "cited": len(answer.citations)}))
    """
)


def test_ask_with_cached_export_never_imports_torch(onnx_cache, seed_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(seed_index / "index", index)
    # The session's shared cache may be mid-export by another test: use a copy of the checked one.
    shutil.copytree(onnx_cache, tmp_path / "cache")
    env = dict(
        os.environ,
        PARISQA_INDEX=str(index),
        PARISQA_CORPUS=str(seed_index / "corpus"),
        PARISQA_MODEL_CACHE=str(tmp_path / "cache"),
    )
    result = subprocess.run(
        [sys.executable, "-c", ASK_WITHOUT_TORCH], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"backend": "onnx", "heavy": [], "cited": report["cited"]} and report["cited"] > 0


def test_model_cache_is_per_user_and_overridable(monkeypatch, tmp_path):
    """Issue 17: each new --index folder re-exported the model; the cache is one folder per user."""
    from parisqa.embed.model import model_cache_dir

    monkeypatch.setenv("PARISQA_MODEL_CACHE", str(tmp_path / "mine"))
    assert model_cache_dir() == tmp_path / "mine"
    monkeypatch.delenv("PARISQA_MODEL_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert model_cache_dir() == tmp_path / "xdg" / "parisqa"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if sys.platform.startswith("linux"):
        assert model_cache_dir() == tmp_path / "home" / ".cache" / "parisqa"


def test_two_index_folders_share_one_export(onnx_cache, seed_index, tmp_path):
    """A second index folder loads the export the first one made: no second export, still checked."""
    shutil.copytree(onnx_cache, tmp_path / "cache")
    shutil.copytree(seed_index / "corpus", tmp_path / "corpus")
    env = dict(os.environ, PARISQA_CORPUS=str(tmp_path / "corpus"), PARISQA_MODEL_CACHE=str(tmp_path / "cache"))
    for name in ("index-a", "index-b"):
        shutil.copytree(seed_index / "index", tmp_path / name)
        result = subprocess.run(
            [sys.executable, "-c", ASK_WITHOUT_TORCH],
            capture_output=True,
            text=True,
            env=dict(env, PARISQA_INDEX=str(tmp_path / name)),
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout.strip().splitlines()[-1])["backend"] == "onnx"  # torch never loaded
        assert not (tmp_path / name / ".model-cache").exists()
    hint = json.loads((tmp_path / "cache" / "weights.json").read_text())
    assert hint["weights_sha256"] == model_info().weights_sha256
