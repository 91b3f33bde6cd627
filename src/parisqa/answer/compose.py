"""Compose a short extractive answer with citations, or abstain.

No language model: the best passages are cut into answer units (sentences, list items, ``label: value``
lines, table rows; precomputed with their embeddings at index time), each unit is scored against the
question and its focus (:mod:`parisqa.answer.focus`: the asked-for value and the qualifiers it must
carry), and the one or two units that answer it are quoted verbatim with inline markers; the short
answer is the asked-for value inside the first (in a table row, under the asked column,
:mod:`parisqa.answer.units`). When the question matches the question of an FAQ pair, that pair's
answer is quoted. A small logistic model over measured features (similarity, FAQ match, topical
overlap, the question's names and qualifiers in the answer, whether the asked-for value is missing,
question words the corpus never uses) gives the confidence that the answer is right; below its
threshold, or the user's ``min_confidence``, parisqa abstains and lists the closest passages as
related reading instead.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..corpus.terms import terms, terms_any
from ..index.nullscores import z_score
from ..index.store import LoadedIndex
from ..records import Citation, ShortAnswer, Span
from .answertypes import (
    answer_sentences,
    entity_coverage,
    expected_type,
    is_factoid,
    noun_phrase_span,
    question_entities,
    short_span,
    type_match,
)
from .focus import Focus, coverage, day_match, question_focus, values
from .search import Hit
from .units import Row, header_terms, label_value, pick_cell, table_row

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from ..index.milvus_index import QueryTables

    # What answering reads: the loaded local index, or a Milvus index's tables for one query's hits.
    AnswerData = LoadedIndex | QueryTables

# How many retrieved passages are read for answer sentences.
READ_DEPTH = 6
# A further sentence joins the answer when it scores within this margin of the best one (MiniLM's
# value; each model's is in answer_model.json, "models").
EXTRA_SENTENCE_MARGIN = 0.10
MAX_SENTENCES = 2
# A factoid answer takes a second sentence only when it scores within this margin of the best (seed dev
# set, eval/dev_eval.py: 0.0 -> key fact 0.735, median 21 words; 0.05 -> 0.765, 24 words; 0.10 -> 0.765,
# 26 words; three sentences for every question -> 0.794, 27 words).
FACTOID_EXTRA_MARGIN = 0.05
# Sentences this similar (cosine) to one already chosen add nothing.
DUPLICATE_COSINE = 0.92
# A user question this close to an FAQ question is answered with that FAQ's answer (MiniLM's value,
# as above).
FAQ_MATCH_COSINE = 0.80

ABSTAIN_TEXT = "The corpus does not answer this question."
NO_TERMS_TEXT = "The question has no words to search for; ask about something specific."


@dataclass(frozen=True)
class Composed:
    """What the answering step returns to the engine."""

    answer: str
    abstained: bool
    confidence: float
    citations: list[Citation]
    related: list[Citation] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    short: ShortAnswer | None = None


@dataclass
class _Sentence:
    row: int  # row in the sentence table
    hit_rank: int
    start: int
    end: int
    text: str
    cosine: float
    score: float
    fact: float = 0.0  # > 0: holds the kind of fact asked for; < 0: does not; 0: nothing asked
    table: Row | None = None  # the table row this unit is, with its header
    qualified: float = 1.0  # share of the question's qualifiers the unit (with its headers) carries
    valued: bool = False  # holds a value of the asked-for attribute


# --- the fitted model ----------------------------------------------------------------------------

# Features of a candidate sentence; its score is their weighted sum (weights in answer_model.json).
# ``qualifiers``: share of the question's qualifiers the unit carries (its words, its passage's headings,
# its table's column headers); ``value``: it holds a value of the asked-for attribute (a price for "how
# much"); ``day``: 1 when it names a day of the week the question asks about, -1 when only others.
SENTENCE_FEATURES = (
    "cosine",
    "chunk_cosine",
    "coverage",
    "chunk_bm25",
    "type",
    "faq",
    "prior",
    "entities",
    "qualifiers",
    "value",
    "day",
)
# Which sentence features each retrieval mode may use: the baselines see only their own signal.
MODE_FEATURES = {
    "hybrid": set(SENTENCE_FEATURES),
    "dense": {"cosine", "chunk_cosine", "type", "faq", "prior", "value", "day"},
    "bm25": {"coverage", "chunk_bm25", "type", "prior", "entities", "qualifiers", "value", "day"},
}
# Features of a composed answer for the abstention model.
# ``qualifiers``: share of the question's qualifiers the answer's first unit carries; ``value_missing``:
# a value of the asked-for attribute was asked and no answer unit holds one; ``unknown``: share of the
# question's qualifiers that occur nowhere in the corpus ("turnover", "Wi-Fi" in a shop's files).
FEATURES = (
    "dense",
    "sentence",
    "faq",
    "topical",
    "entities",
    "type_missing",
    "qualifiers",
    "value_missing",
    "unknown",
)
# Scores made relative to the corpus: z-scores against what it gives unrelated questions
# (parisqa.index.nullscores); the defaults stand in for an index built without those statistics.
RELATIVE_FEATURES = ("dense_z", "sentence_z", "bm25_z")
NULL_DEFAULTS = {"dense": (0.15, 0.06), "sentence": (0.2, 0.06), "bm25": (5.0, 2.0)}
ALL_FEATURES = FEATURES + RELATIVE_FEATURES


@lru_cache(maxsize=1)
def answer_model() -> dict[str, Any]:
    """The sentence-ranking weights and the abstention model, fitted on the development set.

    The ranker by ``eval/dev_eval.py --fit`` (its focus weights chosen with ``eval/answer_eval.py --grid``),
    the confidence model by ``eval/answer_eval.py --fit``; see those scripts for how.
    """
    text = resources.files(__package__).joinpath("answer_model.json").read_text(encoding="utf-8")
    model = json.loads(text)
    if tuple(model["ranker"]["features"]) != SENTENCE_FEATURES or not set(model["abstention"]["features"]) <= set(
        ALL_FEATURES
    ):
        raise ValueError("answer_model.json does not match the features this version computes; refit it")
    return model


def model_settings(name: str, model: dict[str, Any] | None = None) -> dict[str, Any]:
    """The answer settings of one embedding model (``minilm``, ``multilingual``) from ``answer_model.json``.

    The ranking weights and the abstention model were fitted on MiniLM's similarities. Another model's
    cosines sit elsewhere (multilingual-e5's between a question and any sentence: mean 0.80, std
    0.04, against MiniLM's 0.32 and 0.19), so each model has: ``cosine_scale`` (``from``/``to`` mean
    and std: its cosines are mapped linearly onto MiniLM's scale before the ranker and the abstention
    model see them; ``null`` for none), ``faq_match_cosine`` (on its raw cosine) and
    ``extra_sentence_margin``, and optionally its own ``abstention`` (the confidence model fitted on
    its scores). A model without an entry gets MiniLM's values.
    """
    models = (model or answer_model()).get("models") or {}
    base = {"cosine_scale": None, "faq_match_cosine": FAQ_MATCH_COSINE, "extra_sentence_margin": EXTRA_SENTENCE_MARGIN}
    return {**base, **(models.get(name) or {})}


def _abstention_of(model: dict[str, Any], per_model: dict[str, Any]) -> dict[str, Any]:
    """The confidence model for this embedding model: its own (``models.<name>.abstention``, fitted on
    its scores by ``eval/answer_eval.py --fit --model NAME``) or the shared one. A negative shared
    threshold (declining switched off, as the evaluation scripts do) wins."""
    own = per_model.get("abstention")
    if not own:
        return model["abstention"]
    if model["abstention"]["threshold"] < 0:
        return {**own, "threshold": model["abstention"]["threshold"]}
    return own


def cosine_rescaler(scale: dict[str, Any] | None, *, inverse: bool = False) -> Any:
    """``x -> x`` for no scale, else the linear map of ``scale["from"]`` (mean, std) onto ``scale["to"]``
    (or back, with ``inverse``)."""
    if not scale:
        return lambda x: x
    (m0, s0), (m1, s1) = scale["from"], scale["to"]
    if inverse:
        return lambda y: m0 + (y - m1) * s0 / s1
    return lambda x: m1 + (x - m0) * s1 / s0


def support_probability(features: dict[str, float], abstention: dict[str, Any] | None = None) -> float:
    """Calibrated probability that the corpus supports the composed answer."""
    m = abstention or answer_model()["abstention"]
    z = m["bias"] + sum(w * features[name] for name, w in zip(m["features"], m["weights"]))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


# --- composing -------------------------------------------------------------------------------------


def _idf_weights(query_terms: Sequence[str], data: AnswerData) -> dict[str, float]:
    return {t: data.bm25.idf(t) for t in set(query_terms)}


def _coverage(weights: dict[str, float], found: frozenset[str] | set[str]) -> float:
    """IDF-weighted share of the query's terms (``weights``: term -> IDF) that occur in ``found``."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w for t, w in weights.items() if t in found) / total


