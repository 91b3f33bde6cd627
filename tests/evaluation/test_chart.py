"""The report chart (issue 17): value labels readable (upright, as large as the axis labels) and a bar
at zero labelled 0, checked on the text objects matplotlib draws."""

from __future__ import annotations

import pytest

from parisqa.evaluation.chart import LABEL_POINTS, chart_figure, render_chart
from parisqa.evaluation.report import METRIC_KEYS, SHARE_METRICS

pytest.importorskip("matplotlib")


def _section(name: str, zero: str, missing: str) -> dict:
    metrics = {}
    for n, system in enumerate(("hybrid", "dense", "bm25")):
        values = {k: round(0.3 + 0.05 * n + 0.01 * i, 3) for i, k in enumerate(METRIC_KEYS)}
        values[zero] = 0.0  # every system scores 0 here: no bar has any length
        metrics[system] = values
    metrics["bm25"][missing] = None
    return {"name": name, "description": "test", "counts": {"questions": 8}, "metrics": metrics}


def _value_labels(ax) -> list:
    """The bar labels of one panel (matplotlib's bar_label annotations), in drawing order."""
    return [t for t in ax.texts if t.get_text()]


def test_every_bar_has_an_upright_readable_label_and_zero_bars_say_0():
    data = {
        "sections": [
            _section("faq-in", "exact_match", "abstained_unanswerable"),
            _section("faq-heldout", "hit@1", "f1"),
        ]
    }
    figure = chart_figure(data)
    axes = figure.axes
    assert len(axes) == 2
    for ax, section in zip(axes, data["sections"]):
        labels = _value_labels(ax)
        assert len(labels) == 3 * len(SHARE_METRICS)  # one label per bar, none lost
        assert all(t.get_rotation() == 0 and t.get_fontsize() >= LABEL_POINTS >= 9 for t in labels)
        texts = [t.get_text() for t in labels]
        for i, system in enumerate(section["metrics"]):
            per_system = texts[i * len(SHARE_METRICS) : (i + 1) * len(SHARE_METRICS)]
            expected = []
            for key in SHARE_METRICS:
                value = section["metrics"][system][key]
                expected.append("-" if value is None else ("0" if value == 0 else f"{value:.2f}"))
            assert per_system == expected
        assert texts.count("0") == 3  # the metric at zero is labelled for each system
        # The metric names are as large as the labels and upright too.
        ticks = ax.get_yticklabels()
        assert all(t.get_rotation() == 0 and t.get_fontsize() >= LABEL_POINTS for t in ticks)
    # A zero label is drawn inside the figure, where it can be seen.
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    box = figure.bbox
    for ax in axes:
        for t in _value_labels(ax):
            if t.get_text() == "0":
                extent = t.get_window_extent(renderer)
                assert box.x0 <= extent.x0 and extent.x1 <= box.x1 and extent.width > 0


def test_chart_png():
    png = render_chart({"sections": [_section("faq-in", "hit@1", "f1")]})
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
