"""The figures of issue 20, per corpus, with the confidence model fitted leave-one-corpus-out.

    python eval/answer_eval.py                    # every collection + the seed article
    python eval/answer_eval.py --only cycleshop   # some collections (the seed is always in)
    python eval/answer_eval.py --fit              # refit the confidence model on all, write answer_model.json
    python eval/answer_eval.py --misses cycleshop # print that corpus's misses
    python eval/answer_eval.py --model multilingual --only cycleshop,beekeeping   # multilingual-e5 indexes

Per corpus: key fact in the answer (answerable questions with ``answers``: the answer text holds one,
after declining), short answer holding the expected value (factoid questions: a gold answer of at most
three words; the ``short`` span holds it), on-topic unanswerable declined (ids ``-uin``, seed kind
``unanswerable-in-domain``), answerable wrongly declined, off-topic declined (``-uout``,
``unanswerable-out-of-domain``), median answer words (answered answerable questions), ECE of the
confidence against "the answer is right" (answerable, and the answer holds the key fact or its
passage [1] holds the evidence), and passage first (citation [1] holds the evidence).

The confidence model deciding on corpus C is fitted on the other corpora only (its threshold chosen
on them too): the figures are those of a corpus the model never saw. Corpora are indexed once into
/tmp/parisqa-collections (see eval/collections_eval.py) and rebuilt when their files or parisqa's
chunking change.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent

# The sibling script (eval/ is on the path of a script run from it).
from collections_eval import DEFAULT_ROOTS, K, find_collections, open_collection  # noqa: E402

from parisqa.answer.compose import answer_model, support_probability  # noqa: E402
from parisqa.evaluation import metrics as m  # noqa: E402
from parisqa.evaluation.fitting import ece, fit_logistic, update_answer_model  # noqa: E402

# The threshold: the highest at which no training corpus has more than this share of its answerable
# questions declined (the worst corpus governs, so that the choice transfers to a new one).
MAX_FALSE_ABSTAIN = 0.04
FACTOID_WORDS = 3
# "about 9.5 millimetres": the value is "9.5 millimetres"; a short answer need not repeat the hedge.
_HEDGE = re.compile(r"^(?:about|around|approximately|roughly|some|nearly|almost|over|environ|près de)\s+", re.I)


def kind_of(item_id: str, seed_kinds: dict[str, str]) -> str:
    """``answerable``, ``in`` (on-topic unanswerable) or ``out`` (off-topic)."""
    kind = seed_kinds.get(item_id, "")
    if "-uin" in item_id or kind == "unanswerable-in-domain":
        return "in"
    if "-uout" in item_id or kind == "unanswerable-out-of-domain":
        return "out"
    return "answerable"


def run(coll: Any, model: dict) -> list[dict]:
    """Every question answered with declining off (the confidence decides afterwards), through the
    pipeline users get (:meth:`parisqa.api.Engine.retrieve` then :meth:`~parisqa.api.Engine.compose`)."""
    never = {**model, "abstention": {**model["abstention"], "threshold": -1.0}}
    rows = []
    for item in coll.items:
        found = coll.engine.retrieve(item.question, k=K)
        rows.append({"item": item, "found": found, "composed": coll.engine.compose(found, model=never)})
    return rows


def recompose(coll: Any, rows: list[dict], model: dict) -> list[dict]:
    """The same retrieval, composed again with another model (declining off)."""
    never = {**model, "abstention": {**model["abstention"], "threshold": -1.0}}
    return [{**r, "composed": coll.engine.compose(r["found"], model=never)} for r in rows]


# Ranker weights of the focus features compared by --grid (qualifiers, value, day).
GRID = [(q, v, d) for q in (0.0, 0.15, 0.3, 0.5) for v in (0.0, 0.1, 0.2, 0.3) for d in (0.0, 0.3)]


def grid(colls: list, per: dict[str, list[dict]], model: dict, seed_kinds: dict[str, str]) -> None:
    """Key fact and passage first (declining off) for each weight triple, per corpus and on average."""
    names = list(model["ranker"]["features"])
    print("\n## ranker grid (qualifiers, value, day): key fact / passage first, declining off")
    print(f"  {'weights':<16}" + "".join(f"{c.name[:10]:>12}" for c in colls) + f"{'mean':>12}")
    for triple in GRID:
        weights = list(model["ranker"]["weights"])
        for name, w in zip(("qualifiers", "value", "day"), triple):
            weights[names.index(name)] = w
        variant = {**model, "ranker": {**model["ranker"], "weights": weights}}
        cells = []
        for coll in colls:
            rows = recompose(coll, per[coll.name], variant)
            judge_rows(coll, rows, seed_kinds)
            ans = [r for r in rows if r["kind"] == "answerable"]
            fact = m.mean([float(r["fact"]) for r in ans if r["fact"] is not None])
            first = m.mean([float(r["first"]) for r in ans if r["first"] is not None])
            cells.append((fact or 0.0, first or 0.0))
        mean = (sum(c[0] for c in cells) / len(cells), sum(c[1] for c in cells) / len(cells))
        print(f"  {str(triple):<16}" + "".join(f"{a:>6.2f}/{b:<5.2f}" for a, b in [*cells, mean]))


def judge_rows(coll: Any, rows: list[dict], seed_kinds: dict[str, str]) -> None:
    """Adds to each row: its kind, whether passage [1] and the answer are right, the short's verdict."""
    for row in rows:
        item, c = row["item"], row["composed"]
        row["kind"] = kind_of(item.id, seed_kinds)
        relevant, _ = coll.judge.judge(item, [(x.source, x.text) for x in c.citations[:1]])
        row["first"] = None if relevant is None else bool(relevant and relevant[0])
        row["fact"] = any(m.contains(c.answer, a) for a in item.answers) if item.answers else None
        factoid = bool(item.answers) and min(len(a.split()) for a in item.answers) <= FACTOID_WORDS
        short = c.short.text if c.short is not None else ""
        golds = [_HEDGE.sub("", a).strip() or a for a in item.answers]
        row["short"] = (bool(short) and any(m.contains(short, a) for a in golds)) if factoid else None
        row["right"] = row["kind"] == "answerable" and bool(row["fact"] or row["first"])