def _citation(n: int, hit: Hit, highlights: Sequence[tuple[int, int]] = ()) -> Citation:
    c = hit.chunk
    return Citation(
        n=n,
        source=c.source,
        start=c.start,
        end=c.end,
        text=c.text,
        heading=c.heading,
        score=hit.score,
        scores=dict(hit.scores),
        highlights=tuple(Span(s, e) for s, e in sorted(highlights)),
        page=c.pages[0] if c.pages else None,
        pages=c.pages,
    )


@dataclass
class Candidates:
    """The sentences of the retrieved passages, with their features (one row each)."""

    sentences: list[_Sentence]
    features: np.ndarray  # (len(sentences), len(SENTENCE_FEATURES))
    faq_best: tuple[float, int] | None  # (cosine to the closest FAQ question, hit rank)


def candidates(
    question: str,
    query_vector: np.ndarray,
    query_terms: list[str],
    hits: Sequence[Hit],
    data: Any,
    *,
    language: str = "en",
    rescale: Any = None,
) -> Candidates:
    """Score-ready features for every sentence of the first :data:`READ_DEPTH` hits.

    Args:
        question: the question as searched.
        query_vector: its unit embedding.
        query_terms: its content terms.
        hits: retrieved passages, best first.
        data: the served index (local, or a Milvus store's, which fetches these hits' sentences).
        language: the question's language (its answer-type cues); each passage is analysed in its
            own file's language.
        rescale: maps the model's cosines onto MiniLM's scale (see :func:`model_settings`); the FAQ
            match (``faq_best``) stays a raw cosine.
    """
    import numpy as np

    scale = rescale or (lambda x: x)
    data = data.for_hits(hits)
    q = np.asarray(query_vector, dtype=np.float32)
    table = data.sentences
    kind = expected_type(question, language)
    common = _common_words(data)
    entities_by_language: dict[str, list[str]] = {}
    focus_by_language: dict[str, Focus] = {}
    weights = _idf_weights(query_terms, data)
    read = list(hits[:READ_DEPTH])
    top_bm25 = max((h.scores.get("bm25", 0.0) for h in read), default=0.0)
    sentences: list[_Sentence] = []
    rows: list[list[float]] = []
    faq_best: tuple[float, int] | None = None
    for rank, hit in enumerate(read):
        span = table.rows_for(hit.row)
        if not len(span):
            continue
        cosines = table.vectors[span.start : span.stop].astype(np.float32) @ q
        faq_cosine = 0.0
        for offset, row in enumerate(span):
            if table.question[row]:
                faq_cosine = max(faq_cosine, float(cosines[offset]))
        if faq_cosine and (faq_best is None or faq_cosine > faq_best[0]):
            faq_best = (faq_cosine, rank)
        chunk = hit.chunk
        chunk_language = data.language_of(chunk.source)
        if chunk_language not in entities_by_language:
            entities_by_language[chunk_language] = question_entities(question, chunk_language)
        entities = entities_by_language[chunk_language]
        if chunk_language not in focus_by_language:
            focus_by_language[chunk_language] = question_focus(question, language, chunk_language)
        focus = focus_by_language[chunk_language]
        bm25 = hit.scores.get("bm25", 0.0) / top_bm25 if top_bm25 > 0 else 0.0
        heading_terms = set(terms(" ".join(chunk.heading_path), chunk_language))
        for offset, row in enumerate(span):
            if table.question[row]:
                continue
            start, end = int(table.start[row]), int(table.end[row])
            text = chunk.text[start - chunk.start : end - chunk.start]
            if _is_label(text, chunk.heading_path):
                # A title or heading line inside the passage ("Iceland") states no fact.
                continue
            sentence_terms = set(terms(text, chunk_language))
            coverage = _coverage(weights, sentence_terms)
            type_score = type_match(kind, text, question, common, chunk_language) - 0.5 if kind else 0.0
            cosine = scale(float(cosines[offset]))
            in_table = table_row(chunk.text, start - chunk.start, end - chunk.start)
            carried = sentence_terms | heading_terms | (header_terms(in_table, chunk_language) if in_table else set())
            qualified = coverage_of(focus, carried, data)
            valued = bool(focus.attribute and values(focus.attribute, text))
            sentences.append(
                _Sentence(row, rank, start, end, text, cosine, 0.0, type_score, in_table, qualified, valued)
            )
            rows.append(
                [
                    cosine,
                    scale(hit.scores.get("dense", 0.0)),
                    coverage,
                    bm25,
                    type_score,
                    scale(faq_cosine) if faq_cosine else 0.0,
                    1.0 / (1 + rank),
                    entity_coverage(entities, sentence_terms | heading_terms),
                    qualified,
                    1.0 if valued else 0.0,
                    day_match(focus, text),
                ]
            )
    features = np.array(rows, dtype=np.float32).reshape(len(rows), len(SENTENCE_FEATURES))
    return Candidates(sentences, features, faq_best)


