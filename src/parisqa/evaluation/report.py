"""Evaluation results as records, and their renderings: JSON, Markdown, a terminal table.

No file I/O and nothing heavy here; the chart lives in :mod:`parisqa.evaluation.chart`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

REPORT_SCHEMA = 1

# (key, label, higher is better, meaning) in display order.
METRICS: tuple[tuple[str, str, bool, str], ...] = (
    ("hit@1", "hit@1", True, "share of questions whose first passage is relevant"),
    ("hit@3", "hit@3", True, "share with a relevant passage in the first 3"),
    ("hit@5", "hit@5", True, "share with a relevant passage in the first 5"),
    ("mrr@10", "MRR@10", True, "mean of 1/rank of the first relevant passage (0 past rank 10)"),
    ("ndcg@10", "nDCG@10", True, "ranking quality of the first 10 passages (binary relevance)"),
    ("cited_first", "answer passage [1]", True, "share whose citation [1], the passage quoted, is relevant"),
    ("exact_match", "exact match", True, "answer equals a gold answer after SQuAD normalisation"),
    ("f1", "token F1", True, "word overlap of answer and gold answer (SQuAD-style)"),
    ("similarity", "semantic similarity", True, "MiniLM cosine of answer and gold answer"),
    ("verbatim", "verbatim in citations", True, "share of answer text quoted exactly from its cited passages"),
    ("abstained_unanswerable", "abstained, unanswerable", True, "share of unanswerable questions declined"),
    ("abstained_answerable", "abstained, answerable", False, "share of answerable questions wrongly declined"),
    ("mrr_doc@10", "MRR@10 by document", True, "1/rank of the first relevant document (order of the passages)"),
    ("short_f1", "short answer token F1", True, "word overlap of the short answer and the gold answer (0 when none)"),
    ("answer_words_p50", "answer words p50", False, "median length in words of the answers given (not declined)"),
    ("ece", "confidence ECE", False, "expected calibration error of confidence against answerability (10 bins)"),
    ("latency_p50_ms", "latency p50 (ms)", False, "median time to answer one question"),
    ("latency_p95_ms", "latency p95 (ms)", False, "95th-percentile time to answer one question"),
)
METRIC_KEYS = tuple(m[0] for m in METRICS)
LABELS = {m[0]: m[1] for m in METRICS}
HIGHER_IS_BETTER = {m[0]: m[2] for m in METRICS}
SHARE_METRICS = tuple(k for k in METRIC_KEYS if not k.startswith("latency") and k != "answer_words_p50")

SYSTEM_LABELS = {"hybrid": "parisqa", "dense": "dense only", "bm25": "BM25 only"}


@dataclass(frozen=True)
class ItemResult:
    """How one system did on one question.

    ``relevant`` is the relevance of the ranked passages (best first), or ``None`` when the question
    cannot be judged for retrieval (no gold text or document present in the index).
    """

    id: str
    question: str
    answerable: bool
    answer: str
    abstained: bool
    latency_ms: float
    relevant: tuple[bool, ...] | None
    total_relevant: int
    exact_match: float | None
    f1: float | None
    similarity: float | None = None
    verbatim: float | None = None
    # Whether citation [1], the passage the answer quotes first, is relevant (False when declined);
    # None when retrieval cannot be judged.
    cited_first: bool | None = None
    # Relevance of the ranked passages' documents (first appearance order); None when not judged.
    doc_relevant: tuple[bool, ...] | None = None
    # Token F1 of the short answer against the gold answers (0 when there is none or it declined).
    short_f1: float | None = None
    # Words of the answer (None when declined), and its confidence.
    words: int | None = None
    confidence: float | None = None

    @property
    def first_relevant(self) -> int | None:
        """Rank (from 1) of the first relevant passage, if any was retrieved."""
        if self.relevant is None:
            return None
        return next((i for i, rel in enumerate(self.relevant, 1) if rel), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "answerable": self.answerable,
            "abstained": self.abstained,
            "answer": self.answer if len(self.answer) <= 500 else self.answer[:500] + "...",
            "first_relevant_rank": self.first_relevant,
            "cited_first_relevant": self.cited_first,
            "relevant_in_index": self.total_relevant if self.relevant is not None else None,
            "exact_match": _round(self.exact_match),
            "f1": _round(self.f1),
            "similarity": _round(self.similarity),
            "verbatim": _round(self.verbatim),
            "latency_ms": _round(self.latency_ms, 2),
            "first_relevant_document_rank": next((i for i, r in enumerate(self.doc_relevant or (), 1) if r), None),
            "short_f1": _round(self.short_f1),
            "words": self.words,
            "confidence": _round(self.confidence),
        }


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


@dataclass(frozen=True)
class Section:
    """One test set evaluated against one index, by one or more systems.

    Attributes:
        name: ``"faq-in"`` (the served index), ``"faq-heldout"`` (a temporary index without the FAQ)
            or ``"squad"`` (a temporary index of the SQuAD articles).
        description: what the index held, for people.
        metrics: ``{system: {metric key: value or None}}``; None means not applicable.
        counts: questions, answerable, unanswerable, judged (for retrieval).
        results: per-question results by system.
    """

    name: str
    description: str
    metrics: dict[str, dict[str, float | None]]
    counts: dict[str, int]
    results: dict[str, list[ItemResult]] = field(default_factory=dict, repr=False)

    @property
    def systems(self) -> list[str]:
        return list(self.metrics)

    def table(self) -> tuple[list[str], list[list[str]]]:
        """The metric table for display: a header (metric, then one column per system) and rows."""
        return _rows(self.to_dict(items=False))

    def to_dict(self, items: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "counts": dict(self.counts),
            "metrics": {s: {k: _round(v) for k, v in m.items()} for s, m in self.metrics.items()},
        }
        if items:
            data["items"] = {s: [r.to_dict() for r in rs] for s, rs in self.results.items()}
        return data


@dataclass(frozen=True)
class Report:
    """A whole ``parisqa eval`` run: which set, which settings, one section per index."""

    test_set: str
    source: str
    settings: dict[str, Any]
    sections: tuple[Section, ...]
    warnings: tuple[str, ...] = ()
    created: str = ""
    version: str = ""

    def section(self, name: str) -> Section:
        for s in self.sections:
            if s.name == name:
                return s
        raise KeyError(name)

    def to_dict(self, items: bool = True) -> dict[str, Any]:
        """The report as JSON-ready data (``parisqa eval --json``, ``report.json``)."""
        return {
            "schema": REPORT_SCHEMA,
            "parisqa_version": self.version,
            "created": self.created,
            "test_set": self.test_set,
            "source": self.source,
            "settings": dict(self.settings),
            "sections": [s.to_dict(items) for s in self.sections],
            "warnings": list(self.warnings),
        }

    def to_text(self, warnings: bool = True) -> str:
        """The terminal table; ``warnings=False`` only counts the warnings (already shown live)."""
        return render_text(self.to_dict(items=False), warnings)

    def to_markdown(self, chart: str | None = None) -> str:
        """The report as Markdown (``report.md``); ``chart`` is an image path to link, if any."""
        return render_markdown(self.to_dict(), chart)


def format_value(key: str, value: float | None) -> str:
    """A metric for display: shares with 3 decimals, latencies in ms with 1, ``-`` when n/a."""
    if value is None:
        return "-"
    return f"{value:.1f}" if key.startswith("latency") or key == "answer_words_p50" else f"{value:.3f}"


def _counts_line(section: dict[str, Any]) -> str:
    c = section["counts"]
    return (
        f"{c['questions']} questions ({c['answerable']} answerable, {c['unanswerable']} unanswerable); "
        f"retrieval judged on {c['judged']}"
    )


def _rows(section: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    systems = list(section["metrics"])
    header = ["metric", *[SYSTEM_LABELS.get(s, s) for s in systems]]
    rows = [[LABELS[k], *[format_value(k, section["metrics"][s].get(k)) for s in systems]] for k in METRIC_KEYS]
    return header, rows


def render_text(report: dict[str, Any], warnings: bool = True) -> str:
    """Plain-text tables, one per section, from report data."""
    s = report["settings"]
    lines = [f"parisqa eval: {report['test_set']} set from {report['source']}; retrieval depth k={s.get('k')}"]
    for section in report["sections"]:
        header, rows = _rows(section)
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines += ["", f"{section['name']}: {section['description']}", _counts_line(section)]

        def fmt(row: list[str], widths: list[int] = widths) -> str:
            return "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row))

        lines.append(fmt(header))
        lines.append("  ".join("-" * w for w in widths))
        lines += [fmt(r) for r in rows]
    if report.get("warnings"):
        lines += ["", f"{len(report['warnings'])} warning(s)" + (":" if warnings else " (see above)")]
        lines += [f"  {w}" for w in report["warnings"]] if warnings else []
    lines.append("('-' = not applicable: no such questions, or no gold text in the index to judge retrieval)")
    return "\n".join(lines)


def _md_escape(text: str) -> str:
    # Questions, ids and warnings come from user files: shown as text in any Markdown viewer.
    return html.escape(" ".join(str(text).split()), quote=False).replace("|", "\\|")


def render_markdown(report: dict[str, Any], chart: str | None = None) -> str:
    """Markdown: settings, one metric table per section, the chart, the metric meanings, per-question rows."""
    s = report["settings"]
    out = [
        f"# parisqa evaluation: {_md_escape(report['test_set'])}",
        "",
        f"- test set: {_md_escape(report['test_set'])} from `{report['source']}`",
        f"- corpus: `{s.get('corpus_dir')}`, index: `{s.get('index_dir')}`",
        f"- chunking: {s.get('chunk_tokens')} tokens, overlap {s.get('chunk_overlap')}; retrieval depth k={s.get('k')}",
        f"- parisqa {report.get('parisqa_version')}, {report.get('created')}",
    ]
    for section in report["sections"]:
        header, rows = _rows(section)
        out += ["", f"## {section['name']}: {section['description']}", "", _counts_line(section), ""]
        out.append("| " + " | ".join(header) + " |")
        out.append("| " + " | ".join(["---"] + ["---:"] * (len(header) - 1)) + " |")
        out += ["| " + " | ".join(r) + " |" for r in rows]
    if chart:
        out += ["", f"![metrics by system]({chart})"]
    out += ["", "## What the metrics mean", ""]
    out += [f"- **{label}**: {meaning}" for _, label, _, meaning in METRICS]
    out += [
        "",
        "A passage is relevant when it comes from a gold document (if the question names any) and contains a",
        "gold evidence or answer text after SQuAD normalisation. `-` means not applicable.",
    ]
    for section in report["sections"]:
        items = section.get("items") or {}
        if not items:
            continue
        system = next(iter(items))
        out += ["", f"### {section['name']}: per question ({SYSTEM_LABELS.get(system, system)})", ""]
        out += [
            "| id | question | rank | F1 | sim. | abstained | ms |",
            "| --- | --- | ---: | ---: | ---: | --- | ---: |",
        ]
        for r in items[system][:200]:
            rank = r["first_relevant_rank"]
            rank_text = "-" if r["relevant_in_index"] is None else (str(rank) if rank else "miss")
            out.append(
                f"| {_md_escape(r['id'])} | {_md_escape(r['question'])} | {rank_text} | {format_value('f1', r['f1'])} "
                f"| {format_value('similarity', r['similarity'])} | {'yes' if r['abstained'] else 'no'} "
                f"| {format_value('latency_ms', r['latency_ms'])} |"
            )
        if len(items[system]) > 200:
            out.append(f"| ... | {len(items[system]) - 200} more in report.json | | | | | |")
    if report.get("warnings"):
        out += ["", "## Warnings", ""] + [f"- {_md_escape(w)}" for w in report["warnings"]]
    return "\n".join(out) + "\n"
