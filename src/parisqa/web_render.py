"""HTML for the web chat: the conversation, cited passages, a source document, the document list, evaluation reports.

Plain functions from data to HTML strings, so they are tested without a browser. Every piece of text
that comes from outside (corpus text, file names, headings, questions, messages) goes through
:func:`esc`; nothing from the corpus or the user is ever put into the page as markup. Attribute values
are numbers or fixed words, except file names, which are escaped with quotes.

The answer dictionaries are ``ask --json`` objects (:meth:`parisqa.records.Answer.to_dict`); fields
that a newer answering module adds (``scores``, ``highlights``, ``related``) are rendered when present.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .documents import DocumentRow, human_size

if TYPE_CHECKING:
    from .evaluation import Report, Section

_MARKER = re.compile(r"\[(\d{1,3})\]")
# A document larger than this is shown around the cited span only, so the page stays light.
DOC_WINDOW_CHARS = 60_000


def esc(value: object) -> str:
    """Text as HTML text: ``<``, ``>``, ``&`` and quotes escaped."""
    return html.escape("" if value is None else str(value), quote=True)


def _spans(spans: Iterable[Mapping[str, Any]] | None, lo: int, hi: int) -> list[tuple[int, int]]:
    """Highlight spans clipped to ``[lo, hi)``, sorted and merged; malformed ones dropped."""
    clipped = []
    for span in spans or ():
        try:
            start, end = int(span["start"]), int(span["end"])
        except (KeyError, TypeError, ValueError):
            continue
        start, end = max(start, lo), min(end, hi)
        if start < end:
            clipped.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(clipped):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlighted(text: str, base: int, spans: Iterable[Mapping[str, Any]] | None, cls: str = "pq-hl") -> str:
    """``text`` (which starts at offset ``base`` of its source) as HTML, the spans in ``<mark>``.

    Spans are absolute offsets, as in ``citation["highlights"]``; parts outside ``text`` are ignored.
    """
    out, pos = [], base
    for start, end in _spans(spans, base, base + len(text)):
        out.append(esc(text[pos - base : start - base]))
        out.append(f'<mark class="{cls}">{esc(text[start - base : end - base])}</mark>')
        pos = end
    out.append(esc(text[pos - base :]))
    return "".join(out)


def answer_html(text: str, turn: int, known: Iterable[int]) -> str:
    """The answer text with each ``[n]`` that refers to a citation made a link to its card."""
    numbers = set(known)

    def marker(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in numbers:
            return match.group(0)
        return (
            f'<button type="button" class="pq-marker" data-pq-marker="1" data-target="pq-t{turn}-c{n}" '
            f'title="show passage {n}">[{n}]</button>'
        )

    return _MARKER.sub(marker, esc(text))


def _scores(citation: Mapping[str, Any]) -> str:
    parts = []
    score = citation.get("score")
    if isinstance(score, (int, float)):
        parts.append(f"score {score:.2f}")
    detail = citation.get("scores") or {}
    if isinstance(detail, Mapping):
        for name, value in detail.items():
            if isinstance(value, (int, float)):
                parts.append(f"{esc(name)} {value:.2f}")
    return " · ".join(parts)


def citation_html(citation: Mapping[str, Any], turn: int, *, related: bool = False) -> str:
    """One cited passage: number, source, heading, the passage with its highlights, an open button."""
    n = int(citation.get("n", 0))
    start = int(citation.get("start", 0))
    end = int(citation.get("end", start))
    text = str(citation.get("text", ""))
    heading = citation.get("heading")
    kind = "related" if related else "cited"
    where = f'<span class="pq-source">{esc(citation.get("source", ""))}</span>'
    if heading:
        where += f' <span class="pq-sep">›</span> <span class="pq-heading">{esc(heading)}</span>'
    return (
        f'<div class="pq-card pq-{kind}" id="pq-t{turn}-{"r" if related else "c"}{n}">'
        f'<div class="pq-card-head"><span class="pq-n">{n}</span>{where}</div>'
        f'<div class="pq-passage">{highlighted(text, start, citation.get("highlights"))}</div>'
        f'<div class="pq-card-foot"><span class="pq-meta">characters {start:,}–{end:,}'
        f"{' · ' + _scores(citation) if _scores(citation) else ''}</span>"
        f'<button type="button" class="pq-open" data-pq-open="1" data-turn="{turn}" data-n="{n}" '
        f'data-related="{1 if related else 0}">Open in document</button></div>'
        "</div>"
    )


def related_passages(answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """What an abstained answer offers as related reading: ``related`` when given, else its citations."""
    related = answer.get("related")
    return list(related) if related else list(answer.get("citations") or [])


def _question_html(turn: int, question: str) -> str:
    return f'<div class="pq-q" id="pq-t{turn}"><div class="pq-bubble">{esc(question)}</div></div>'


def _searched(answer: Mapping[str, Any]) -> str:
    query = answer.get("query")
    if not query or query == answer.get("question"):
        return ""
    return f'<div class="pq-query">Follow-up: searched for <q>{esc(query)}</q></div>'


def turn_html(turn: int, entry: Mapping[str, Any]) -> str:
    """One exchange: the question, then the answer (or pending, or error) with its passages."""
    parts = ['<div class="pq-turn">', _question_html(turn, str(entry.get("question", "")))]
    answer = entry.get("answer")
    if entry.get("error"):
        parts.append(
            f'<div class="pq-a pq-error"><div class="pq-label">Could not answer</div>{esc(entry["error"])}</div>'
        )
    elif not isinstance(answer, Mapping):
        note = entry.get("pending") or "Searching the corpus…"
        parts.append(f'<div class="pq-a pq-pending"><span class="pq-spinner"></span>{esc(note)}</div>')
    elif answer.get("abstained"):
        related = related_passages(answer)
        parts.append('<div class="pq-a pq-abstained">')
        parts.append('<div class="pq-label">Not in the corpus</div>')
        parts.append(f'<div class="pq-text">{esc(answer.get("answer", ""))}</div>')
        parts.append(_searched(answer))
        if related:
            parts.append(
                '<div class="pq-sub">Related reading: the closest passages, which do not answer the question</div>'
            )
            parts.extend(citation_html(c, turn, related=True) for c in related)
        parts.append("</div>")
    else:
        citations = list(answer.get("citations") or [])
        confidence = answer.get("confidence")
        parts.append('<div class="pq-a pq-answered">')
        parts.append(
            f'<div class="pq-text">{answer_html(str(answer.get("answer", "")), turn, (c.get("n") for c in citations))}'
            "</div>"
        )
        meta = []
        if isinstance(confidence, (int, float)):
            meta.append(f"confidence {confidence:.2f}")
        total = (answer.get("timings_ms") or {}).get("total")
        if isinstance(total, (int, float)):
            meta.append(f"{total:.0f} ms")
        parts.append(_searched(answer))
        if citations:
            parts.append(f'<div class="pq-sub">Sources{" · " + " · ".join(meta) if meta else ""}</div>')
            parts.extend(citation_html(c, turn) for c in citations)
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


def transcript_html(turns: Sequence[Mapping[str, Any]]) -> str:
    """The whole conversation, oldest first, or a short invitation when it is empty."""
    if not turns:
        return (
            '<div class="pq-chat pq-empty"><div class="pq-hello">'
            "Ask a question about the documents in the corpus. Answers quote the passages they come "
            "from; open a passage to read it in its document. Short follow-ups such as "
            "<q>and what about its tax incentives?</q> build on the previous question.</div></div>"
        )
    return '<div class="pq-chat">' + "".join(turn_html(i, t) for i, t in enumerate(turns)) + "</div>"


def faq_html(questions: Sequence[str]) -> str:
    """The corpus's FAQ questions as buttons that ask them (nothing when there are none)."""
    if not questions:
        return ""
    chips = "".join(f'<button type="button" class="pq-chip" data-pq-faq="1">{esc(q)}</button>' for q in questions)
    return f'<div class="pq-faq"><div class="pq-sub">Questions from the corpus FAQ</div>{chips}</div>'