def coverage_of(focus: Focus, found: set[str], data: AnswerData) -> float:
    """IDF-weighted share of the question's qualifiers in ``found`` (see :func:`parisqa.answer.focus.coverage`)."""
    return coverage(focus, found, data.bm25.idf)


def unknown_share(focus: Focus, data: AnswerData) -> float:
    """Share of the question's qualifiers that no passage of the corpus holds."""
    if not focus.qualifiers:
        return 0.0
    df = data.bm25.doc_freq
    return sum(1 for t in focus.qualifiers if df.get(t, 0) == 0) / len(focus.qualifiers)


def _is_label(text: str, heading_path: Sequence[str]) -> bool:
    """Whether a sentence is only a title or heading: under three words, or a heading of its passage."""
    stripped = text.strip().strip("#*=-_ ").strip()
    if label_value(stripped) or "|" in stripped:
        return False  # "Monday: closed", "Tea | £2": short, but a fact
    return len(stripped.split()) < 3 or stripped in heading_path


def _common_words(data: AnswerData) -> Any:
    """Words so frequent in this corpus (in over a quarter of the chunks) that they are its topic."""
    n = max(1, data.bm25.num_docs)
    df = data.bm25.doc_freq

    languages = data.languages

    def common(word: str) -> bool:
        stemmed = terms_any(word, languages)
        return any(df.get(term, 0) > 0.25 * n for term in stemmed)

    return common


