"""Measure French (and English) questions with MiniLM and with the multilingual model.

    python eval/fr/measure.py                          # every set, both models; writes eval/fr/results.json
    python eval/fr/measure.py --sets fr-corpus --models multilingual --lang
    python eval/fr/measure.py --show-misses

Sets: ``seed-fr`` (eval/fr/seed-fr.jsonl: French questions about the English seed article),
``seed-en`` (eval/dev.jsonl: the English development set, same article), ``fr-corpus``
(eval/fr/questions.jsonl over the French texts of eval/fr/corpus/) and ``third-language``
(eval/fr/third-language.jsonl: nine questions in six other languages about the seed article).
Each (model, corpus) gets its own index in a temporary folder, built with
``parisqa.indexer.build_index(settings, embedder=...)`` and asked through
``parisqa.api.Engine(settings, embedder=...)``.

This is phase 1: the indexer and the engine do not know about models or languages yet, so this
script stands in for the wiring (see :func:`use_model` and :func:`use_languages`) by replacing a few
module attributes for the duration of a run. Without ``--lang`` everything is analysed as English,
as today; with ``--lang`` each chunk, sentence and question is analysed in its detected language.

Metrics, for answerable questions: *answer passage first* (citation [1] contains the evidence
sentence, compared after lowercasing and collapsing spaces; a declined answer is a miss), *key fact*
(an ``answers`` text is in the answer), *right document first* (citation [1] is the ``doc``), and
the median number of words of the answers given. For unanswerable ones: the share declined.
Every figure is also given with abstention switched off (``no-abstain``), since the shipped
abstention model was fitted on MiniLM's similarity scores.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "src"))

SETS = {
    "seed-fr": (ROOT / "corpus", HERE / "seed-fr.jsonl"),
    "seed-en": (ROOT / "corpus", ROOT / "eval" / "dev.jsonl"),
    "fr-corpus": (HERE / "corpus", HERE / "questions.jsonl"),
    # Spanish, German, Italian, Arabic, Chinese, Russian questions about the seed article: a sensible
    # answer or an abstention, never a crash.
    "third-language": (ROOT / "corpus", HERE / "third-language.jsonl"),
}
MODELS = ("minilm", "multilingual")
_MARKER = re.compile(r"\s*\[\d+\]")


def norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.lower().split())


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@contextlib.contextmanager
def patched(target: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, old)


# multilingual-e5 cosines sit higher than MiniLM's (0.73-0.93 between any French question and the
# seed's FAQ questions; 82% of them reach MiniLM's 0.80 FAQ-match threshold), so the FAQ answer would
# replace nearly every answer. 0.90 keeps the true French paraphrases of FAQ questions that are
# closest and drops "Combien le gouvernement a-t-il investi ?" -> "What is the role of the French
# government ...?" (0.888). Chosen by looking at eval/fr/seed-fr.jsonl: a development-set figure.
E5_FAQ_MATCH_COSINE = 0.90


@contextlib.contextmanager
def use_model(model: str, faq_cosine: float = E5_FAQ_MATCH_COSINE, margin: float | None = None) -> Iterator[Any]:
    """The embedders to build and ask with; the manifest records the multilingual model's info.

    Yields ``(build_embedder, query_embedder)``.
    """
    from parisqa import answering, indexer
    from parisqa.embed.encoder import Embedder

    if model == "minilm":
        # The ONNX export benchmarks/multilingual.py leaves behind, when there is one: no torch import.
        cache = ROOT / "benchmarks" / "work" / "model-cache"
        embedder = Embedder(cache_dir=cache) if cache.is_dir() else Embedder()
        yield embedder, embedder
        return
    from parisqa.embed import e5

    embedder = e5.E5Embedder()
    with (
        patched(indexer, "model_info", e5.model_info),
        patched(answering, "FAQ_MATCH_COSINE", faq_cosine),
        patched(answering, "EXTRA_SENTENCE_MARGIN", margin if margin is not None else answering.EXTRA_SENTENCE_MARGIN),
    ):
        yield embedder, e5.QueryView(embedder)


@contextlib.contextmanager
def use_languages(enabled: bool) -> Iterator[None]:
    """Analyse each chunk, sentence and question in its own detected language (phase-2 preview)."""
    if not enabled:
        yield
        return
    from parisqa import answering, answertypes, api, indexer, lexical
    from parisqa.corpus.language import analysed, detect_language
    from parisqa.lexical import Bm25Index, terms, terms_any
    from parisqa.corpus.sentences import chunk_sentences

    def lang(text: str) -> str:
        return analysed(detect_language(text))

    def auto_terms(text: str, language: str | None = None) -> list[str]:
        return terms(text, language or lang(text))

    def query_terms(text: str) -> list[str]:
        language = lang(text)
        return terms(text) if language == "en" else terms_any(text, [language, "en"])

    build = Bm25Index.build.__func__

    def bm25_build(cls: Any, texts: list[str], languages: Any = None) -> Any:
        return build(cls, texts, languages or [lang(t) for t in texts])

    def entities(question: str) -> list[str]:
        found = answertypes.question_entities(question, "en")
        if lang(question) == "fr":
            found += [t for t in answertypes.question_entities(question, "fr") if t not in found]
        return found

    with contextlib.ExitStack() as stack:
        stack.enter_context(patched(api, "terms", query_terms))
        stack.enter_context(patched(answering, "terms", auto_terms))
        stack.enter_context(patched(lexical, "terms", auto_terms))  # retrieval imports it when first used
        stack.enter_context(patched(Bm25Index, "build", classmethod(bm25_build)))
        stack.enter_context(patched(indexer, "chunk_sentences", lambda c: chunk_sentences(c, lang(c.text))))
        stack.enter_context(patched(answering, "expected_type", lambda q: answertypes.expected_type(q, lang(q))))
        stack.enter_context(
            patched(
                answering,
                "type_match",
                lambda kind, text, q, common=None: answertypes.type_match(kind, text, q, common, lang(text)),
            )
        )
        stack.enter_context(patched(answering, "question_entities", entities))
        yield


# Question-to-sentence cosines on the seed article and eval/dev.jsonl, all pairs: MiniLM mean 0.324,
# std 0.188; e5 (query/passage prefixes) mean 0.798, std 0.044. ``--rescale`` maps e5's cosines onto
# MiniLM's scale before the MiniLM-fitted ranking and abstention weights see them (the best-match
# means then agree too: e5 0.880 -> 0.674, MiniLM 0.644).
E5_COSINE = (0.798, 0.044)
MINILM_COSINE = (0.324, 0.188)


def rescaled(x: float) -> float:
    return MINILM_COSINE[0] + (x - E5_COSINE[0]) * MINILM_COSINE[1] / E5_COSINE[1]


@contextlib.contextmanager
def use_rescaled_cosines(enabled: bool) -> Iterator[None]:
    """Give the answer step e5 cosines on MiniLM's scale (see :data:`E5_COSINE`)."""
    if not enabled:
        yield
        return
    import dataclasses

    from parisqa import answering

    candidates, probability = answering.candidates, answering.support_probability

    def scaled_candidates(*args: Any, **kwargs: Any) -> Any:
        found = candidates(*args, **kwargs)
        for column in (0, 1, 5):  # cosine, chunk_cosine, faq
            nonzero = found.features[:, column] != 0
            found.features[nonzero, column] = [rescaled(float(v)) for v in found.features[nonzero, column]]
        for sentence in found.sentences:
            sentence.cosine = rescaled(sentence.cosine)
        faq = (rescaled(found.faq_best[0]), found.faq_best[1]) if found.faq_best else None
        return dataclasses.replace(found, faq_best=faq)

    def scaled_probability(features: dict[str, float], abstention: Any = None) -> float:
        return probability({**features, "dense": rescaled(features["dense"])}, abstention)

    with (
        patched(answering, "candidates", scaled_candidates),
        patched(answering, "support_probability", scaled_probability),
    ):
        yield


