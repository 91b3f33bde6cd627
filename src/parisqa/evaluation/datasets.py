"""Evaluation test sets: the corpus's own FAQ, JSONL question files and SQuAD files.

Every loader returns a :class:`TestSet` of :class:`EvalItem` records. A question's gold is any mix of
answer texts, evidence texts and document ids; a retrieved passage is relevant when it comes from a
gold document (if any are named) and contains a gold text (if any are given).

The JSONL format (``parisqa eval --questions FILE``), one object per line::

    {"question": "Who funds AI research in France?", "answers": ["the French government"]}
    {"question": "How does Paris differ from the Valley?", "faq": "paris-ai-city.txt#faq-2"}
    {"question": "Where is Dataiku based?", "doc": "paris-ai-city.txt", "evidence": ["Dataiku"]}
    {"question": "What is the population of Lyon?", "answerable": false}

Keys: ``question`` (required); ``answers`` (gold answer texts); ``evidence`` (texts whose presence
marks a passage relevant); ``faq`` (an FAQ pair of the corpus, by id ``SOURCE#faq-N`` or by its exact
question; adds its answer to ``answers`` and its source to ``doc``); ``doc`` (gold source path(s)
relative to the corpus folder); ``answerable`` (default true; false means the right reply is to
abstain); ``id`` (optional, default ``line-N``). A line needs some gold: answers, evidence, faq, doc
or ``"answerable": false``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus.reader import Unreadable, read_document, scan_corpus
from ..corpus.structure import FaqPair, parse
from ..errors import DatasetError
from .metrics import normalize_answer

QUESTION_KEYS = ("id", "question", "answers", "evidence", "faq", "doc", "answerable")


@dataclass(frozen=True)
class EvalItem:
    """One question with its gold.

    Attributes:
        id: stable id (FAQ id, JSONL ``id``/line number, SQuAD question id).
        question: the question as asked.
        answers: gold answer texts (EM/F1/similarity are the best over them).
        evidence: texts whose presence in a passage marks it relevant, besides the answers.
        docs: gold source paths; when given, only passages from them can be relevant.
        answerable: whether the corpus holds the answer; False means parisqa should abstain.
    """

    id: str
    question: str
    answers: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    answerable: bool = True

    @property
    def gold_texts(self) -> tuple[str, ...]:
        """Texts that make a passage relevant: the evidence, then the answers, without repeats."""
        return tuple(dict.fromkeys(t for t in self.evidence + self.answers if normalize_answer(t)))


@dataclass(frozen=True)
class TestSet:
    """Questions to evaluate, with where they came from.

    Attributes:
        name: ``"faq"``, ``"questions"`` or ``"squad"``.
        source: what was read (the corpus folder or the file), for the report.
        items: the questions.
        warnings: problems met while loading (e.g. malformed lines, by line number).
        documents: for sets that bring their own corpus (SQuAD): ``(source path, text)`` pairs to
            index in a temporary folder.
    """

    __test__ = False  # not a pytest class

    name: str
    source: str
    items: tuple[EvalItem, ...]
    warnings: tuple[str, ...] = ()
    documents: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    def limited(self, limit: int | None) -> TestSet:
        """The first ``limit`` questions (all of them when ``limit`` is None)."""
        if limit is None:
            return self
        if limit < 1:
            raise DatasetError(f"limit must be at least 1, got {limit}")
        return TestSet(self.name, self.source, self.items[:limit], self.warnings, self.documents)


# --- the corpus's FAQ -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusFaq:
    """An FAQ pair found in a corpus file; ``id`` is ``SOURCE#faq-N`` (N counts from 1 per file)."""

    id: str
    source: str
    pair: FaqPair


def faq_id(source: str, number: int) -> str:
    """The id of the ``number``-th (from 1) FAQ pair of ``source``."""
    return f"{source}#faq-{number}"


def corpus_faq(corpus_dir: Path) -> list[CorpusFaq]:
    """Every FAQ pair in the corpus, found by the same detection the chunker uses.

    Files that cannot be read are left out (indexing warns about them).
    """
    files, _ = scan_corpus(corpus_dir)
    found: list[CorpusFaq] = []
    for f in files:
        try:
            doc = read_document(f)
        except Unreadable:
            continue
        parsed = parse(doc.text, markdown=doc.markdown, fallback_title=Path(doc.source).stem)
        for number, pair in enumerate(parsed.faq_pairs(doc.text), 1):
            found.append(CorpusFaq(faq_id(doc.source, number), doc.source, pair))
    return found


def faq_item(faq: CorpusFaq, question: str | None = None, item_id: str | None = None) -> EvalItem:
    """An item whose gold is an FAQ pair's answer (asked as the FAQ question unless given another)."""
    return EvalItem(
        id=item_id or faq.id,
        question=faq.pair.question if question is None else question,
        answers=(faq.pair.answer,),
        docs=(faq.source,),
    )