def compose(
    question: str,
    query_vector: np.ndarray,
    query_terms: list[str],
    hits: Sequence[Hit],
    data: Any,
    *,
    k: int,
    mode: str = "hybrid",
    model: dict[str, Any] | None = None,
    language: str = "en",
    min_confidence: float = 0.0,
) -> Composed:
    """Answer ``question`` from ``hits`` (best first), or abstain.

    Args:
        question: the question as searched (used for its expected answer type).
        query_vector: its unit embedding.
        query_terms: its content terms.
        hits: retrieved passages, best first.
        data: the served index (sentence table, BM25 statistics; for a Milvus store, fetched for ``hits``).
        k: how many citations to return at most.
        mode: the retrieval mode; the dense and BM25 baselines rank sentences with their own signal only.
        model: ranking weights and abstention model (default: the fitted ones shipped with parisqa).
        language: the question's language (``en`` or ``fr``): its answer-type cues and names.
        min_confidence: the user's floor: below it parisqa declines even when the fitted threshold
            would answer (``--min-confidence``); it never makes parisqa answer more.

    The embedding model's own settings (cosine scale, FAQ threshold, sentence margin) are those of the
    model the index was built with (its manifest), see :func:`model_settings`.
    """
    import numpy as np

    model = model or answer_model()
    per_model = model_settings(str((data.manifest.get("model") or {}).get("choice", "minilm")), model)
    scale = cosine_rescaler(per_model["cosine_scale"])
    if not query_terms:
        # No word to search for ("???"): a message, not passages picked by the embedding of punctuation.
        return Composed(NO_TERMS_TEXT, True, 0.0, [], [])
    if not hits:
        return Composed(ABSTAIN_TEXT, True, 0.0, [], [])
    data = data.for_hits(hits)
    cands = candidates(question, query_vector, query_terms, hits, data, language=language, rescale=scale)
    if not cands.sentences:
        return Composed(ABSTAIN_TEXT, True, 0.0, [], [_citation(i + 1, h) for i, h in enumerate(hits[:k])])
    active = MODE_FEATURES[mode]
    weights = np.array(
        [w if f in active else 0.0 for f, w in zip(SENTENCE_FEATURES, model["ranker"]["weights"])], dtype=np.float32
    )
    scores = cands.features @ weights
    for sentence, score in zip(cands.sentences, scores):
        sentence.score = float(score)
    faq_best = cands.faq_best if "faq" in active else None
    faq_match = per_model["faq_match_cosine"]
    chosen = _choose(
        cands.sentences,
        faq_best,
        data,
        answer_sentences(question, MAX_SENTENCES),
        faq_match=faq_match,
        margin=per_model["extra_sentence_margin"],
    )
    # The answer of a matched FAQ pair is what its author gave for this very question: it answers it
    # whatever its form ("How often ...?" "Rarely, ..."), so the kind-of-fact check does not apply.
    faq_answer = _faq_matched(faq_best, faq_match) and chosen[0].hit_rank == faq_best[1]  # type: ignore[index]

    kind = expected_type(question, language)
    best_hit = hits[chosen[0].hit_rank]
    best_language = data.language_of(best_hit.chunk.source)
    focus = question_focus(question, language, best_language)
    read = hits[:READ_DEPTH]
    answer_terms = set().union(*(set(terms(s.text, data.language_of(hits[s.hit_rank].chunk.source))) for s in chosen))
    dense_top = max(read, key=lambda h: h.scores.get("dense", 0.0))
    features = {
        "dense": scale(dense_top.scores.get("dense", 0.0)),
        "sentence": chosen[0].cosine,
        "faq": scale(cands.faq_best[0]) if cands.faq_best else 0.0,
        # On topic at all: the answer is close in meaning or shares the question's words.
        "topical": max(chosen[0].cosine, _coverage(_idf_weights(query_terms, data), answer_terms)),
        "entities": entity_coverage(question_entities(question, best_language), data.chunk_terms(best_hit.row)),
        # The asked-for fact may sit in any sentence of the answer ("Yes. [1] In France ... December").
        "type_missing": 0.0
        if faq_answer
        or type_match(kind, " ".join(s.text for s in chosen), question, _common_words(data), best_language) != 0.0
        else 1.0,
        # A matched FAQ pair's question carries what was asked about, its answer need not repeat it.
        "qualifiers": max(
            [s.qualified for s in chosen]
            + ([coverage_of(focus, set(data.chunk_terms(best_hit.row)), data)] if faq_answer else [])
        ),
        "value_missing": 1.0
        if (focus.attribute in _VALUED and not faq_answer and not any(s.valued for s in chosen))
        else 0.0,
        "unknown": unknown_share(focus, data),
    }
    null = data.null_scores
    bm25_top = max((h.scores.get("bm25", 0.0) for h in read), default=0.0)
    # The null statistics were computed on the model's own (raw) cosines: z-scores use raw values.
    unscale = cosine_rescaler(per_model["cosine_scale"], inverse=True)
    raw = {"dense": unscale(features["dense"]), "sentence": unscale(features["sentence"]), "bm25": bm25_top}
    for name, value in raw.items():
        features[f"{name}_z"] = max(-5.0, min(10.0, z_score(value, null, name, NULL_DEFAULTS[name])))
    abstention = _abstention_of(model, per_model)
    confidence = support_probability(features, abstention)

    # Citations: passages used by the answer first (in order of use), then the other hits.
    order: list[int] = []
    for s in chosen:
        if s.hit_rank not in order:
            order.append(s.hit_rank)
    # Every passage the answer quotes is cited, even beyond k; the others fill up to k.
    order += [r for r in range(len(hits)) if r not in order][: max(0, k - len(order))]
    if confidence < max(abstention["threshold"], min_confidence):
        # The closest passages, in retrieval order, as related reading (not as an answer).
        related = [_citation(i + 1, h) for i, h in enumerate(hits[:k])]
        return Composed(ABSTAIN_TEXT, True, confidence, [], related, features)
    number = {r: i + 1 for i, r in enumerate(order)}
    highlights: dict[int, list[tuple[int, int]]] = {}
    for s in chosen:
        highlights.setdefault(s.hit_rank, []).append((s.start, s.end))
    citations = [_citation(number[r], hits[r], highlights.get(r, ())) for r in order]
    parts = [f"{s.text} [{number[s.hit_rank]}]" for s in chosen]
    short = _short_answer(question, chosen, hits, data, focus, best_language)
    return Composed(" ".join(parts), False, confidence, citations, [], features, short)


