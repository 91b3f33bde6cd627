"""Run a test set through the engine, measure every answer, and gather the report.

The entry points :func:`evaluate_faq`, :func:`evaluate_questions` and :func:`evaluate_squad` return
a :class:`~parisqa.evaluation.report.Report`; they print nothing. Indexes other than the served one
(the held-out FAQ index, a SQuAD corpus) are built in a temporary folder that is deleted afterwards;
the served corpus is only read, and so is the served index, except that (like ``parisqa ask``) a
missing or stale one is built or updated first unless ``auto_build=False`` (``--no-build``).
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._version import __version__
from ..api import Engine, clean_question
from ..config import Settings
from ..embed.choice import embedder_for
from ..embed.encoder import Embedder
from ..embed.model import model_cache_dir
from ..errors import ConfigError, QuestionError
from ..index.build import build_index
from ..index.store import known_model
from ..records import Answer, Chunk
from . import metrics as m
from .corpora import write_documents, write_heldout_corpus
from .datasets import EvalItem, TestSet, faq_set, load_questions, load_squad
from .report import ItemResult, Report, Section

SYSTEMS = ("hybrid", "dense", "bm25")
FAQ_MODES = ("in", "heldout", "both")
DEFAULT_K = 10
# Temporary indexes (held-out FAQ, SQuAD articles) stay in their folder even when the served index is in
# a Milvus store: collections there would outlive the temporary folder (both stores answer alike).
TEMP_STORE = "local"
_MARKER_NUMBERS = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")


def systems_for(baselines: bool) -> tuple[str, ...]:
    """The retrieval modes to run: the full pipeline, plus the baselines when asked."""
    return SYSTEMS if baselines else SYSTEMS[:1]


def faq_modes(mode: str) -> tuple[str, ...]:
    """``"in"``, ``"heldout"`` or ``"both"`` as the list of index variants to evaluate."""
    if mode not in FAQ_MODES:
        raise ConfigError(f"faq mode must be one of {', '.join(FAQ_MODES)}, got {mode!r}")
    return ("in", "heldout") if mode == "both" else (mode,)


# --- relevance ------------------------------------------------------------------------------------


class RelevanceJudge:
    """Decides which passages are relevant to an item, over one index's chunks.

    A passage is relevant when it comes from one of the item's gold documents (if it names any) and
    contains one of its gold texts (if it has any), compared after SQuAD normalisation.
    """

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        self._by_source: dict[str, list[str]] = defaultdict(list)
        for chunk in chunks:
            self._by_source[chunk.source].append(m.padded(chunk.text))

    @staticmethod
    def golds(item: EvalItem) -> list[str]:
        return [m.padded(t) for t in item.gold_texts]

    def is_relevant(self, item: EvalItem, source: str, text: str, golds: list[str] | None = None) -> bool:
        if item.docs and source not in item.docs:
            return False
        golds = self.golds(item) if golds is None else golds
        if not golds:
            return bool(item.docs)
        padded = m.padded(text)
        return any(g in padded for g in golds)

    def total(self, item: EvalItem, golds: list[str] | None = None) -> int:
        """How many chunks of the index are relevant to ``item``."""
        golds = self.golds(item) if golds is None else golds
        if not golds and not item.docs:
            return 0
        sources = item.docs or tuple(self._by_source)
        count = 0
        for source in sources:
            for padded in self._by_source.get(source, ()):
                if not golds or any(g in padded for g in golds):
                    count += 1
        return count

    def judge(self, item: EvalItem, passages: Sequence[tuple[str, str]]) -> tuple[tuple[bool, ...] | None, int]:
        """Relevance of the ranked ``(source, text)`` passages, and the index's relevant count.

        Returns ``(None, 0)`` when the question is unanswerable or nothing in the index is relevant
        (e.g. the gold was held out): retrieval cannot be judged for this item.
        """
        if not item.answerable:
            return None, 0
        golds = self.golds(item)
        total = self.total(item, golds)
        if total == 0:
            return None, 0
        return tuple(self.is_relevant(item, s, t, golds) for s, t in passages), total


def ranked_passages(answer: Answer) -> list[tuple[str, str]]:
    """The retrieved passages in retrieval order (best score first), without repeats.

    Citations list the passages an answer quotes first; retrieval metrics judge the ranking itself,
    so that they do not move with the answer or the abstention decision.
    """
    seen: set[tuple[str, int, int]] = set()
    out = []
    for c in sorted((*answer.citations, *answer.related), key=lambda c: -c.score):
        key = (c.source, c.start, c.end)
        if key not in seen:
            seen.add(key)
            out.append((c.source, c.text))
    return out


def cited_texts(answer: Answer) -> list[str]:
    """Texts of the passages the answer's markers point at (all citations when it has no marker)."""
    numbers = {int(n) for group in _MARKER_NUMBERS.findall(answer.answer) for n in group.replace(";", ",").split(",")}
    cited = [c.text for c in answer.citations if c.n in numbers]
    return cited or [c.text for c in answer.citations]


