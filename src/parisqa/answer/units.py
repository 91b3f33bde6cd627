"""Answer units beyond sentences: a table row read with its column headers, and the value in it.

The index cuts a table into one unit per row (:mod:`parisqa.corpus.sentences`): ``Croissant | £1.60``.
A row alone does not say what its cells are; the table's first row does (``Item | Price``). This module
finds that header row in the row's passage, reads the row with it ("Croissant — Price £1.60"), and
picks the cell a question asks for (the one under the header that names the question's qualifier,
"Half day" for "a half day on a city bike"). Every span it returns is a slice of the passage text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..corpus.sentences import is_table_row
from ..corpus.terms import terms
from .focus import Focus, values

_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")
# Header words that make a column a part of what a bare question asks (stems, English and French).
_PARTIAL = frozenset(("half", "demi", "semi", "partial", "mini"))
# "Phone: 01632 960418": the label, then the value.
_LABEL = re.compile(r"^\s*[^:|\n]{1,40}?\s?:\s+(?=\S)")


def label_value(text: str) -> tuple[str, int] | None:
    """The label of a ``label: value`` unit and the offset where its value starts, or None."""
    from ..corpus.sentences import is_label_value

    if "\n" in text or not is_label_value(text):
        return None
    match = _LABEL.match(text)
    return (text[: match.end()].strip().rstrip(":").strip(), match.end()) if match else None


@dataclass(frozen=True)
class Row:
    """A table row inside a passage: its cells and its table's header cells (texts and offsets).

    Offsets are into the passage text. ``header`` is empty when the row is the header itself or the
    table has none.
    """

    cells: tuple[tuple[int, int], ...]
    header: tuple[str, ...]


def cells_of(text: str, start: int = 0) -> list[tuple[int, int]]:
    """The cells of one table row ``text`` (offsets shifted by ``start``), stripped, empty ones kept out."""
    out = []
    pos = 0
    for part in text.split("|"):
        a = pos + (len(part) - len(part.lstrip()))
        b = pos + len(part.rstrip())
        if b > a:
            out.append((start + a, start + b))
        pos += len(part) + 1
    return out


def table_row(passage: str, start: int, end: int) -> Row | None:
    """The row at ``passage[start:end]`` with its header, or None when that unit is not a table row.

    The header is the first line of the run of table lines the row belongs to (a Markdown rule line
    ``|---|`` is skipped).
    """
    line_start = passage.rfind("\n", 0, start) + 1
    line_end = passage.find("\n", end)
    line_end = len(passage) if line_end < 0 else line_end
    line = passage[line_start:line_end]
    if not is_table_row(line):
        return None
    cells = tuple(cells_of(line, line_start))
    first = line_start
    while first > 0:
        prev_start = passage.rfind("\n", 0, first - 1) + 1
        prev = passage[prev_start : first - 1]
        if not is_table_row(prev):
            break
        first = prev_start
    header_end = passage.find("\n", first)
    header_line = passage[first : line_end if header_end < 0 else header_end]
    if first == line_start or _RULE.match(header_line):
        return Row(cells, ())
    header = tuple(passage[a:b] for a, b in cells_of(header_line, first))
    return Row(cells, header)


def read_row(passage: str, row: Row) -> str:
    """The row as words: "Croissant — Price £1.60; Weight 80 g" (the first cell names the row)."""
    texts = [passage[a:b] for a, b in row.cells]
    if not row.header or len(texts) < 2:
        return " | ".join(texts)
    pairs = [f"{h} {t}" for h, t in zip(row.header[1:], texts[1:])]
    return f"{texts[0]} — " + "; ".join(pairs)


def header_terms(row: Row, language: str) -> set[str]:
    """The content terms of a row's column headers."""
    return set(terms(" ".join(row.header), language))


def pick_cell(
    focus: Focus, passage: str, row: Row, language: str, idf: Callable[[str], float]
) -> tuple[int, int] | None:
    """The cell of ``row`` the question asks for: under the header that shares most of the question's
    qualifiers (by IDF), among the cells holding a value of the asked-for kind when there is one."""
    if len(row.cells) < 2:
        return None
    candidates = list(range(1, len(row.cells)))
    typed = [i for i in candidates if values(focus.attribute, passage[row.cells[i][0] : row.cells[i][1]])]
    if typed:
        candidates = typed
    if row.header and len(row.header) == len(row.cells):
        wanted = set(focus.qualifiers)

        def weight(i: int) -> tuple[float, int, int]:
            header = set(terms(row.header[i], language))
            shared = sum(max(0.0, idf(t)) for t in header & wanted)
            # "for a day" is the full day, not the half day: a part-of column needs the question to say so.
            partial = bool(header & _PARTIAL) and not (wanted & _PARTIAL)
            return shared, -int(partial), -i

        best = max(candidates, key=weight)
        return row.cells[best]
    return row.cells[candidates[0]]
