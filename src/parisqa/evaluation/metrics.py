"""The maths of evaluation: plain functions over strings, relevance lists and numbers.

Nothing here reads files or loads a model. Answer metrics follow the SQuAD evaluation script
(normalised exact match and token F1); retrieval metrics take the ranked list of passages as a list
of booleans (relevant or not), best first.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_MARKERS = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])\s+")
_LEFTOVER = " .,;:!?\u2026"


def _is_punct(ch: str) -> bool:
    # The SQuAD script strips ASCII punctuation; Unicode punctuation (curly quotes, dashes) goes too,
    # so "Paris’" and "Paris'" compare equal.
    return ch in string.punctuation or unicodedata.category(ch).startswith("P")


def normalize_answer(text: str) -> str:
    """SQuAD normalisation: lowercase, drop punctuation and the articles a/an/the, collapse spaces.

    Example:
        >>> normalize_answer("The  Eiffel Tower!")
        'eiffel tower'
    """
    lowered = text.lower()
    # Deleted, not replaced by a space, as the SQuAD script does: "state-of-the-art" is one token.
    no_punct = "".join(ch for ch in lowered if not _is_punct(ch))
    return " ".join(_ARTICLES.sub(" ", no_punct).split())


def _tokens(text: str) -> list[str]:
    return normalize_answer(text).split()


def exact_match(prediction: str, golds: Iterable[str]) -> float:
    """1.0 when the normalised prediction equals one normalised gold answer, else 0.0."""
    pred = normalize_answer(prediction)
    return float(any(pred == normalize_answer(g) for g in golds))


def _f1(pred_tokens: Sequence[str], gold_tokens: Sequence[str]) -> float:
    if not pred_tokens or not gold_tokens:
        # As in SQuAD v2: two empty answers agree (1.0); one empty answer scores 0.0.
        return float(pred_tokens == gold_tokens)
    common = Counter(pred_tokens) & Counter(gold_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision = same / len(pred_tokens)
    recall = same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str, golds: Iterable[str]) -> float:
    """The best token-overlap F1 of the prediction against any gold answer (0.0 without golds)."""
    pred = _tokens(prediction)
    return max((_f1(pred, _tokens(g)) for g in golds), default=0.0)


def strip_markers(answer: str) -> str:
    """The answer text without its citation markers ``[1]``, ``[2, 3]``.

    Example:
        >>> strip_markers("Paris invests [1]. It also hosts Viva Tech [2, 3].")
        'Paris invests. It also hosts Viva Tech.'
    """
    return " ".join(_MARKERS.sub("", answer).split())


def padded(text: str) -> str:
    """``text`` normalised and padded with spaces, so that ``padded(a) in padded(b)`` matches whole words.

    Empty when nothing is left after normalisation (which then matches nothing).
    """
    normalised = normalize_answer(text)
    return f" {normalised} " if normalised else ""


def contains(passage: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``passage`` as whole words, after SQuAD normalisation."""
    n = padded(needle)
    return bool(n) and n in padded(passage)


def verbatim_share(answer: str, passages: Sequence[str]) -> float | None:
    """Share of the answer's characters that are quoted verbatim from ``passages``.

    The answer (markers removed) is cut at its citation markers, and each piece that is not found
    whole is cut again into sentences; a piece counts when it occurs in some passage exactly, up to
    runs of whitespace. The share is the found pieces' length over the whole length.

    Returns:
        A share in 0..1, or ``None`` when the answer has no text.
    """
    squashed = [" ".join(p.split()) for p in passages]

    def found(piece: str) -> bool:
        return any(piece in p for p in squashed)

    pieces: list[str] = []
    for part in _MARKERS.split(answer):
        # A marker may sit before the sentence's full stop ("... [1]."): drop what it leaves behind.
        part = " ".join(part.split()).lstrip(_LEFTOVER)
        if not part:
            continue
        if found(part):
            pieces.append(part)
            continue
        pieces.extend(s for s in _SENTENCE_END.split(part) if s)
    total = sum(len(p) for p in pieces)
    if total == 0:
        return None
    return sum(len(p) for p in pieces if found(p)) / total


# --- retrieval ------------------------------------------------------------------------------------


def hit_at(relevant: Sequence[bool], k: int) -> float:
    """1.0 when a relevant passage is among the first ``k``, else 0.0."""
    return float(any(relevant[:k]))


def reciprocal_rank(relevant: Sequence[bool], k: int = 10) -> float:
    """1 / rank of the first relevant passage within the first ``k`` (0.0 when there is none)."""
    for rank, rel in enumerate(relevant[:k], 1):
        if rel:
            return 1.0 / rank
    return 0.0


def ndcg_at(relevant: Sequence[bool], k: int = 10, total_relevant: int | None = None) -> float:
    """Binary-relevance nDCG@k.

    Args:
        relevant: relevance of the ranked passages, best first.
        k: cut-off.
        total_relevant: relevant passages in the whole index; the ideal ranking puts
            ``min(total_relevant, k)`` of them first. Defaults to the number retrieved.
    """
    dcg = sum(1.0 / math.log2(rank + 1) for rank, rel in enumerate(relevant[:k], 1) if rel)
    ideal_count = min(k, sum(map(bool, relevant)) if total_relevant is None else total_relevant)
    if ideal_count <= 0:
        return 0.0
    idcg = sum(1.0 / math.log2(rank + 1) for rank in range(1, ideal_count + 1))
    return min(1.0, dcg / idcg)


def document_relevance(passages: Sequence[tuple[str, bool]], gold_docs: Sequence[str] = ()) -> tuple[bool, ...]:
    """Relevance of the documents in the order their passages first appear in a ranking.

    Args:
        passages: ``(source, relevant)`` of each ranked passage, best first.
        gold_docs: the question's gold documents; when given, a document is relevant iff it is one
            of them, else iff any of its ranked passages is relevant.
    """
    order: list[str] = []
    relevant: dict[str, bool] = {}
    for source, rel in passages:
        if source not in relevant:
            order.append(source)
            relevant[source] = False
        relevant[source] = relevant[source] or rel
    if gold_docs:
        return tuple(source in gold_docs for source in order)
    return tuple(relevant[source] for source in order)


def expected_calibration_error(confidences: Sequence[float], outcomes: Sequence[bool], bins: int = 10) -> float | None:
    """Expected calibration error: the mean gap between confidence and outcome rate, over equal-width bins.

    Each bin's gap ``|mean confidence - share of true outcomes|`` is weighted by its share of the
    items. ``None`` when there are no items.
    """
    if len(confidences) != len(outcomes):
        raise ValueError(f"{len(confidences)} confidences but {len(outcomes)} outcomes")
    if not confidences:
        return None
    grouped: dict[int, list[tuple[float, bool]]] = {}
    for c, o in zip(confidences, outcomes):
        grouped.setdefault(min(bins - 1, max(0, int(float(c) * bins))), []).append((float(c), bool(o)))
    total = len(confidences)
    return sum(
        len(g) / total * abs(sum(c for c, _ in g) / len(g) - sum(o for _, o in g) / len(g)) for g in grouped.values()
    )


def word_count(text: str) -> int:
    """Words of an answer without its citation markers."""
    return len(strip_markers(text).split())


# --- aggregation ----------------------------------------------------------------------------------


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not ``None``; ``None`` when there are none."""
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0..100) with linear interpolation, like ``numpy.percentile``."""
    if not 0 <= q <= 100:
        raise ValueError(f"q must be between 0 and 100, got {q}")
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors."""
    dot = sum(x * y for x, y in zip(a, b))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0
