"""Answer quality on several corpora, each scored by models that never saw it.

    python eval/collections_eval.py                       # every collection + the seed article
    python eval/collections_eval.py --root DIR            # collections under DIR/<name>/{corpus/,questions.jsonl}
    (the confidence model in answer_model.json is fitted by eval/answer_eval.py --fit, its one writer)
    python eval/collections_eval.py --json out.json --only faq,wiki

Why: the seed article alone is too small and too familiar to tell whether a retrieval or abstention
choice generalises. Every corpus is indexed once (cached under /tmp/parisqa-collections, rebuilt
when its files change), then each system (the shipped hybrid, dense only, BM25 only, and the fusion
candidates) retrieves and composes through the engine's own pipeline (``Engine.retrieve`` and
``Engine.compose``: the question embedded as a question, analysed in its language) with abstention
switched off, so
that the abstention decision can be made afterwards by a model fitted leave-one-corpus-out: the
model that decides on corpus C was fitted on all the other corpora, its threshold chosen on them.
Fusion candidates are compared on retrieval alone (nothing is fitted to a corpus: they are a fixed
small grid, and the winner is the one best on average that loses to neither single retriever on any
corpus).

The shipped hybrid system is also run end to end through :class:`parisqa.api.Engine` (its own
embedding, search, answer and abstention with the shipped ``answer_model.json``) as a check that the
harness's path and the product agree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from parisqa.answer.compose import (
    ALL_FEATURES,
    FEATURES,
    RELATIVE_FEATURES,
    answer_model,
    support_probability,
)
from parisqa.answer.search import DEFAULT_FUSION, Fusion
from parisqa.api import Engine
from parisqa.config import Settings
from parisqa.evaluation import metrics as m
from parisqa.evaluation.datasets import QUESTION_KEYS, EvalItem, load_questions
from parisqa.evaluation.fitting import choose_threshold, ece, fit_logistic, signs_for
from parisqa.evaluation.runner import RelevanceJudge

ROOT = Path(__file__).resolve().parents[1]

CACHE = Path("/tmp/parisqa-collections")
DEFAULT_ROOTS = (ROOT / "eval" / "collections", Path("/work/wt/devsets/eval/collections"))
K = 10
LAYOUT = "null-scores-1"
# Feature sets for the abstention model, compared leave-one-corpus-out.
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    "raw": FEATURES,
    "relative": ("dense_z", "sentence_z", "faq", "topical", "entities", "type_missing"),
    "relative+bm25": ("dense_z", "sentence_z", "bm25_z", "faq", "topical", "entities", "type_missing"),
    "raw+relative": FEATURES + RELATIVE_FEATURES,
}
SHIPPED_FEATURES = "relative"
TYPE_WEIGHTS = (0.0, 0.03, 0.06, 0.1, 0.2)

# The fusion candidates compared on retrieval (name -> (mode, fusion)).
CANDIDATES: dict[str, tuple[str, Fusion]] = {
    "rrf": ("hybrid", Fusion("rrf")),
    "rrf+faq-q": ("hybrid", Fusion("rrf", faq_questions=True)),
    "rrf-dense.7": ("hybrid", Fusion("rrf", 0.7)),
    "minmax.5": ("hybrid", Fusion("minmax", 0.5)),
    "minmax.7": ("hybrid", Fusion("minmax", 0.7)),
    "minmax.8": ("hybrid", Fusion("minmax", 0.8)),
    "zscore.8": ("hybrid", Fusion("zscore", 0.8)),
    "zscore.8+doc": ("hybrid", Fusion("zscore", 0.8, doc_weight=0.3)),
    "minmax.7+faq-q": ("hybrid", Fusion("minmax", 0.7, faq_questions=True)),
    "zscore.5": ("hybrid", Fusion("zscore", 0.5)),
    "zscore.7": ("hybrid", Fusion("zscore", 0.7)),
    "zscore.7+faq-q": ("hybrid", Fusion("zscore", 0.7, faq_questions=True)),
    "zscore.6+adaptive": ("hybrid", Fusion("zscore", 0.6, adaptive=True)),
    "zscore.7+doc": ("hybrid", Fusion("zscore", 0.7, doc_weight=0.3)),
    "minmax.7+doc": ("hybrid", Fusion("minmax", 0.7, doc_weight=0.3)),
}
BASELINES: dict[str, tuple[str, Fusion]] = {
    "shipped": ("hybrid", DEFAULT_FUSION),
    "dense": ("dense", Fusion()),
    "bm25": ("bm25", Fusion()),
}


@dataclass
class Collection:
    name: str
    corpus: Path
    items: list[EvalItem]
    engine: Engine
    judge: RelevanceJudge


def find_collections(roots: list[Path], only: set[str] | None, seed: bool) -> list[tuple[str, Path, Path]]:
    found: list[tuple[str, Path, Path]] = []
    if seed:
        found.append(("seed", ROOT / "corpus", ROOT / "eval" / "dev.jsonl"))
    seen = {"seed"}
    for root in roots:
        if not root.is_dir():
            continue
        for folder in sorted(root.iterdir()):
            if (folder / "corpus").is_dir() and (folder / "questions.jsonl").is_file() and folder.name not in seen:
                seen.add(folder.name)
                found.append((folder.name, folder / "corpus", folder / "questions.jsonl"))
    return [f for f in found if only is None or f[0] in only]


def open_collection(name: str, corpus: Path, questions: Path, model: str = "minilm") -> Collection:
    # LAYOUT changes when the index gains data (the null score statistics): a cached index is rebuilt.
    # Another embedding model gets its own cached index.
    layout = LAYOUT if model == "minilm" else f"{LAYOUT}-{model}"
    key = hashlib.sha256((str(corpus.resolve()) + layout).encode()).hexdigest()[:10]
    engine = Engine(Settings(corpus_dir=corpus, index_dir=CACHE / f"{name}-{key}" / "index", model=model))
    started = time.perf_counter()
    engine.build()
    # Extra keys (e.g. dev.jsonl's "kind") are dropped: the loader accepts only its own.
    clean = CACHE / f"{name}-{key}" / "questions.jsonl"
    lines = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    clean.write_text(
        "".join(json.dumps({k: v for k, v in obj.items() if k in QUESTION_KEYS}) + "\n" for obj in lines),
        encoding="utf-8",
    )
    items = list(load_questions(clean, corpus).items)
    judge = RelevanceJudge(engine.search_data().chunks)
    print(
        f"[{name}] {len(items)} questions, {len(engine.search_data().chunks)} chunks, "
        f"ready in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return Collection(name, corpus, items, engine, judge)


def never_abstain(model: dict) -> dict:
    return {**model, "abstention": {**model["abstention"], "threshold": -1.0}}


def gold_docs(coll: Collection, item: EvalItem) -> set[str]:
    """The item's documents: named ones, else those holding a relevant chunk."""
    if item.docs:
        return set(item.docs)
    golds = coll.judge.golds(item)
    return {c.source for c in coll.engine.search_data().chunks if golds and any(g in m.padded(c.text) for g in golds)}