def document_html(
    source: str,
    text: str,
    start: int,
    end: int,
    highlights: Iterable[Mapping[str, Any]] | None = None,
    *,
    label: str = "",
    note: str = "",
) -> str:
    """A whole source document with the span ``[start, end)`` marked (``id="pq-target"``).

    Documents longer than :data:`DOC_WINDOW_CHARS` are shown around the span only, with a note.
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    lo, hi = 0, len(text)
    if len(text) > DOC_WINDOW_CHARS:
        lo = max(0, start - DOC_WINDOW_CHARS // 2)
        hi = min(len(text), max(end, lo + DOC_WINDOW_CHARS))
    body = [esc(text[lo:start])]
    body.append(f'<mark class="pq-span" id="pq-target">{highlighted(text[start:end], start, highlights)}</mark>')
    body.append(esc(text[end:hi]))
    cut = []
    if lo > 0:
        cut.append(f"the first {lo:,} characters")
    if hi < len(text):
        cut.append(f"the last {len(text) - hi:,} characters")
    notes = [note] if note else []
    if cut:
        notes.append("Not shown: " + " and ".join(cut) + " of this long document.")
    return (
        '<div class="pq-doc">'
        f'<div class="pq-doc-head"><span class="pq-source">{esc(source)}</span>'
        f'<span class="pq-meta">{esc(label)}characters {start:,}–{end:,} of {len(text):,}</span></div>'
        + "".join(f'<div class="pq-doc-note">{esc(n)}</div>' for n in notes)
        + f'<div class="pq-doc-body">{"".join(body)}</div></div>'
    )


def document_placeholder(message: str = "") -> str:
    """The document panel before a passage is opened (or with a message instead of a document)."""
    text = message or "Choose “Open in document” on a passage to read it in its source, scrolled to the passage."
    return f'<div class="pq-doc pq-doc-empty"><div class="pq-doc-note">{esc(text)}</div></div>'


_STATUS_TEXT = {
    "indexed": "indexed",
    "new": "new · not indexed yet",
    "changed": "changed · rebuild to update",
    "deleted": "deleted · still in the index until rebuild",
    "skipped": "not indexed",
}


def documents_html(rows: Sequence[DocumentRow], warnings: Sequence[str] = ()) -> str:
    """The document list of the Index tab: name, chunks, last indexed, status."""
    pending = sum(1 for r in rows if r.pending)
    head = f"{len(rows)} document{'s' if len(rows) != 1 else ''}"
    if pending:
        head += f" · {pending} change{'s' if pending != 1 else ''} waiting for a rebuild"
    lines = [f'<div class="pq-docs"><div class="pq-sub">{esc(head)}</div>']
    if not rows:
        lines.append('<div class="pq-doc-note">No .txt or .md documents in the corpus yet; add some below.</div>')
    else:
        lines.append(
            '<table class="pq-table"><thead><tr><th>Document</th><th>Chunks</th><th>Last indexed</th>'
            "<th>Size</th><th>Status</th></tr></thead><tbody>"
        )
        for r in rows:
            when = (r.indexed_at or "").replace("T", " ").replace("Z", " UTC")
            status = _STATUS_TEXT.get(r.status, r.status)
            note = f'<div class="pq-meta">{esc(r.note)}</div>' if r.note else ""
            lines.append(
                f'<tr class="pq-row-{esc(r.status)}"><td class="pq-source">{esc(r.source)}</td>'
                f"<td>{'' if r.chunks is None else r.chunks}</td><td>{esc(when)}</td>"
                f"<td>{'' if r.size is None else esc(human_size(r.size))}</td>"
                f'<td><span class="pq-status pq-status-{esc(r.status)}">{esc(status)}</span>{note}</td></tr>'
            )
        lines.append("</tbody></table>")
    lines.extend(f'<div class="pq-doc-note">{esc(w)}</div>' for w in warnings)
    lines.append("</div>")
    return "".join(lines)


def messages_html(messages: Sequence[tuple[str, str]]) -> str:
    """Outcome lines (``("ok" | "error" | "info", text)``) of an upload, delete or rebuild."""
    if not messages:
        return ""
    items = "".join(f'<li class="pq-msg pq-msg-{esc(kind)}">{esc(text)}</li>' for kind, text in messages)
    return f'<ul class="pq-msgs">{items}</ul>'


def status_html(state: str, text: str) -> str:
    """The status line under the title: ``state`` is "loading", "ready" or "error"."""
    return f'<div class="pq-statusline pq-state-{esc(state)}"><span class="pq-dot"></span>{esc(text)}</div>'


# --- the Evaluate tab -----------------------------------------------------------------------------


def evaluation_placeholder() -> str:
    """The Evaluate tab before its first run."""
    return (
        '<div class="pq-eval pq-eval-empty"><div class="pq-doc-note">Press “Run FAQ evaluation” to measure '
        "retrieval (hit@k, MRR, nDCG), answers (exact match, token F1, similarity, verbatim quoting), "
        "abstention and latency. It takes a few seconds for a small corpus.</div></div>"
    )


def _best_columns(section: Section, key: str) -> set[int]:
    """Columns (from 1) holding the best shown value of a share metric, when the systems differ."""
    from .evaluation.report import HIGHER_IS_BETTER, format_value

    if key.startswith("latency") or len(section.systems) < 2:
        return set()  # latency differences between systems are mostly machine noise
    shown = {}
    for column, system in enumerate(section.systems, 1):
        value = section.metrics[system].get(key)
        if value is not None:
            shown[column] = float(format_value(key, value))
    if len(set(shown.values())) < 2:
        return set()
    best = max(shown.values()) if HIGHER_IS_BETTER[key] else min(shown.values())
    return {c for c, v in shown.items() if v == best}


def _metric_table(section: Section) -> str:
    from .evaluation.report import METRICS

    header, rows = section.table()
    meanings = {label: (key, meaning) for key, label, _, meaning in METRICS}
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = []
    for row in rows:
        key, meaning = meanings.get(row[0], ("", ""))
        best = _best_columns(section, key) if key else set()
        cells = "".join(
            f'<td class="pq-num{" pq-best" if i in best else ""}">{esc(v)}</td>' for i, v in enumerate(row[1:], 1)
        )
        body.append(f'<tr><th scope="row" title="{esc(meaning)}">{esc(row[0])}</th>{cells}</tr>')
    return f'<table class="pq-table pq-eval-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _per_question(section: Section, limit: int = 200) -> str:
    """The first system's result on each question, folded away."""
    from .evaluation.report import SYSTEM_LABELS, format_value

    if not section.results:
        return ""
    system, results = next(iter(section.results.items()))
    rows = []
    for r in results[:limit]:
        rank = "-" if r.relevant is None else (str(r.first_relevant) if r.first_relevant else "miss")
        rows.append(
            f'<tr><td>{esc(r.question)}</td><td class="pq-num">{esc(rank)}</td>'
            f'<td class="pq-num">{esc(format_value("f1", r.f1))}</td>'
            f'<td class="pq-num">{esc(format_value("similarity", r.similarity))}</td>'
            f"<td>{'yes' if r.abstained else 'no'}</td>"
            f'<td class="pq-num">{esc(format_value("latency_ms", r.latency_ms))}</td></tr>'
        )
    more = f'<div class="pq-meta">{len(results) - limit:,} more not shown</div>' if len(results) > limit else ""
    return (
        f'<details class="pq-eval-items"><summary>Per question ({esc(SYSTEM_LABELS.get(system, system))})</summary>'
        '<table class="pq-table"><thead><tr><th>question</th><th>first relevant</th><th>F1</th><th>similarity</th>'
        f"<th>declined</th><th>ms</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{more}</details>"
    )


