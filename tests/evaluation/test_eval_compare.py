"""Comparing a report with an earlier one flags regressions beyond the tolerance."""

import copy
import json

import pytest

from parisqa.errors import DatasetError
from parisqa.evaluation.compare import TOLERANCE, compare_reports, is_regression, load_report


def _report(**metrics):
    values = {
        "hit@1": 0.75,
        "mrr@10": 0.875,
        "f1": 0.70,
        "abstained_answerable": 0.0,
        "latency_p50_ms": 40.0,
        "similarity": None,
    }
    values.update(metrics)
    return {
        "test_set": "faq",
        "source": "corpus (8 FAQ pairs)",
        "settings": {"chunk_tokens": 128, "chunk_overlap": 0, "k": 10},
        "sections": [{"name": "faq-in", "counts": {"questions": 8}, "metrics": {"hybrid": values}}],
    }


def test_regression_is_flagged_and_shown():
    old = _report()
    new = _report(**{"hit@1": 0.5, "f1": 0.71, "mrr@10": 0.875 - TOLERANCE / 2, "abstained_answerable": 0.125})
    comparison = compare_reports(old, new)
    regressed = {c.metric for c in comparison.regressions}
    assert regressed == {"hit@1", "abstained_answerable"}  # MRR moved less than the tolerance; F1 went up
    text = comparison.to_text("old.json")
    assert text.startswith("compared with old.json:")
    assert "hit@1" in text and "0.750 ->    0.500  (-0.250)  REGRESSION" in text
    assert "abstained, answerable" in text and "(+0.125)  REGRESSION" in text
    assert text.splitlines()[-1].startswith("2 regressions (tolerance 0.02")
    assert "similarity" not in text  # n/a on both sides: nothing to compare


def test_improvements_and_unchanged():
    comparison = compare_reports(_report(), _report(**{"hit@1": 1.0}))
    assert comparison.regressions == [] and [c.metric for c in comparison.improvements] == ["hit@1"]
    text = comparison.to_text()
    assert "(+0.250)  better" in text and "faq-in / parisqa: 4 unchanged" in text
    assert text.splitlines()[-1].startswith("0 regressions")


def test_latency_needs_both_relative_and_absolute_slowdown():
    assert not is_regression("latency_p50_ms", 10.0, 30.0)  # 3x but only 20 ms
    assert not is_regression("latency_p50_ms", 100.0, 140.0)  # 40 ms but only 40 %
    assert is_regression("latency_p50_ms", 100.0, 160.0)
    assert not is_regression("f1", 0.5, 0.48)  # exactly the tolerance
    assert is_regression("f1", 0.5, 0.47)


def test_notes_on_differences_in_sets_settings_and_sections():
    old = _report()
    new = copy.deepcopy(old)
    new["settings"]["chunk_tokens"] = 96
    new["sections"][0]["counts"]["questions"] = 7
    new["sections"].append({"name": "faq-heldout", "counts": {}, "metrics": {"hybrid": {}}})
    new["sections"][0]["metrics"]["bm25"] = {}
    notes = compare_reports(old, new).notes
    assert "chunk_tokens changed: 128 -> 96" in notes
    assert "faq-in: 8 questions before, 7 now" in notes
    assert "section faq-heldout is new" in notes
    assert "faq-in: system bm25 is new" in notes


def test_load_report_rejects_other_files(tmp_path):
    with pytest.raises(DatasetError, match="does not exist; pass a report.json"):
        load_report(tmp_path / "missing.json")
    (tmp_path / "x.json").write_text('{"question": "not a report"}', encoding="utf-8")
    with pytest.raises(DatasetError, match="is not a parisqa eval report"):
        load_report(tmp_path / "x.json")
    (tmp_path / "y.json").write_text("{", encoding="utf-8")
    with pytest.raises(DatasetError, match="is not JSON"):
        load_report(tmp_path / "y.json")
    (tmp_path / "ok.json").write_text(json.dumps(_report()), encoding="utf-8")
    assert load_report(tmp_path / "ok.json")["test_set"] == "faq"