def run_system(coll: Collection, mode: str, fusion: Fusion, model: dict, compose_answers: bool = True) -> list[dict]:
    """Retrieve (and compose, abstention off) every question of a collection."""
    out = []
    for item in coll.items:
        found = coll.engine.retrieve(item.question, k=K, mode=mode, fusion=fusion)
        hits = found.hits
        row: dict[str, Any] = {
            "item": item,
            "passages": [(h.chunk.source, h.chunk.text) for h in hits[:K]],
            "hits": hits,
            "found": found,
        }
        if compose_answers:
            row["composed"] = coll.engine.compose(found, model=never_abstain(model))
        out.append(row)
    return out


def retrieval_figures(coll: Collection, rows: list[dict]) -> dict[str, float | None]:
    rr_doc, rr_ev, hit1 = [], [], []
    for row in rows:
        item = row["item"]
        if not item.answerable:
            continue
        docs = gold_docs(coll, item)
        ranked_docs = list(dict.fromkeys(s for s, _ in row["passages"]))
        if docs:
            rr_doc.append(m.reciprocal_rank([d in docs for d in ranked_docs], K))
        relevant, _ = coll.judge.judge(item, row["passages"])
        if relevant is not None and (item.evidence or item.answers):
            rr_ev.append(m.reciprocal_rank(relevant, K))
            hit1.append(m.hit_at(relevant, 1))
    return {"MRR@10 doc": m.mean(rr_doc), "MRR@10 evidence": m.mean(rr_ev), "hit@1": m.mean(hit1)}


