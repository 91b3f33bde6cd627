"""The benchmark harness runs end to end in --quick mode (a smoke test: no timing is asserted)."""

import json
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_quick_benchmark_writes_results(tmp_path, onnx_cache):
    work = tmp_path / "work"
    shutil.copytree(onnx_cache, work / "model-cache")  # the export is not what this test is about
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--work", str(work), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    results = json.loads((out / "RESULTS.json").read_text())
    assert {"machine", "build", "incremental", "query", "search", "cold", "memory"} <= set(results)
    seed = results["query"]["seed"]
    assert seed["chunks"] > 10 and seed["ask_p50_seconds"]["median"] > 0
    assert results["incremental"]["seed"]["embedded_after_change"] >= 1
    assert results["search"]["flat_vs_ivf_by_size"][0]["ivf_recall_at_10"] > 0.5
    report = (out / "RESULTS.md").read_text()
    for heading in ("## Index build throughput", "## Query latency", "## Search stage at scale", "## Targets"):
        assert heading in report
