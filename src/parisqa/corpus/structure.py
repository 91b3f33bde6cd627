"""Recognise the structure of a plain-text or Markdown document.

The parser turns a source string into *units* (paragraphs, list items, FAQ pairs, code blocks), each
with its character span and the heading path it sits under. Headings themselves are not units: they
travel with the units below them. Plain text gets the same treatment as Markdown where it can be
inferred: the title (first heading-like line), section headings (short lines without final
punctuation), list labels (short lines ending in ":" followed by list items), list items, and FAQ
pairs (a question line ending in "?" followed by its answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import iter_line_spans, strip_span

_MD_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+|$)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A list item's marker (also used by the sentence splitter).
LIST_ITEM = re.compile(
    r"^[ \t]*(?:[-*+\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2013]|\d{1,3}[.)]|[A-Za-z][.)])[ \t]+(?=\S)"
)
# "Q: ..." and "A: ..." prefixes of an FAQ pair (also kept out of answer sentences).
QA_QUESTION = re.compile(r"^(?:Q|Question)\s*[:.)]\s*", re.IGNORECASE)
QA_ANSWER = re.compile(r"^(?:A|Answer)\s*[:.)]\s*", re.IGNORECASE)
# "1. How do I ...?": a numbered question opens an FAQ pair when its answer is not another item.
_NUMBERED = re.compile(r"^[ \t]*\d{1,3}[.)][ \t]+(?=\S)")
_HR = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_EMPHASIS = "*_`"
_FINAL_PUNCT = ".!?,;:\u2026\u3002"


@dataclass(frozen=True)
class Unit:
    """A piece of a document that chunking keeps whole when it fits the token budget.

    Attributes:
        kind: ``"text"``, ``"list"``, ``"faq"`` or ``"code"``.
        start: first character of the unit in the source.
        end: one past its last character.
        heading_path: headings above it, title first.
        question: for ``"faq"`` units, the span of the question text.
        answer: for ``"faq"`` units, the span of the answer text.
    """

    kind: str
    start: int
    end: int
    heading_path: tuple[str, ...]
    question: tuple[int, int] | None = None
    answer: tuple[int, int] | None = None
    # The part of ``heading_path`` that chunks never cross: title and section headings (levels 1-2).
    # Sub-headings below it (Markdown ###, list labels) may share a chunk with their section's text.
    section: tuple[str, ...] | None = None


@dataclass(frozen=True)
class FaqPair:
    """A question and its answer found in a document, with exact spans."""

    question: str
    answer: str
    question_span: tuple[int, int]
    answer_span: tuple[int, int]
    heading_path: tuple[str, ...]


@dataclass(frozen=True)
class Parsed:
    title: str
    units: tuple[Unit, ...]

    def faq_pairs(self, text: str) -> list[FaqPair]:
        """The FAQ pairs among the units, with their question and answer text."""
        pairs = []
        for unit in self.units:
            if unit.kind == "faq" and unit.question and unit.answer:
                q, a = unit.question, unit.answer
                pairs.append(FaqPair(text[q[0] : q[1]], text[a[0] : a[1]], q, a, unit.heading_path))
        return pairs


@dataclass(slots=True)
class _Line:
    start: int  # content start (stripped)
    end: int  # content end (stripped)
    raw_start: int
    raw_end: int
    content: str
    blank: bool


def _bare(content: str) -> str:
    """Content without Markdown emphasis markers at either end."""
    return content.strip(_EMPHASIS + " \t").strip()


def _is_question(content: str) -> bool:
    bare = _bare(content).rstrip("\"'\u201d\u2019)]")
    return (bare.endswith("?") or bare.endswith("\uff1f")) and len(bare) <= 300 and not LIST_ITEM.match(content)


def _numbered_question(content: str) -> re.Match[str] | None:
    """The number of a numbered FAQ question ("1. How do I ...?"), or ``None``."""
    number = _NUMBERED.match(content)
    return number if number and _is_question(content[number.end() :]) else None


def _opens_question(content: str) -> bool:
    """Whether a line starts a new FAQ question: a question line, ``Q: ...`` or ``1. ...?``."""
    return _is_question(content) or bool(QA_QUESTION.match(content)) or _numbered_question(content) is not None


def _question_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The question's span without Markdown emphasis around it (``**How ...?**``)."""
    start, end = strip_span(text, start, end)
    while start < end and text[start] in _EMPHASIS:
        start += 1
    while end > start and text[end - 1] in _EMPHASIS:
        end -= 1
    return strip_span(text, start, end)


