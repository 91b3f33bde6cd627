"""Check the development collections: every question file is well formed and every
evidence string is an exact substring of the document its question names.

Usage: python eval/collections/check.py [COLLECTION_DIR ...]  (default: every folder here)
Exit code 1 when anything is wrong, with one line per problem.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MIN_ANSWERABLE, MIN_UNANSWERABLE = 40, 20
SUFFIXES = (".txt", ".md", ".pdf", ".html", ".docx")


def _text(path: Path) -> str:
    """A document's text as parisqa indexes it (PDF, HTML and Word files are extracted)."""
    if path.suffix in (".txt", ".md"):
        return path.read_text(encoding="utf-8")
    from parisqa.corpus.formats import extract

    return extract(path.name, path.read_bytes()).text


def check(folder: Path) -> list[str]:
    """Return the problems found in one collection folder (empty when it is sound)."""
    problems: list[str] = []
    corpus = folder / "corpus"
    if not corpus.is_dir():
        return [f"{folder.name}: no corpus/ folder (run prepare.py first)"]
    docs = {p.relative_to(corpus).as_posix(): _text(p) for p in sorted(corpus.rglob("*")) if p.suffix in SUFFIXES}
    ids: set[str] = set()
    counts = {"answerable": 0, "in": 0, "out": 0}
    for number, line in enumerate((folder / "questions.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        where = f"{folder.name}/questions.jsonl:{number}"
        try:
            q = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{where}: not JSON ({error})")
            continue
        if not q.get("question", "").strip():
            problems.append(f"{where}: empty question")
        if q.get("id") in ids:
            problems.append(f"{where}: duplicate id {q.get('id')}")
        ids.add(q.get("id"))
        if q.get("answerable", True):
            counts["answerable"] += 1
            doc = q.get("doc")
            if doc not in docs:
                problems.append(f"{where}: doc {doc!r} is not a file of the corpus")
                continue
            if not q.get("evidence"):
                problems.append(f"{where}: answerable question without evidence")
            for evidence in q.get("evidence", []):
                if evidence not in docs[doc]:
                    problems.append(f"{where}: evidence not in {doc}: {evidence[:60]!r}")
            for answer in q.get("answers", []):
                if not any(answer.lower() in e.lower() for e in q.get("evidence", [])):
                    problems.append(f"{where}: answer {answer!r} not inside its evidence")
        else:
            kind = "in" if "-uin" in str(q.get("id")) else "out" if "-uout" in str(q.get("id")) else None
            if kind is None:
                problems.append(f"{where}: unanswerable id must say -uin (in-domain) or -uout (out-of-domain)")
            else:
                counts[kind] += 1
    if counts["answerable"] < MIN_ANSWERABLE:
        problems.append(f"{folder.name}: {counts['answerable']} answerable (< {MIN_ANSWERABLE})")
    if counts["in"] + counts["out"] < MIN_UNANSWERABLE:
        problems.append(f"{folder.name}: {counts['in'] + counts['out']} unanswerable (< {MIN_UNANSWERABLE})")
    print(
        f"{folder.name}: {len(docs)} documents, {sum(map(len, docs.values()))} characters, "
        f"{counts['answerable']} answerable, {counts['in']} unanswerable in-domain, "
        f"{counts['out']} out-of-domain"
    )
    return problems


def main(argv: list[str]) -> int:
    folders = [Path(a) for a in argv] or sorted(p.parent for p in HERE.glob("*/questions.jsonl"))
    problems = [p for folder in folders for p in check(folder)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
