"""What kind of fact a question asks for, and whether a sentence holds one.

Plain heuristics over the question's wording (how many, when, who, where, which company ...) and the
sentence's surface (numbers, dates, capitalised names, role nouns). They are deliberately
conservative: a sentence that repeats only what the question already says does not count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..corpus.terms import STOPWORDS, terms, words

_Q_NUMBER = re.compile(
    r"\bhow (many|much|large|big|long|old|far|often|tall|high)\b"
    r"|\b(what|which) (percentage|proportion|share|number|amount|sum|fraction|figure)\b"
    r"|\bwhat (is|was|are|were) the (average|total|median|number|amount|size|population|budget|cost|price|"
    r"value|salary|rate|gdp|revenue|valuation)\b",
    re.IGNORECASE,
)
_Q_DATE = re.compile(
    r"\bwhen\b|\b(what|which|in which|in what) (year|month|day|date|decade|century|season)\b|\bsince when\b",
    re.IGNORECASE,
)
_Q_PERSON = re.compile(r"\bwho\b|\bwhose\b|\bwhom\b", re.IGNORECASE)
# "Which company ...", "What is the name of ...": the answer is a name (a proper noun not in the question).
_Q_NAME = re.compile(
    r"\b(which|what) (?:(?!(?:is|are|was|were|does|do|did|has|have|can|could|will|would|should)\b)\w+ )?"
    r"(company|companies|firm|firms|startup|startups|business|school|schools|"
    r"university|universities|institution|institutions|institute|institutes|organi[sz]ation|organi[sz]ations|"
    r"project|projects|conference|conferences|event|events|meeting|summit|programme|program|partnership|"
    r"partnerships|award|awards|law|laws|strategy|plan|product|products|brand|lab|laboratory|agency|"
    r"city|cities|country|countries|place|venue)\b|\bwhat is the name of\b|\bname (the|a|an|one)\b",
    re.IGNORECASE,
)
_Q_PLACE = re.compile(
    r"\bwhere\b|\b(what|which|in which|in what) (city|country|place|venue|location|region|town)\b", re.IGNORECASE
)
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty "
    "hundred hundreds thousand thousands million millions billion billions trillion dozen dozens half"
).split()
_A_NUMBER = re.compile(r"\d+(?:[.,]\d+)*|\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_MONTHS = "january february march april may june july august september october november december"
_A_DATE = re.compile(
    r"\b(1[5-9]\d\d|20\d\d)s?\b|\b(" + "|".join(_MONTHS.split()) + r")\b"
    r"|\b(last|next|this) (year|month|week|decade|century)\b|\b(yesterday|today|ago)\b",
    re.IGNORECASE,
)
_PEOPLE = re.compile(
    r"\b(people|persons?|founders?|co-?founders?|leaders?|researchers?|scientists?|policymakers?|"
    r"professionals?|experts?|students?|engineers?|entrepreneurs?|employees?|staff|ceos?|executives?|"
    r"ministers?|presidents?|directors?|teachers?|professors?|officials?|investors?|enthusiasts?|"
    r"developers?|citizens?|authors?)\b",
    re.IGNORECASE,
)
# Two capitalised words in a row: a person ("Ada Lovelace") or an organisation ("Mistral AI").
_CAPITALISED_PAIR = re.compile(r"\b([A-Z][a-z][\w-]*)\s+([A-Z][\w-]+)\b(?!['’])")
# A capitalised word that does not open the text or follow sentence punctuation, or an acronym.
_CAPITALISED = re.compile(r"(?<![.:!?]\s)(?<!^)\b(?:[A-Z][\w'’-]*[A-Za-z]|[A-Z]{2,})(?:\s+(?:[A-Z][\w'’-]*|\d+)\b)*")
# "Dataiku: Offers ..." - a list item that opens with the name it describes.
_LEADING_NAME = re.compile(r"^([A-Z][\w'’-]*(?:\s+[A-Z\d][\w'’-]*){0,3}):\s")
# "in Paris", "at the Palais des Congrès", "based in Lyon": a capitalised place after a preposition.
_LOCATED = re.compile(
    r"\b(?:in|at|near|from|based in|located in|headquartered in)\s+(?:the\s+)?"
    r"(?:(?!(?:their|his|her|its|our|my|your|this|that|these|those)\b)[a-z]+\s+){0,2}([A-Z][\w'’-]+)"
)
_PLACE_WORDS = re.compile(r"\b(city|country|capital|region|venue|hall|centre|center|campus|street)\b", re.IGNORECASE)


def expected_type(question: str) -> str | None:
    """The kind of fact a question asks for: number, date, person, place, or None."""
    if _Q_NUMBER.search(question):
        return "number"
    if _Q_DATE.search(question):
        return "date"
    if _Q_PERSON.search(question):
        return "person"
    if _Q_PLACE.search(question):
        return "place"
    if _Q_NAME.search(question):
        return "name"
    return None


def _has_new_name(text: str, question: str, single: bool = False, common: Any = None) -> bool:
    """Whether ``text`` names something the question does not.

    A name is a capitalised word that does not merely open a sentence (or one that opens a
    ``Name: description`` list item), or an acronym; ``single=False`` asks for two capitalised words in
    a row, as in a person's name. Words for which ``common(word)`` is true (the corpus's topic words)
    do not count.
    """
    asked = set(words(question))
    pattern = _CAPITALISED if single else _CAPITALISED_PAIR
    # A pair may open a sentence ("Ada Lovelace wrote ..."), but not when it starts with a function
    # word ("The French government").
    candidates = [m.group(0) for m in pattern.finditer(text) if single or m.group(1).lower() not in STOPWORDS]
    if single:
        lead = _LEADING_NAME.match(text)
        if lead:
            candidates.append(lead.group(1))
    for candidate in candidates:
        found = [w for w in words(candidate) if w not in asked]
        if found and not (common and all(common(w) for w in found)):
            return True
    return False


def _new_matches(pattern: re.Pattern[str], text: str, question: str) -> list[str]:
    """Matches of ``pattern`` in ``text`` that are not just repeating the question."""
    asked = fold_question(question)
    return [m.group(0) for m in pattern.finditer(text) if m.group(0).lower().strip() not in asked]


def fold_question(question: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[\w%€$£]+", question)}


_YEAR = re.compile(r"^(1[5-9]|20)\d\ds?$")
_Q_PERCENT = re.compile(r"\b(percentage|percent|proportion|share|fraction)\b", re.IGNORECASE)
_A_PERCENT = re.compile(r"%|\bper ?cent\b|\b(half|third|quarter|majority)\b", re.IGNORECASE)


def type_match(kind: str | None, text: str, question: str, common: Any = None) -> float:
    """1.0 when ``text`` holds the kind of fact asked for, 0.0 when it does not, 0.5 when unknown.

    Facts that only repeat the question (a year or name it already contains) do not count.
    ``common(word)`` tells the corpus's topic words, which do not count as an answer's name.
    """
    if kind is None:
        return 0.5
    if kind == "number":
        if _Q_PERCENT.search(question):
            return 1.0 if _new_matches(_A_PERCENT, text, question) else 0.0
        numbers = [m for m in _new_matches(_A_NUMBER, text, question) if not _YEAR.match(m)]
        return 1.0 if numbers else 0.0
    if kind == "date":
        return 1.0 if _new_matches(_A_DATE, text, question) else 0.0
    if kind == "person":
        # A person's name is two capitalised words ("Ada Lovelace"); a role noun will also do.
        return 1.0 if (_new_matches(_PEOPLE, text, question) or _has_new_name(text, question, False, common)) else 0.0
    if kind == "place":
        places = [m.group(1) for m in _LOCATED.finditer(text)]
        new_places = [p for p in places if _has_new_name(" " + p, question, True, common)]
        return 1.0 if (_new_matches(_PLACE_WORDS, text, question) or new_places) else 0.0
    return 1.0 if _has_new_name(text, question, single=True, common=common) else 0.0


_ENTITY = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w'’.-]*|\b[A-Z]{2,}\b")


def question_entities(question: str) -> list[str]:
    """Content terms of the names in a question (capitalised words other than the first, acronyms)."""
    found: list[str] = []
    for match in _ENTITY.finditer(question.strip()):
        for term in terms(match.group(0)):
            if term not in found:
                found.append(term)
    return found


def entity_coverage(entities: Sequence[str], found: set[str] | frozenset[str]) -> float:
    """Share of the question's names that occur in ``found``; 1.0 when it names nothing."""
    if not entities:
        return 1.0
    return sum(1 for e in entities if e in found) / len(entities)
