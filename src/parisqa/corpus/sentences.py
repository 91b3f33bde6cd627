"""Answer units: the sentences, list items, ``label: value`` lines and table rows of a chunk, with exact offsets.

Answers are composed from these units, so each must be a span of its source file. A chunk is first
cut into line groups (list items, paragraphs, an FAQ question and its answer, a table row, a
``label: value`` line), then each group into sentences. A table row or a ``label: value`` line is one
line and one unit: "Croissant | £1.60" is not glued to the next row, nor "Phone: 0161 ..." to "Email:
...", so the answer can quote just the row that holds the asked-for value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..records import Chunk
from .structure import LIST_ITEM as _LIST_START
from .structure import QA_ANSWER, QA_QUESTION, label_like
from .text import line_spans, sentence_spans, strip_span

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

_ENDS_SENTENCE = re.compile(r"[.!?:;\u2026\u3002][\"'\u201d\u2019)\]*_]*$")  # closing quotes, brackets, emphasis
# French: a line may end with a closing guillemet behind a space ("... fini. »").
_ENDS_SENTENCE_FR = re.compile(r"[.!?:;\u2026][\"'\u201d\u2019)\]*_\u00bb \u00a0\u202f]*$")


# A table row as the extractors write it ("| a | b |" or "a | b"), or a Markdown table's rule line.
_TABLE_ROW = re.compile(r"^\s*\|?[^|\n]*\S[^|\n]*(?:\|[^|\n]*)+$")
# "Phone: 01632 960418", "Samedi : 8 h 30": a short label, a colon, and a value on the same line.
# The label opens with a capital letter: a wrapped line of running text ("of the form: x") is not one.
_LABEL_VALUE = re.compile(r"^\s*[A-ZÀ-Ý][^:.!?|\n]{0,39}?\s?:\s+\S")


def is_table_row(line: str) -> bool:
    """Whether one line is a row of a table (cells joined by ``|``)."""
    return "|" in line and bool(_TABLE_ROW.match(line))


# A label names a field; with one of these it is a sentence ("The reason is simple: ...").
_CLAUSE_WORDS = frozenset(
    "is are was were be been has have had will would can could do does did est sont était".split()
)


def is_label_value(line: str) -> bool:
    """Whether one line is a ``label: value`` line (at most five words before the colon, no verb)."""
    match = _LABEL_VALUE.match(line)
    if not match or "://" in line[: match.end() + 2]:
        return False
    label = line[: match.end()].rsplit(":", 1)[0].split()
    return len(label) <= 5 and not any(w.lower() in _CLAUSE_WORDS for w in label)


def _is_label(line: str) -> bool:
    return "\n" not in line and "\r" not in line and label_like(line)


@dataclass(frozen=True)
class Sentence:
    """One answer unit: absolute offsets in the source, and whether it is an FAQ question."""

    start: int
    end: int
    question: bool = False


def _groups(text: str, language: str = "en") -> list[tuple[int, int]]:
    """Cut ``text`` at blank lines, list items, and line ends that close a sentence."""
    ends_sentence = _ENDS_SENTENCE_FR if language == "fr" else _ENDS_SENTENCE
    groups: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    alone = False  # the current group is a table row, which no further line joins
    for s, e in line_spans(text):
        ls, le = strip_span(text, s, e)
        if ls == le:
            if current:
                groups.append(current)
            current = None
            continue
        line = text[s:e]
        row = is_table_row(line)
        # A label: value line opens a unit (a wrapped value may continue it); a table row is one line.
        starts_new = current is None or bool(_LIST_START.match(line)) or row or alone or is_label_value(line)
        if current is not None and not starts_new and ends_sentence.search(text[current[0] : current[1]]):
            starts_new = True
        alone = row
        if starts_new:
            if current:
                groups.append(current)
            current = (ls, le)
        else:
            current = (current[0], le)  # type: ignore[index]
    if current:
        groups.append(current)
    return groups


def chunk_sentences(chunk: Chunk, language: str = "en") -> list[Sentence]:
    """The answer units of ``chunk``, in order, as absolute spans of its source.

    Args:
        chunk: the chunk to split.
        language: its document's language; ``"fr"`` applies French sentence rules (see
            :func:`parisqa.corpus.text.sentence_spans`), anything else English ones.
    """
    out: list[Sentence] = []
    base = chunk.start
    text = chunk.text
    question = chunk.question_span
    for gs, ge in _groups(text, language):
        if _is_label(text[gs:ge]):
            continue  # a list label ("Key Initiatives:") is a heading inside the chunk, not a sentence
        # The bullet, number or "Q:"/"A:" is layout, not part of the item's sentence.
        marker = _LIST_START.match(text[gs:ge]) or QA_QUESTION.match(text[gs:ge]) or QA_ANSWER.match(text[gs:ge])
        if marker and gs + marker.end() < ge:
            gs += marker.end()
        for s, e in sentence_spans(text, gs, ge, language):
            start, end = base + s, base + e
            # Overlap, not containment: emphasis around the question ("**How ...?**") is outside its span.
            is_question = question is not None and start < question[1] and end > question[0]
            out.append(Sentence(start, end, is_question))
    return out


@dataclass
class SentenceTable:
    """All answer units of an index, grouped by chunk row, with their embeddings.

    Arrays are aligned: ``chunk[i]`` is the chunk row of sentence ``i`` (non-decreasing), ``start[i]``
    and ``end[i]`` its absolute offsets, ``question[i]`` whether it is an FAQ question, and
    ``vectors[i]`` its unit-length embedding (float16 on disk and in memory: ranking sentences needs
    no more precision, and it halves the size).
    """

    chunk: np.ndarray
    start: np.ndarray
    end: np.ndarray
    question: np.ndarray
    vectors: np.ndarray

    def __post_init__(self) -> None:
        import numpy as np

        self._offsets = np.searchsorted(self.chunk, np.arange(int(self.chunk.max(initial=-1)) + 2))

    def __len__(self) -> int:
        return len(self.chunk)

    def rows_for(self, chunk_row: int) -> range:
        """Rows of the sentences of one chunk."""
        if chunk_row + 1 >= len(self._offsets):
            return range(0)
        return range(int(self._offsets[chunk_row]), int(self._offsets[chunk_row + 1]))

    @classmethod
    def build(cls, per_chunk: list[list[Sentence]], vectors: np.ndarray) -> SentenceTable:
        import numpy as np

        flat = [(row, s) for row, sentences in enumerate(per_chunk) for s in sentences]
        return cls(
            chunk=np.array([row for row, _ in flat], dtype=np.int32),
            start=np.array([s.start for _, s in flat], dtype=np.int64),
            end=np.array([s.end for _, s in flat], dtype=np.int64),
            question=np.array([s.question for _, s in flat], dtype=bool),
            vectors=np.ascontiguousarray(vectors, dtype=np.float16),
        )

    def to_bytes(self) -> bytes:
        import io

        import numpy as np

        buffer = io.BytesIO()
        np.savez(buffer, chunk=self.chunk, start=self.start, end=self.end, question=self.question, vectors=self.vectors)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> SentenceTable:
        import io

        import numpy as np

        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            return cls(
                chunk=arrays["chunk"],
                start=arrays["start"],
                end=arrays["end"],
                question=arrays["question"],
                vectors=arrays["vectors"],
            )