def _section_html(section: Section) -> str:
    c = section.counts
    counts = (
        f"{c['questions']} questions ({c['answerable']} answerable, {c['unanswerable']} unanswerable); "
        f"retrieval judged on {c['judged']}"
    )
    return (
        f'<section class="pq-eval-section" data-section="{esc(section.name)}">'
        f'<div class="pq-eval-title"><span class="pq-eval-name">{esc(section.name)}</span> '
        f"{esc(section.description)}</div>"
        f'<div class="pq-meta">{esc(counts)}</div>{_metric_table(section)}{_per_question(section)}</section>'
    )


def metric_help_html() -> str:
    """What each metric means, and what ``-`` and relevance mean."""
    from .evaluation.report import METRICS

    items = "".join(f"<dt>{esc(label)}</dt><dd>{esc(meaning)}</dd>" for _, label, _, meaning in METRICS)
    return (
        '<div class="pq-eval-help"><div class="pq-sub">What the metrics mean</div>'
        f'<dl class="pq-eval-metrics">{items}</dl><div class="pq-meta">A passage is relevant when it comes '
        "from the question's gold document and contains its gold answer or evidence text (compared "
        "without case, punctuation or articles). A dash (-) means not applicable: no question of that kind, "
        "or (held out) no gold text left in the index to judge retrieval by. The best value of each row is "
        "in bold.</div></div>"
    )