def _heading_like(content: str, max_chars: int = 100, max_words: int = 14) -> bool:
    """A short line without final punctuation that starts like a title."""
    bare = _bare(content)
    if not bare or len(bare) > max_chars or len(bare.split()) > max_words:
        return False
    if LIST_ITEM.match(content) or bare[-1] in _FINAL_PUNCT or bare.endswith("?"):
        return False
    first = bare[0]
    if first.isalpha() and not first.isupper() and first.lower() != first.upper():
        return False  # starts with a lowercase letter: a continuation, not a heading
    if not (first.isalnum() or first in "\"'\u201c(["):
        return False
    # A heading has few digits and symbols; a line of numbers or code is not one.
    letters = sum(ch.isalpha() for ch in bare)
    return letters >= max(2, len(bare) // 3)


def label_like(content: str) -> bool:
    """A short line ending in ':' that introduces a list, e.g. ``Key Initiatives:``."""
    bare = _bare(content)
    return bare.endswith(":") and _heading_like(bare[:-1] + "x", 100, 14)


def _label_text(content: str) -> str:
    return _bare(content).rstrip(":").strip()


# Stands for every blank line: nothing reads a blank line's position, and a file of millions of
# empty lines must not cost millions of objects.
_BLANK = _Line(0, 0, 0, 0, "", True)


def _lines(text: str) -> list[_Line]:
    lines = []
    for raw_start, raw_end in iter_line_spans(text):
        s, e = strip_span(text, raw_start, raw_end)
        lines.append(_Line(s, e, raw_start, raw_end, text[s:e], False) if s < e else _BLANK)
    return lines


def _is_hard_wrapped(lines: list[_Line]) -> bool:
    """Detect text wrapped at a fixed width, where a paragraph spans several lines.

    In such files a line break is not a paragraph break: many consecutive lines continue a sentence
    (the next line starts in lowercase, or the line does not end a sentence and is near the width).
    """
    pairs = continued = 0
    for cur, nxt in zip(lines, lines[1:]):
        if cur.blank or nxt.blank:
            continue
        pairs += 1
        bare = _bare(cur.content)
        if bare and bare[-1] not in ".!?:\"'\u201d)" and (nxt.content[:1].islower() or len(bare) >= 40):
            continued += 1
    return pairs >= 4 and continued / pairs >= 0.5


def parse(text: str, *, markdown: bool = False, fallback_title: str = "") -> Parsed:
    """Parse ``text`` into units with heading paths.

    Args:
        text: the whole source, decoded, newlines untouched.
        markdown: honour Markdown syntax (ATX/setext headings, fences, soft-wrapped paragraphs).
        fallback_title: title to use when the document has no title line.

    Returns:
        The title and the units, in document order.
    """
    lines = _lines(text)
    wrapped = markdown or _is_hard_wrapped(lines)
    units: list[Unit] = []
    title = ""
    path: list[tuple[int, str]] = []  # (level, heading)
    label: str | None = None
    seen_content = False
    i = 0
    n = len(lines)

    def heading_path() -> tuple[str, ...]:
        names = tuple(h for _, h in path)
        return names + ((label,) if label else ())

    def unit(kind: str, start: int, end: int, **spans: tuple[int, int] | None) -> Unit:
        section = tuple(h for level, h in path if level <= 2)
        return Unit(kind, start, end, heading_path(), section=section, **spans)  # type: ignore[arg-type]

    def set_heading(level: int, name: str) -> None:
        nonlocal title, label
        label = None
        if not name:
            return
        if not title and not seen_content and level <= 1 and not path:
            title = name
            path.append((1, name))
            return
        while path and path[-1][0] >= level:
            path.pop()
        path.append((level, name))

    def next_nonblank(j: int) -> int:
        while j < n and lines[j].blank:
            j += 1
        return j

    while i < n:
        line = lines[i]
        if line.blank:
            i += 1
            continue
        content = line.content

        # Fenced code (Markdown): one unit, never parsed for headings.
        fence = _FENCE.match(text[line.raw_start : line.raw_end]) if markdown else None
        if fence:
            marker = fence.group(1)
            j = i + 1
            while j < n and not lines[j].content.startswith(marker[:3]):
                j += 1
            last = min(j, n - 1)
            while lines[last].blank:  # an unclosed fence ends at its last non-blank line
                last -= 1
            units.append(unit("code", line.start, lines[last].end))
            seen_content = True
            i = last + 1
            continue

        # ATX headings: "## Heading". A heading that is a question opens an FAQ pair.
        atx = _MD_ATX.match(content)
        if atx:
            level = len(atx.group(1))
            hs = line.start + atx.end()
            he = line.end
            he = _without_closing_hashes(text, hs, he)
            hs, he = strip_span(text, hs, he)
            if _is_question(text[hs:he]) and _answer_follows(lines, i + 1, markdown=True):
                faq, i = _faq(text, lines, i, hs, he, wrapped)
                units.append(unit("faq", faq[0], faq[1], question=faq[2], answer=faq[3]))
                seen_content = True
                continue
            set_heading(level, _bare(text[hs:he]))
            i += 1
            continue

        # Setext headings (Markdown): a line underlined with === or ---.
        if markdown and i + 1 < n and not lines[i + 1].blank and _SETEXT.match(lines[i + 1].content):
            underline = lines[i + 1].content.strip()
            if not LIST_ITEM.match(content):
                set_heading(1 if underline[0] == "=" else 2, _bare(content))
                i += 2
                continue

        if markdown and _HR.match(content):
            i += 1
            continue

        # FAQ pairs: a question line (or "Q: ...") followed by its answer.
        numbered = _numbered_question(content)
        qa = QA_QUESTION.match(content) or numbered
        if (_is_question(content) or qa) and _answer_follows(lines, i + 1, markdown, numbered=numbered is not None):
            qs, qe = _question_span(text, line.start + (qa.end() if qa else 0), line.end)
            faq, i = _faq(text, lines, i, qs, qe, wrapped)
            units.append(unit("faq", faq[0], faq[1], question=faq[2], answer=faq[3]))
            seen_content = True
            continue

        nxt = next_nonblank(i + 1)
        has_next = nxt < n
        prev_blank = i == 0 or lines[i - 1].blank
        next_blank = i + 1 >= n or lines[i + 1].blank

        # The title: the first heading-like line of the document.
        if not title and not seen_content and not path and not markdown and has_next:
            if _heading_like(content, max_chars=200, max_words=30):
                set_heading(1, _bare(content))
                i += 1
                continue

        # List labels ("Key Initiatives:") followed by list items become sub-headings.
        if has_next and label_like(content) and LIST_ITEM.match(lines[nxt].content) and not LIST_ITEM.match(content):
            label = _label_text(content)
            i += 1
            continue

        # Plain-text section headings.
        if not markdown and has_next and _heading_like(content) and (not wrapped or (prev_blank and next_blank)):
            if not LIST_ITEM.match(lines[nxt].content) or not _heading_like(lines[nxt].content):
                set_heading(2, _bare(content))
                i += 1
                continue

        # List items: one unit each; continuation lines join the item in wrapped text.
        if LIST_ITEM.match(content):
            j = i + 1
            if wrapped:
                while j < n and not lines[j].blank:
                    c = lines[j].content
                    if LIST_ITEM.match(c) or _MD_ATX.match(c) or _is_question(c):
                        break
                    j += 1
            units.append(unit("list", line.start, lines[j - 1].end))
            seen_content = True
            i = j
            continue

        # Paragraphs: one line, or in wrapped text every line up to a blank line.
        if label is not None:
            label = None  # a paragraph after a list ends the list's label
        j = i + 1
        if wrapped:
            while j < n and not lines[j].blank:
                c = lines[j].content
                if LIST_ITEM.match(c) or _MD_ATX.match(c) or (markdown and _FENCE.match(c)):
                    break
                if markdown and j + 1 < n and not lines[j + 1].blank and _SETEXT.match(lines[j + 1].content):
                    break
                if markdown and _SETEXT.match(c) and c.strip()[0] == "=":
                    break
                j += 1
        units.append(unit("text", line.start, lines[j - 1].end))
        seen_content = True
        i = j

    return Parsed(title or fallback_title, tuple(units))


def _without_closing_hashes(text: str, start: int, end: int) -> int:
    """End of an ATX heading's text without its optional closing ``#`` sequence (``## Title ##``).

    Done by hand: the obvious ``re.search(r"[ \\t]+#+$")`` is quadratic on a long run of spaces.
    """
    cut = end
    while cut > start and text[cut - 1] == "#":
        cut -= 1
    if cut in (end, start) or text[cut - 1] not in " \t":
        return end
    while cut > start and text[cut - 1] in " \t":
        cut -= 1
    return cut


def _answer_follows(lines: list[_Line], j: int, markdown: bool, numbered: bool = False) -> bool:
    """Whether the lines from ``j`` open an answer: non-blank text that is not itself a question.

    After a numbered question, a numbered line is the next item of a list, not an answer.
    """
    gap = 0
    while j < len(lines) and lines[j].blank:
        gap += 1
        j += 1
    if j >= len(lines) or gap > 1:
        return False
    content = lines[j].content
    if QA_ANSWER.match(content):
        return True
    if _opens_question(content) or _MD_ATX.match(content):
        return False
    return not (numbered and _NUMBERED.match(content))


def _faq(
    text: str, lines: list[_Line], i: int, qs: int, qe: int, wrapped: bool
) -> tuple[tuple[int, int, tuple[int, int], tuple[int, int]], int]:
    """Find the answer of the FAQ question on line ``i``.

    Returns:
        ``(start, end, question_span, answer_span)`` of the pair, and the index of the next line.
    """
    j = i + 1
    while j < len(lines) and lines[j].blank:
        j += 1
    first = j
    answer_start = lines[first].start
    prefix = QA_ANSWER.match(lines[first].content)
    if prefix:
        answer_start = lines[first].start + prefix.end()
    # The answer runs until a blank line (or, in line-per-paragraph text, until the next question or
    # heading-like line).
    j = first + 1
    while j < len(lines) and not lines[j].blank:
        c = lines[j].content
        if _opens_question(c) or _MD_ATX.match(c):
            break
        if not wrapped and not LIST_ITEM.match(c) and _heading_like(c):
            break
        j += 1
    answer_end = lines[j - 1].end
    a_s, a_e = strip_span(text, answer_start, answer_end)
    return (qs, answer_end, (qs, qe), (a_s, a_e)), j
