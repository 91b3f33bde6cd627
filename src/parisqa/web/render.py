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
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..answer.compose import NO_TERMS_TEXT
from ..corpus.folder import DocumentRow, human_size

if TYPE_CHECKING:
    from ..evaluation import Report, Section

_MARKER = re.compile(r"\[(\d{1,3})\]")
# A document larger than this is shown around the cited span only, so the page stays light.
DOC_WINDOW_CHARS = 60_000


@cache
def static_text(name: str) -> str:
    """A file of the page's ``static/`` folder (stylesheet, scripts), read once from the package."""
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


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


def highlighted(
    text: str, base: int, spans: Iterable[Mapping[str, Any]] | None, cls: str = "pq-hl", title: str = ""
) -> str:
    """``text`` (which starts at offset ``base`` of its source) as HTML, the spans in ``<mark>``.

    Spans are absolute offsets, as in ``citation["highlights"]``; parts outside ``text`` are ignored.
    """
    out, pos = [], base
    for start, end in _spans(spans, base, base + len(text)):
        out.append(esc(text[pos - base : start - base]))
        hint = f' title="{esc(title)}"' if title else ""
        out.append(f'<mark class="{cls}"{hint}>{esc(text[start - base : end - base])}</mark>')
        pos = end
    out.append(esc(text[pos - base :]))
    return "".join(out)


# A table row of extracted text: cells joined by " | " (DOCX, PDF tables) or Markdown's "| a | b |"
# (HTML pages); a Markdown separator row ("|---|:--|") is layout, not text.
_ROW = re.compile(r"^[ \t]*(?:\|.*\|[ \t]*|.*\S[ \t]+\|[ \t]+\S.*)$")
_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+(?:[ \t]*:?-{3,}:?[ \t]*)?$")
_CELL = re.compile(r"[^|]+")


