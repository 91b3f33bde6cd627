"""Measure the generated-answer checker on planted replies, and generation latency on a real server.

``planted.jsonl`` holds, per question about the seed article, the text of the passage that answers
it (``evidence``), correct sentences (lifted or paraphrased from it) and purpose-made wrong ones: a
changed number (``number``, ``magnitude``), a swapped name (``name``), an invented sentence
(``invented``) and a reversed one (``negated``). Two more wrong sentences are made from the first
correct one: the same sentence citing another retrieved passage (``citation``) and citing a passage
that does not exist (``nonexistent``). ``{e}`` in a sentence is replaced by the marker of the
passage holding the evidence among the passages parisqa retrieves for the question.

The passages are the real ones: the seed corpus is indexed in a temporary folder and each question
asked. Printed: catch rate per kind of wrong sentence, false-removal rate on correct ones, and a
threshold sweep. With ``--llm-url``, each question is also answered by the model behind that
OpenAI-compatible server and the time per answer and the verdicts are printed.

    python eval/generation/measure.py [--llm-url http://127.0.0.1:8080 --llm-model smollm2] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from parisqa.answer.generate import LLMConfig, Passage, passages_from, split_reply
from parisqa.answer.grounded import MAX_PASSAGES, grounded_answer
from parisqa.answer.verify import Checker

ROOT = Path(__file__).resolve().parents[2]

WRONG_KINDS = ("number", "magnitude", "name", "invented", "negated", "citation", "nonexistent")


def load_items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def passages_for(engine, item: dict) -> tuple[list[Passage], int]:
    """The passages parisqa gives the model for the item's question, and the number of the evidence's."""
    answer = engine.ask(item["question"])
    pool = list(answer.citations or answer.related)[:MAX_PASSAGES]
    passages = passages_from(pool)
    for p in passages:
        if item["evidence"] in p.text:
            return passages, p.n
    # Not retrieved: put the chunk holding the evidence last, so the checker is still measured on it.
    chunk = next(c for c in engine.index().chunks if item["evidence"] in c.text)
    n = len(passages[: MAX_PASSAGES - 1]) + 1
    passages = [*passages[: MAX_PASSAGES - 1], Passage(n, chunk.source, chunk.start, chunk.end, chunk.text)]
    print(f"  note: evidence of {item['id']!r} not retrieved in the top {MAX_PASSAGES}; added as [{n}]")
    return passages, n


def cases(item: dict, passages: list[Passage], e: int) -> list[tuple[str, str]]:
    """``(kind, sentence)`` pairs for one item; kind "correct" or one of :data:`WRONG_KINDS`."""
    # The wrong passage to cite: the one sharing the fewest words with the evidence (another passage
    # may legitimately say the same thing: the FAQ repeats the body).
    evidence = set(item["evidence"].lower().split())
    other = min((p for p in passages if p.n != e), key=lambda p: len(evidence & set(p.text.lower().split()))).n
    out = [("correct", s.replace("{e}", f"[{e}]")) for s in item["correct"]]
    for kind in WRONG_KINDS[:5]:
        if kind in item:
            out.append((kind, item[kind].replace("{e}", f"[{e}]")))
    if item["evidence"] not in next(p.text for p in passages if p.n == other):
        out.append(("citation", item["correct"][0].replace("{e}", f"[{other}]")))
    out.append(("nonexistent", item["correct"][0].replace("{e}", f"[{len(passages) + 5}]")))
    return out


def measure_checker(engine, items: list[dict], facts_in: str) -> dict:
    checker = Checker(engine.embedder, threshold=0.0, facts_in=facts_in)
    rows = []
    for item in items:
        passages, e = passages_for(engine, item)
        for kind, text in cases(item, passages, e):
            sentences = split_reply(text)
            assert len(sentences) == 1, (text, sentences)
            verdict = checker.check(sentences, passages)[0]
            rows.append(
                {
                    "id": item["id"],
                    "kind": kind,
                    "text": text,
                    "other": not verdict.supported,
                    "similarity": verdict.similarity,
                    "reason": verdict.reason,
                }
            )
    return {"rows": rows}


def rates(rows: list[dict], threshold: float) -> dict:
    def removed(r: dict) -> bool:
        return r["other"] or r["similarity"] < threshold

    correct = [r for r in rows if r["kind"] == "correct"]
    wrong = [r for r in rows if r["kind"] != "correct"]
    per_kind = {}
    for kind in WRONG_KINDS:
        group = [r for r in wrong if r["kind"] == kind]
        if group:
            per_kind[kind] = (sum(removed(r) for r in group), len(group))
    return {
        "threshold": threshold,
        "false_removal": (sum(removed(r) for r in correct), len(correct)),
        "catch": (sum(removed(r) for r in wrong), len(wrong)),
        "per_kind": per_kind,
    }


def show(result: dict) -> str:
    fr, n_fr = result["false_removal"]
    ca, n_ca = result["catch"]
    kinds = ", ".join(f"{k} {a}/{b}" for k, (a, b) in result["per_kind"].items())
    return (
        f"threshold {result['threshold']:.2f}: caught {ca}/{n_ca} = {ca / n_ca:.1%} wrong; "
        f"removed {fr}/{n_fr} = {fr / n_fr:.1%} correct  [{kinds}]"
    )


def measure_generation(engine, items: list[dict], config: LLMConfig, checker: Checker) -> dict:
    runs = []
    for item in items:
        answer = engine.ask(item["question"])
        started = time.perf_counter()
        result = grounded_answer(answer, config, checker)
        seconds = time.perf_counter() - started
        runs.append(
            {
                "id": item["id"],
                "seconds": round(seconds, 2),
                "mode": result.mode,
                "sentences": [s.to_dict() for s in result.sentences],
                "warnings": list(result.warnings),
            }
        )
        supported = sum(s.supported for s in result.sentences)
        print(
            f"  {item['id']:>14}: {seconds:5.1f} s  {result.mode:<10} {supported}/{len(result.sentences)} supported"
            f"  {result.text[:90]!r}"
        )
    times = [r["seconds"] for r in runs]
    return {
        "runs": runs,
        "median_s": statistics.median(times),
        "max_s": max(times),
        "generated": sum(r["mode"] == "generated" for r in runs),
        "sentences": sum(len(r["sentences"]) for r in runs),
        "supported": sum(s["supported"] for r in runs for s in r["sentences"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--planted", type=Path, default=Path(__file__).with_name("planted.jsonl"))
    parser.add_argument("--llm-url")
    parser.add_argument("--llm-model", default="default")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--max-tokens", type=int, default=160)
    parser.add_argument("--limit", type=int, help="generate for the first N questions only (slow machines)")
    parser.add_argument("--json", type=Path, help="write every verdict and timing here")
    args = parser.parse_args(argv)

    from parisqa.answer.verify import FACTS_IN, MEANING_THRESHOLD
    from parisqa.api import Engine
    from parisqa.config import Settings

    items = load_items(args.planted)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        shutil.copy(ROOT / "corpus" / "paris-ai-city.txt", corpus)
        engine = Engine(Settings(corpus_dir=corpus, index_dir=Path(tmp) / "index"))
        report: dict = {"threshold": MEANING_THRESHOLD, "facts_in": FACTS_IN}
        for facts_in in ("passage", "support"):
            rows = measure_checker(engine, items, facts_in)["rows"]
            print(f"\nfacts looked for in the {facts_in}" + (" (the default)" if facts_in == FACTS_IN else ""))
            for t in (0.6, 0.65, 0.7, 0.75, 0.8, 0.85):
                print("  " + show(rates(rows, t)) + ("   <- default" if t == MEANING_THRESHOLD else ""))
            if facts_in == FACTS_IN:
                chosen = rates(rows, MEANING_THRESHOLD)
                report["checker"] = {**chosen, "rows": rows}
                correct = sorted(r["similarity"] for r in rows if r["kind"] == "correct")
                print(
                    f"  correct sentences: lowest similarity {correct[0]:.3f}, median {statistics.median(correct):.3f}"
                )
                for r in rows:
                    removed = r["other"] or r["similarity"] < MEANING_THRESHOLD
                    if (r["kind"] == "correct") == removed:
                        label = "FALSELY REMOVED" if removed else "MISSED"
                        print(f"    {label} {r['kind']}: {r['text']!r} sim {r['similarity']:.3f} {r['reason'] or ''}")
        if args.llm_url:
            config = LLMConfig(args.llm_url, args.llm_model, timeout=args.timeout, max_tokens=args.max_tokens)
            print(f"\ngeneration with {args.llm_model} at {config.endpoint}")
            asked = items[: args.limit] if args.limit else items
            gen = measure_generation(engine, asked, config, Checker(engine.embedder))
            print(
                f"  per answer: median {gen['median_s']:.1f} s, max {gen['max_s']:.1f} s; "
                f"{gen['generated']}/{len(asked)} answers generated (others fell back to quoted); "
                f"{gen['supported']}/{gen['sentences']} sentences supported"
            )
            report["generation"] = gen
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
