"""Compose an answer with citations from retrieved chunks."""

from __future__ import annotations

from collections.abc import Sequence

from .records import Citation
from .retrieval import Hit

# Below this cosine similarity the best passage is taken as not answering the question.
MIN_DENSE_SCORE = 0.35


def compose(question: str, hits: Sequence[Hit]) -> tuple[str, bool, float, list[Citation]]:
    """Answer from the best passages.

    Returns:
        The answer text with inline markers, whether it abstained, a confidence in 0..1, and the
        citations the markers refer to.
    """
    citations = [
        Citation(
            n=i + 1,
            source=h.chunk.source,
            start=h.chunk.start,
            end=h.chunk.end,
            text=h.chunk.text,
            heading=h.chunk.heading,
            score=h.score,
            scores=dict(h.scores),
        )
        for i, h in enumerate(hits)
    ]
    if not hits or hits[0].score < MIN_DENSE_SCORE:
        return "The corpus does not seem to answer this question.", True, 0.0, citations
    confidence = max(0.0, min(1.0, hits[0].score))
    return f"{hits[0].chunk.text} [1]", False, confidence, citations
