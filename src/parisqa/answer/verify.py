"""Check every sentence a language model wrote against the passages it cites.

parisqa's quoted answers are exact by construction; a generated answer is not, so each of its
sentences must earn its place. A sentence is **supported** when all of these hold:

1. it cites passages, and every number it cites is one of the passages given (``[7]`` of five is
   refused). A sentence with no marker at all is checked against every passage and credited to the
   one that supports it (small models often forget the markers); that is reported as a warning;
2. its facts occur in the cited passages: every number (digits, or number words such as "five", and
   magnitudes such as "billion"), every year/month, and every name (an acronym, a word with a digit,
   or a capitalised word that does not open the sentence) is found as a word in them;
3. its meaning is close to one unit of the cited passages: the cosine of the MiniLM embeddings of the
   sentence and of the best passage sentence (or two adjacent sentences, for a sentence that joins
   two) is at least :data:`MEANING_THRESHOLD`, measured on planted replies (``eval/generation``);
4. it does not flip the polarity of that best unit: one of them says "not"/"no"/"never" and the other
   does not.

The best unit is the sentence's **support**: ``{"n", "start", "end"}``, an exact span of the source
file. Checks are cheap (one embedding call for all sentences and passage units of an answer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .generate import Passage, ReplySentence

# Measured with eval/generation/measure.py: the lowest cosine among the correct (paraphrased)
# sentences of the planted set sits above it, most invented sentences below it.
MEANING_THRESHOLD = 0.75
# How much closer a pair of adjacent passage sentences must be than the best single one to be the support.
PAIR_MARGIN = 0.03
# Where a sentence's numbers and names must be found: anywhere in the cited passages ("passage"), or
# in its support, the closest sentence or pair of adjacent sentences ("support", stricter: a name
# swapped for another of the same passage is caught).
FACTS_IN = "support"

_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
} | {
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "hundred": "100",
    "dozen": "12",
    "half": "0.5",
    "once": "1",
    "twice": "2",
    "first": "1",
    "second": "2",
    "third": "3",
}
_MAGNITUDES = frozenset("thousand million billion trillion percent".split())
_MONTHS = frozenset("january february march april may june july august september october november december".split())
_NEGATIONS = frozenset("not no never none nor neither cannot without nothing".split())
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:['\u2019][^\W_]+)*")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Support:
    """Where a sentence's support is: passage ``n``, characters ``[start, end)`` of its source file."""

    n: int
    start: int
    end: int

    def to_dict(self) -> dict[str, int]:
        return {"n": self.n, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class CheckedSentence:
    """One generated sentence and the checker's verdict on it.

    Attributes:
        text: the sentence as written, markers included.
        citations: the passage numbers it cites (credited by the checker when it had none).
        supported: whether it passed every check.
        support: the best-matching passage unit, when one was found.
        reason: why it is not supported (``None`` when it is).
        similarity: cosine of the sentence and its support.
        inferred: the sentence had no marker; ``citations`` were credited by the checker.
    """

    text: str
    citations: tuple[int, ...]
    supported: bool
    support: Support | None
    reason: str | None = None
    similarity: float = 0.0
    inferred: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "citations": list(self.citations),
            "supported": self.supported,
            "support": self.support.to_dict() if self.support else None,
            "similarity": round(float(self.similarity), 4),
        }
        if self.reason:
            data["reason"] = self.reason
        if self.inferred:
            data["inferred_citation"] = True
        return data


