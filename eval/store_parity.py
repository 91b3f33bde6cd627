"""Do the local store and a milvus-lite store answer alike? Same first citation, decision, page, confidence.

Builds one corpus twice with the same model (index folder; milvus-lite file), asks every question
of a JSONL file (``{"question": ...}`` per line) through both, and prints how many agree on the first
passage (citation [1], or the closest one when declined), on declining, on the page of a PDF
passage, and the largest confidence difference. Writes the per-question rows to ``--out``.

    python eval/store_parity.py --corpus eval/collections/beekeeping/corpus \
        --questions eval/collections/beekeeping/questions.jsonl --out /tmp/parity-bees.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def first_passage(answer: dict) -> dict | None:
    passages = answer["citations"] or answer.get("related") or []
    return passages[0] if passages else None


def compare(local: dict, store: dict) -> dict:
    """One question's agreement between the two stores' ``ask --json`` objects."""
    a, b = first_passage(local), first_passage(store)
    where = lambda c: None if c is None else (c["source"], c["start"], c["end"])  # noqa: E731
    return {
        "question": local["question"],
        "same_first": where(a) == where(b),
        "same_decision": local["abstained"] == store["abstained"],
        "same_page": (a or {}).get("page") == (b or {}).get("page"),
        "confidence_diff": abs(local["confidence"] - store["confidence"]),
    }


def measure(corpus: Path, questions: list[str], model: str = "minilm") -> list[dict]:
    from parisqa.api import Engine
    from parisqa.config import Settings

    with tempfile.TemporaryDirectory(prefix="parity-") as tmp:
        base = Path(tmp)
        shutil.copytree(corpus, base / "corpus")
        local = Engine(Settings(corpus_dir=base / "corpus", index_dir=base / "local", model=model), auto_build=False)
        store = Engine(
            Settings(corpus_dir=base / "corpus", index_dir=base / "milvus", model=model, store=str(base / "m.db")),
            embedder=local.embedder,
            auto_build=False,
        )
        local.build()
        store.build()
        return [compare(local.ask(q).to_dict(), store.ask(q).to_dict()) for q in questions]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--questions", required=True, type=Path)
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    lines = args.questions.read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    rows = measure(args.corpus, questions, args.model)
    n = len(rows)
    agree = {key: sum(r[key] for r in rows) for key in ("same_first", "same_decision", "same_page")}
    print(
        f"{args.corpus} ({n} questions, {args.model}): same first passage {agree['same_first']}/{n}, "
        f"same decision {agree['same_decision']}/{n}, same page {agree['same_page']}/{n}, "
        f"largest confidence difference {max((r['confidence_diff'] for r in rows), default=0):.4f}"
    )
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