def _typed_value(
    question: str, unit: _Sentence, hits: Sequence[Hit], data: AnswerData, focus: Focus, language: str
) -> tuple[int, int] | None:
    """Offsets in ``unit.text`` of the value asked for: in a row, inside the cell the question asks for."""
    text = unit.text
    lo, hi = 0, len(text)
    if unit.table is not None:
        chunk = hits[unit.hit_rank].chunk
        cell = pick_cell(focus, chunk.text, unit.table, language, data.bm25.idf)
        if cell is not None:
            lo = max(0, cell[0] - (unit.start - chunk.start))
            hi = min(len(text), cell[1] - (unit.start - chunk.start))
    asked = question.lower()
    if unit.table is None:
        labelled = label_value(text)
        if labelled is not None and not values(focus.attribute, text[: labelled[1]]):
            lo = labelled[1]  # the value side of "Saturday: 8:30 to 17:00"
    found = [(a + lo, b + lo) for a, b in values(focus.attribute, text[lo:hi])]
    fresh = [(a, b) for a, b in found if text[a:b].strip().lower() not in asked]
    if focus.attribute == "count" and fresh:
        # "how many years": the number followed by the word the question counts ("five years") first.
        counted = []
        for a, b in fresh:
            unit = re.match(r"\s+([^\W\d][\w-]*)", text[b:])
            if unit and set(terms(unit.group(1), language)) & set(focus.qualifiers):
                counted.append((a, b + unit.end()))
        fresh = counted + fresh
    if not fresh and lo > 0:
        return (lo, hi) if hi > lo else None
    return fresh[0] if fresh else None