def answer_figures(coll: Collection, rows: list[dict], probs: np.ndarray, threshold: float) -> dict[str, Any]:
    first, contains, f1s, f1_given, words, una, wrong = [], [], [], [], [], [], []
    for row, p in zip(rows, probs):
        item, c = row["item"], row["composed"]
        abstained = c.abstained or p < threshold
        if not item.answerable:
            una.append(float(abstained))
            continue
        wrong.append(float(abstained))
        if not abstained:
            words.append(len(m.strip_markers(c.answer).split()))
        relevant, _ = coll.judge.judge(item, [(x.source, x.text) for x in c.citations[:1]])
        if relevant is not None:
            first.append(float(bool(relevant and relevant[0]) and not abstained))
        if item.answers:
            contains.append(float(not abstained and any(m.contains(c.answer, a) for a in item.answers)))
            short = c.short.text if (c.short is not None and not abstained) else ""
            f1s.append(m.token_f1(short, item.answers) if short else 0.0)
            if short:
                f1_given.append(m.token_f1(short, item.answers))
    y = np.array([1.0 if r["item"].answerable else 0.0 for r in rows])
    return {
        "answer passage [1]": m.mean(first),
        "answer contains gold": m.mean(contains),
        "short F1": m.mean(f1s),
        "short F1 when given": m.mean(f1_given),
        "short given": len(f1_given) / len(f1s) if f1s else None,
        "median answer words": statistics.median(words) if words else None,
        "declined unanswerable": m.mean(una),
        "wrongly declined answerable": m.mean(wrong),
        "ECE": ece(np.asarray(probs), y) if len(y) else None,
        "n answerable": len(wrong),
        "n unanswerable": len(una),
    }


def features_of(rows: list[dict], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[r["composed"].features.get(f, 0.0) for f in names] for r in rows], dtype=np.float64)


def labels_of(rows: list[dict]) -> np.ndarray:
    return np.array([1.0 if r["item"].answerable else 0.0 for r in rows])


# The threshold: the highest at which no training corpus has more than this share of its answerable
# questions declined (the worst corpus governs, so that the choice transfers to a new one).
MAX_FALSE_ABSTAIN = 0.03


def fit(x: np.ndarray, y: np.ndarray, names: tuple[str, ...]) -> tuple[np.ndarray, float]:
    return fit_logistic(x, y, l2=1.0, signs=signs_for(names))


