"""Fitting the answer model: the maths, and the one writer of ``answer_model.json``.

The development scripts (``eval/dev_eval.py`` fits the sentence ranker, ``eval/answer_eval.py`` the
confidence (abstention) model, leave-one-corpus-out, and with ``--model`` another embedding model's own
entry under ``models``) measure; the fitting and the file belong here. Each
part of the model is written by :func:`update_answer_model`, which replaces that part only, with
its own note, so running one script never undoes what the other fitted.
"""

from __future__ import annotations

import json
import math
import os
import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

# The parts of answer_model.json a fit may replace.
PARTS = ("ranker", "abstention", "models")
# Signs the abstention weights must have: more similarity or coverage can only make an answer more
# likely to be supported, a missing answer type only less. Fitting without them on a small set learns
# accidents of how the set was written (e.g. that unanswerable questions reuse the article's names).
SIGNS = {"type_missing": -1}


def answer_model_path() -> Path:
    """The shipped model file (in the package, next to the code that reads it)."""
    from ..answer import compose

    return Path(compose.__file__).with_name("answer_model.json")


def update_answer_model(part: str, value: dict[str, Any], note: str, path: Path | None = None) -> Path:
    """Replace one part of ``answer_model.json`` (and its note), atomically; the rest is kept.

    Args:
        part: one of :data:`PARTS`.
        value: the part's new content.
        note: how it was fitted (script, data, number of questions).
        path: the file (default: the shipped one).

    Raises:
        ValueError: ``part`` is not one of :data:`PARTS`.
    """
    from ..answer.compose import answer_model

    if part not in PARTS:
        raise ValueError(f"part must be one of {', '.join(PARTS)}, got {part!r}")
    path = path or answer_model_path()
    model = json.loads(path.read_text(encoding="utf-8"))
    model[part] = value
    notes = model.get("notes") if isinstance(model.get("notes"), dict) else {}
    model["notes"] = {**notes, part: note}
    model["note"] = "; ".join(f"{k}: {v}" for k, v in model["notes"].items())
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    answer_model.cache_clear()
    return path


def signs_for(names: list[str] | tuple[str, ...]) -> list[int]:
    """The sign constraint of each abstention feature (see :data:`SIGNS`)."""
    return [SIGNS.get(f, 1) for f in names]


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = 0.1, signs: list[int] | None = None
) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression (bias not penalised), weights optionally sign-constrained."""
    import numpy as np
    from scipy.optimize import minimize

    n_features = x.shape[1]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ w[:-1] + w[-1]
        p = 1.0 / (1.0 + np.exp(-z))
        eps = 1e-12
        value = -np.sum(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + 0.5 * l2 * np.sum(w[:-1] ** 2)
        grad = np.append(x.T @ (p - y) + l2 * w[:-1], np.sum(p - y))
        return value, grad

    bounds = [(0, None) if s > 0 else (None, 0) if s < 0 else (None, None) for s in (signs or [0] * n_features)]
    result = minimize(loss, np.zeros(n_features + 1), jac=True, method="L-BFGS-B", bounds=bounds + [(None, None)])
    return result.x[:-1], float(result.x[-1])


def cross_val_probs(x: np.ndarray, y: np.ndarray, signs: list[int], folds: int = 5, seed: int = 0) -> np.ndarray:
    """Each row's probability from a model fitted on the other folds."""
    import numpy as np

    idx = list(range(len(y)))
    random.Random(seed).shuffle(idx)
    probs = np.zeros(len(y))
    for f in range(folds):
        test = idx[f::folds]
        held = set(test)
        train = [i for i in idx if i not in held]
        w, b = fit_logistic(x[train], y[train], signs=signs)
        probs[test] = 1.0 / (1.0 + np.exp(-(x[test] @ w + b)))
    return probs


def choose_threshold(probs: np.ndarray, y: np.ndarray, max_false_abstain: float = 0.04) -> float:
    """The highest threshold that wrongly abstains on at most ``max_false_abstain`` of answerable ones."""
    import numpy as np

    answerable = np.sort(probs[y == 1])
    allowed = int(math.floor(max_false_abstain * len(answerable)))
    return float(answerable[allowed]) - 1e-6 if len(answerable) else 0.5


def ece(probs: np.ndarray, y: np.ndarray, bins: int = 5) -> float:
    """Expected calibration error over ``bins`` equal-width probability bins."""
    import numpy as np

    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (probs >= lo) & (probs < hi if hi < 1 else probs <= hi)
        if mask.any():
            total += mask.sum() / len(y) * abs(probs[mask].mean() - y[mask].mean())
    return float(total)
