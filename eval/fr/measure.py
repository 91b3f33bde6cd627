"""Measure French (and English) questions with MiniLM and with the multilingual model.

    python eval/fr/measure.py                          # every set, both models; writes eval/fr/results.json
    python eval/fr/measure.py --sets fr-corpus --models multilingual
    python eval/fr/measure.py --show-misses

Sets: ``seed-fr`` (eval/fr/seed-fr.jsonl: French questions about the English seed article),
``seed-en`` (eval/dev.jsonl: the English development set, same article), ``fr-corpus``
(eval/fr/questions.jsonl over the French texts of eval/fr/corpus/) and ``third-language``
(eval/fr/third-language.jsonl: nine questions in six other languages about the seed article).
Each (model, corpus) gets its own index in a temporary folder, built with
``build_index(Settings(..., model=MODEL))`` and asked through ``Engine``: exactly what
``parisqa index --model MODEL`` and ``parisqa ask --model MODEL`` do (language detection per
document and question, the model's answer settings from answer_model.json).

Metrics, for answerable questions: *answer passage first* (citation [1] contains the evidence
sentence, compared after lowercasing and collapsing spaces; a declined answer is a miss), *key fact*
(an ``answers`` text is in the answer), *right document first* (citation [1] is the ``doc``), and
the median number of words of the answers given. For unanswerable ones: the share declined.
Every figure is also given with abstention switched off (``no-abstain``).
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


def embedder(model: str) -> Any:
    """The model's embedder; MiniLM through the ONNX export the benchmarks left, when there is one."""
    from parisqa.embed.choice import embedder_for
    from parisqa.embed.encoder import Embedder

    cache = ROOT / "benchmarks" / "work" / "model-cache"
    if model == "minilm" and cache.is_dir():
        return Embedder(cache_dir=cache)
    return embedder_for(model)


@contextlib.contextmanager
def no_abstention() -> Iterator[None]:
    from parisqa.answer import compose

    model = compose.answer_model()
    never = {**model, "abstention": {**model["abstention"], "threshold": -1.0}}
    with patched(compose, "answer_model", lambda: never):
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


def run(model: str, corpus: Path, sets: dict[str, list[dict]], work: Path) -> dict[str, Any]:
    from parisqa.api import Engine
    from parisqa.config import Settings
    from parisqa.index.build import build_index

    out: dict[str, Any] = {}
    build_embedder = query_embedder = embedder(model)
    settings = Settings(corpus_dir=corpus, index_dir=work / f"{model}-{corpus.parent.name}-{corpus.name}", model=model)
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
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
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
        for model in args.models.split(","):
            run_name = model
            results[run_name] = {}
            for corpus, sets in by_corpus.items():
                print(f"[{time.strftime('%H:%M:%S')}] {run_name} on {corpus.name}", file=sys.stderr, flush=True)
                figures = run(model, corpus, sets, work)
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