def transfer_threshold(per_corpus: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """The highest threshold wrongly declining at most MAX_FALSE_ABSTAIN of each corpus's answerable questions."""
    return min(choose_threshold(p, y, MAX_FALSE_ABSTAIN) for p, y in per_corpus)


def loco_probs(per_coll: dict[str, list[dict]], names: tuple[str, ...]) -> dict[str, tuple[np.ndarray, float]]:
    """Leave-one-corpus-out: probabilities and threshold for each corpus from a model fitted on the others."""
    out = {}
    for held in per_coll:
        xs, ys = [], []
        for name, rows in per_coll.items():
            if name == held:
                continue
            xs.append(features_of(rows, names))
            ys.append(labels_of(rows))
        if not xs:
            out[held] = (np.full(len(per_coll[held]), 1.0), 0.0)
            continue
        x, y = np.vstack(xs), np.concatenate(ys)
        w, b = fit(x, y, names)
        threshold = transfer_threshold([(1 / (1 + np.exp(-(xc @ w + b))), yc) for xc, yc in zip(xs, ys)])
        xh = features_of(per_coll[held], names)
        out[held] = (1 / (1 + np.exp(-(xh @ w + b))), threshold)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", action="append", help="folder of collections (repeatable)")
    parser.add_argument("--only", help="comma-separated collection names")
    parser.add_argument("--no-seed", action="store_true", help="leave out the seed article (eval/dev.jsonl)")
    parser.add_argument("--no-candidates", action="store_true", help="skip the fusion candidates")
    parser.add_argument("--json", help="write all figures here")
    args = parser.parse_args()

    roots = [Path(r) for r in args.root] if args.root else list(DEFAULT_ROOTS)
    only = set(args.only.split(",")) if args.only else None
    colls = [open_collection(*c) for c in find_collections(roots, only, not args.no_seed)]
    model = answer_model()
    report: dict[str, Any] = {"protocol": "leave-one-corpus-out", "collections": [c.name for c in colls]}

    # 1. Retrieval of every system.
    systems = dict(BASELINES)
    if not args.no_candidates:
        systems.update(CANDIDATES)
    retrieval: dict[str, dict[str, dict]] = {}
    answers: dict[str, dict[str, list[dict]]] = {}
    for name, (mode, fusion) in systems.items():
        composing = name in BASELINES
        retrieval[name] = {}
        answers[name] = {}
        for coll in colls:
            rows = run_system(coll, mode, fusion, model, compose_answers=composing)
            retrieval[name][coll.name] = retrieval_figures(coll, rows)
            if composing:
                answers[name][coll.name] = rows
    report["retrieval"] = retrieval
    print_table("MRR@10 by document", retrieval, colls, "MRR@10 doc")
    print_table("MRR@10 by evidence", retrieval, colls, "MRR@10 evidence")
    print_table("hit@1 (evidence)", retrieval, colls, "hit@1")
    if not args.no_candidates and len(colls) > 1:
        report["fusion chosen leave-one-corpus-out"] = choose_fusion_loco(retrieval, [c.name for c in colls])

    # 1b. Sentence ranking: how much a sentence holding the kind of fact asked for is preferred.
    report["ranker type weight"] = {}
    for weight in TYPE_WEIGHTS:
        ranker = dict(model["ranker"])
        ranker["weights"] = [weight if f == "type" else w for f, w in zip(ranker["features"], ranker["weights"])]
        variant = never_abstain({**model, "ranker": ranker})
        per = {}
        for coll in colls:
            rows = []
            for row in answers["shipped"][coll.name]:
                rows.append({**row, "composed": coll.engine.compose(row["found"], model=variant)})
            per[coll.name] = answer_figures(coll, rows, np.ones(len(rows)), 0.0)
        report["ranker type weight"][f"type={weight}"] = per
    for key in ("answer passage [1]", "answer contains gold", "short F1"):
        print_table(f"{key}: ranker type weight (no abstention)", report["ranker type weight"], colls, key)

    # Every question's abstention features, for offline study of the abstention model.
    report["abstention rows"] = {
        coll.name: {
            "features": list(ALL_FEATURES),
            "rows": [
                [
                    *(round(float(r["composed"].features.get(f, 0.0)), 5) for f in ALL_FEATURES),
                    int(r["item"].answerable),
                ]
                for r in answers["shipped"][coll.name]
            ],
        }
        for coll in colls
    }

    # 2. Abstention fitted leave-one-corpus-out, then answer figures with its decisions.
    report["abstention feature sets"] = {}
    for set_name, names in FEATURE_SETS.items():
        decided = loco_probs(answers["shipped"], names)
        report["abstention feature sets"][set_name] = {
            coll.name: answer_figures(coll, answers["shipped"][coll.name], *decided[coll.name]) for coll in colls
        }
    for key in ("declined unanswerable", "wrongly declined answerable", "ECE"):
        print_table(
            f"{key}: abstention feature sets (leave-one-corpus-out)", report["abstention feature sets"], colls, key
        )
    report["answers"] = {}
    for name in BASELINES:
        per_coll = answers[name]
        decided = loco_probs(per_coll, FEATURE_SETS[SHIPPED_FEATURES])
        report["answers"][name] = {}
        for coll in colls:
            probs, threshold = decided[coll.name]
            report["answers"][name][coll.name] = answer_figures(coll, per_coll[coll.name], probs, threshold)
    for key in (
        "answer passage [1]",
        "answer contains gold",
        "short F1",
        "median answer words",
        "declined unanswerable",
        "wrongly declined answerable",
        "ECE",
    ):
        print_table(f"{key} (abstention leave-one-corpus-out)", report["answers"], colls, key)

    # 3. The shipped model as is, and the product path through Engine.ask.
    shipped = {}
    for coll in colls:
        rows = answers["shipped"][coll.name]
        probs = np.array([support_probability(r["composed"].features, model["abstention"]) for r in rows])
        shipped[coll.name] = answer_figures(coll, rows, probs, model["abstention"]["threshold"])
        agree = 0
        for row in rows:
            live = coll.engine.ask(row["item"].question, k=K)
            agree += live.abstained == (
                row["composed"].abstained or row["composed"].confidence < model["abstention"]["threshold"]
            ) and (live.abstained or live.answer == row["composed"].answer)
        shipped[coll.name]["Engine.ask agrees"] = agree / max(1, len(rows))
    report["shipped model (in-sample)"] = shipped
    print_table("shipped answer_model.json, in-sample", {"shipped": shipped}, colls, None)

    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str) + "\n", encoding="utf-8")


