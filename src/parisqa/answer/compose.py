"""Compose a short extractive answer with citations, or abstain.

No language model: the best passages are cut into sentences (precomputed, with their embeddings, at
index time), each sentence is scored against the question, and the one to three sentences that
answer it are quoted verbatim with inline markers. When the question matches the question of an FAQ
pair, that pair's answer is quoted. A small logistic model over measured features (similarity of the
best passage and sentence, FAQ match, topical overlap, whether the question's names occur in the
passage, whether the kind of fact asked for is missing) gives a calibrated confidence; below its
threshold parisqa abstains and lists the closest passages as related reading instead.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..corpus.terms import terms, terms_any
from ..index.nullscores import z_score
from ..index.store import LoadedIndex
from ..records import Citation, ShortAnswer, Span
from .answertypes import answer_sentences, entity_coverage, expected_type, question_entities, short_span, type_match
from .search import Hit

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
MAX_SENTENCES = 3
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


# --- the fitted model ----------------------------------------------------------------------------

# Features of a candidate sentence; its score is their weighted sum (weights in answer_model.json).
SENTENCE_FEATURES = ("cosine", "chunk_cosine", "coverage", "chunk_bm25", "type", "faq", "prior", "entities")
# Which sentence features each retrieval mode may use: the baselines see only their own signal.
MODE_FEATURES = {
    "hybrid": set(SENTENCE_FEATURES),
    "dense": {"cosine", "chunk_cosine", "type", "faq", "prior"},
    "bm25": {"coverage", "chunk_bm25", "type", "prior", "entities"},
}
# Features of a composed answer for the abstention model.
FEATURES = ("dense", "sentence", "faq", "topical", "entities", "type_missing")
# Scores made relative to the corpus: z-scores against what it gives unrelated questions
# (parisqa.index.nullscores); the defaults stand in for an index built without those statistics.
RELATIVE_FEATURES = ("dense_z", "sentence_z", "bm25_z")
NULL_DEFAULTS = {"dense": (0.15, 0.06), "sentence": (0.2, 0.06), "bm25": (5.0, 2.0)}
ALL_FEATURES = FEATURES + RELATIVE_FEATURES


@lru_cache(maxsize=1)
def answer_model() -> dict[str, Any]:
    """The sentence-ranking weights and the abstention model, fitted on the development set.

    Written by ``eval/dev_eval.py --fit``; see that script for how.
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
    ``extra_sentence_margin``. A model without an entry gets MiniLM's values.
    """
    models = (model or answer_model()).get("models") or {}
    base = {"cosine_scale": None, "faq_match_cosine": FAQ_MATCH_COSINE, "extra_sentence_margin": EXTRA_SENTENCE_MARGIN}
    return {**base, **(models.get(name) or {})}


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
            sentences.append(_Sentence(row, rank, start, end, text, cosine, 0.0, type_score))
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
                ]
            )
    features = np.array(rows, dtype=np.float32).reshape(len(rows), len(SENTENCE_FEATURES))
    return Candidates(sentences, features, faq_best)


def _is_label(text: str, heading_path: Sequence[str]) -> bool:
    """Whether a sentence is only a title or heading: under three words, or a heading of its passage."""
    stripped = text.strip().strip("#*=-_ ").strip()
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
    }
    null = data.null_scores
    bm25_top = max((h.scores.get("bm25", 0.0) for h in read), default=0.0)
    # The null statistics were computed on the model's own (raw) cosines: z-scores use raw values.
    unscale = cosine_rescaler(per_model["cosine_scale"], inverse=True)
    raw = {"dense": unscale(features["dense"]), "sentence": unscale(features["sentence"]), "bm25": bm25_top}
    for name, value in raw.items():
        features[f"{name}_z"] = max(-5.0, min(10.0, z_score(value, null, name, NULL_DEFAULTS[name])))
    confidence = support_probability(features, model["abstention"])

    # Citations: passages used by the answer first (in order of use), then the other hits.
    order: list[int] = []
    for s in chosen:
        if s.hit_rank not in order:
            order.append(s.hit_rank)
    # Every passage the answer quotes is cited, even beyond k; the others fill up to k.
    order += [r for r in range(len(hits)) if r not in order][: max(0, k - len(order))]
    if confidence < model["abstention"]["threshold"]:
        # The closest passages, in retrieval order, as related reading (not as an answer).
        related = [_citation(i + 1, h) for i, h in enumerate(hits[:k])]
        return Composed(ABSTAIN_TEXT, True, confidence, [], related, features)
    number = {r: i + 1 for i, r in enumerate(order)}
    highlights: dict[int, list[tuple[int, int]]] = {}
    for s in chosen:
        highlights.setdefault(s.hit_rank, []).append((s.start, s.end))
    citations = [_citation(number[r], hits[r], highlights.get(r, ())) for r in order]
    parts = [f"{s.text} [{number[s.hit_rank]}]" for s in chosen]
    short = _short_answer(question, chosen, hits, data)
    return Composed(" ".join(parts), False, confidence, citations, [], features, short)


def _faq_matched(faq_best: tuple[float, int] | None, faq_match: float = FAQ_MATCH_COSINE) -> bool:
    """Whether the question matches an FAQ question closely enough to take that pair's answer.

    ``faq_match`` is the embedding model's raw-cosine threshold (see :func:`model_settings`).
    """
    return faq_best is not None and faq_best[0] >= faq_match


def _short_answer(question: str, chosen: list[_Sentence], hits: Sequence[Hit], data: AnswerData) -> ShortAnswer | None:
    """The exact span of the first answer sentence that holds just the fact asked for, if any."""
    if not chosen:
        return None
    first = chosen[0]
    span = short_span(question, first.text, _common_words(data))
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