# --- one section ----------------------------------------------------------------------------------


def score_item(item: EvalItem, answer: Answer, latency_ms: float, judge: RelevanceJudge) -> ItemResult:
    """All per-question measures except semantic similarity (batched later)."""
    prediction = "" if answer.abstained else m.strip_markers(answer.answer)
    if not item.answerable:
        # SQuAD v2 convention: declining an unanswerable question is the exact, full-F1 answer.
        em = f1 = float(answer.abstained)
    elif item.answers:
        em, f1 = m.exact_match(prediction, item.answers), m.token_f1(prediction, item.answers)
    else:
        em = f1 = None
    ranked = ranked_passages(answer)
    relevant, total = judge.judge(item, ranked)
    doc_relevant = None
    if relevant is not None:
        doc_relevant = m.document_relevance([(s, r) for (s, _), r in zip(ranked, relevant)], item.docs)
    short_f1 = None
    if item.answerable and item.answers:
        short = None if answer.abstained else answer.short
        short_f1 = m.token_f1(short.text, item.answers) if short is not None else 0.0
    cited_first = None
    if relevant is not None:
        first = [(c.source, c.text) for c in answer.citations[:1]]
        judged_first = judge.judge(item, first)[0] if first and not answer.abstained else None
        cited_first = bool(judged_first and judged_first[0])
    return ItemResult(
        id=item.id,
        question=item.question,
        answerable=item.answerable,
        answer=answer.answer,
        abstained=answer.abstained,
        latency_ms=latency_ms,
        relevant=relevant,
        total_relevant=total,
        exact_match=em,
        f1=f1,
        verbatim=None if answer.abstained else m.verbatim_share(answer.answer, cited_texts(answer)),
        cited_first=cited_first,
        doc_relevant=doc_relevant,
        short_f1=short_f1,
        words=None if answer.abstained else m.word_count(answer.answer),
        confidence=float(answer.confidence),
    )


def add_similarity(results: list[ItemResult], items: Sequence[EvalItem], embedder: Embedder) -> list[ItemResult]:
    """Fill in the semantic similarity of each answer to its gold answers (one batch through the model).

    Answerable questions that were declined score 0; unanswerable ones and items without gold
    answers have none.
    """
    from dataclasses import replace

    texts: dict[str, int] = {}
    for result, item in zip(results, items):
        if item.answerable and item.answers and not result.abstained:
            for t in (m.strip_markers(result.answer), *item.answers):
                texts.setdefault(t, len(texts))
    vectors = embedder.encode(list(texts)) if texts else None
    out = []
    for result, item in zip(results, items):
        sim = None
        if item.answerable and item.answers:
            if result.abstained:
                sim = 0.0
            else:
                pred = vectors[texts[m.strip_markers(result.answer)]]
                # Unit vectors: the dot product is the cosine (clamped: float32 rounds 1.0 up).
                sim = min(1.0, max(float(pred @ vectors[texts[g]]) for g in item.answers))
        out.append(replace(result, similarity=sim))
    return out


def summarize(results: Sequence[ItemResult]) -> dict[str, float | None]:
    """Averages of one system's results over a section (None where no question applies)."""
    judged = [r for r in results if r.relevant is not None]
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    latencies = [r.latency_ms for r in results]
    return {
        "hit@1": m.mean(m.hit_at(r.relevant, 1) for r in judged),
        "hit@3": m.mean(m.hit_at(r.relevant, 3) for r in judged),
        "hit@5": m.mean(m.hit_at(r.relevant, 5) for r in judged),
        "mrr@10": m.mean(m.reciprocal_rank(r.relevant, 10) for r in judged),
        "ndcg@10": m.mean(m.ndcg_at(r.relevant, 10, r.total_relevant) for r in judged),
        "cited_first": m.mean(float(r.cited_first) for r in judged),
        "exact_match": m.mean(r.exact_match for r in results),
        "f1": m.mean(r.f1 for r in results),
        "similarity": m.mean(r.similarity for r in results),
        "verbatim": m.mean(r.verbatim for r in results),
        "abstained_unanswerable": m.mean(float(r.abstained) for r in unanswerable),
        "abstained_answerable": m.mean(float(r.abstained) for r in answerable),
        "mrr_doc@10": m.mean(m.reciprocal_rank(r.doc_relevant, 10) for r in judged if r.doc_relevant is not None),
        "short_f1": m.mean(r.short_f1 for r in results),
        "answer_words_p50": m.percentile([float(r.words) for r in results if r.words is not None], 50),
        "ece": m.expected_calibration_error(
            [r.confidence for r in results if r.confidence is not None],
            [r.answerable for r in results if r.confidence is not None],
        ),
        "latency_p50_ms": m.percentile(latencies, 50),
        "latency_p95_ms": m.percentile(latencies, 95),
    }


