"""A generated answer that keeps only verified sentences, or the quoted answer when none survives.

Retrieval and the extractive answer come first, as always (an :class:`~parisqa.records.Answer`). When
the extractive answer abstains, nothing is generated: the calibrated abstention is the better
judgement of whether the passages hold an answer. Otherwise the model writes from the cited
passages, :mod:`parisqa.answer.verify` checks each sentence, the supported ones form the answer, and
the rest are removed and reported. A failing server or a reply with no supported sentence gives the
extractive answer back, with a one-line warning; nothing here raises for a bad server.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..records import Answer
from .generate import (
    LLMConfig,
    LLMError,
    Passage,
    ReplySentence,
    build_messages,
    complete,
    passages_from,
    split_reply,
    stream,
)
from .verify import CheckedSentence, Checker

log = logging.getLogger(__name__)

# Passages a reply may cite and is checked against: the answer's citations, best first.
MAX_PASSAGES = 4


@dataclass(frozen=True)
class GroundedAnswer:
    """The answer with its generation verdict.

    Attributes:
        answer: the retrieval answer (citations, confidence...); its ``answer`` text is the extractive one.
        mode: ``"generated"`` when verified generated sentences are the answer, else ``"extractive"``.
        sentences: every sentence the model wrote, with its verdict (empty when nothing was generated).
        warnings: one line each: the server failed, sentences were removed, a citation was credited.
        timings_ms: time spent writing (``generate``: waiting for the server, a failed wait included)
            and checking (``check``) the reply, in ms; ``to_dict`` adds them to the answer's timings
            and its ``total``.
    """

    answer: Answer
    mode: str
    sentences: tuple[CheckedSentence, ...] = ()
    warnings: tuple[str, ...] = ()
    timings_ms: Mapping[str, float] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The answer text: the supported sentences (generated), or the extractive answer."""
        if self.mode != "generated":
            return self.answer.answer
        return " ".join(_with_markers(s) for s in self.sentences if s.supported)

    def to_dict(self) -> dict[str, Any]:
        """The ``ask --json`` object, with ``mode``, ``sentences`` (when generated) and ``warnings``."""
        data = self.answer.to_dict()
        data["answer"] = self.text
        data["mode"] = self.mode
        if self.sentences:
            data["sentences"] = [s.to_dict() for s in self.sentences]
        data["warnings"] = list(self.warnings)
        if self.timings_ms:
            timings = dict(data.get("timings_ms") or {})
            timings.update(self.timings_ms)
            timings["total"] = timings.get("total", 0.0) + sum(self.timings_ms.values())
            data["timings_ms"] = timings
        return data


def _with_markers(sentence: CheckedSentence) -> str:
    """The sentence as shown: with the credited marker when the model gave none."""
    if sentence.inferred and sentence.citations:
        text = sentence.text.rstrip()
        return f"{text} " + "".join(f"[{n}]" for n in sentence.citations)
    return sentence.text


def _passages(answer: Answer, limit: int) -> list[Passage]:
    return passages_from(answer.citations[:limit])


def _prompt_passages(answer: Answer, passages: list[Passage]) -> list[Passage]:
    """What the model reads: fewer and shorter passages than it may cite.

    Only the passages the quoted answer draws on (those with highlighted sentences), each cut to
    those sentences, keeping their numbers; the checker still reads every passage whole. A small
    model copies the right sentence far more often from two short passages than from four long ones.
    Falls back to the first passage when the answer highlights none.
    """
    spans = {c.n: c.highlights for c in answer.citations}
    out = []
    for p in passages:
        pieces = [p.text[h.start - p.start : h.end - p.start] for h in spans.get(p.n, ()) if p.start <= h.start]
        if any(piece.strip() for piece in pieces):
            out.append(replace(p, text=" ".join(" ".join(piece.split()) for piece in pieces)))
    return out or passages[:1]


