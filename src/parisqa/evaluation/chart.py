"""The report chart: one panel per section, a group of bars per metric, one bar per system.

matplotlib is imported here only, on first use, with the non-interactive Agg backend.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError
from .report import HIGHER_IS_BETTER, LABELS, SHARE_METRICS, SYSTEM_LABELS, Report, format_value


def render_chart(report: Report | dict[str, Any]) -> bytes:
    """The chart as PNG bytes (e.g. for a web page)."""
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
    figure = Figure(figsize=(11, 3.6 * max(1, len(sections))), layout="constrained")
    axes = figure.subplots(max(1, len(sections)), 1, squeeze=False)[:, 0]
    for ax, section in zip(axes, sections):
        systems = list(section["metrics"])
        keys = [k for k in SHARE_METRICS if any(section["metrics"][s].get(k) is not None for s in systems)]
        width = 0.8 / max(1, len(systems))
        for i, system in enumerate(systems):
            values = section["metrics"][system]
            heights = [values.get(k) or 0.0 for k in keys]
            p50 = format_value("latency_p50_ms", values.get("latency_p50_ms"))
            xs = [x + (i - (len(systems) - 1) / 2) * width for x in range(len(keys))]
            bars = ax.bar(xs, heights, width, label=f"{SYSTEM_LABELS.get(system, system)} (p50 {p50} ms)")
            # Upright labels collide when three bars share a group.
            ax.bar_label(bars, labels=[f"{h:.2f}" for h in heights], fontsize=6, padding=1, rotation=90)
        names = [LABELS[k] + ("\n(lower is better)" if not HIGHER_IS_BETTER[k] else "") for k in keys]
        ax.set_xticks(range(len(keys)), names, rotation=25, ha="right", fontsize=8)
        ax.set_ylim(0, 1.18)
        ax.set_title(f"{section['name']}: {section['description']} ({section['counts']['questions']} questions)")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        ax.grid(axis="y", alpha=0.3)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def write_chart(report: Report | dict[str, Any], path: str | Path) -> Path:
    """Write the chart PNG to ``path`` and return it."""
    path = Path(path)
    path.write_bytes(render_chart(report))
    return path
