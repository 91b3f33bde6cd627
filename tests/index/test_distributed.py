"""The build on Ray Data (parisqa.index.distributed), against a real local Ray instance the tests start.

Skipped with a reason when Ray is not installed; ``PARISQA_REQUIRE_RAY=1`` (CI, which installs the
``ray`` extra) turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from pathlib import Path

import numpy as np
import pytest

from parisqa.config import Settings
from parisqa.corpus.sentences import SentenceTable
from parisqa.errors import DistributedBuildError, MissingDependencyError
from parisqa.index.build import build_index
from parisqa.index.layout import SENTENCES
from parisqa.index.store import load_index, read_manifest
from parisqa.index.vectors import all_vectors

ROOT = Path(__file__).resolve().parents[2]
BEEKEEPING = ROOT / "eval" / "collections" / "beekeeping" / "corpus"

pytestmark = pytest.mark.slow


def _ray():
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        reason = "Ray Data is not installed (pip install 'parisqa[ray]')"
        if os.environ.get("PARISQA_REQUIRE_RAY") == "1":
            pytest.fail(reason + " (PARISQA_REQUIRE_RAY=1)")
        pytest.skip(reason)
    return ray


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory, _model_cache: Path):
    """A real local Ray instance (2 CPUs) whose workers use the tests' model cache."""
    ray = _ray()
    if ray.is_initialized():
        ray.shutdown()
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report over the network
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PARISQA_MODEL_CACHE": str(_model_cache), "HF_HUB_OFFLINE": "1"}},
    )
    yield ray
    ray.shutdown()


@pytest.fixture
def onnx_embedder(_model_cache: Path):
    """The serial build's embedder as the CLI gets it: ONNX Runtime from the model cache."""
    from parisqa.embed.encoder import Embedder

    model = Embedder(cache_dir=_model_cache)
    model.warm_up()
    return model


@pytest.fixture
def bees(tmp_path: Path) -> Path:
    folder = tmp_path / "bees"
    shutil.copytree(BEEKEEPING, folder)
    return folder


# Files of float vectors (equal within tolerance, compared below), not byte for byte.
FLOAT_FILES = ("vectors", "sentences", "null_scores", "faiss")


def _comparable(manifest: dict) -> dict:
    """A manifest less what differs between two builds of the same corpus at other times."""
    out = {k: v for k, v in manifest.items() if k not in ("created_at", "generation")}
    out["files"] = {s: {k: v for k, v in e.items() if k != "indexed_at"} for s, e in manifest["files"].items()}
    out["data"] = {k: v for k, v in manifest.get("data", {}).items() if not k.startswith(FLOAT_FILES)}
    return out


def test_serial_and_ray_builds_give_the_same_index(ray_cluster, bees, tmp_path, onnx_embedder):
    from parisqa.index.distributed import RayEmbedder

    serial = Settings(corpus_dir=bees, index_dir=tmp_path / "serial")
    on_ray = Settings(corpus_dir=bees, index_dir=tmp_path / "ray")
    build_index(serial, embedder=onnx_embedder)
    ray_embedder = RayEmbedder("local", actors=2, batch_size=16)
    summary = build_index(on_ray, embedder=ray_embedder)
    assert summary.chunks > 20 and ray_embedder.last_run["actors"] == 2
    assert len(ray_embedder.worker_pids) == 2  # both actors embedded something

    a, b = load_index(serial.index_dir), load_index(on_ray.index_dir)
    assert [c.id for c in a.chunks] == [c.id for c in b.chunks]
    assert [(c.source, c.start, c.end, c.heading_path) for c in a.chunks] == [
        (c.source, c.start, c.end, c.heading_path) for c in b.chunks
    ]
    assert _comparable(read_manifest(serial.index_dir)) == _comparable(read_manifest(on_ray.index_dir))
    np.testing.assert_allclose(all_vectors(a.vectors), all_vectors(b.vectors), atol=2e-5)
    sa = SentenceTable.from_bytes(a.read_extra(SENTENCES))
    sb = SentenceTable.from_bytes(b.read_extra(SENTENCES))
    assert sa.start.tolist() == sb.start.tolist() and sa.end.tolist() == sb.end.tolist()
    np.testing.assert_allclose(sa.vectors, sb.vectors, atol=2e-5)


