"""The answer model's one writer replaces one part and keeps the rest; the fitting maths behaves."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from parisqa.evaluation.fitting import (
    answer_model_path,
    choose_threshold,
    fit_logistic,
    signs_for,
    update_answer_model,
)


def test_updating_one_part_keeps_the_other_and_both_notes(tmp_path):
    path = tmp_path / "answer_model.json"
    shutil.copy(answer_model_path(), path)
    shipped = json.loads(path.read_text(encoding="utf-8"))
    ranker = {"features": shipped["ranker"]["features"], "weights": [0.5] * len(shipped["ranker"]["features"])}
    update_answer_model("ranker", ranker, "ranker by test A", path)
    abstention = dict(shipped["abstention"], threshold=0.25)
    update_answer_model("abstention", abstention, "abstention by test B", path)
    model = json.loads(path.read_text(encoding="utf-8"))
    assert model["ranker"] == ranker and model["abstention"] == abstention  # the second write kept the first
    assert model["models"] == shipped["models"]
    assert model["notes"] == {"ranker": "ranker by test A", "abstention": "abstention by test B"}
    models = {**shipped["models"], "multilingual": {**shipped["models"]["multilingual"], "abstention": abstention}}
    update_answer_model("models", models, "per-model confidence by test C", path)  # eval/answer_eval.py --model
    model = json.loads(path.read_text(encoding="utf-8"))
    assert model["models"] == models and model["ranker"] == ranker and model["abstention"] == abstention
    with pytest.raises(ValueError, match="ranker, abstention, models, got 'thresholds'"):
        update_answer_model("thresholds", {}, "no", path)
    assert not list(tmp_path.glob(".*.tmp"))


def test_sign_constrained_logistic_fit_and_threshold():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2))
    y = (x[:, 0] - x[:, 1] + rng.normal(scale=0.3, size=200) > 0).astype(float)
    w, _ = fit_logistic(x, y)
    assert w[0] > 0 > w[1]
    constrained, _ = fit_logistic(x, y, signs=signs_for(["similarity", "coverage"]))  # both must be >= 0
    assert constrained[0] > 0 and constrained[1] == pytest.approx(0.0, abs=1e-6)
    assert signs_for(["type_missing", "similarity"]) == [-1, 1]
    probs = np.array([0.9, 0.8, 0.2, 0.1])
    labels = np.array([1.0, 1.0, 0.0, 0.0])
    assert choose_threshold(probs, labels, max_false_abstain=0.0) == pytest.approx(0.8 - 1e-6)
