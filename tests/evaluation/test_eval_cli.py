"""``parisqa eval`` in-process, with the session's model."""

import json
from pathlib import Path

import pytest

from parisqa.cli import EXIT_REGRESSION, main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def served(seed_index):
    return ["--corpus", str(seed_index / "corpus"), "--index", str(seed_index / "index")]


def test_eval_prints_the_table(capsys, served, embedder):
    code, out, err = run(capsys, "eval", *served, "--faq", "in", "--baselines", "--limit", "2")
    assert code == 0, err
    assert out.startswith("parisqa eval: faq set from ")
    assert "faq-in: served index (FAQ included)" in out and "faq-heldout" not in out
    header = next(line for line in out.splitlines() if line.startswith("metric"))
    assert header.split() == ["metric", "parisqa", "dense", "only", "BM25", "only"]
    assert any(line.startswith("MRR@10") for line in out.splitlines())


def test_eval_json_out_and_compare(capsys, served, embedder, tmp_path):
    out_dir = tmp_path / "run1"
    code, out, err = run(capsys, "eval", *served, "--faq", "in", "--json", "--limit", "3", "--out", str(out_dir))
    assert code == 0, err
    report = json.loads(out)
    assert report["test_set"] == "faq" and report["settings"]["k"] == 10
    assert [s["name"] for s in report["sections"]] == ["faq-in"]
    assert report["sections"][0]["counts"]["questions"] == 3
    assert sorted(p.name for p in out_dir.iterdir()) == ["chart.png", "report.json", "report.md"]
    assert (out_dir / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {out_dir / 'report.json'}" in err

    # same run again: nothing regresses (the earlier run is made slow on paper: timings here are noise)
    saved = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    for key in ("latency_p50_ms", "latency_p95_ms"):
        saved["sections"][0]["metrics"]["hybrid"][key] = 1e6
    (out_dir / "report.json").write_text(json.dumps(saved), encoding="utf-8")
    code, out, _ = run(
        capsys, "eval", *served, "--faq", "in", "--limit", "3", "--compare", str(out_dir / "report.json")
    )
    assert code == 0 and f"compared with {out_dir / 'report.json'}:" in out and "REGRESSION" not in out

    # an earlier report that was better: flagged, and the exit code says so (on reworded questions,
    # where token F1 is below its maximum, so an earlier report can claim more)
    questions = ["--questions", str(ROOT / "eval" / "seed-paraphrases.jsonl"), "--faq", "in", "--limit", "4"]
    code, out, _ = run(capsys, "eval", *served, *questions, "--json")
    better = json.loads(out)
    f1 = better["sections"][0]["metrics"]["hybrid"]["f1"]
    assert f1 < 0.9
    better["sections"][0]["metrics"]["hybrid"]["f1"] = f1 + 0.1
    for key in ("latency_p50_ms", "latency_p95_ms"):  # timings here are noise, not the subject
        better["sections"][0]["metrics"]["hybrid"][key] = 1e6
    (tmp_path / "better.json").write_text(json.dumps(better), encoding="utf-8")
    code, out, _ = run(capsys, "eval", *served, *questions, "--compare", str(tmp_path / "better.json"))
    assert code == EXIT_REGRESSION
    line = next(line for line in out.splitlines() if "token F1" in line and "->" in line)
    assert line.strip().startswith("token F1") and line.endswith("REGRESSION")
    assert "1 regression (tolerance" in out


def test_eval_questions_reports_malformed_lines(capsys, served, embedder, tmp_path):
    path = tmp_path / "q.jsonl"
    lines = (ROOT / "eval" / "seed-paraphrases.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    path.write_text("\n".join([lines[0], "{broken", lines[1], '{"question": "x"}']) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "eval", *served, "--questions", str(path), "--json")
    assert code == 0
    assert f"warning: {path}: line 2: not valid JSON" in err
    assert f"warning: {path}: line 4: no gold" in err
    report = json.loads(out)
    assert report["sections"][0]["counts"]["questions"] == 2 and len(report["warnings"]) == 2


@pytest.mark.parametrize(
    ("args", "message", "exit_code"),
    [
        (["--squad", "{tmp}/bad.json"], "is not a SQuAD v1.1/v2.0 file: the top level should be", 1),
        (["--squad", "{tmp}/bad.json", "--faq", "in"], "--faq does not apply to --squad", 2),
        (["--questions", "{tmp}/empty.jsonl"], "holds no usable question", 1),
        (["--compare", "{tmp}/missing.json"], "does not exist; pass a report.json", 1),
        (["--faq", "in", "-k", "0"], "k must be between 1 and 100, got 0", 2),
    ],
)
def test_eval_bad_input_is_one_line(capsys, served, tmp_path, args, message, exit_code):
    (tmp_path / "bad.json").write_text("[]", encoding="utf-8")
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    code, out, err = run(capsys, "eval", *served, *[a.format(tmp=tmp_path) for a in args])
    assert code == exit_code and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]


def test_eval_corpus_without_faq_suggests_questions(capsys, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "notes.txt").write_text("Notes\nLyon has a robotics cluster.\n", encoding="utf-8")
    code, out, err = run(capsys, "eval")
    assert code == 1
    assert err.startswith("error: no FAQ found in corpus folder") and "parisqa eval --questions FILE" in err
    assert not (tmp_path / "index").exists()


def test_eval_heldout_never_touches_the_served_index(capsys, served, seed_index, embedder):
    index = seed_index / "index"
    before = {p: p.read_bytes() for p in index.rglob("*") if p.is_file()}
    code, out, err = run(capsys, "eval", *served, "--faq", "heldout", "--limit", "2")
    assert code == 0, err
    assert "faq-heldout: temporary index of the corpus without its 8 FAQ pair(s)" in out
    assert {p: p.read_bytes() for p in index.rglob("*") if p.is_file()} == before
