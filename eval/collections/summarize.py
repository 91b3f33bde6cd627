"""Summarise `parisqa eval --baselines --out DIR` reports of the development collections.

Prints one Markdown table row per corpus and system with the figures the quality work tracks,
some of which `report.md` does not show: the median answer length in words, the share of factoid
answers that contain the gold fact, and abstention split into in-domain and out-of-domain
unanswerable questions (ids with -uin / -uout).

Usage: python eval/collections/summarize.py NAME=REPORT_DIR [NAME=REPORT_DIR ...]
"""

from __future__ import annotations

import json
import re
import statistics
import string
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = (
    "hit@1",
    "MRR@10",
    "passage [1]",
    "F1",
    "contains fact",
    "median words",
    "declined unans.",
    "(in / out)",
    "declined ans.",
    "judged",
)


def _norm(text: str) -> str:
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    return " ".join(w for w in text.split() if w not in ("a", "an", "the"))


def rows(name: str, report_dir: Path) -> list[list[str]]:
    report = json.loads((report_dir / "report.json").read_text(encoding="utf-8"))
    questions = {}
    source = Path(report["source"])
    for line in (source if source.is_absolute() else HERE.parent.parent / source).read_text().splitlines():
        q = json.loads(line)
        questions[q["id"]] = q
    section = report["sections"][0]
    out = []
    for system, items in section["items"].items():
        ans = [i for i in items if i["answerable"]]
        unans = [i for i in items if not i["answerable"]]
        judged = [i for i in ans if i["relevant_in_index"]]
        hit1 = sum(i["first_relevant_rank"] == 1 for i in judged) / len(judged) if judged else None
        mrr = (
            sum(
                1 / i["first_relevant_rank"]
                for i in judged
                if i["first_relevant_rank"] and i["first_relevant_rank"] <= 10
            )
            / len(judged)
            if judged
            else None
        )
        p1 = sum(bool(i["cited_first_relevant"]) for i in judged) / len(judged) if judged else None
        f1s = [i["f1"] for i in items if i["f1"] is not None]
        factoid = [i for i in ans if questions[i["id"]].get("answers")]
        contains = (
            (
                sum(
                    not i["abstained"]
                    and any(_norm(a) in _norm(i["answer"] or "") for a in questions[i["id"]]["answers"])
                    for i in factoid
                )
                / len(factoid)
            )
            if factoid
            else None
        )
        words = [
            len(re.sub(r"\[\d+(?:[,;]\s*\d+)*\]", "", i["answer"] or "").split()) for i in ans if not i["abstained"]
        ]
        inn = [i for i in unans if "-uin" in i["id"]]
        outt = [i for i in unans if "-uout" in i["id"]]
        share = lambda xs: sum(i["abstained"] for i in xs) / len(xs) if xs else None  # noqa: E731
        fmt = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
        out.append(
            [
                name,
                system,
                fmt(hit1),
                fmt(mrr),
                fmt(p1),
                fmt(statistics.mean(f1s) if f1s else None),
                fmt(contains),
                str(statistics.median(words)) if words else "-",
                fmt(share(unans)),
                f"{fmt(share(inn))} / {fmt(share(outt))}",
                fmt(share(ans)),
                f"{len(judged)}/{len(ans)}",
            ]
        )
    return out


def main(argv: list[str]) -> int:
    print("| corpus | system | " + " | ".join(COLUMNS) + " |")
    print("|" + " --- |" * (len(COLUMNS) + 2))
    for arg in argv:
        name, _, folder = arg.partition("=")
        for row in rows(name, Path(folder)):
            print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
