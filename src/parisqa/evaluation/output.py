"""Write a report to a folder: ``report.json``, ``report.md`` and ``chart.png``."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import ConfigError
from .chart import write_chart
from .report import Report


def write_report(report: Report, folder: str | Path) -> dict[str, Path]:
    """Write the report's JSON, Markdown and chart into ``folder`` (created if needed).

    Returns:
        The paths written, by kind (``"json"``, ``"markdown"``, ``"chart"``).

    Raises:
        ConfigError: ``folder`` exists and is not a folder, or cannot be created.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ConfigError(f"--out '{folder}' is not a folder; pass a folder to write the report into") from None
    except OSError as exc:
        raise ConfigError(f"cannot create report folder '{folder}' ({exc.strerror}); pass another --out") from None
    chart = write_chart(report, folder / "chart.png")
    paths = {"json": folder / "report.json", "markdown": folder / "report.md", "chart": chart}
    paths["json"].write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    paths["markdown"].write_text(report.to_markdown(chart=chart.name), encoding="utf-8")
    return paths
