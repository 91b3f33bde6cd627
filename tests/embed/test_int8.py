"""The minilm-int8 model: quantised from the fp32 export once, cached, checked, and another model to the index."""

from __future__ import annotations

import numpy as np
import pytest

from parisqa.config import Settings
from parisqa.embed import onnx as onnxmodel
from parisqa.embed.encoder import Embedder
from parisqa.embed.model import model_info
from parisqa.errors import ConfigError
from parisqa.index.build import build_index
from parisqa.index.store import read_manifest

TEXTS = [
    "Why is ethical AI important?",
    "Station F in Paris is the world's largest startup campus, home to more than a thousand startups.",
    "Worker bees forage for nectar and pollen; the queen lays up to two thousand eggs a day in spring.",
]


@pytest.fixture(scope="module")
def int8_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("int8-cache")


@pytest.fixture(scope="module")
def int8(int8_cache):
    model = Embedder(cache_dir=int8_cache, precision="int8")
    model.warm_up()
    return model


def test_int8_vectors_are_close_to_fp32_but_not_the_same(int8, int8_cache):
    fp32 = Embedder(cache_dir=int8_cache)
    a, b = fp32.encode(TEXTS), int8.encode(TEXTS)
    cosines = (a * b).sum(1)
    assert int8.backend == "onnx" and fp32.backend == "onnx"
    assert cosines.min() >= onnxmodel.MIN_COSINE_INT8
    assert not np.allclose(a, b, atol=1e-4)  # it is really the quantised model
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)


def test_the_int8_model_is_cached_and_a_damaged_one_is_made_again(int8, int8_cache):
    where = onnxmodel.cache_folder(int8_cache, model_info().weights_sha256)
    made = (where / onnxmodel.INT8_FILE).stat().st_mtime_ns
    Embedder(cache_dir=int8_cache, precision="int8").warm_up()
    assert (where / onnxmodel.INT8_FILE).stat().st_mtime_ns == made  # reused, not quantised again
    (where / onnxmodel.INT8_FILE).write_bytes(b"not a model")
    again = Embedder(cache_dir=int8_cache, precision="int8")
    vectors = again.encode(TEXTS)
    assert (vectors * int8.encode(TEXTS)).sum(1).min() > 0.9999
    assert (where / onnxmodel.INT8_FILE).stat().st_size > 1_000_000


def test_int8_is_its_own_model_in_the_manifest(int8, corpus, tmp_path, embedder):
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", model="minilm-int8")
    with pytest.raises(ConfigError, match="does not compute the 'minilm-int8' model"):
        build_index(settings, embedder=embedder)  # the fp32 embedder is refused for an int8 index
    build_index(settings, embedder=int8)
    model = read_manifest(settings.index_dir)["model"]
    assert model["choice"] == "minilm-int8" and model["name"].endswith("-int8") and model["precision"] == "int8"
    warnings: list[str] = []
    summary = build_index(
        settings.with_(model="minilm"), embedder=embedder, on_warning=warnings.append, rebuild=True
    )
    assert summary.embedded == summary.chunks  # another model: every chunk embedded again
    assert any("embedding every chunk again" in w for w in warnings)


def test_bad_precision_names_the_value():
    with pytest.raises(ValueError, match="precision must be one of fp32, int8, got 'int4'"):
        Embedder(precision="int4")
    with pytest.raises(ValueError, match="precision 'int8' runs on ONNX Runtime"):
        Embedder(backend="torch", precision="int8")


def test_the_process_wide_embedder_is_one_per_precision_however_it_is_asked_for():
    from parisqa.embed.choice import embedder_for
    from parisqa.embed.encoder import default_embedder

    assert default_embedder() is default_embedder("fp32") is embedder_for("minilm")
    assert default_embedder("int8") is embedder_for("minilm-int8") is not default_embedder()