def _verdict(
    answer: Answer,
    checked: Sequence[CheckedSentence],
    warnings: list[str],
    timings: Mapping[str, float] | None = None,
) -> GroundedAnswer:
    timings = timings or {}
    for s in checked:
        if not s.supported:
            warnings.append(f"removed an unsupported sentence: {s.text!r} ({s.reason})")
        elif s.inferred:
            cited = ", ".join(f"[{n}]" for n in s.citations)
            warnings.append(f"a sentence had no citation; the checker found it in {cited}: {s.text!r}")
    if not any(s.supported for s in checked):
        warnings.append("no generated sentence was supported by the passages; showing the quoted answer")
        return GroundedAnswer(answer, "extractive", tuple(checked), tuple(warnings), timings)
    return GroundedAnswer(answer, "generated", tuple(checked), tuple(warnings), timings)


def _fallback(answer: Answer, exc: LLMError, timings: Mapping[str, float]) -> GroundedAnswer:
    # Not logged as a warning: the warning travels in the answer, and each front end shows it once.
    log.debug("%s", exc)
    warning = f"generation failed, showing the quoted answer: {exc}"
    return GroundedAnswer(answer, "extractive", (), (warning,), timings)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def grounded_answer(
    answer: Answer, config: LLMConfig, checker: Checker, *, max_passages: int = MAX_PASSAGES
) -> GroundedAnswer:
    """Generate an answer from ``answer``'s citations and keep its verified sentences.

    Never raises for the server: a failure gives the extractive answer with a warning.
    """
    if answer.abstained or not answer.citations:
        return GroundedAnswer(answer, "extractive")
    passages = _passages(answer, max_passages)
    started = time.perf_counter()
    try:
        reply = complete(config, build_messages(answer.question, _prompt_passages(answer, passages)))
    except LLMError as exc:
        return _fallback(answer, exc, {"generate": _ms(time.perf_counter() - started)})
    written = time.perf_counter()
    checked = checker.check(split_reply(reply), passages)
    timings = {"generate": _ms(written - started), "check": _ms(time.perf_counter() - written)}
    return _verdict(answer, checked, [], timings)


def stream_grounded(
    answer: Answer, config: LLMConfig, checker: Checker, *, max_passages: int = MAX_PASSAGES
) -> Iterator[str | GroundedAnswer]:
    """Stream the verified answer: text pieces (strings), then the :class:`GroundedAnswer` last.

    Each sentence is checked as soon as the model has finished it (the next one has begun, or the
    reply ended), and only supported sentences are sent, so the streamed text is the final answer's
    text. When none is supported, or the server fails, the extractive answer is sent instead.
    """
    if answer.abstained or not answer.citations:
        yield answer.answer
        yield GroundedAnswer(answer, "extractive")
        return
    passages = _passages(answer, max_passages)
    checked: list[CheckedSentence] = []
    sent_any = False
    buffer = ""
    started = time.perf_counter()
    checking = 0.0  # seconds spent checking; the rest of the time is the model writing

    def timings() -> dict[str, float]:
        return {"generate": _ms(time.perf_counter() - started - checking), "check": _ms(checking)}

    def check(sentences: list[ReplySentence]) -> Iterator[str]:
        nonlocal sent_any, checking
        begun = time.perf_counter()
        verdicts = checker.check(sentences, passages)
        checking += time.perf_counter() - begun
        for verdict in verdicts:
            checked.append(verdict)
            if verdict.supported:
                yield (" " if sent_any else "") + _with_markers(verdict)
                sent_any = True

    try:
        for piece in stream(config, build_messages(answer.question, _prompt_passages(answer, passages))):
            buffer += piece
            sentences = split_reply(buffer)
            # The last sentence may be unfinished, or still waiting for its "[n]" after the full stop.
            ready = len(sentences) - 1
            if ready > 0 and sentences[-1].text.startswith("["):
                ready -= 1
            if ready > len(checked):
                yield from check(sentences[len(checked) : ready])
        yield from check(split_reply(buffer)[len(checked) :])
    except LLMError as exc:
        result = (
            _fallback(answer, exc, timings())
            if not sent_any
            else _verdict(answer, checked, [f"generation stopped: {exc}"], timings())
        )
        if result.mode == "extractive":
            yield answer.answer
        yield result
        return
    result = _verdict(answer, checked, [], timings())
    if result.mode == "extractive":
        yield answer.answer
    yield result