@contextlib.contextmanager
def no_abstention() -> Iterator[None]:
    from parisqa import answering

    model = answering.answer_model()
    never = {**model, "abstention": {**model["abstention"], "threshold": -1.0}}
    with patched(answering, "answer_model", lambda: never):
        yield


def judge(rows: list[dict[str, Any]], answers: list[Any]) -> dict[str, Any]:
    answerable = [(r, a) for r, a in zip(rows, answers) if r.get("answerable", True)]
    unanswerable = [(r, a) for r, a in zip(rows, answers) if not r.get("answerable", True)]

    def passage_first(r: dict, a: Any) -> bool:
        return bool(a.citations) and any(norm(e) in norm(a.citations[0].text) for e in r.get("evidence", []))

    def key_fact(r: dict, a: Any) -> bool:
        return not a.abstained and any(norm(x) in norm(a.answer) for x in r.get("answers", []))

    with_doc = [(r, a) for r, a in answerable if r.get("doc")]
    lengths = [len(_MARKER.sub("", a.answer).split()) for _, a in answerable if not a.abstained]
    n = max(1, len(answerable))
    return {
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "answer passage first": sum(passage_first(r, a) for r, a in answerable) / n,
        "key fact": sum(key_fact(r, a) for r, a in answerable) / n,
        "right document first": (
            sum(bool(a.citations) and a.citations[0].source == r["doc"] for r, a in with_doc) / len(with_doc)
            if with_doc
            else None
        ),
        "median answer words": statistics.median(lengths) if lengths else None,
        "declined, answerable": sum(a.abstained for _, a in answerable) / n,
        "declined, unanswerable": (
            sum(a.abstained for _, a in unanswerable) / len(unanswerable) if unanswerable else None
        ),
    }


