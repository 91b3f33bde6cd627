"""Measure answer quality on the development set and fit the abstention model.

    python eval/dev_eval.py                 # report the issue's four figures for hybrid, dense, bm25
    python eval/dev_eval.py --fit           # refit the sentence ranker in answer_model.json, then report
    python eval/dev_eval.py --show-misses   # print the questions that miss

The corpus is indexed into a temporary folder; the served index/ is never touched. Questions go
through the engine's own pipeline (``Engine.retrieve``/``Engine.compose``: embedded as questions,
analysed in their language). Figures for the abstention decision are given twice: with the shipped
model, and with 5-fold cross-validation (each question judged by a model fitted without it), which
is the honest estimate for questions the model has not seen. The abstention model itself is fitted
by ``eval/collections_eval.py --fit`` (leave-one-corpus-out); ``--fit`` here replaces the ranker only
(through :func:`parisqa.evaluation.fitting.update_answer_model`, the one writer of the file).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
from pathlib import Path

import numpy as np

from parisqa.answer.compose import SENTENCE_FEATURES, answer_model, candidates, support_probability
from parisqa.api import Engine
from parisqa.config import Settings
from parisqa.evaluation.fitting import cross_val_probs, ece, signs_for, update_answer_model

ROOT = Path(__file__).resolve().parents[1]


def never_abstain(model: dict) -> dict:
    """The same model with abstention switched off, to see every answer and its features."""
    return {**model, "abstention": {**model["abstention"], "threshold": -1.0}}


def norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.lower().split())


def load_set(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def retrieve_all(engine: Engine, rows: list[dict], mode: str) -> list[dict]:
    """Retrieval and sentence candidates for every question (cached for tuning)."""
    out = []
    for row in rows:
        found = engine.retrieve(row["question"], k=5, mode=mode)
        cands = candidates(found.text, found.query_vector, found.terms, found.hits, found.data.for_hits(found.hits))
        out.append({"row": row, "found": found, "hits": found.hits, "cands": cands})
    return out


def compose_all(engine: Engine, cached: list[dict], model: dict) -> list[dict]:
    for item in cached:
        item["composed"] = engine.compose(item["found"], model=model)
    return cached


def passage_has_evidence(text: str, row: dict) -> bool:
    t = norm(text)
    return any(norm(e) in t for e in row.get("evidence", []))


def judge(results: list[dict], probs: list[float], threshold: float, corpus: Path) -> dict:
    ans = [r for r in results if r["row"]["answerable"]]
    una = [r for r in results if not r["row"]["answerable"]]
    p_of = {id(r): p for r, p in zip(results, probs)}
    hit1 = fact = wrong_abstain = retrieval_hit1 = 0
    for r in ans:
        c = r["composed"]
        abstained = p_of[id(r)] < threshold
        retrieval_hit1 += bool(c.citations) and passage_has_evidence(c.citations[0].text, r["row"])
        if abstained:
            wrong_abstain += 1
            continue
        hit1 += bool(c.citations) and passage_has_evidence(c.citations[0].text, r["row"])
        fact += any(norm(a) in norm(c.answer) for a in r["row"]["answers"])
    abstained_una = sum(p_of[id(r)] < threshold for r in una)
    exact = total = 0
    cache: dict[str, str] = {}
    for r in results:
        for c in r["composed"].citations:
            src = cache.setdefault(c.source, (corpus / c.source).read_bytes().decode("utf-8"))
            total += 1
            ok = src[c.start : c.end] == c.text
            for h in c.highlights:
                ok = ok and c.start <= h.start < h.end <= c.end and src[h.start : h.end] in c.text
            exact += ok
    para = [r for r in ans if r["row"].get("kind", "paraphrase") == "paraphrase"]
    para_hit = sum(
        p_of[id(r)] >= threshold
        and bool(r["composed"].citations)
        and passage_has_evidence(r["composed"].citations[0].text, r["row"])
        for r in para
    )
    para_fact = sum(
        p_of[id(r)] >= threshold and any(norm(a) in norm(r["composed"].answer) for a in r["row"]["answers"])
        for r in para
    )
    return {
        "paraphrased: hit@1": para_hit / max(1, len(para)),
        "paraphrased: key fact": para_fact / max(1, len(para)),
        "answerable": len(ans),
        "unanswerable": len(una),
        "hit@1 (answer passage is citation [1])": hit1 / len(ans),
        "retrieval hit@1 (ignoring abstention)": retrieval_hit1 / len(ans),
        "key fact in answer": fact / len(ans),
        "unanswerable abstained": abstained_una / max(1, len(una)),
        "answerable wrongly abstained": wrong_abstain / len(ans),
        "citations/highlights exact": exact / max(1, total),
    }


def tune_ranker(cached: list[dict], folds: int = 5) -> tuple[list[float], dict]:
    """Grid-search the sentence-ranking weights for chunk hit@1 + key fact; report cross-validated figures."""
    import itertools

    grid = [
        (1.0, a, b, c, d, e, f, g)
        for a, b, c, d, e, f, g in itertools.product(
            (0.0, 0.25, 0.5),
            (0.0, 0.1, 0.2, 0.4),
            (0.0, 0.05, 0.1, 0.2),
            (0.0, 0.05, 0.1, 0.2),
            (0.0, 0.1, 0.2),
            (0.0, 0.05, 0.1),
            (0.0, 0.05, 0.1, 0.2),
        )
    ]
    answerable = [item for item in cached if item["row"]["answerable"] and item["cands"].sentences]
    tables = []
    for item in answerable:
        row, cands = item["row"], item["cands"]
        in_gold = [passage_has_evidence(item["hits"][s.hit_rank].chunk.text, row) for s in cands.sentences]
        has_fact = [any(norm(a) in norm(s.text) for a in row["answers"]) for s in cands.sentences]
        tables.append((cands.features, np.array(in_gold), np.array(has_fact)))
    weights = np.array(grid, dtype=np.float32)

    def score(indices: list[int]) -> np.ndarray:
        total = np.zeros(len(grid))
        for i in indices:
            features, gold, fact = tables[i]
            best = np.argmax(features @ weights.T, axis=0)
            total += gold[best] + fact[best]
        return total

    everything = list(range(len(tables)))
    best = grid[int(np.argmax(score(everything)))]
    order = everything[:]
    random.Random(0).shuffle(order)
    hits = facts = 0.0
    for f in range(folds):
        test = order[f::folds]
        train = [i for i in order if i not in set(test)]
        w = np.array(grid[int(np.argmax(score(train)))], dtype=np.float32)
        for i in test:
            features, gold, fact = tables[i]
            j = int(np.argmax(features @ w))
            hits += gold[j]
            facts += fact[j]
    cv = {"cv hit@1 (best sentence's passage)": hits / len(tables), "cv key fact in best sentence": facts / len(tables)}
    return list(best), cv


def features_matrix(results: list[dict], names: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Abstention features (those the shipped model uses, unless ``names`` says otherwise) and labels."""
    names = names or list(answer_model()["abstention"]["features"])
    x = np.array([[r["composed"].features.get(f, 0.0) for f in names] for r in results], dtype=np.float64)
    y = np.array([1.0 if r["row"]["answerable"] else 0.0 for r in results])
    return x, y