def evaluation_html(report: Report, chart: bytes | None = None, *, seconds: float | None = None) -> str:
    """A :class:`parisqa.evaluation.Report` for the page: its tables, the chart, the metric meanings.

    The chart is embedded as a ``data:`` image, so the page fetches nothing for it.
    """
    import base64

    s = report.settings
    questions = max((sec.counts.get("questions", 0) for sec in report.sections), default=0)
    title = "FAQ evaluation" if report.test_set == "faq" else f"Evaluation of {report.source}"
    facts = [
        f"{questions} question{'s' if questions != 1 else ''}",
        f"corpus {s.get('corpus_dir')}",
        f"index {s.get('index_dir')}",
        f"retrieval depth k={s.get('k')}",
    ]
    if seconds is not None:
        facts.append(f"{seconds:.1f} s")
    parts = [
        '<div class="pq-eval">',
        f'<div class="pq-eval-head"><div class="pq-eval-heading">{esc(title)}</div>'
        f'<div class="pq-meta">{esc(" · ".join(facts))}</div></div>',
        '<div class="pq-eval-sections">',
        *(_section_html(sec) for sec in report.sections),
        "</div>",
    ]
    if chart:
        data = base64.b64encode(chart).decode("ascii")
        parts.append(
            f'<img class="pq-eval-chart" alt="bar chart of the metrics by system, one panel per index" '
            f'src="data:image/png;base64,{data}">'
        )
    if report.warnings:
        parts.append('<div class="pq-sub">Warnings</div>')
        parts.extend(f'<div class="pq-doc-note">{esc(w)}</div>' for w in report.warnings)
    parts += [metric_help_html(), "</div>"]
    return "".join(parts)