def _unit_value(
    question: str, unit: _Sentence, hits: Sequence[Hit], data: AnswerData, focus: Focus, language: str
) -> tuple[int, int] | None:
    """For a factoid question answered by a ``label: value`` line or a table row: the value side, or the
    cell the question asks for ("What is the company number?" -> "07731942")."""
    if unit.table is not None:
        if not (is_factoid(question) or focus.attribute):
            return None
        chunk = hits[unit.hit_rank].chunk
        cell = pick_cell(focus, chunk.text, unit.table, language, data.bm25.idf)
        if cell is None:
            return None
        lo, hi = cell[0] - (unit.start - chunk.start), cell[1] - (unit.start - chunk.start)
        return (lo, hi) if 0 <= lo < hi <= len(unit.text) else None
    labelled = label_value(unit.text)
    if labelled is None:
        return None
    if not (set(terms(labelled[0], language)) & set(focus.qualifiers)) and not is_factoid(question):
        return None  # the label is not what was asked about
    value = unit.text[labelled[1] :].rstrip(" .;")
    return (labelled[1], labelled[1] + len(value)) if value else None


def _faq_matched(faq_best: tuple[float, int] | None, faq_match: float = FAQ_MATCH_COSINE) -> bool:
    """Whether the question matches an FAQ question closely enough to take that pair's answer.

    ``faq_match`` is the embedding model's raw-cosine threshold (see :func:`model_settings`).
    """
    return faq_best is not None and faq_best[0] >= faq_match