def _norm(word: str) -> str:
    word = word.lower().replace("\u2019", "'").removesuffix("'s").rstrip("'")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _number(token: str) -> str:
    """``"1,000"`` -> ``"1000"``, ``"1.50"`` -> ``"1.5"``: one spelling per value."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", token):
        token = token.replace(",", "")
    token = token.replace(",", ".")
    if "." in token:
        token = token.rstrip("0").rstrip(".")
    return token


def _vocabulary(text: str) -> tuple[set[str], set[str]]:
    """The words (normalised) and the numbers (digits, number words as digits) of ``text``."""
    words, numbers = set(), set()
    for token in _WORD.findall(text):
        if _DIGITS.fullmatch(token):
            numbers.add(_number(token))
            continue
        lower = token.lower()
        words.add(_norm(token))
        if lower in _NUMBER_WORDS:
            numbers.add(_NUMBER_WORDS[lower])
    return words, numbers


def facts(claim: str) -> list[str]:
    """The facts of a sentence that must be found in its passages, as ``"kind:value"`` strings.

    Numbers (digits or number words), magnitudes and months, and names: acronyms, words with a
    digit, capitalised words that do not open the sentence.
    """
    from .followup import STOPWORDS

    out: list[str] = []
    for match in _WORD.finditer(claim):
        token = match.group()
        lower = token.lower()
        if _DIGITS.fullmatch(token):
            out.append(f"number:{_number(token)}")
        elif lower in _NUMBER_WORDS and lower not in ("one", "once", "second", "first", "half"):
            out.append(f"number:{_NUMBER_WORDS[lower]}")
        elif lower in _MAGNITUDES or lower in _MONTHS and token[:1].isupper():
            out.append(f"word:{_norm(token)}")
        else:
            bare = _norm(token)
            if len(bare) < 2 or lower in STOPWORDS or bare in STOPWORDS:
                continue
            before = claim[: match.start()].rstrip()
            opens = not before or before[-1] in '.!?:;"(' or before.endswith("- ")
            if (
                any(c.isdigit() for c in token)
                or (len(token) > 1 and token.isupper())
                or (token[:1].isupper() and not opens)
            ):
                out.append(f"word:{bare}")
    return list(dict.fromkeys(out))


def missing_facts(claim: str, texts: Sequence[str]) -> list[str]:
    """The facts of ``claim`` (see :func:`facts`) found in none of ``texts``, as written in the claim."""
    words: set[str] = set()
    numbers: set[str] = set()
    for text in texts:
        w, n = _vocabulary(text)
        words |= w
        numbers |= n
    missing = []
    for fact in facts(claim):
        kind, value = fact.split(":", 1)
        if (kind == "number" and value not in numbers) or (kind == "word" and value not in words):
            missing.append(value)
    return missing


def _negated(text: str) -> bool:
    lowered = text.lower().replace("\u2019", "'")
    return "n't" in lowered or any(w in _NEGATIONS for w in re.findall(r"[a-z]+", lowered))


@dataclass(frozen=True)
class _Unit:
    n: int
    start: int
    end: int
    text: str
    pair: bool = False


def passage_units(passage: Passage) -> list[_Unit]:
    """The sentences of a passage, and each pair of adjacent ones, as exact spans of its source."""
    from ..corpus.sentences import chunk_sentences
    from ..records import Chunk

    spans = [
        (s.start, s.end) for s in chunk_sentences(Chunk("", passage.source, passage.start, passage.end, passage.text))
    ]
    if not spans:
        spans = [(passage.start, passage.end)]
    units = [_Unit(passage.n, s, e, passage.text[s - passage.start : e - passage.start]) for s, e in spans]
    for (s, _), (_, e) in zip(spans, spans[1:]):
        units.append(_Unit(passage.n, s, e, passage.text[s - passage.start : e - passage.start], pair=True))
    return units


class Checker:
    """Verifies generated sentences against passages with one embedding model.

    Args:
        embedder: anything with ``encode(list[str]) -> unit vectors`` (parisqa's ``Embedder``).
        threshold: least cosine between a sentence and its support (default :data:`MEANING_THRESHOLD`).
    """

    def __init__(self, embedder: Any, threshold: float = MEANING_THRESHOLD, facts_in: str = FACTS_IN) -> None:
        if facts_in not in ("passage", "support"):
            raise ValueError(f"facts_in must be 'passage' or 'support', got {facts_in!r}")
        self.embedder = embedder
        self.threshold = threshold
        self.facts_in = facts_in
        self._cache: tuple[tuple[Passage, ...], list[_Unit], Any] | None = None

    def check(self, sentences: Sequence[ReplySentence], passages: Sequence[Passage]) -> list[CheckedSentence]:
        """The verdict on each sentence, in order (see the module docstring for the rules)."""
        if not sentences:
            return []
        by_n = {p.n: p for p in passages}
        units, unit_vecs = self._units(tuple(passages))
        claim_vecs = self.embedder.encode([s.claim for s in sentences])
        return [self._one(s, claim_vecs[i], units, unit_vecs, by_n) for i, s in enumerate(sentences)]

    def _units(self, passages: tuple[Passage, ...]) -> tuple[list[_Unit], Any]:
        """The passages' units and their embeddings; kept for the last passages seen (streaming checks
        one sentence at a time against the same passages)."""
        cached = self._cache
        if cached is not None and cached[0] == passages:
            return cached[1], cached[2]
        units = [u for p in passages for u in passage_units(p)]
        vecs = self.embedder.encode([u.text for u in units])
        self._cache = (passages, units, vecs)
        return units, vecs

    def _one(
        self, sentence: ReplySentence, vec: Any, units: list[_Unit], unit_vecs: Any, by_n: dict
    ) -> CheckedSentence:
        unknown = [n for n in sentence.citations if n not in by_n]
        if unknown:
            shown = ", ".join(f"[{n}]" for n in unknown)
            return CheckedSentence(
                sentence.text, sentence.citations, False, None, f"cites {shown}, not a passage given"
            )
        inferred = not sentence.citations
        if inferred:
            # Try each passage, best first: credit the sentence to the first one that supports it.
            scored = sorted(
                by_n,
                key=lambda n: -max((float(unit_vecs[i] @ vec) for i, u in enumerate(units) if u.n == n), default=-1),
            )
            first: CheckedSentence | None = None
            for n in scored:
                verdict = self._against(sentence, (n,), vec, units, unit_vecs, by_n, inferred=True)
                if verdict.supported:
                    return verdict
                first = first or verdict
            if first is None:
                return CheckedSentence(sentence.text, (), False, None, "no passage to check it against")
            return CheckedSentence(
                sentence.text, (), False, first.support, f"cites no passage, and {first.reason}", first.similarity, True
            )
        return self._against(sentence, sentence.citations, vec, units, unit_vecs, by_n)

    def _against(
        self,
        sentence: ReplySentence,
        cited: tuple[int, ...],
        vec: Any,
        units: list[_Unit],
        unit_vecs: Any,
        by_n: dict,
        *,
        inferred: bool = False,
    ) -> CheckedSentence:
        claim = sentence.claim
        rows = [i for i, u in enumerate(units) if u.n in cited]
        singles = [i for i in rows if not units[i].pair]
        pairs = [i for i in rows if units[i].pair]
        best = max(singles, key=lambda i: float(unit_vecs[i] @ vec)) if singles else None
        if best is not None and pairs:
            # Two adjacent sentences are the support only when the sentence clearly joins them: a
            # pair would otherwise lend a sentence the names of its neighbour.
            pair = max(pairs, key=lambda i: float(unit_vecs[i] @ vec))
            if float(unit_vecs[pair] @ vec) > float(unit_vecs[best] @ vec) + PAIR_MARGIN:
                best = pair
        similarity = float(unit_vecs[best] @ vec) if best is not None else 0.0
        support = Support(units[best].n, units[best].start, units[best].end) if best is not None else None

        def verdict(reason: str | None) -> CheckedSentence:
            return CheckedSentence(sentence.text, cited, reason is None, support, reason, similarity, inferred)

        shown = ", ".join(f"[{n}]" for n in cited)
        if self.facts_in == "support" and best is not None:
            missing = missing_facts(claim, [units[best].text])
            where = f"the closest sentence of {shown}"
        else:
            missing, where = missing_facts(claim, [by_n[n].text for n in cited]), shown
        if missing:
            return verdict(f"{', '.join(repr(m) for m in missing)} not found in {where}")
        if best is None or similarity < self.threshold:
            return verdict(f"no sentence of {shown} says this (closest {similarity:.2f} < {self.threshold:.2f})")
        if _negated(claim) != _negated(units[best].text):
            return verdict(f"says the opposite of {shown} (negation differs)")
        return verdict(None)