def choose_fusion_loco(retrieval: dict[str, dict[str, dict]], names: list[str]) -> dict[str, Any]:
    """For each corpus, the candidate chosen on the others, and how it does on the held-out one.

    The choice: best mean MRR@10 (evidence and document averaged) over the other corpora, among the
    candidates no worse (by more than 0.005) than the better single retriever on each of them.
    """

    def value(system: str, coll: str) -> float:
        figures = retrieval[system][coll]
        return float(m.mean([figures["MRR@10 evidence"], figures["MRR@10 doc"]]) or 0.0)

    out = {}
    print("\n## fusion chosen leave-one-corpus-out (MRR@10, mean of evidence and document)")
    for held in names:
        others = [n for n in names if n != held]
        fair = [
            s
            for s in CANDIDATES
            if all(value(s, o) >= max(value("dense", o), value("bm25", o)) - 0.005 for o in others)
        ] or list(CANDIDATES)
        best = max(fair, key=lambda s: sum(value(s, o) for o in others))
        out[held] = {
            "chosen": best,
            "held-out": value(best, held),
            "dense": value("dense", held),
            "bm25": value("bm25", held),
            "shipped": value("shipped", held),
        }
        print(
            f"  {held:<14} chose {best:<18} held-out {value(best, held):.3f}  dense {value('dense', held):.3f}  "
            f"bm25 {value('bm25', held):.3f}  shipped {value('shipped', held):.3f}"
        )
    return out


def print_table(title: str, table: dict[str, dict[str, dict]], colls: list[Collection], key: str | None) -> None:
    names = [c.name for c in colls]
    print(f"\n## {title}")
    if key is None:
        for system, per in table.items():
            for coll in names:
                print(f"  {system:<18} {coll:<12} " + ", ".join(f"{k}={fmt(v)}" for k, v in per[coll].items()))
        return
    print(f"  {'system':<18} " + " ".join(f"{n[:10]:>10}" for n in names) + f" {'mean':>10}")
    for system, per in table.items():
        values = [per[n].get(key) for n in names]
        mean = m.mean(values)
        print(f"  {system:<18} " + " ".join(f"{fmt(v):>10}" for v in values) + f" {fmt(mean):>10}")


def fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


if __name__ == "__main__":
    main()
