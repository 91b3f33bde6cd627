"""Typed records passed between the stages: chunks, citations, answers, build summaries."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from typing import Any


def content_id(*parts: str, length: int = 16) -> str:
    """Return a short stable hex id hashed from ``parts``."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()[:length]


@dataclass(frozen=True)
class Chunk:
    """A span of one source file, the unit that is embedded and retrieved.

    ``text == source_text[start:end]`` always holds, where ``source_text`` is the file decoded as UTF-8
    with no newline translation.
    """

    id: str
    source: str
    start: int
    end: int
    text: str
    heading_path: tuple[str, ...] = ()
    kind: str = "text"  # "text", "list", "faq", "code"
    title: str = ""
    # For FAQ chunks: absolute spans of the question and of its answer.
    question_span: tuple[int, int] | None = None
    answer_span: tuple[int, int] | None = None
    # For a PDF: the 1-based pages of the chunk's first and last characters.
    pages: tuple[int, int] | None = None

    @property
    def heading(self) -> str | None:
        """The section path below the document title, e.g. ``"Challenges > Solutions"``.

        Falls back to the title for text that sits directly under it, and to ``None`` when the
        document has no headings at all.
        """
        below_title = (
            self.heading_path[1:] if self.title and self.heading_path[:1] == (self.title,) else self.heading_path
        )
        if below_title:
            return " > ".join(below_title)
        return self.title or None

    @property
    def embed_text(self) -> str:
        """What the embedding model and BM25 see: heading path, then the chunk text."""
        prefix = " > ".join(self.heading_path)
        return f"{prefix[:300]}\n{self.text}" if prefix else self.text

    def to_dict(self) -> dict[str, Any]:
        # Field by field, not dataclasses.asdict: its deep copies cost seconds when an index of
        # 100k chunks is written.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["heading_path"] = list(self.heading_path)
        for key in ("question_span", "answer_span", "pages"):
            if data[key] is None:
                del data[key]
            else:
                data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Chunk:
        return cls(
            id=str(data["id"]),
            source=str(data["source"]),
            start=int(data["start"]),
            end=int(data["end"]),
            text=str(data["text"]),
            heading_path=tuple(str(h) for h in data.get("heading_path", ())),
            kind=str(data.get("kind", "text")),
            title=str(data.get("title", "")),
            question_span=_span(data.get("question_span")),
            answer_span=_span(data.get("answer_span")),
            pages=_span(data.get("pages")),
        )


def _span(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    start, end = value
    return int(start), int(end)


@dataclass(frozen=True)
class Span:
    """A character span ``[start, end)`` of a source file."""

    start: int
    end: int


@dataclass(frozen=True)
class Citation:
    """One cited passage; ``text`` is exactly ``source_text[start:end]``."""

    n: int
    source: str
    start: int
    end: int
    text: str
    heading: str | None
    score: float
    scores: dict[str, float] = field(default_factory=dict)
    highlights: tuple[Span, ...] = ()
    # For a PDF passage: the 1-based page of its first character, and its first and last pages.
    page: int | None = None
    pages: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
            "n": self.n,
            "source": self.source,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "heading": self.heading,
            "score": round(float(self.score), 6),
            "scores": {k: round(float(v), 6) for k, v in self.scores.items()},
            "highlights": [{"start": h.start, "end": h.end} for h in self.highlights],
        }
        if self.page is not None:
            data["page"] = self.page
        if self.pages is not None and self.pages[0] != self.pages[1]:
            data["pages"] = list(self.pages)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Citation:
        """The citation of a :meth:`to_dict` object (as ``parisqa ask --json`` prints it)."""
        return cls(
            n=int(data["n"]),
            source=str(data["source"]),
            start=int(data["start"]),
            end=int(data["end"]),
            text=str(data["text"]),
            heading=None if data.get("heading") is None else str(data["heading"]),
            score=float(data["score"]),
            scores={str(k): float(v) for k, v in (data.get("scores") or {}).items()},
            highlights=tuple(Span(int(h["start"]), int(h["end"])) for h in data.get("highlights") or ()),
            page=None if data.get("page") is None else int(data["page"]),
            pages=_span(data.get("pages"))
            or (None if data.get("page") is None else (int(data["page"]), int(data["page"]))),
        )


@dataclass(frozen=True)
class ShortAnswer:
    """Just the fact a factoid question asks for: ``text == source_text[start:end]``, inside a highlight."""

    source: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShortAnswer:
        return cls(source=str(data["source"]), start=int(data["start"]), end=int(data["end"]), text=str(data["text"]))


@dataclass(frozen=True)
class Answer:
    """The answer to one question, as ``parisqa ask --json`` prints it."""

    question: str
    answer: str
    abstained: bool
    confidence: float
    citations: tuple[Citation, ...]
    timings_ms: dict[str, float]
    query: str | None = None
    related: tuple[Citation, ...] = ()
    short: ShortAnswer | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "confidence": round(float(self.confidence), 4),
            "short": self.short.to_dict() if self.short is not None else None,
            "citations": [c.to_dict() for c in self.citations],
            "timings_ms": {k: round(float(v), 3) for k, v in self.timings_ms.items()},
        }
        if self.query is not None and self.query != self.question:
            data["query"] = self.query
        if self.related:
            data["related"] = [c.to_dict() for c in self.related]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Answer:
        """The answer of a :meth:`to_dict` object, e.g. a line of ``parisqa ask --json`` or a web API reply.

        Scores and timings come back as :meth:`to_dict` rounded them.
        """
        return cls(
            question=str(data["question"]),
            answer=str(data["answer"]),
            abstained=bool(data["abstained"]),
            confidence=float(data["confidence"]),
            citations=tuple(Citation.from_dict(c) for c in data.get("citations") or ()),
            timings_ms={str(k): float(v) for k, v in (data.get("timings_ms") or {}).items()},
            query=None if data.get("query") is None else str(data["query"]),
            related=tuple(Citation.from_dict(c) for c in data.get("related") or ()),
            short=None if data.get("short") is None else ShortAnswer.from_dict(data["short"]),
        )


@dataclass(frozen=True)
class BuildSummary:
    """What one ``parisqa index`` run did."""

    added: int
    changed: int
    removed: int
    unchanged: int
    chunks: int
    embedded: int
    seconds: float
    skipped: tuple[str, ...] = ()  # the sources of the files skipped
    warnings: tuple[str, ...] = ()
    rebuilt: bool = True
    reasons: tuple[str, ...] = ()  # why each of ``skipped`` was skipped, in the same order

    @property
    def skipped_files(self) -> list[dict[str, str]]:
        """``[{"source": ..., "reason": ...}]`` for each file skipped."""
        return [
            {"source": source, "reason": reason}
            for source, reason in zip(self.skipped, self.reasons or ("",) * len(self.skipped))
        ]

    def to_dict(self) -> dict[str, Any]:
        """The ``parisqa index --json`` object."""
        return {
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "chunks": self.chunks,
            "embedded": self.embedded,
            "seconds": round(self.seconds, 3),
            "skipped": self.skipped_files,
        }

    def line(self) -> str:
        """One human-readable summary line."""
        line = (
            f"indexed: {self.added} added, {self.changed} changed, {self.removed} removed, "
            f"{self.unchanged} unchanged; {self.chunks} chunks ({self.embedded} embedded) "
            f"in {self.seconds:.2f} s"
        )
        return line + (f"; {len(self.skipped)} skipped" if self.skipped else "")