# The page's own styles. Colours come from the Gradio theme's variables where one fits, so the
# light and dark modes both work; highlight colours are fixed and set their own text colour.
CSS = """
.gradio-container { max-width: 1360px !important; }
#pq-header { align-items: center; gap: 12px; }
.pq-title { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
.pq-logo { font-size: 1.55rem; font-weight: 700; letter-spacing: -0.02em; }
.pq-tagline { color: var(--body-text-color-subdued); }
.pq-statusline { display: flex; align-items: center; gap: 8px; justify-content: flex-end;
  color: var(--body-text-color-subdued); font-size: 0.9rem; }
.pq-dot { width: 9px; height: 9px; border-radius: 50%; background: #9ca3af; flex: none; }
.pq-state-loading .pq-dot { background: #f59e0b; animation: pq-pulse 1s ease-in-out infinite; }
.pq-state-ready .pq-dot { background: #16a34a; }
.pq-state-error .pq-dot { background: #dc2626; }
.pq-state-error { color: #b91c1c; }
@keyframes pq-pulse { 50% { opacity: 0.3; } }

.pq-chat { position: relative; height: 62vh; min-height: 320px; overflow-y: auto; padding: 12px 14px;
  border: 1px solid var(--border-color-primary); border-radius: 12px;
  background: var(--background-fill-secondary); }
.pq-empty { display: flex; align-items: center; justify-content: center; }
.pq-hello { max-width: 520px; text-align: center; color: var(--body-text-color-subdued); line-height: 1.6; }
.pq-turn { margin-bottom: 18px; }
.pq-q { display: flex; justify-content: flex-end; margin-bottom: 8px; }
.pq-bubble { max-width: 82%; padding: 8px 13px; border-radius: 14px 14px 4px 14px; white-space: pre-wrap;
  overflow-wrap: anywhere; background: var(--color-accent); color: white; }
.pq-a { padding: 12px 14px; border-radius: 4px 14px 14px 14px; background: var(--background-fill-primary);
  border: 1px solid var(--border-color-primary); max-width: 96%; overflow-wrap: anywhere; }
.pq-answered { border-left: 4px solid var(--color-accent); }
.pq-text { line-height: 1.6; white-space: pre-wrap; }
.pq-abstained { border-left: 4px solid #d97706; }
.pq-error { border-left: 4px solid #dc2626; }
.pq-label { display: inline-block; font-size: 0.78rem; font-weight: 700; text-transform: uppercase;
  letter-spacing: 0.04em; padding: 2px 8px; border-radius: 999px; margin-bottom: 6px; }
.pq-abstained .pq-label { background: #fef3c7; color: #92400e; }
.pq-error .pq-label { background: #fee2e2; color: #991b1b; }
.pq-pending { color: var(--body-text-color-subdued); display: flex; align-items: center; gap: 8px; }
.pq-spinner { width: 14px; height: 14px; border-radius: 50%; border: 2px solid var(--border-color-primary);
  border-top-color: var(--color-accent); animation: pq-spin 0.8s linear infinite; }
@keyframes pq-spin { to { transform: rotate(360deg); } }
.pq-query { margin-top: 6px; font-size: 0.86rem; color: var(--body-text-color-subdued); }
.pq-sub { margin: 12px 0 2px; font-size: 0.8rem; font-weight: 600; text-transform: uppercase;
  letter-spacing: 0.04em;
  color: var(--body-text-color-subdued); }
.pq-marker { display: inline; border: none; padding: 0 4px; margin: 0 1px; border-radius: 5px; cursor: pointer;
  font-size: 0.8em; font-weight: 700; vertical-align: 0.15em; background: var(--color-accent-soft);
  color: var(--color-accent); }
.pq-marker:hover { background: var(--color-accent); color: white; }

.pq-card { margin-top: 8px; padding: 9px 11px; border-radius: 9px; border: 1px solid var(--border-color-primary);
  background: var(--background-fill-secondary); scroll-margin: 12px; }
.pq-card.pq-related { border-style: dashed; }
.pq-card.pq-active { border-color: var(--color-accent); box-shadow: 0 0 0 2px var(--color-accent-soft); }
.pq-card.pq-flash { animation: pq-flash 1.2s ease-out; }
@keyframes pq-flash { 0% { box-shadow: 0 0 0 4px #facc15; } 100% { box-shadow: 0 0 0 0 transparent; } }
.pq-card-head { font-size: 0.88rem; margin-bottom: 5px; line-height: 1.5; }
.pq-n { display: inline-block; text-align: center; min-width: 20px; line-height: 20px; margin-right: 6px;
  padding: 0 5px;
  border-radius: 6px; font-size: 0.78rem; font-weight: 700; background: var(--color-accent-soft);
  color: var(--color-accent); }
.pq-related .pq-n { background: var(--border-color-primary); color: var(--body-text-color-subdued); }
.pq-source { font-weight: 600; overflow-wrap: anywhere; }
.pq-heading, .pq-sep { color: var(--body-text-color-subdued); }
.pq-passage { white-space: pre-wrap; font-size: 0.9rem; line-height: 1.55; overflow-wrap: anywhere; }
.pq-related .pq-passage { color: var(--body-text-color-subdued); }
.pq-card-foot { display: flex; align-items: center; justify-content: space-between; gap: 8px; margin-top: 6px;
  flex-wrap: wrap; }
.pq-meta { font-size: 0.78rem; color: var(--body-text-color-subdued); }
.pq-open { border: 1px solid var(--border-color-primary); background: var(--background-fill-primary);
  color: var(--body-text-color);
  border-radius: 7px; padding: 3px 10px; font-size: 0.8rem; cursor: pointer; }
.pq-open:hover { border-color: var(--color-accent); color: var(--color-accent); }
mark.pq-hl { background: #fde68a; color: #1f2937; border-radius: 3px; padding: 0 1px; }
mark.pq-span { background: #dbeafe; color: #111827; border-radius: 2px; padding: 1px 0; }
mark.pq-span mark.pq-hl { background: #fcd34d; }

.pq-doc { border: 1px solid var(--border-color-primary); border-radius: 12px;
  background: var(--background-fill-primary);
  overflow: hidden; }
.pq-doc-empty { padding: 22px; }
.pq-doc-head { display: flex; justify-content: space-between; gap: 10px; flex-wrap: wrap; padding: 10px 14px;
  border-bottom: 1px solid var(--border-color-primary); background: var(--background-fill-secondary); }
.pq-doc-note { padding: 8px 14px; color: var(--body-text-color-subdued); font-size: 0.88rem; }
.pq-doc-body { position: relative; height: 68vh; overflow-y: auto; padding: 12px 16px; white-space: pre-wrap;
  font-size: 0.9rem; line-height: 1.6; overflow-wrap: anywhere; }

.pq-faq { margin-top: 4px; }
.pq-chip { display: inline-block; margin: 4px 6px 0 0; padding: 5px 11px; border-radius: 999px; text-align: left;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-primary);
  color: var(--body-text-color); font-size: 0.86rem; font-weight: 400; cursor: pointer; overflow-wrap: anywhere; }
.pq-chip:hover { border-color: var(--color-accent); color: var(--color-accent); }
.pq-docs { margin-bottom: 8px; }
.pq-toolbar { gap: 8px; }
.pq-table { width: 100%; border-collapse: collapse; font-size: 0.9rem; border: none !important; }
.pq-table tr { border: none !important; background: transparent !important; }
.pq-table th, .pq-table td { border: none !important; border-bottom: 1px solid var(--border-color-primary) !important;
  padding: 7px 10px; text-align: left; vertical-align: top; }
.pq-table th { font-weight: 600; border-bottom-width: 2px !important; }
.pq-status { font-size: 0.8rem; padding: 1px 8px; border-radius: 999px;
  background: var(--background-fill-secondary); }
.pq-status-indexed { background: #dcfce7; color: #166534; }
.pq-status-new, .pq-status-changed { background: #dbeafe; color: #1e40af; }
.pq-status-deleted, .pq-status-skipped { background: #fef3c7; color: #92400e; }
.pq-msgs { list-style: none; padding: 0; margin: 6px 0; }
.pq-msg { padding: 6px 10px; margin: 4px 0; border-radius: 8px; font-size: 0.9rem; overflow-wrap: anywhere; }
.pq-msg-ok { background: #dcfce7; color: #14532d; }
.pq-msg-error { background: #fee2e2; color: #7f1d1d; }
.pq-msg-info { background: var(--background-fill-secondary); color: var(--body-text-color); }
.pq-eval-intro { color: var(--body-text-color-subdued); }
.pq-eval-empty { padding: 8px 0; }
.pq-eval-head { display: flex; align-items: baseline; gap: 14px; flex-wrap: wrap; margin: 6px 0 4px; }
.pq-eval-heading { font-size: 1.1rem; font-weight: 700; }
.pq-eval-sections { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px 22px; }
.pq-eval-section { padding: 10px 12px; border: 1px solid var(--border-color-primary); border-radius: 10px;
  background: var(--background-fill-primary); }
.pq-eval-title { font-weight: 600; margin-bottom: 2px; }
.pq-eval-name { font-family: var(--font-mono); font-size: 0.85rem; padding: 1px 7px; border-radius: 6px;
  background: var(--color-accent-soft); color: var(--color-accent); }
.pq-eval-table { margin-top: 6px; }
.pq-eval-table th[scope=row] { font-weight: 400; border-bottom-width: 1px !important; cursor: help; }
.pq-table td.pq-num { text-align: right; font-variant-numeric: tabular-nums; }
.pq-eval-table thead th:not(:first-child) { text-align: right; }
.pq-table td.pq-best { font-weight: 700; }
.pq-eval-items { margin-top: 8px; font-size: 0.88rem; }
.pq-eval-items summary { cursor: pointer; color: var(--body-text-color-subdued); }
.pq-eval-chart { display: block; max-width: 100%; height: auto; margin: 16px auto 4px; border-radius: 8px;
  border: 1px solid var(--border-color-primary); background: white; }
.pq-eval-help { margin-top: 10px; }
.pq-eval-metrics { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 6px 0 8px;
  font-size: 0.88rem; }
.pq-eval-metrics dt { font-weight: 600; }
.pq-eval-metrics dd { margin: 0; color: var(--body-text-color-subdued); }
"""
