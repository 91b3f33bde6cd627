"""Precision and recall of the follow-up decision on a set of conversations (issue 17).

    python eval/followup_eval.py                       # eval/conversations.jsonl
    python eval/followup_eval.py --show                # also print every wrong decision
    python eval/followup_eval.py --set FILE --json OUT

Each line of the set is one exchange: ``{"id", "corpus", "turns": [{"question", "dependent",
"expect"}, ...]}``. Every turn after the first is labelled ``dependent`` (it needs the previous turn)
or not; a dependent turn lists the key words its search text should gain (``expect``). The turns
are replayed in order, as the web chat does: each turn's previous turn is the one before it, with
the search text that turn got. No model or index is needed: the decision reads only the wording.

Reported: precision and recall of "rewrite" (a dependent turn is a positive), the share of
dependent turns whose expected words were all added, and the share of rewrites that borrowed a word
from outside the previous turn (its question and the subject it had itself resolved): accumulation.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from parisqa.answer.followup import PreviousTurn, content_words, resolve

ROOT = Path(__file__).resolve().parents[1]


def evaluate(rows: list[dict]) -> tuple[dict, list[str]]:
    tp = fp = fn = tn = 0
    words_ok = words_total = leaked = 0
    wrong: list[str] = []
    for row in rows:
        previous: PreviousTurn | None = None
        previous_allowed: set[str] = set()
        for turn in row["turns"]:
            decision = resolve(turn["question"], previous)
            if previous is not None:
                dependent = bool(turn["dependent"])
                rewritten = decision.rewritten
                tp += dependent and rewritten
                fp += rewritten and not dependent
                fn += dependent and not rewritten
                tn += not dependent and not rewritten
                if dependent != rewritten:
                    wrong.append(
                        f"{row['id']} {'missed' if dependent else 'rewrote'}: {turn['question']!r}"
                        f" after {previous.question!r} -> {decision.query!r}"
                    )
                if dependent:
                    words_total += 1
                    expected = set(turn.get("expect", []))
                    if expected <= set(decision.added):
                        words_ok += 1
                    elif rewritten:
                        wrong.append(
                            f"{row['id']} words: {turn['question']!r} added {decision.added}, "
                            f"expected {sorted(expected)}"
                        )
                if rewritten and not set(decision.added) <= previous_allowed:
                    leaked += 1
                    wrong.append(f"{row['id']} leaked: {decision.added} beyond {sorted(previous_allowed)}")
            # What the next turn may borrow: this question's words and what its own search added.
            previous_allowed = set(content_words(turn["question"])) | set(decision.added)
            previous = PreviousTurn(turn["question"], decision.query)
    rewrites = tp + fp
    figures = {
        "exchanges": len(rows),
        "turns_judged": tp + fp + fn + tn,
        "dependent": tp + fn,
        "standalone": fp + tn,
        "precision": tp / rewrites if rewrites else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "standalone_kept": tn / (fp + tn) if fp + tn else 1.0,
        "expected_words_added": words_ok / words_total if words_total else 1.0,
        "rewrites_with_foreign_words": leaked / rewrites if rewrites else 0.0,
    }
    return figures, wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default=str(ROOT / "eval" / "conversations.jsonl"))
    parser.add_argument("--show", action="store_true", help="print every wrong decision")
    parser.add_argument("--json", metavar="FILE", help="write the figures to FILE")
    args = parser.parse_args()
    rows = [json.loads(line) for line in Path(args.set).read_text(encoding="utf-8").splitlines() if line.strip()]
    figures, wrong = evaluate(rows)
    for key, value in figures.items():
        print(f"  {key:30s} {value:.3f}" if isinstance(value, float) else f"  {key:30s} {value}")
    if args.show:
        print("\n".join(wrong))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