# Attributes whose value has a recognisable form (a price, a time, a phone number ...).
_VALUED = frozenset(
    ("money", "time", "duration", "age", "distance", "percent", "count", "phone", "email", "date", "option")
)


def _short_answer(
    question: str,
    chosen: list[_Sentence],
    hits: Sequence[Hit],
    data: AnswerData,
    focus: Focus | None = None,
    language: str = "en",
) -> ShortAnswer | None:
    """The exact span of the first answer unit that holds just the fact asked for, if any.

    A value of the asked-for attribute comes first (in a table row, the one in the column whose
    header names the question's qualifier); otherwise the typed span of :func:`short_span`.
    """
    if not chosen:
        return None
    first = next((s for s in chosen if s.valued), chosen[0])
    span = _typed_value(question, first, hits, data, focus, language) if focus and first.valued else None
    if span is None:
        first = chosen[0]
        span = _unit_value(question, first, hits, data, focus, language) if focus else None
    if span is None:
        span = short_span(question, first.text, _common_words(data))
    if span is None:
        span = noun_phrase_span(question, first.text)  # "what" questions get a noun phrase, not null
    if span is None:
        return None
    start, end = first.start + span[0], first.start + span[1]
    chunk = hits[first.hit_rank].chunk
    return ShortAnswer(chunk.source, start, end, chunk.text[start - chunk.start : end - chunk.start])


def _choose(
    candidates: list[_Sentence],
    faq_best: tuple[float, int] | None,
    data: AnswerData,
    max_sentences: int = MAX_SENTENCES,
    *,
    faq_match: float = FAQ_MATCH_COSINE,
    margin: float = EXTRA_SENTENCE_MARGIN,
) -> list[_Sentence]:
    """The sentences that make the answer: an FAQ answer, or the best one to ``max_sentences`` sentences.

    ``faq_match`` (a raw cosine) and ``margin`` are the embedding model's (see :func:`model_settings`).
    """
    import numpy as np

    if _faq_matched(faq_best, faq_match):
        answer = [s for s in candidates if s.hit_rank == faq_best[1]]
        if answer:
            return sorted(answer, key=lambda s: s.start)
    ranked = sorted(candidates, key=lambda s: -s.score)
    best = ranked[0]
    chosen = [best]
    vectors = data.sentences.vectors
    if max_sentences == 1:
        # A factoid question: one sentence, unless the best lacks the kind of fact asked for (no date
        # for "when") and a close one has it, or a second sentence scores almost as well.
        for s in ranked[1:]:
            if s.score < best.score - margin:
                break
            if s.text == best.text:
                continue
            if (best.fact < 0 < s.fact) or s.score >= best.score - FACTOID_EXTRA_MARGIN:
                chosen.append(s)
            break
        return chosen
    for s in ranked[1:]:
        if len(chosen) >= max_sentences or s.score < best.score - margin:
            break
        v = vectors[s.row].astype(np.float32)
        if any(float(v @ vectors[c.row].astype(np.float32)) >= DUPLICATE_COSINE or s.text == c.text for c in chosen):
            continue
        chosen.append(s)
    return chosen
