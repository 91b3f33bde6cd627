"""Compare a report with an earlier one and flag regressions.

A share metric (hit@k, MRR, nDCG, EM, F1, similarity, verbatim, abstention) regresses when it moves
the wrong way by more than :data:`TOLERANCE` (absolute, on the 0..1 scale). Latency regresses only
when it is both :data:`LATENCY_RELATIVE` slower in proportion and :data:`LATENCY_ABSOLUTE_MS` slower
in time, because timings on a shared CPU are noisy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DatasetError
from .report import HIGHER_IS_BETTER, LABELS, METRIC_KEYS, SYSTEM_LABELS, format_value

TOLERANCE = 0.02
LATENCY_RELATIVE = 0.5
LATENCY_ABSOLUTE_MS = 25.0


@dataclass(frozen=True)
class Change:
    """One metric of one system in one section, before and after."""

    section: str
    system: str
    metric: str
    old: float
    new: float

    @property
    def delta(self) -> float:
        return self.new - self.old

    @property
    def worse(self) -> bool:
        """Moved the wrong way beyond the tolerance."""
        return is_regression(self.metric, self.old, self.new)

    @property
    def better(self) -> bool:
        """Moved the right way beyond the tolerance."""
        return is_regression(self.metric, self.new, self.old)


# A median answer length that grows by more than this many words is flagged.
WORDS_ABSOLUTE = 2.0


def is_regression(metric: str, old: float, new: float, tolerance: float = TOLERANCE) -> bool:
    """Whether going from ``old`` to ``new`` is a regression for ``metric``."""
    if metric.startswith("latency"):
        return new - old > LATENCY_ABSOLUTE_MS and new > old * (1 + LATENCY_RELATIVE)
    if metric == "answer_words_p50":
        return abs(new - old) > WORDS_ABSOLUTE and new > old
    worse_by = (old - new) if HIGHER_IS_BETTER[metric] else (new - old)
    return worse_by > tolerance + 1e-9


@dataclass(frozen=True)
class Comparison:
    """The differences between two reports."""

    changes: tuple[Change, ...]
    notes: tuple[str, ...]

    @property
    def regressions(self) -> list[Change]:
        return [c for c in self.changes if c.worse]

    @property
    def improvements(self) -> list[Change]:
        return [c for c in self.changes if c.better]

    def to_dict(self) -> dict[str, Any]:
        return {
            "notes": list(self.notes),
            "regressions": [_change_dict(c) for c in self.regressions],
            "improvements": [_change_dict(c) for c in self.improvements],
        }

    def to_text(self, label: str = "the earlier report") -> str:
        """Per section and system, the metrics that changed, regressions flagged."""
        lines = [f"compared with {label}:"]
        lines += [f"  note: {n}" for n in self.notes]
        groups: dict[tuple[str, str], list[Change]] = {}
        for c in self.changes:
            groups.setdefault((c.section, c.system), []).append(c)
        for (section, system), changes in groups.items():
            moved = [c for c in changes if format_value(c.metric, c.old) != format_value(c.metric, c.new)]
            lines.append(f"{section} / {SYSTEM_LABELS.get(system, system)}: {len(changes) - len(moved)} unchanged")
            for c in moved:
                flag = "  REGRESSION" if c.worse else ("  better" if c.better else "")
                sign = "+" if c.delta >= 0 else ""
                lines.append(
                    f"  {LABELS[c.metric]:<24} {format_value(c.metric, c.old):>8} -> {format_value(c.metric, c.new):>8}"
                    f"  ({sign}{format_value(c.metric, c.delta)}){flag}"
                )
        n = len(self.regressions)
        lines.append(
            f"{n} regression{'s' if n != 1 else ''} (tolerance {TOLERANCE} on shares; latency flagged when "
            f"{int(LATENCY_RELATIVE * 100)}% and {LATENCY_ABSOLUTE_MS:.0f} ms slower)"
        )
        return "\n".join(lines)


def _change_dict(c: Change) -> dict[str, Any]:
    return {"section": c.section, "system": c.system, "metric": c.metric, "old": c.old, "new": c.new}


def load_report(path: str | Path) -> dict[str, Any]:
    """Read an earlier ``report.json``.

    Raises:
        DatasetError: the file is missing or is not a parisqa evaluation report.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise DatasetError(f"report '{path}' does not exist; pass a report.json from parisqa eval --out DIR") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DatasetError(f"report '{path}' is not JSON; pass a report.json from parisqa eval --out DIR") from None
    if not (
        isinstance(data, dict)
        and isinstance(data.get("sections"), list)
        and all(isinstance(s, dict) and isinstance(s.get("metrics"), dict) for s in data["sections"])
    ):
        raise DatasetError(f"'{path}' is not a parisqa eval report (no sections with metrics); pass a report.json")
    return data


def compare_reports(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """Every metric present in both reports, by section and system, with notes on what differs."""
    notes = []
    if old.get("test_set") != new.get("test_set") or old.get("source") != new.get("source"):
        notes.append(
            f"test sets differ: {old.get('test_set')} from {old.get('source')} "
            f"vs {new.get('test_set')} from {new.get('source')}"
        )
    old_settings, new_settings = old.get("settings", {}), new.get("settings", {})
    for key in ("chunk_tokens", "chunk_overlap", "k"):
        if old_settings.get(key) != new_settings.get(key):
            notes.append(f"{key} changed: {old_settings.get(key)} -> {new_settings.get(key)}")
    old_sections = {s.get("name"): s for s in old["sections"]}
    changes: list[Change] = []
    for section in new["sections"]:
        name = section.get("name")
        before = old_sections.pop(name, None)
        if before is None:
            notes.append(f"section {name} is new")
            continue
        if before.get("counts", {}).get("questions") != section.get("counts", {}).get("questions"):
            notes.append(
                f"{name}: {before.get('counts', {}).get('questions')} questions before, "
                f"{section.get('counts', {}).get('questions')} now"
            )
        for system, values in section["metrics"].items():
            old_values = before["metrics"].get(system)
            if old_values is None:
                notes.append(f"{name}: system {system} is new")
                continue
            for key in METRIC_KEYS:
                a, b = old_values.get(key), values.get(key)
                if isinstance(a, int | float) and isinstance(b, int | float):
                    changes.append(Change(name, system, key, float(a), float(b)))
    for name in old_sections:
        notes.append(f"section {name} is no longer evaluated")
    return Comparison(tuple(changes), tuple(notes))