def abstention_signs() -> list[int]:
    return signs_for(answer_model()["abstention"]["features"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", default=str(ROOT / "eval" / "dev.jsonl"))
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--fit", action="store_true", help="refit src/parisqa/answer/answer_model.json")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    rows = load_set(Path(args.set))
    corpus = Path(args.corpus)
    tmp = Path(tempfile.mkdtemp(prefix="parisqa-dev-"))
    try:
        engine = Engine(Settings(corpus_dir=corpus, index_dir=tmp / "index"))
        engine.build()
        cached = {mode: retrieve_all(engine, rows, mode) for mode in ("hybrid", "dense", "bm25")}
        report: dict[str, dict] = {}
        if args.fit:
            weights, ranker_cv = tune_ranker(cached["hybrid"])
            ranker = {"features": list(SENTENCE_FEATURES), "weights": weights}
            note = f"ranker fitted by eval/dev_eval.py --fit on {args.set} ({len(rows)} questions)"
            print("wrote", update_answer_model("ranker", ranker, note), json.dumps(ranker))
            report["ranker, 5-fold cross-validated"] = ranker_cv
        model = answer_model()
        for mode in ("hybrid", "dense", "bm25"):
            results = compose_all(engine, cached[mode], never_abstain(model))
            x, _ = features_matrix(results)
            probs = [support_probability(dict(zip(model["abstention"]["features"], r)), model["abstention"]) for r in x]
            report[mode] = judge(results, probs, model["abstention"]["threshold"], corpus)
            cached[mode] = results
        x, y = features_matrix(cached["hybrid"])
        cv = cross_val_probs(x, y, abstention_signs())
        report["hybrid, abstention 5-fold cross-validated"] = judge(
            cached["hybrid"], list(cv), model["abstention"]["threshold"], corpus
        )
        names = model["abstention"]["features"]
        shipped = np.array([support_probability(dict(zip(names, r)), model["abstention"]) for r in x])
        report["calibration"] = {
            "ECE shipped model": ece(shipped, y),
            "ECE cross-validated": ece(cv, y),
            "Brier cross-validated": float(np.mean((cv - y) ** 2)),
        }
        width = max(len(k) for v in report.values() for k in v)
        for name, figures in report.items():
            print(f"\n{name}")
            for key, value in figures.items():
                print(f"  {key:<{width}}  {value:.3f}" if isinstance(value, float) else f"  {key:<{width}}  {value}")
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        if args.show_misses:
            show_misses(cached["hybrid"], model)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def show_misses(results: list[dict], model: dict) -> None:
    for r in results:
        row, c = r["row"], r["composed"]
        p = support_probability(c.features, model["abstention"]) if c.features else 0.0
        abstained = p < model["abstention"]["threshold"]
        feats = {k: round(v, 2) for k, v in c.features.items()}
        if row["answerable"]:
            hit = bool(c.citations) and passage_has_evidence(c.citations[0].text, row)
            fact = any(norm(a) in norm(c.answer) for a in row["answers"])
            if abstained or not hit or not fact:
                print(f"\nMISS {row['id']} p={p:.2f} hit1={hit} fact={fact} abstained={abstained}: {row['question']}")
                print("   answer:", c.answer[:300])
                print("   features:", feats)
        elif not abstained:
            print(f"\nNOT ABSTAINED {row['id']} p={p:.2f}: {row['question']}")
            print("   answer:", c.answer[:300])
            print("   features:", feats)


if __name__ == "__main__":
    main()