def faq_set(corpus_dir: Path) -> TestSet:
    """The FAQ pairs of the corpus as a test set: each question, its answer as gold.

    Raises:
        DatasetError: the corpus holds no FAQ pair.
    """
    pairs = corpus_faq(corpus_dir)
    if not pairs:
        raise DatasetError(
            f"no FAQ found in corpus folder '{corpus_dir}' (an FAQ is a line ending in '?' followed by its "
            "answer); evaluate your own questions instead: parisqa eval --questions FILE (JSONL, see README)"
        )
    return TestSet("faq", f"{corpus_dir} ({len(pairs)} FAQ pairs)", tuple(faq_item(p) for p in pairs))


# --- JSONL question files -------------------------------------------------------------------------


def _read_text(path: Path, what: str) -> str:
    try:
        return Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise DatasetError(f"{what} '{path}' does not exist; check the path") from None
    except IsADirectoryError:
        raise DatasetError(f"{what} '{path}' is a folder; pass a file") from None
    except UnicodeDecodeError:
        raise DatasetError(f"{what} '{path}' is not UTF-8 text; re-save it as UTF-8") from None


def _texts(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f'"{key}" must be a string or a list of strings, got {json.dumps(value)[:80]}')
    return tuple(v for v in value if v.strip())


class _FaqLookup:
    """Resolves ``"faq"`` references by id or by question text, reading the corpus once."""

    def __init__(self, corpus_dir: Path | None) -> None:
        self.corpus_dir = corpus_dir
        self._pairs: list[CorpusFaq] | None = None

    def find(self, ref: str) -> CorpusFaq:
        if self._pairs is None:
            self._pairs = corpus_faq(self.corpus_dir) if self.corpus_dir is not None else []
        for faq in self._pairs:
            if faq.id == ref:
                return faq
        wanted = normalize_answer(ref)
        for faq in self._pairs:
            if normalize_answer(faq.pair.question) == wanted:
                return faq
        known = ", ".join(f.id for f in self._pairs[:3]) or "none in this corpus"
        raise ValueError(f'"faq" {ref!r} matches no FAQ pair id or question of the corpus (ids look like: {known})')


def parse_question_line(obj: Any, number: int, lookup: _FaqLookup, corpus_sources: set[str] | None) -> EvalItem:
    """One JSONL object as an item; raises ``ValueError`` saying what is wrong with it."""
    if not isinstance(obj, dict):
        raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
    unknown = sorted(set(obj) - set(QUESTION_KEYS))
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(QUESTION_KEYS)}")
    question = obj.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError('"question" must be a non-empty string')
    answers = _texts(obj.get("answers"), "answers")
    evidence = _texts(obj.get("evidence"), "evidence")
    docs = _texts(obj.get("doc"), "doc")
    answerable = obj.get("answerable", True)
    if not isinstance(answerable, bool):
        raise ValueError(f'"answerable" must be true or false, got {json.dumps(answerable)}')
    faq_ref = obj.get("faq")
    if faq_ref is not None:
        if not isinstance(faq_ref, str):
            raise ValueError(f'"faq" must be an FAQ id or question string, got {json.dumps(faq_ref)}')
        faq = lookup.find(faq_ref)
        answers = answers + (faq.pair.answer,)
        docs = docs + (faq.source,)
    if corpus_sources is not None:
        missing = [d for d in docs if d not in corpus_sources]
        if missing:
            raise ValueError(f'"doc" {missing[0]!r} is not a file of the corpus; give its path relative to the corpus')
    if answerable and not (answers or evidence or docs):
        raise ValueError('no gold: give "answers", "evidence", "faq" or "doc", or "answerable": false')
    if not answerable and (answers or faq_ref is not None):
        raise ValueError('"answerable": false cannot have "answers" or "faq"')
    item_id = obj.get("id", f"line-{number}")
    return EvalItem(
        id=str(item_id),
        question=question,
        answers=tuple(dict.fromkeys(answers)),
        evidence=evidence,
        docs=tuple(dict.fromkeys(docs)),
        answerable=answerable,
    )