def _progress_bar(total: int, enabled: bool, desc: str) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="q", file=sys.stderr, leave=False)


def run_section(
    engine: Engine,
    items: Sequence[EvalItem],
    *,
    name: str,
    description: str,
    systems: Sequence[str] = SYSTEMS[:1],
    k: int = DEFAULT_K,
    progress: bool = False,
    on_warning: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> Section:
    """Ask every question with every system on ``engine`` and measure the answers.

    Systems run one after the other on each question, so machine noise spreads evenly over them.
    Questions the engine refuses (e.g. too long) are reported through ``on_warning`` and left out.
    ``on_progress(done, total, name)`` is called after each answer (e.g. to drive a web progress bar).
    """
    usable: list[EvalItem] = []
    for item in items:
        try:
            clean_question(item.question, engine.settings.max_question_chars)
        except QuestionError as exc:
            if on_warning:
                on_warning(f"question {item.id!r} left out: {exc}")
            continue
        usable.append(item)
    index = engine.index()  # load (or build) before timing anything
    engine.search_data(index)
    engine.embedder.warm_up()
    judge = RelevanceJudge(index.chunks)
    raw: dict[str, list[ItemResult]] = {s: [] for s in systems}
    bar = _progress_bar(len(usable) * len(systems), progress, name)
    try:
        for item in usable:
            for system in systems:
                started = time.perf_counter()
                answer = engine.ask(item.question, k=k, mode=system)
                latency = (time.perf_counter() - started) * 1000
                raw[system].append(score_item(item, answer, latency, judge))
                if bar is not None:
                    bar.update(1)
                if on_progress is not None:
                    on_progress(sum(map(len, raw.values())), len(usable) * len(systems), name)
    finally:
        if bar is not None:
            bar.close()
    results = {s: add_similarity(rs, usable, engine.embedder) for s, rs in raw.items()}
    counts = {
        "questions": len(usable),
        "answerable": sum(i.answerable for i in usable),
        "unanswerable": sum(not i.answerable for i in usable),
        "judged": sum(r.relevant is not None for r in results[systems[0]]) if systems else 0,
    }
    return Section(name, description, {s: summarize(rs) for s, rs in results.items()}, counts, results)


# --- whole evaluations ----------------------------------------------------------------------------


def evaluate(
    test_set: TestSet,
    settings: Settings | None = None,
    *,
    modes: Sequence[str] = ("in",),
    baselines: bool = False,
    k: int = DEFAULT_K,
    embedder: Embedder | None = None,
    progress: bool = False,
    on_warning: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int, str], None] | None = None,
    auto_build: bool = True,
) -> Report:
    """Evaluate ``test_set`` and return the report.

    Args:
        test_set: the questions. A set that brings its own documents (SQuAD) is evaluated on a
            temporary index of them and ``modes`` is ignored.
        settings: corpus, index and chunking (default: from the environment).
        modes: index variants: ``"in"`` (the served index, FAQ included) and/or ``"heldout"`` (a
            temporary index of the corpus with every FAQ pair left out).
        baselines: also run dense-only and BM25-only retrieval on the same questions.
        k: passages retrieved per question (at least 10 for MRR@10 and nDCG@10).
        embedder: the model (default: the process-wide one).
        progress: show a progress bar on stderr.
        on_warning: called with each warning (malformed lines, skipped files, refused questions).
        on_progress: called as ``(answers done, answers in the section, section name)``.
        auto_build: build or update the served index first when it is missing or stale.

    Raises:
        DatasetError: the test set is empty.
        ConfigError: a mode or ``k`` is not allowed.
        ParisqaError: the served index cannot be used, or a temporary index cannot be built.
    """
    settings = settings or Settings.from_env()
    if not 1 <= k <= 100:
        raise ConfigError(f"k must be between 1 and 100, got {k}")
    for mode in modes:
        if mode not in ("in", "heldout"):
            raise ConfigError(f"index mode must be 'in' or 'heldout', got {mode!r}")
    if not test_set.items:
        from ..errors import DatasetError

        raise DatasetError(f"the test set from '{test_set.source}' is empty; add questions to it")
    embedder = embedder or embedder_for(settings.model)
    # Temporary indexes are built before any engine offers the user's ONNX export: use it, so latency
    # is measured on the backend users get.
    embedder.offer_cache_dir(model_cache_dir(), lambda: known_model(settings.index_dir))
    warnings = list(test_set.warnings)

    def warn(message: str) -> None:
        warnings.append(message)
        if on_warning:
            on_warning(message)

    for message in test_set.warnings:
        if on_warning:
            on_warning(message)
    systems = systems_for(baselines)
    common = {"systems": systems, "k": k, "progress": progress, "on_warning": warn, "on_progress": on_progress}
    sections: list[Section] = []
    if test_set.documents:
        with tempfile.TemporaryDirectory(prefix="parisqa-eval-") as tmp:
            corpus = Path(tmp) / "corpus"
            count = write_documents(test_set.documents, corpus)
            temp = settings.with_(corpus_dir=corpus, index_dir=Path(tmp) / "index", store=TEMP_STORE)
            build_index(temp, embedder=embedder, progress=progress, on_warning=warn)
            engine = Engine(temp, embedder=embedder, auto_build=False, on_warning=warn)
            description = f"temporary index of the set's {count} article(s)"
            sections.append(run_section(engine, test_set.items, name=test_set.name, description=description, **common))
    for mode in modes if not test_set.documents else ():
        if mode == "in":
            engine = Engine(settings, embedder=embedder, auto_build=auto_build, on_warning=warn)
            sections.append(
                run_section(engine, test_set.items, name="faq-in", description="served index (FAQ included)", **common)
            )
            continue
        with tempfile.TemporaryDirectory(prefix="parisqa-eval-") as tmp:
            corpus = Path(tmp) / "corpus"
            corpus.mkdir()
            removed = write_heldout_corpus(settings.corpus_dir, corpus)
            if removed == 0:
                warn("the corpus has no FAQ pair to leave out; the held-out index holds the whole corpus")
            temp = settings.with_(corpus_dir=corpus, index_dir=Path(tmp) / "index", store=TEMP_STORE)
            build_index(temp, embedder=embedder, progress=progress, on_warning=warn)
            engine = Engine(temp, embedder=embedder, auto_build=False, on_warning=warn)
            description = f"temporary index of the corpus without its {removed} FAQ pair(s)"
            sections.append(run_section(engine, test_set.items, name="faq-heldout", description=description, **common))
    return Report(
        test_set=test_set.name,
        source=test_set.source,
        settings={
            "corpus_dir": str(settings.corpus_dir),
            "index_dir": str(settings.index_dir),
            "chunk_tokens": settings.chunk_tokens,
            "chunk_overlap": settings.chunk_overlap,
            "k": k,
            "systems": list(systems),
        },
        sections=tuple(sections),
        warnings=tuple(dict.fromkeys(warnings)),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        version=__version__,
    )