def test_a_worker_killed_mid_build_is_retried_or_fails_cleanly(ray_cluster, bees, tmp_path, onnx_embedder):
    from parisqa.api import Engine
    from parisqa.index.distributed import RayEmbedder

    settings = Settings(corpus_dir=bees, index_dir=tmp_path / "index")
    build_index(settings, embedder=onnx_embedder)
    served = read_manifest(settings.index_dir)
    # A new file, so the next build has texts to embed: enough small batches for a kill mid-way.
    text = (BEEKEEPING / "bee-biology.txt").read_text(encoding="utf-8")
    (bees / "more.txt").write_text(text.replace("bee", "wasp").replace("Bee", "Wasp"), encoding="utf-8")
    killed: list[int] = []

    def kill_one(done: int, total: int, seconds: float) -> None:
        if not killed and done < total and embedder.worker_pids:
            pid = sorted(embedder.worker_pids)[0]
            os.kill(pid, signal.SIGKILL)  # a real kill of a worker process, mid-build
            killed.append(pid)

    embedder = RayEmbedder("local", actors=2, batch_size=2, on_progress=kill_one)
    try:
        summary = build_index(settings, embedder=embedder)
    except DistributedBuildError as exc:
        message = str(exc)
        assert "\n" not in message and "nothing was written" in message
        assert read_manifest(settings.index_dir) == served  # the served index is the one that was there
    else:
        assert summary.added == 1  # retried: the build finished, and it is the same as a serial one
        check = Settings(corpus_dir=bees, index_dir=tmp_path / "check")
        build_index(check, embedder=onnx_embedder)
        np.testing.assert_allclose(
            all_vectors(load_index(settings.index_dir).vectors),
            all_vectors(load_index(check.index_dir).vectors),
            atol=2e-5,
        )
    assert killed, "no worker was killed: the build finished before the first batch came back"
    answer = Engine(settings, embedder=onnx_embedder, auto_build=False).ask("What does the queen do?")
    assert answer.citations or answer.related


def test_a_ray_build_into_a_milvus_lite_store_answers(ray_cluster, bees, tmp_path, onnx_embedder):
    pytest.importorskip("pymilvus")
    pytest.importorskip("milvus_lite")
    from parisqa.api import Engine
    from parisqa.index.distributed import RayEmbedder

    settings = Settings(corpus_dir=bees, index_dir=tmp_path / "index", store=str(tmp_path / "m" / "parisqa.db"))
    summary = build_index(settings, embedder=RayEmbedder("local", actors=2, batch_size=32))
    serial = Settings(corpus_dir=bees, index_dir=tmp_path / "serial")
    build_index(serial, embedder=onnx_embedder)
    assert summary.chunks == len(load_index(serial.index_dir).chunks)
    assert read_manifest(settings.index_dir)["files"].keys() == read_manifest(serial.index_dir)["files"].keys()
    answer = Engine(settings, embedder=onnx_embedder, auto_build=False).ask("What does the queen do?")
    assert answer.citations or answer.related


def test_cli_index_on_ray_prints_the_usual_summary(ray_cluster, bees, tmp_path, capsys):
    from parisqa.cli import main

    code = main(
        ["index", "--corpus", str(bees), "--index", str(tmp_path / "idx"), "--ray", "--ray-actors", "2", "--json"]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["added"] == len(list(bees.iterdir())) and summary["chunks"] > 20


def test_without_ray_the_message_says_what_to_install(monkeypatch, tmp_path, capsys):
    from parisqa.cli import main
    from parisqa.index.distributed import require_ray

    monkeypatch.setitem(sys.modules, "ray", None)  # as if Ray were not installed
    with pytest.raises(MissingDependencyError, match=r"pip install 'parisqa\[ray\]'"):
        require_ray()
    corpus = tmp_path / "corpus"
    shutil.copytree(BEEKEEPING, corpus)
    assert main(["index", "--ray"]) != 0
    assert "pip install 'parisqa[ray]'" in capsys.readouterr().err
    assert read_manifest(tmp_path / "index") is None


def test_ray_embedder_checks_its_options():
    from parisqa.index.distributed import RayEmbedder

    with pytest.raises(ValueError, match="actors must be at least 1, got 0"):
        RayEmbedder(actors=0)
    with pytest.raises(ValueError, match="batch_size must be at least 1, got -3"):
        RayEmbedder(batch_size=-3)