def features(rows: list[dict], names: list[str]) -> np.ndarray:
    return np.array([[r["composed"].features.get(f, 0.0) for f in names] for r in rows], dtype=np.float64)


def fit(per: dict[str, list[dict]], names: list[str]) -> tuple[np.ndarray, float, float]:
    """Weights, bias and threshold fitted on these corpora (label: the answer is right)."""
    x = np.vstack([features(rows, names) for rows in per.values()])
    y = np.concatenate([[1.0 if r["right"] else 0.0 for r in rows] for rows in per.values()])
    signs = [-1 if f in NEGATIVE else 1 for f in names]
    w, b = fit_logistic(x, y, l2=1.0, signs=signs)
    thresholds = []
    for rows in per.values():
        p = 1 / (1 + np.exp(-(features(rows, names) @ w + b)))
        answerable = np.sort(p[[r["kind"] == "answerable" for r in rows]])
        if len(answerable):
            thresholds.append(float(answerable[int(MAX_FALSE_ABSTAIN * len(answerable))]) - 1e-6)
    return w, b, min(thresholds) if thresholds else 0.5


# Features whose weight must not be positive (they say the answer lacks something).
NEGATIVE = {"type_missing", "value_missing", "unknown"}


def figures(rows: list[dict], probs: np.ndarray, threshold: float) -> dict[str, Any]:
    out: dict[str, list[float]] = {k: [] for k in ("first", "fact", "short", "in", "out", "wrong")}
    words = []
    for row, p in zip(rows, probs):
        declined = row["composed"].abstained or p < threshold
        if row["kind"] != "answerable":
            out[row["kind"]].append(float(declined))
            continue
        out["wrong"].append(float(declined))
        if not declined:
            words.append(len(m.strip_markers(row["composed"].answer).split()))
        for key in ("first", "fact", "short"):
            if row[key] is not None:
                out[key].append(float(row[key] and not declined))
    y = np.array([1.0 if r["right"] else 0.0 for r in rows])
    return {
        "passage first": m.mean(out["first"]),
        "key fact": m.mean(out["fact"]),
        "short holds value": m.mean(out["short"]),
        "on-topic unans. declined": m.mean(out["in"]),
        "answerable wrongly declined": m.mean(out["wrong"]),
        "off-topic declined": m.mean(out["out"]),
        "median answer words": statistics.median(words) if words else None,
        "ECE": ece(np.asarray(probs), y) if len(y) else None,
        "n": f"{len(out['wrong'])}/{len(out['in'])}/{len(out['out'])}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated collection names (the seed is always in)")
    parser.add_argument("--fit", action="store_true", help="refit the confidence model on all corpora")
    parser.add_argument("--misses", help="print the misses of this corpus")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--grid", action="store_true", help="compare ranker weights of the focus features")
    parser.add_argument("--dump", help="write the factoid questions' answer units and short answers here (JSONL)")
    parser.add_argument("--model", default="minilm", help="embedding model of the indexes (minilm, multilingual)")
    args = parser.parse_args()

    only = set(args.only.split(",")) | {"seed"} if args.only else None
    colls = [open_collection(*c, model=args.model) for c in find_collections(list(DEFAULT_ROOTS), only, True)]
    seed_kinds = {
        row["id"]: row.get("kind", "")
        for row in map(json.loads, (ROOT / "dev.jsonl").read_text(encoding="utf-8").splitlines())
    }
    model = answer_model()
    abstention = (model.get("models", {}).get(args.model) or {}).get("abstention") or model["abstention"]
    names = list(abstention["features"])
    per = {}
    for coll in colls:
        per[coll.name] = run(coll, model)
        judge_rows(coll, per[coll.name], seed_kinds)
    if args.grid:
        grid(colls, per, model, seed_kinds)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            for name, rows in per.items():
                for r in rows:
                    if r["short"] is None:
                        continue
                    c = r["composed"]
                    unit = re.split(r"\s*\[\d{1,3}\]", c.answer, maxsplit=1)[0]
                    golds = [_HEDGE.sub("", a).strip() or a for a in r["item"].answers]
                    record = {"corpus": name, "question": r["item"].question, "language": r["language"], "unit": unit}
                    record |= {"short": c.short.text if c.short else None, "golds": golds, "holds": r["short"]}
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    report: dict[str, Any] = {"features": names, "loco": {}, "shipped": {}}
    for held in per:
        others = {n: r for n, r in per.items() if n != held}
        w, b, threshold = fit(others, names)
        probs = 1 / (1 + np.exp(-(features(per[held], names) @ w + b)))
        report["loco"][held] = figures(per[held], probs, threshold)
        shipped = np.array([support_probability(r["composed"].features, abstention) for r in per[held]])
        report["shipped"][held] = figures(per[held], shipped, abstention["threshold"])
    for title, table in (("leave-one-corpus-out", report["loco"]), ("shipped answer_model.json", report["shipped"])):
        print(f"\n## {title}")
        keys = list(next(iter(table.values())))
        print(f"  {'corpus':<14}" + "".join(f"{k[:12]:>13}" for k in keys))
        for name, figs in table.items():
            print(f"  {name:<14}" + "".join(f"{_fmt(figs[k]):>13}" for k in keys))
    if args.misses:
        model_probs = {
            id(r): support_probability(r["composed"].features, model["abstention"]) for r in per[args.misses]
        }
        for r in per[args.misses]:
            c = r["composed"]
            p = model_probs[id(r)]
            ok = r["right"] if r["kind"] == "answerable" else p < abstention["threshold"]
            if not ok or r["short"] is False:
                short = c.short.text if c.short else None
                print(
                    f"- [{r['kind']}] {r['item'].question}\n"
                    f"    p={p:.2f} gold={list(r['item'].answers)} short={short!r}"
                )
                print(f"    {c.answer[:200]!r}")
                print(f"    {json.dumps({k: round(v, 2) for k, v in c.features.items()})}")
    if args.fit:
        w, b, threshold = fit(per, names)
        model = dict(model)
        fitted = {
            "features": names,
            "weights": [round(float(v), 6) for v in w],
            "bias": round(b, 6),
            "threshold": round(threshold, 4),
        }
        note = (
            f"confidence fitted by eval/answer_eval.py --fit --model {args.model} on {', '.join(per)} "
            f"({sum(len(r) for r in per.values())} questions; label: the answer is right)"
        )
        if args.model == "minilm":
            path = update_answer_model("abstention", fitted, note)
        else:  # another embedding model keeps its own, next to its cosine scale
            entry = {**model["models"][args.model], "abstention": fitted, "abstention_note": note}
            path = update_answer_model("models", {**model["models"], args.model: entry}, note)
        print("wrote", path, json.dumps(fitted))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str) + "\n", encoding="utf-8")


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    return f"{v:.3f}" if isinstance(v, float) else str(v)


if __name__ == "__main__":
    main()
