"""Split a parsed document into chunks that fit a token budget and the model's input limit.

Chunks follow the document's structure: they never cross a heading, an FAQ pair is one chunk, and
paragraphs or list items under one heading are packed together up to the budget. Text longer than the
budget is split at sentence boundaries, and a sentence longer than the budget at whitespace. Every
chunk is an exact slice of the source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..records import Chunk, content_id
from .structure import Parsed, Unit
from .text import sentence_spans, strip_span
from .tokens import count_tokens

# Never hand tiktoken more than this many characters at once: BPE on one huge "word" (a long run
# without spaces) is quadratic. Longer text is treated as over budget and split first.
_MAX_COUNT_CHARS = 8_000
# The smallest budget the model-limit check shrinks to; one character is at most 4 cl100k tokens.
_MIN_BUDGET = 4

WordpieceCounter = Callable[[list[str]], list[int]]


@dataclass(frozen=True)
class _Piece:
    kind: str
    start: int
    end: int
    path: tuple[str, ...]
    unit: Unit

    @property
    def section(self) -> tuple[str, ...]:
        return self.unit.section if self.unit.section is not None else self.path


def _tokens(text: str, start: int, end: int) -> int:
    if end - start > _MAX_COUNT_CHARS:
        return 1 << 30
    return count_tokens(text[start:end])


def _fits(text: str, start: int, end: int, budget: int) -> bool:
    """Whether ``text[start:end]`` is at most ``budget`` tokens.

    A token is at least one UTF-8 byte, so text of at most ``budget`` bytes fits without running the
    tokenizer; packing many tiny sentences would otherwise re-count each growing chunk per sentence.
    """
    if end - start <= budget and len(text[start:end].encode("utf-8")) <= budget:
        return True
    return _tokens(text, start, end) <= budget


def _windows(text: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
    """Cut ``[start, end)`` into spans of at most ``budget`` tokens, at whitespace when possible."""
    spans = []
    pos = start
    while pos < end:
        pos, _ = strip_span(text, pos, end)
        if pos >= end:
            break
        cut = min(end, pos + budget * 8)
        while True:
            n = _tokens(text, pos, cut)
            if n <= budget:
                break
            shrunk = pos + max(1, int((cut - pos) * budget / max(n, 1) * 0.95))
            cut = shrunk if shrunk < cut else cut - 1
        if cut < end:
            half = pos + (cut - pos) // 2
            for k in range(cut, half, -1):
                if text[k - 1].isspace():
                    cut = k
                    break
        s, e = strip_span(text, pos, cut)
        if s < e:
            spans.append((s, e))
        pos = max(cut, pos + 1)
    return spans


def _split_span(text: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
    """Spans of at most ``budget`` tokens covering ``[start, end)``: sentences, then windows."""
    if _fits(text, start, end, budget):
        return [(start, end)]
    out: list[tuple[int, int]] = []
    for s, e in sentence_spans(text, start, end):
        if _fits(text, s, e, budget):
            out.append((s, e))
        else:
            out.extend(_windows(text, s, e, budget))
    return out


def _pieces(text: str, units: Sequence[Unit], budget: int) -> list[_Piece]:
    pieces = []
    for unit in units:
        for s, e in _split_span(text, unit.start, unit.end, budget):
            pieces.append(_Piece(unit.kind, s, e, unit.heading_path, unit))
    return pieces


def _can_follow(prev: _Piece, piece: _Piece) -> bool:
    """Whether ``piece`` may join the chunk that ends with ``prev`` (size aside)."""
    if prev.section != piece.section:  # never across a section heading; sub-headings may share
        return False
    return not (piece.kind == "faq" or prev.kind == "faq") or piece.unit is prev.unit


def _last_fitting(text: str, pieces: Sequence[_Piece], start: int, first: int, last: int, budget: int) -> int:
    """The largest ``m`` in ``[first - 1, last]`` such that ``text[start:pieces[m].end]`` fits ``budget``.

    ``first - 1`` means none fits. Token counts grow with the text, so this gallops and then bisects
    instead of counting the growing chunk once per piece (thousands of tiny sentences would make
    that a tokenizer call per sentence over ever longer text).
    """
    good, step = first - 1, 1
    bad = last + 1
    while good + step <= last:
        probe = good + step
        if not _fits(text, start, pieces[probe].end, budget):
            bad = probe
            break
        good = probe
        step *= 2
    while bad - good > 1:
        probe = (good + bad) // 2
        if _fits(text, start, pieces[probe].end, budget):
            good = probe
        else:
            bad = probe
    return good


def _pack(text: str, pieces: Sequence[_Piece], budget: int, overlap: int) -> list[list[_Piece]]:
    """Group consecutive pieces into chunks of at most ``budget`` tokens.

    A group never spans two sections (sub-headings such as list labels may share one), and an FAQ
    unit is never packed with anything else.
    """
    # run_end[i]: the last piece of the longest run from i in which each piece may follow the one
    # before it; packing only ever looks for the end of a chunk inside such a run.
    run_end = list(range(len(pieces)))
    for i in range(len(pieces) - 2, -1, -1):
        if _can_follow(pieces[i], pieces[i + 1]):
            run_end[i] = run_end[i + 1]
    groups: list[list[_Piece]] = []
    current: list[_Piece] = []
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if current:
            if _can_follow(current[-1], piece):
                fit = _last_fitting(text, pieces, current[0].start, i, run_end[i], budget)
                if fit >= i:
                    current.extend(pieces[i : fit + 1])
                    i = fit + 1
                    continue
            last = current[-1]
            same_section = last.section == piece.section
            faq_boundary = piece.kind == "faq" or last.kind == "faq"
            groups.append(current)
            carry: list[_Piece] = []
            if overlap and same_section and not faq_boundary:
                # Repeat the tail of the previous chunk (whole pieces) up to ``overlap`` tokens.
                for prev in reversed(current):
                    if not _fits(text, prev.start, current[-1].end, overlap):
                        break
                    if not _fits(text, prev.start, piece.end, budget):
                        break
                    carry.insert(0, prev)
                if len(carry) == len(current):
                    carry = carry[1:]
            current = carry
        current.append(piece)
        i += 1
    if current:
        groups.append(current)
    return groups


def _common_prefix(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    first = paths[0]
    n = len(first)
    for p in paths[1:]:
        n = min(n, len(p))
        for i in range(n):
            if p[i] != first[i]:
                n = i
                break
    return first[:n]


def _make_chunk(text: str, source: str, title: str, group: Sequence[_Piece]) -> Chunk:
    start, end = group[0].start, group[-1].end
    kinds = {p.kind for p in group}
    kind = "faq" if "faq" in kinds else ("list" if kinds == {"list"} else ("code" if kinds == {"code"} else "text"))
    question_span = answer_span = None
    unit = group[0].unit
    if kind == "faq" and unit.question and unit.answer and start <= unit.question[0] and unit.answer[1] <= end:
        question_span, answer_span = unit.question, unit.answer
    chunk_text = text[start:end]
    return Chunk(
        id=content_id(source, str(start), chunk_text),
        source=source,
        start=start,
        end=end,
        text=chunk_text,
        heading_path=_common_prefix([p.path for p in group]),
        kind=kind,
        title=title,
        question_span=question_span,
        answer_span=answer_span,
    )


def chunk_document(
    text: str,
    source: str,
    parsed: Parsed,
    *,
    max_tokens: int = 128,
    overlap: int = 0,
    max_wordpieces: int | None = None,
    count_wordpieces: WordpieceCounter | None = None,
) -> list[Chunk]:
    """Chunk one parsed document.

    Args:
        text: the source text the units index into.
        source: the document's path relative to the corpus folder.
        parsed: the output of :func:`parisqa.corpus.structure.parse` on ``text``.
        max_tokens: token budget per chunk, counted with cl100k.
        overlap: tokens of a chunk's tail repeated at the head of the next one in the same section.
        max_wordpieces: the embedding model's input limit, special tokens included; a chunk whose
            embedded text (heading path + text) is longer is split again with a smaller budget.
        count_wordpieces: counts the model's word pieces for a batch of texts.

    Returns:
        Chunks in document order; ``text[c.start:c.end] == c.text`` for every chunk.
    """
    groups = _pack(text, _pieces(text, parsed.units, max_tokens), max_tokens, overlap)
    chunks = [_make_chunk(text, source, parsed.title, g) for g in groups]
    if max_wordpieces is None or count_wordpieces is None:
        return chunks
    result: list[Chunk] = []
    pending = list(zip(chunks, groups))
    budget = max_tokens
    while pending:
        counts = count_wordpieces([c.embed_text for c, _ in pending])
        too_long = [(c, g) for (c, g), n in zip(pending, counts) if n > max_wordpieces]
        result.extend(c for (c, _), n in zip(pending, counts) if n <= max_wordpieces)
        if not too_long:
            break
        if budget <= _MIN_BUDGET:
            # Nothing smaller to split into: what is left is too long only because of its heading
            # path (a heading of hundreds of characters); the model reads the start of it and the
            # chunk still indexes and cites exactly.
            result.extend(c for c, _ in too_long)
            break
        # Shrink the budget and re-split only the chunks that overflow the model's window.
        worst = max(count_wordpieces([c.embed_text for c, _ in too_long]))
        budget = max(_MIN_BUDGET, min(budget - 1, int(budget * max_wordpieces / worst * 0.9)))
        pending = []
        for _, group in too_long:
            units = [Unit(p.kind, p.start, p.end, p.path, p.unit.question, p.unit.answer) for p in group]
            for sub in _pack(text, _pieces(text, units, budget), budget, 0):
                pending.append((_make_chunk(text, source, parsed.title, sub), sub))
    result.sort(key=lambda c: (c.start, c.end))
    return result
