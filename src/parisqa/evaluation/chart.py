"""The report chart: one panel per section, a group of bars per metric, one bar per system, each labelled.

matplotlib is imported here only, on first use, with the non-interactive Agg backend.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError
from .report import HIGHER_IS_BETTER, LABELS, SHARE_METRICS, SYSTEM_LABELS, Report, format_value

# Sizes in inches and points: labels are upright and as large as the tick labels, so they stay
# readable when the page scales the image down to its column.
BAR_INCHES = 0.2
LABEL_POINTS = 9
NOT_APPLICABLE = "-"


def chart_figure(report: Report | dict[str, Any]) -> Any:
    """The chart as a matplotlib ``Figure``: one panel per section, side by side.

    Each panel has one group of horizontal bars per metric, one bar per system, and every bar is
    labelled with its value, upright: a value of zero is labelled ``0`` (its bar has no length, so
    the label is what shows it), a metric that does not apply to a system ``-``.
    """
    data = report.to_dict(items=False) if isinstance(report, Report) else report
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingDependencyError(
            "the chart needs matplotlib; install it with: pip install -c constraints.txt matplotlib"
        ) from None
    sections = data["sections"]
    most_bars = max((len(_keys(sec)) * (max(1, len(sec["metrics"])) + 1) for sec in sections), default=0)
    height = 2.0 + BAR_INCHES * max(4, most_bars)
    figure = Figure(figsize=(6.5 * max(1, len(sections)), height), layout="constrained")
    axes = figure.subplots(1, max(1, len(sections)), squeeze=False)[0, :]
    for ax, section in zip(axes, sections):
        _panel(ax, section)
    return figure


def _keys(section: dict[str, Any]) -> list[str]:
    """The share metrics some system of ``section`` has a value for, in report order."""
    systems = section["metrics"]
    return [k for k in SHARE_METRICS if any(systems[s].get(k) is not None for s in systems)]


def _panel(ax: Any, section: dict[str, Any]) -> None:
    systems = list(section["metrics"])
    keys = _keys(section)
    thickness = 0.8 / max(1, len(systems))
    for i, system in enumerate(systems):
        values = section["metrics"][system]
        shown = [values.get(k) for k in keys]
        widths = [0.0 if v is None else float(v) for v in shown]
        # Groups run top to bottom in report order, systems top to bottom inside a group.
        ys = [y + (i - (len(systems) - 1) / 2) * thickness for y in range(len(keys))]
        p50 = format_value("latency_p50_ms", values.get("latency_p50_ms"))
        bars = ax.barh(ys, widths, thickness * 0.92, label=f"{SYSTEM_LABELS.get(system, system)} (p50 {p50} ms)")
        labels = [NOT_APPLICABLE if v is None else ("0" if v == 0 else f"{v:.2f}") for v in shown]
        ax.bar_label(bars, labels=labels, fontsize=LABEL_POINTS, padding=3)
    names = [LABELS[k] + ("\n(lower is better)" if not HIGHER_IS_BETTER[k] else "") for k in keys]
    ax.set_yticks(range(len(keys)), names, fontsize=LABEL_POINTS)
    ax.set_ylim(len(keys) - 0.5, -0.5)  # first metric on top
    ax.set_xlim(0, 1.16)  # room for the label of a bar at 1
    ax.tick_params(axis="x", labelsize=LABEL_POINTS)
    ax.axvline(0, color="#4b5563", linewidth=0.8)  # the baseline a zero bar sits on
    questions = section["counts"].get("questions", 0)
    ax.set_title(f"{section['name']}: {section['description']} ({questions} questions)", fontsize=10, wrap=True)
    if systems:
        # Below the axis, so it never covers a bar or its label.
        ax.legend(fontsize=LABEL_POINTS, loc="upper center", bbox_to_anchor=(0.5, -0.05), ncol=1)
    ax.grid(axis="x", alpha=0.3)


def render_chart(report: Report | dict[str, Any]) -> bytes:
    """The chart as PNG bytes (e.g. for a web page); see :func:`chart_figure`."""
    buffer = io.BytesIO()
    chart_figure(report).savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def write_chart(report: Report | dict[str, Any], path: str | Path) -> Path:
    """Write the chart PNG to ``path`` and return it."""
    path = Path(path)
    path.write_bytes(render_chart(report))
    return path