def evaluate_faq(
    settings: Settings | None = None, *, mode: str = "both", limit: int | None = None, **options: Any
) -> Report:
    """Evaluate the corpus's own FAQ: each FAQ question, its answer as gold.

    Args:
        settings: corpus, index and chunking (default: from the environment).
        mode: ``"in"`` (served index), ``"heldout"`` (temporary index without the FAQ) or ``"both"``.
        limit: evaluate only the first ``limit`` questions.
        **options: ``baselines``, ``k``, ``embedder``, ``progress``, ``on_warning``, ``on_progress``,
            ``auto_build``, as for :func:`evaluate`.

    Raises:
        DatasetError: the corpus holds no FAQ pair (the message suggests ``--questions``).

    Example:
        >>> report = evaluate_faq(baselines=True)  # doctest: +SKIP
        >>> print(report.to_markdown())  # doctest: +SKIP
    """
    settings = settings or Settings.from_env()
    modes = faq_modes(mode)
    return evaluate(faq_set(settings.corpus_dir).limited(limit), settings, modes=modes, **options)


def evaluate_questions(
    path: str | Path, settings: Settings | None = None, *, mode: str = "in", limit: int | None = None, **options: Any
) -> Report:
    """Evaluate a JSONL question file (format in :mod:`parisqa.evaluation.datasets`)."""
    settings = settings or Settings.from_env()
    modes = faq_modes(mode)
    test_set = load_questions(Path(path), settings.corpus_dir).limited(limit)
    return evaluate(test_set, settings, modes=modes, **options)


def evaluate_squad(
    path: str | Path, settings: Settings | None = None, *, limit: int | None = None, **options: Any
) -> Report:
    """Evaluate a SQuAD v1.1/v2.0 file on a temporary index of its articles (chunking from ``settings``)."""
    settings = settings or Settings.from_env()
    return evaluate(load_squad(Path(path)).limited(limit), settings, **options)
