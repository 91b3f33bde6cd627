"""Temporary corpora for evaluation: the corpus without its FAQ, and documents brought by a test set.

These only write into a folder the caller owns (a temporary one); the served corpus and index are
read, never written.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..corpus.reader import Unreadable, read_document, scan_corpus
from ..corpus.structure import parse


def without_faq(text: str, *, markdown: bool = False, fallback_title: str = "") -> tuple[str, int]:
    """``text`` with the lines of every FAQ pair (question and answer) removed.

    Returns:
        The text left and the number of pairs removed. The lines go whole (a ``Q:`` prefix or a
        Markdown ``###`` with them); each leaves one newline, so what surrounds them stays apart.
    """
    pairs = parse(text, markdown=markdown, fallback_title=fallback_title).faq_pairs(text)
    kept: list[str] = []
    position = 0
    for pair in pairs:
        start = text.rfind("\n", 0, pair.question_span[0]) + 1
        end = text.find("\n", pair.answer_span[1])
        end = len(text) if end < 0 else end
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return "".join(kept), len(pairs)


def write_heldout_corpus(corpus_dir: Path, dest: Path) -> int:
    """Copy the readable corpus files into ``dest`` with their FAQ pairs left out.

    Returns:
        The number of FAQ pairs left out.
    """
    files, _ = scan_corpus(corpus_dir)
    removed = 0
    for f in files:
        try:
            doc = read_document(f)
        except Unreadable:
            continue  # indexing the served corpus already warns about it
        text, n = without_faq(doc.text, markdown=doc.markdown, fallback_title=Path(doc.source).stem)
        removed += n
        target = dest / doc.source
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
    return removed


def write_documents(documents: Iterable[tuple[str, str]], dest: Path) -> int:
    """Write ``(source path, text)`` documents under ``dest``; returns how many."""
    count = 0
    for source, text in documents:
        target = dest / source
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        count += 1
    return count