def run(
    model: str,
    corpus: Path,
    sets: dict[str, list[dict]],
    lang: bool,
    work: Path,
    faq_cosine: float,
    margin: float | None = None,
    rescale: bool = False,
) -> dict[str, Any]:
    from parisqa.api import Engine
    from parisqa.config import Settings
    from parisqa.indexer import build_index

    out: dict[str, Any] = {}
    with (
        use_model(model, 0.80 if rescale else faq_cosine, margin) as (build_embedder, query_embedder),
        use_languages(lang),
        use_rescaled_cosines(rescale and model != "minilm"),
    ):
        settings = Settings(
            corpus_dir=corpus, index_dir=work / f"{model}-{corpus.parent.name}-{corpus.name}-{int(lang)}"
        )
        started = time.perf_counter()
        summary = build_index(settings, embedder=build_embedder)
        build_seconds = time.perf_counter() - started
        manifest = json.loads((settings.index_dir / "manifest.json").read_text(encoding="utf-8"))
        engine = Engine(settings, embedder=query_embedder, auto_build=False)
        for name, rows in sets.items():
            answers, latencies = [], []
            for row in rows:
                t = time.perf_counter()
                answers.append(engine.ask(row["question"]))
                latencies.append((time.perf_counter() - t) * 1000)
            with no_abstention():
                raw = [engine.ask(row["question"]) for row in rows]
            out[name] = {
                "shipped": judge(rows, answers),
                "no-abstain": judge(rows, raw),
                "ask p50 ms": statistics.median(latencies),
                "misses": [
                    {"id": r.get("id"), "question": r["question"], "answer": a.answer[:160]}
                    for r, a in zip(rows, raw)
                    if r.get("answerable", True) and not any(norm(x) in norm(a.answer) for x in r.get("answers", []))
                ],
            }
        out["_index"] = {
            "chunks": summary.chunks,
            "build seconds": build_seconds,
            "model": manifest["model"]["name"],
            "max_wordpieces": manifest["chunking"]["max_wordpieces"],
        }
    return out


def table(results: dict[str, Any]) -> str:
    keys = (
        "answer passage first",
        "key fact",
        "right document first",
        "median answer words",
        "declined, answerable",
        "declined, unanswerable",
    )
    lines = [
        "| run | set | abstention | " + " | ".join(keys) + " | ask p50 ms |",
        "| --- | --- | --- | " + " | ".join("---" for _ in keys) + " | --- |",
    ]
    for run_name, sets in results.items():
        for set_name, figures in sets.items():
            if set_name.startswith("_"):
                continue
            for mode in ("shipped", "no-abstain"):
                cells = []
                for key in keys:
                    value = figures[mode][key]
                    cells.append("-" if value is None else (f"{value:.2f}" if isinstance(value, float) else str(value)))
                lines.append(
                    f"| {run_name} | {set_name} | {mode} | " + " | ".join(cells) + f" | {figures['ask p50 ms']:.0f} |"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--lang", action="store_true", help="language-aware analysis (phase-2 preview)")
    parser.add_argument("--both-lang", action="store_true", help="run with and without --lang")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--margin", type=float, default=None, help="e5: a further sentence joins the answer within this score margin"
    )
    parser.add_argument("--rescale", action="store_true", help="e5 cosines on MiniLM's scale (FAQ threshold 0.80)")
    parser.add_argument("--faq-cosine", type=float, default=E5_FAQ_MATCH_COSINE, help="FAQ match threshold for e5")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()

    wanted = [s for s in args.sets.split(",") if s]
    for name in wanted:
        if name not in SETS:
            parser.error(f"unknown set {name!r}; choose from {', '.join(SETS)}")
    by_corpus: dict[Path, dict[str, list[dict]]] = {}
    for name in wanted:
        corpus, questions = SETS[name]
        by_corpus.setdefault(corpus, {})[name] = load(questions)

    results: dict[str, Any] = {}
    work = Path(tempfile.mkdtemp(prefix="parisqa-fr-"))
    try:
        for lang in (False, True) if args.both_lang else (args.lang,):
            for model in args.models.split(","):
                run_name = (
                    model
                    + ("+lang" if lang else "")
                    + (f"+margin{args.margin}" if args.margin is not None and model != "minilm" else "")
                    + ("+rescale" if args.rescale and model != "minilm" else "")
                )
                results[run_name] = {}
                for corpus, sets in by_corpus.items():
                    print(f"[{time.strftime('%H:%M:%S')}] {run_name} on {corpus.name}", file=sys.stderr, flush=True)
                    figures = run(model, corpus, sets, lang, work, args.faq_cosine, args.margin, args.rescale)
                    results[run_name].update({k: v for k, v in figures.items() if not k.startswith("_")})
                    results[run_name][f"_index {corpus.relative_to(ROOT)}"] = figures["_index"]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results))
    if args.show_misses:
        for run_name, sets in results.items():
            for set_name, figures in sets.items():
                if not set_name.startswith("_"):
                    for miss in figures["misses"]:
                        print(run_name, set_name, json.dumps(miss, ensure_ascii=False))


if __name__ == "__main__":
    main()