def _row_html(line: str, base: int, spans: Iterable[Mapping[str, Any]] | None, **mark: str) -> str:
    cells = []
    for match in _CELL.finditer(line):
        raw = match.group()
        if not raw.strip():
            if match.start() > 0 and match.end() < len(line):  # an empty cell between two pipes
                cells.append("<td></td>")
            continue
        lead = len(raw) - len(raw.lstrip())
        cell = raw.strip()
        cells.append(f"<td>{highlighted(cell, base + match.start() + lead, spans, **mark)}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def text_with_tables(text: str, base: int = 0, spans: Iterable[Mapping[str, Any]] | None = None, **mark: str) -> str:
    """``text`` as HTML (highlights as in :func:`highlighted`), its table rows as a ``<table>``.

    Consecutive rows (cells joined by `` | ``, or Markdown ``| a | b |``) become one table, so a
    quoted row reads as a table, not as pipes; Markdown separator rows are dropped. Everything else is
    :func:`highlighted` text. Any front end showing extracted text (a chat turn, a passage card) can
    call it; ``base`` is ``text``'s offset in its source, ``spans`` absolute offsets; ``mark`` (``cls``,
    ``title``) styles the highlights as :func:`highlighted` does.
    """
    spans = list(spans or ())
    out: list[str] = []
    rows: list[str] = []
    offset = base
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        if _RULE.match(bare) and (rows or _ROW.match(bare)):
            pass  # layout only
        elif _ROW.match(bare):
            rows.append(_row_html(bare, offset, spans, **mark))
        else:
            if rows:
                out.append('<table class="pq-rows">' + "".join(rows) + "</table>")
                rows = []
            out.append(highlighted(line, offset, spans, **mark))
        offset += len(line)
    if rows:
        out.append('<table class="pq-rows">' + "".join(rows) + "</table>")
    return "".join(out)


def answer_html(text: str, turn: int, known: Iterable[int], short: Mapping[str, Any] | None = None) -> str:
    """The answer text with each ``[n]`` that refers to a citation made a link to its card.

    ``short`` is the answer's short answer (``{"source", "start", "end", "text"}``, see
    :class:`parisqa.records.ShortAnswer`): its text is marked (``<mark class="short">``) where it
    first occurs in the answer, which quotes the sentence that holds it first.
    """
    numbers = set(known)

    def marker(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in numbers:
            return match.group(0)
        return (
            f'<button type="button" class="pq-marker" data-pq-marker="1" data-target="pq-t{turn}-c{n}" '
            f'title="show passage {n}">[{n}]</button>'
        )

    fact = str(short.get("text") or "") if isinstance(short, Mapping) else ""
    at = text.find(fact) if fact.strip() else -1
    if at < 0:
        return _MARKER.sub(marker, text_with_tables(text))
    span = [{"start": at, "end": at + len(fact)}]
    return _MARKER.sub(marker, text_with_tables(text, 0, span, cls="short", title="the short answer"))


_PIECE = re.compile(r"(.*?)\s*\[(\d{1,3})\]\s*", re.DOTALL)


def _row_table(text: str, citation: Mapping[str, Any], short: str) -> str | None:
    """A quoted table row as a small table with its column headers, or None when ``text`` is no row of
    ``citation``'s passage. The cell holding the short answer is marked."""
    from ..answer.units import table_row

    passage = str(citation.get("text") or "")
    at = passage.find(text)
    if "|" not in text or at < 0:
        return None
    row = table_row(passage, at, at + len(text))
    if row is None:
        return None
    cells = [passage[a:b] for a, b in row.cells]

    def cell(value: str, tag: str) -> str:
        body = f'<mark class="short">{esc(value)}</mark>' if tag == "td" and short and value == short else esc(value)
        return f"<{tag}>{body}</{tag}>"

    head = ""
    if row.header and len(row.header) == len(cells):
        head = "<thead><tr>" + "".join(cell(h, "th") for h in row.header) + "</tr></thead>"
    body = "<tbody><tr>" + "".join(cell(c, "td") for c in cells) + "</tr></tbody>"
    return f'<table class="pq-row">{head}{body}</table>'


def answer_body_html(answer: Mapping[str, Any], turn: int) -> str:
    """The answer text (see :func:`answer_html`), with each quoted table row shown as a small table
    under its column headers instead of cells joined by pipes."""
    text = str(answer.get("answer", ""))
    citations = {int(c.get("n", 0)): c for c in answer.get("citations") or []}
    short = answer.get("short")
    fact = str(short.get("text") or "") if isinstance(short, Mapping) else ""
    pieces = list(_PIECE.finditer(text))
    if "|" not in text or not pieces or "".join(m.group(0) for m in pieces) != text:
        return answer_html(text, turn, citations, short)
    out = []
    marked = False
    for match in pieces:
        piece, n = match.group(1), int(match.group(2))
        table = _row_table(piece, citations[n], fact) if n in citations else None
        if table is None:
            out.append(answer_html(match.group(0), turn, citations, None if marked else short))
            marked = marked or bool(fact and fact in piece)
        else:
            out.append(table + answer_html(f"[{n}] ", turn, citations))
            marked = marked or bool(fact and fact in piece)
    return "".join(out)


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
    pages = citation.get("pages")
    if pages:
        where += f' <span class="pq-page-no">pages {int(pages[0])}–{int(pages[1])}</span>'
    elif citation.get("page"):
        where += f' <span class="pq-page-no">page {int(citation["page"])}</span>'
    return (
        f'<div class="pq-card pq-{kind}" id="pq-t{turn}-{"r" if related else "c"}{n}">'
        f'<div class="pq-card-head"><span class="pq-n">{n}</span>{where}</div>'
        f'<div class="pq-passage">{text_with_tables(text, start, citation.get("highlights"))}</div>'
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


# A question longer than this is shown folded (its first PREVIEW_WORDS words), so a pasted page does
# not push its own answer off the screen.
LONG_QUESTION_WORDS = 80
LONG_QUESTION_CHARS = 600
PREVIEW_WORDS = 60
PREVIEW_CHARS = 600


def is_long(text: str) -> bool:
    """Whether ``text`` is shown folded in the conversation (see :data:`LONG_QUESTION_WORDS`)."""
    return len(text) > LONG_QUESTION_CHARS or len(text.split()) > LONG_QUESTION_WORDS


def preview(text: str) -> str:
    """The first :data:`PREVIEW_WORDS` words of ``text`` (at most :data:`PREVIEW_CHARS` characters)."""
    words = text.split()
    shown = " ".join(words[:PREVIEW_WORDS])
    if len(shown) > PREVIEW_CHARS:
        cut = shown.rfind(" ", 0, PREVIEW_CHARS + 1)
        shown = shown[: cut if cut > 0 else PREVIEW_CHARS].rstrip()
    return shown


def _question_html(turn: int, question: str) -> str:
    if not is_long(question):
        return f'<div class="pq-q" id="pq-t{turn}"><div class="pq-bubble">{esc(question)}</div></div>'
    count = len(question.split())
    return (
        f'<div class="pq-q" id="pq-t{turn}"><details class="pq-bubble pq-long">'
        f'<summary><span class="pq-preview">{esc(preview(question))}…</span> '
        f'<span class="pq-more">show all {count:,} words</span></summary>'
        f'<div class="pq-full">{esc(question)}</div></details></div>'
    )


def _searched(answer: Mapping[str, Any], turn: int) -> str:
    """What a follow-up was searched as, with the button that searches the question on its own."""
    query = str(answer.get("query") or "")
    question = str(answer.get("question") or "")
    if not query or query == question:
        return ""
    shown = query
    if is_long(question) and query.startswith(question.strip()):
        added = query[len(question.strip()) :].strip()
        shown = f"{preview(question)}… {added}"
    return (
        f'<div class="pq-query">Follow-up: searched for <q>{esc(shown)}</q> '
        f'<button type="button" class="pq-undo" data-pq-undo="1" data-turn="{turn}" '
        'title="search this question without the words of the previous one">Search as a new question</button></div>'
    )


def verdicts_html(answer: Mapping[str, Any]) -> str:
    """For an answer an LLM wrote: each sentence marked supported (with its passage span) or removed,
    and the generation warnings as a notice. Empty for quoted answers without warnings."""
    parts = []
    sentences = answer.get("sentences") or []
    if sentences:
        label = "Written by the LLM" if answer.get("mode") == "generated" else "The LLM's reply (not used)"
        parts.append(
            f'<div class="pq-sub">{label}, each sentence checked against its passage</div><ul class="pq-verdicts">'
        )
        for s in sentences:
            support = s.get("support") or {}
            if s.get("supported"):
                mark, cls = "✓", "pq-supported"
                why = f"supported by [{support.get('n')}], chars {support.get('start')}–{support.get('end')}"
            else:
                mark, cls = "✗", "pq-removed"
                why = "removed: " + str(s.get("reason") or "not supported by the passages")
            parts.append(
                f'<li class="{cls}"><span class="pq-mark" aria-hidden="true">{mark}</span> '
                f'{esc(s.get("text", ""))} <span class="pq-why">({esc(why)})</span></li>'
            )
        parts.append("</ul>")
    warnings = answer.get("warnings") or []
    if warnings:
        parts.append(
            '<div class="pq-notice" role="status">' + "".join(f"<div>{esc(w)}</div>" for w in warnings) + "</div>"
        )
    return "".join(parts)


def turn_html(turn: int, entry: Mapping[str, Any]) -> str:
    """One exchange: the question, then the answer (or pending, or error) with its passages."""
    parts = ['<div class="pq-turn">', _question_html(turn, str(entry.get("question", "")))]
    answer = entry.get("answer")
    if entry.get("error"):
        parts.append(
            f'<div class="pq-a pq-error"><div class="pq-label">Could not answer</div>{esc(entry["error"])}</div>'
        )
    elif not isinstance(answer, Mapping) and entry.get("partial"):
        # A generated answer arriving: its verified sentences so far (the marks come at the end).
        parts.append(
            '<div class="pq-a pq-pending pq-partial"><span class="pq-spinner"></span>'
            f'<span class="pq-text">{esc(entry["partial"])}</span></div>'
        )
    elif not isinstance(answer, Mapping):
        note = entry.get("pending") or "Searching the corpus…"
        parts.append(f'<div class="pq-a pq-pending"><span class="pq-spinner"></span>{esc(note)}</div>')
    elif answer.get("abstained"):
        related = related_passages(answer)
        parts.append('<div class="pq-a pq-abstained">')
        nothing = answer.get("answer") == NO_TERMS_TEXT
        parts.append(f'<div class="pq-label">{"Nothing to search for" if nothing else "Not in the corpus"}</div>')
        parts.append(f'<div class="pq-text">{esc(answer.get("answer", ""))}</div>')
        parts.append(_searched(answer, turn))
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
        parts.append(f'<div class="pq-text">{answer_body_html(answer, turn)}</div>')
        meta = []
        if isinstance(confidence, (int, float)):
            meta.append(f"confidence {confidence:.2f}")
        total = (answer.get("timings_ms") or {}).get("total")
        if isinstance(total, (int, float)):
            meta.append(f"{total:.0f} ms")
        parts.append(_searched(answer, turn))
        parts.append(verdicts_html(answer))
        if citations:
            parts.append(f'<div class="pq-sub">Sources{" · " + " · ".join(meta) if meta else ""}</div>')
            parts.extend(citation_html(c, turn) for c in citations)
        parts.append("</div>")
    parts.append("</div>")
    return "".join(parts)


# Follow-ups named in the invitation: about no corpus in particular, and each one a follow-up for
# parisqa.answer.followup (a test checks both).
FOLLOW_UP_EXAMPLES = ("why?", "and how much does it cost?")


def transcript_html(turns: Sequence[Mapping[str, Any]], notice: str = "") -> str:
    """The whole conversation, oldest first, or a short invitation when it is empty.

    Args:
        turns: the conversation's entries.
        notice: a message about the last action (such as an empty question), shown after the turns.
    """
    note = f'<div class="pq-notice" role="alert">{esc(notice)}</div>' if notice else ""
    if not turns:
        examples = " or ".join(f"<q>{esc(e)}</q>" for e in FOLLOW_UP_EXAMPLES)
        return (
            '<div class="pq-chat pq-empty"><div class="pq-hello">'
            "Ask a question about the documents in the corpus. Answers quote the passages they come "
            f"from; open a passage to read it in its document. Short follow-ups such as {examples} "
            f"build on the previous question.{note}</div></div>"
        )
    return '<div class="pq-chat">' + "".join(turn_html(i, t) for i, t in enumerate(turns)) + note + "</div>"


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
    page_view: str = "",
    markdown: bool = False,
) -> str:
    """A whole source document with the span ``[start, end)`` marked (``id="pq-target"``).

    Documents longer than :data:`DOC_WINDOW_CHARS` are shown around the span only, with a note.
    ``page_view`` (see :func:`page_html`) goes above the text: a PDF's page with the passage on it.
    ``markdown`` (a converted file's extracted text, or a ``.md`` file): ``#`` heading lines are shown
    as headings, their marks hidden (the text itself, and so every offset, is unchanged).
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    lo, hi = 0, len(text)
    if len(text) > DOC_WINDOW_CHARS:
        lo = max(0, start - DOC_WINDOW_CHARS // 2)
        hi = min(len(text), max(end, lo + DOC_WINDOW_CHARS))
    body = _document_body(text, lo, hi, start, end, highlights, markdown)
    cut = []
    if lo > 0:
        cut.append(f"the first {lo:,} characters")
    if hi < len(text):
        cut.append(f"the last {len(text) - hi:,} characters")
    notes = [note] if note else []
    if cut:
        notes.append("Not shown: " + " and ".join(cut) + " of this long document.")
    kind = " pq-doc-paged" if page_view else ""
    return (
        f'<div class="pq-doc{kind}">'
        f'<div class="pq-doc-head"><span class="pq-source">{esc(source)}</span>'
        f'<span class="pq-meta">{esc(label)}characters {start:,}–{end:,} of {len(text):,}</span></div>'
        + "".join(f'<div class="pq-doc-note">{esc(n)}</div>' for n in notes)
        + page_view
        + f'<div class="pq-doc-body">{body}</div></div>'
    )


_HEADING_LINE = re.compile(r"^(#{1,6})[ \t]+(?=\S)[^\n]*", re.M)


def _document_body(
    text: str,
    lo: int,
    hi: int,
    start: int,
    end: int,
    highlights: Iterable[Mapping[str, Any]] | None,
    markdown: bool,
) -> str:
    """``text[lo:hi]`` as HTML: the target span marked, highlights inside it, headings as headings.

    The text is cut at every boundary (target, heading line, heading mark) so each piece sits in at
    most one heading and one mark: the tags always nest, and only the first target piece has the id.
    """
    headings = []  # (line start, end of its "## " mark, line end, level)
    if markdown:
        for m in _HEADING_LINE.finditer(text, lo, hi):
            mark_end = m.start() + len(m.group(1))
            while mark_end < m.end() and text[mark_end] in " \t":
                mark_end += 1
            headings.append((m.start(), mark_end, m.end(), len(m.group(1))))
    cuts = sorted({lo, hi, start, end, *(x for h in headings for x in h[:3])} & set(range(lo, hi + 1)))
    out, first_target, h = [], True, 0
    for a, b in zip(cuts, cuts[1:]):
        if start == end == a and first_target:
            out.append('<mark class="pq-span" id="pq-target"></mark>')
            first_target = False
        while h < len(headings) and headings[h][2] <= a:
            h += 1
        heading = headings[h] if h < len(headings) and headings[h][0] <= a < headings[h][2] else None
        if heading and a == heading[0]:
            out.append(f'<span class="pq-h pq-h{heading[3]}" role="heading" aria-level="{heading[3]}">')
        piece = highlighted(text[a:b], a, highlights) if start <= a < end else esc(text[a:b])
        if heading and a < heading[1]:
            piece = f'<span class="pq-hmark" aria-hidden="true">{piece}</span>'
        if start <= a < end:
            ident = ' id="pq-target"' if first_target else ""
            piece, first_target = f'<mark class="pq-span"{ident}>{piece}</mark>', False
        out.append(piece)
        if heading and b == heading[2]:
            out.append("</span>")
    if first_target:  # an empty span (or one at the very end): still a place to scroll to
        out.append('<mark class="pq-span" id="pq-target"></mark>')
    return "".join(out)


def page_html(source: str, page: int, pages: int, png: bytes, *, highlighted: bool = True) -> str:
    """A rendered PDF page (PNG bytes), shown above the extracted text of a PDF citation."""
    import base64

    what = "the cited sentences highlighted" if highlighted else "the passage could not be located on it"
    alt = f"page {page} of {source}, {what}"
    return (
        f'<div class="pq-page" data-pq-page="{page}">'
        f'<div class="pq-doc-note">Page {page} of {pages} · {esc(what)}; the extracted text follows.</div>'
        f'<img class="pq-page-img" alt="{esc(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        "</div>"
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
        lines.append(
            '<div class="pq-doc-note">No documents (.txt, .md, .pdf, .html, .docx, .png, .jpg) in the corpus yet; '
            "add some below.</div>"
        )
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
    from ..evaluation.report import HIGHER_IS_BETTER, format_value

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
    from ..evaluation.report import METRICS

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
    from ..evaluation.report import SYSTEM_LABELS, format_value

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
    from ..evaluation.report import METRICS

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
