"""Evaluation of parisqa's answers: test sets, metrics, reports, charts, comparisons.

UI-free: every function returns data (a :class:`Report`, PNG bytes, a :class:`Comparison`); the CLI
and the web chat render it. Typical use::

    from parisqa.evaluation import evaluate_faq, render_chart
    report = evaluate_faq(settings, mode="both", baselines=True)
    markdown, png = report.to_markdown(), render_chart(report)
"""

from __future__ import annotations

from .chart import render_chart, write_chart
from .compare import Comparison, compare_reports, load_report
from .datasets import EvalItem, TestSet, faq_set, load_questions, load_squad
from .output import write_report
from .report import ItemResult, Report, Section
from .runner import FAQ_MODES, SYSTEMS, evaluate, evaluate_faq, evaluate_questions, evaluate_squad

__all__ = [
    "FAQ_MODES",
    "SYSTEMS",
    "Comparison",
    "EvalItem",
    "ItemResult",
    "Report",
    "Section",
    "TestSet",
    "compare_reports",
    "evaluate",
    "evaluate_faq",
    "evaluate_questions",
    "evaluate_squad",
    "faq_set",
    "load_questions",
    "load_report",
    "load_squad",
    "render_chart",
    "write_chart",
    "write_report",
]