def load_questions(path: Path, corpus_dir: Path | None = None) -> TestSet:
    """Read a JSONL question file (format in the module docstring).

    Malformed lines are skipped and reported in ``TestSet.warnings`` by line number; the rest load.

    Args:
        path: the JSONL file.
        corpus_dir: the corpus the questions are about, to resolve ``faq`` references and check
            ``doc`` paths (not checked when None).

    Raises:
        DatasetError: the file is missing or unreadable, or holds no usable question.
    """
    text = _read_text(path, "questions file")
    lookup = _FaqLookup(corpus_dir)
    sources = None
    if corpus_dir is not None and Path(corpus_dir).is_dir():
        sources = {f.source for f in scan_corpus(corpus_dir)[0]}
    items: list[EvalItem] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            warnings.append(f"{path}: line {number}: not valid JSON ({exc.msg} at column {exc.colno}); skipped")
            continue
        try:
            item = parse_question_line(obj, number, lookup, sources)
        except ValueError as exc:
            warnings.append(f"{path}: line {number}: {exc}; skipped")
            continue
        if item.id in seen:
            warnings.append(f"{path}: line {number}: id {item.id!r} already used; skipped")
            continue
        seen.add(item.id)
        items.append(item)
    if not items:
        detail = f" ({len(warnings)} malformed line(s): {warnings[0]})" if warnings else ""
        raise DatasetError(
            f"questions file '{path}' holds no usable question{detail}; write one JSON object per line, "
            'e.g. {"question": "...", "answers": ["..."]}'
        )
    return TestSet("questions", str(path), tuple(items), tuple(warnings))


# --- SQuAD ----------------------------------------------------------------------------------------


def _shape(ok: bool, path: Path, where: str, expected: str) -> None:
    if not ok:
        raise DatasetError(
            f"'{path}' is not a SQuAD v1.1/v2.0 file: {where} should be {expected}; "
            'expected {"data": [{"title": ..., "paragraphs": [{"context": ..., "qas": [...]}]}]}'
        )


def _slug(title: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", title).strip("-_")
    return slug[:80] or "article"


def load_squad(path: Path) -> TestSet:
    """Read a SQuAD v1.1 or v2.0 JSON file.

    Each article becomes one document (its title, then its contexts as paragraphs), to be indexed in
    a temporary folder; each question becomes an item whose gold is its answers, restricted to its
    article. v2.0 questions marked ``is_impossible`` are unanswerable: parisqa should abstain.

    Raises:
        DatasetError: the file is missing, not JSON, not shaped like SQuAD, or has no question.
    """
    text = _read_text(path, "SQuAD file")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"SQuAD file '{path}' is not valid JSON: {exc.msg} at line {exc.lineno}") from None
    _shape(
        isinstance(data, dict) and isinstance(data.get("data"), list),
        path,
        "the top level",
        'an object with a "data" list',
    )
    documents: list[tuple[str, str]] = []
    items: list[EvalItem] = []
    warnings: list[str] = []
    used: set[str] = set()
    seen_ids: set[str] = set()
    for a, article in enumerate(data["data"]):
        where = f"data[{a}]"
        _shape(
            isinstance(article, dict) and isinstance(article.get("paragraphs"), list),
            path,
            where,
            'an object with a "paragraphs" list',
        )
        title = str(article.get("title") or f"Article {a + 1}")
        base = _slug(title)
        source = f"{base}.txt"
        n = 2
        while source in used:
            source, n = f"{base}-{n}.txt", n + 1
        used.add(source)
        contexts: list[str] = []
        for p, para in enumerate(article["paragraphs"]):
            pwhere = f"{where}.paragraphs[{p}]"
            _shape(
                isinstance(para, dict) and isinstance(para.get("context"), str) and isinstance(para.get("qas"), list),
                path,
                pwhere,
                'an object with a "context" string and a "qas" list',
            )
            contexts.append(" ".join(para["context"].split()))
            for q, qa in enumerate(para["qas"]):
                qwhere = f"{pwhere}.qas[{q}]"
                _shape(
                    isinstance(qa, dict) and isinstance(qa.get("question"), str),
                    path,
                    qwhere,
                    'an object with a "question" string',
                )
                answers = qa.get("answers", [])
                _shape(
                    isinstance(answers, list)
                    and all(isinstance(x, dict) and isinstance(x.get("text"), str) for x in answers),
                    path,
                    f"{qwhere}.answers",
                    'a list of {"text": ..., "answer_start": ...} objects',
                )
                impossible = bool(qa.get("is_impossible", False))
                golds = tuple(dict.fromkeys(x["text"] for x in answers if x["text"].strip()))
                qid = str(qa.get("id") or f"{source}#q{len(items) + 1}")
                if not qa["question"].strip():
                    warnings.append(f"{path}: {qwhere}: empty question; skipped")
                    continue
                if not impossible and not golds:
                    warnings.append(f"{path}: {qwhere} ({qid}): no answers and not is_impossible; skipped")
                    continue
                if qid in seen_ids:
                    warnings.append(f"{path}: {qwhere}: id {qid!r} already used; skipped")
                    continue
                seen_ids.add(qid)
                items.append(EvalItem(qid, qa["question"], () if impossible else golds, (), (source,), not impossible))
        documents.append((source, f"{title.replace('_', ' ')}\n\n" + "\n\n".join(contexts) + "\n"))
    if not items:
        raise DatasetError(f"SQuAD file '{path}' holds no question; the test set is empty")
    return TestSet("squad", str(path), tuple(items), tuple(warnings), tuple(documents))
