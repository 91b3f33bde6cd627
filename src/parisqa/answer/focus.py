"""Question focus: what is asked for (the attribute) and what it is asked about (the qualifiers).

"What time do you open on Saturdays?" asks for a *time*, about *Saturday* (and opening). An answer unit
must carry the qualifiers, as words (stems; "Saturdays" = "Saturday"; a day inside a range "Tuesday to
Saturday" counts) or inside the table it belongs to (a row is read with its column headers), and it
must hold a value of the asked-for attribute. So the line that names Saturday beats the line about
Sunday however close the two are in meaning, and a unit without the value is not an answer to a
question that asks for one.

Plain rules over the question's wording, English and French; no model. (spaCy's small pipelines were
measured for the attribute and the qualifiers and did not earn their place: see eval/answer_eval.py
and the closing figures in eval/collections/README.md.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..corpus.terms import terms

# --- the attribute asked for -----------------------------------------------------------------------

_ATTRIBUTES_EN: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("email", r"\be-?mail\b"),
        ("option", r"\b(?:which|what) (?:[\w-]+ )?(?:flag|switch|option|command-line option)s?\b"),
        ("phone", r"\b(?:phone|telephone|mobile) number\b|\bphone\b|\bnumber (?:to|should I) call\b"),
        ("percent", r"\b(?:percentage|per ?cent|discount)\b"),
        ("duration", r"\bhow long\b(?! (?:is|are) the)|\bhow much time\b|\bhow many (?:minutes|hours|days|weeks)\b"),
        ("age", r"\bhow old\b|\b(?:minimum|maximum) age\b|\bwhat age\b"),
        (
            "distance",
            r"\bhow far\b|\bhow (?:long|many (?:km|kilomet(?:re|er)s|miles)) is the (?:ride|route|walk|trail)\b",
        ),
        (
            "money",
            r"\bhow much\b(?! (?:time|of)\b)|\b(?:cost|costs|price|prices|priced|fee|fees|charge|charges|rate|rates|"
            r"deposit|fine|salary|wage|turnover|revenue)\b",
        ),
        (
            "time",
            r"\bwhat time\b|\bopening (?:hours|times)\b|\bhours\b"
            r"|\bwhen (?:do|does|is|are|will)\b[^?]*\b(?:open|opens|close|closes|closed|leave|leaves|start|starts|"
            r"begin|begins|finish|finishes|end|ends)\b"
            r"|\b(?:are|is) (?:you|it|the \w+) open\b",
        ),
        ("count", r"\bhow many\b|\bnumber of\b"),
        ("date", r"\bwhen\b|\b(?:what|which|in which|in what) (?:year|month|day|date|decade|century)\b"),
        ("person", r"\bwho\b|\bwhose\b|\bwhom\b|\bname of (?:the|your|our)\b"),
        ("place", r"\bwhere\b|\baddress\b|\b(?:what|which) (?:city|town|street|country|place|location)\b"),
    )
)
_ATTRIBUTES_FR: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("email", r"\b(?:e-?mail|courriel|adresse (?:e-?mail|électronique))\b"),
        ("phone", r"\btéléphone\b|\bnuméro\b"),
        ("percent", r"\b(?:pourcentage|remise|réduction|rabais)\b"),
        ("duration", r"\bcombien de temps\b|\bdurée\b"),
        ("age", r"\bquel âge\b|\bâge\b"),
        ("distance", r"\bquelle distance\b|\bcombien de (?:km|kilomètres)\b"),
        (
            "money",
            r"\bcombien (?:co[uû]te|co[uû]tent|vaut|valent|faut-il payer)\b|\b(?:prix|tarifs?|co[uû]t|caution|salaire|"
            r"chiffre d['’]affaires)\b",
        ),
        ("time", r"\b(?:à|a) quelle heure\b|\bhoraires?\b|\bheures? d['’]ouverture\b|\best-(?:il|elle|ce) ouvert"),
        ("count", r"\bcombien\b"),
        ("date", r"\bquand\b|\bquelle (?:année|date)\b|\ben quelle année\b"),
        ("person", r"^\W*(?:(?:à|a|de|par|pour|avec) )?qui\b|\bqui (?:est|sont|dirige|mène|gère)\b"),
        ("place", r"\boù\b|\badresse\b"),
    )
)


def attribute(question: str, language: str = "en") -> str | None:
    """The kind of value asked for: ``money``, ``time``, ``date``, ``duration``, ``count``, ``age``,
    ``distance``, ``percent``, ``person``, ``place``, ``phone``, ``email``, ``option`` (a command-line
    flag); None for anything else (a
    reason, a procedure, a yes/no question, a thing named by a noun phrase)."""
    for name, pattern in _ATTRIBUTES_FR if language == "fr" else _ATTRIBUTES_EN:
        if pattern.search(question):
            return name
    return None


# --- values of each attribute, as they are written ----------------------------------------------

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundred|thousand|million|billion|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|vingt|trente|cent|mille"
)
_NUM = rf"(?:\d[\d,.\u00a0\u202f ]*\d|\d|(?:{_NUMBER_WORDS}))"
_UNIT_TIME = (
    r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|(?:working |business )?days?|weeks?|months?|years?|"
    r"jours?|semaines?|mois|ans|années|heures?)"
)
VALUE_PATTERNS: dict[str, re.Pattern[str]] = {
    "money": re.compile(
        r"[£$€¥]\s?\d[\d,.]*(?:\s?(?:million|billion|bn|m|k)\b)?"
        r"|\b\d[\d,.\u00a0\u202f]*\s?(?:[£$€¥]|(?:euros?|pounds?|dollars?|EUR|GBP|USD|CHF|pence|p)\b)",
        re.IGNORECASE,
    ),
    "time": re.compile(
        r"\b\d{1,2}[:.]\d{2}(?:\s?(?:am|pm|a\.m\.|p\.m\.))?(?:\s?(?:to|-|–|—|until|till|à)\s?\d{1,2}[:.]\d{2})?"
        r"|\b\d{1,2}\s?(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}\s?h(?:\s?\d{2})?\b(?:\s?(?:à|-|–)\s?\d{1,2}\s?h(?:\s?\d{2})?\b)?"
        r"|\b(?:closed|fermée?s?|noon|midnight|midi|minuit)\b",
        re.IGNORECASE,
    ),
    "duration": re.compile(rf"\b{_NUM}\s?{_UNIT_TIME}\b|\bsame day\b|\bovernight\b|\ble jour même\b", re.IGNORECASE),
    "age": re.compile(
        r"\b\d{1,3}\s?(?:years? old|years?|yrs?|ans)\b|\baged? \d{1,3}(?:\s?(?:to|-|–)\s?\d{1,3})?\b|\b\d{1,3}\s?\+"
        r"|\b(?:at least|over|under|minimum|au moins|plus de|moins de)\s\d{1,3}\b",
        re.IGNORECASE,
    ),
    "distance": re.compile(r"\b\d[\d,.]*\s?(?:km|kilomet(?:re|er)s?|miles?|mi|metres?|meters?|m)\b", re.IGNORECASE),
    "percent": re.compile(
        r"\b\d[\d,.]*\s?(?:%|per ?cent|pour ?cent)|\b(?:half|a third|a quarter|moitié)\b", re.IGNORECASE
    ),
    "count": re.compile(rf"\b{_NUM}\b", re.IGNORECASE),
    "phone": re.compile(r"(?<![\w/])\+?\(?\d[\d ()\u00a0.-]{6,}\d\b"),
    "email": re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"),
    "option": re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*(?:=\S+)?"),
    "date": re.compile(
        r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:January|February|March|April|May|June|July|August|September|October|"
        r"November|December|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)"
        r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?(?:\s+\d{4})?(?:\s+(?:to|-|–|au)\s+\d{1,2}\s+\w+)?\b|\b(?:1[5-9]|20)\d\d\b",
        re.IGNORECASE,
    ),
    "place": re.compile(
        r"\b\d{1,4},?\s+(?:[A-Z][\w'’-]*\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Place|Square|Way|Quay|Row|"
        r"Terrace|Drive|Court|Close|Hill)\b(?:,\s*[A-Z][\w'’-]*(?:\s+[A-Z0-9]{2,4}\s?\d[A-Z]{2})?)?"
        r"|\b\d{1,4},?\s+(?:rue|avenue|boulevard|place|quai|chemin|allée)\s+[\w'’ -]{2,40}",
    ),
}


_YEAR = re.compile(r"(?:1[5-9]|20)\d\d")


def values(kind: str | None, text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that are values of ``kind`` (empty for a kind without a pattern)."""
    pattern = VALUE_PATTERNS.get(kind or "")
    if pattern is None:
        return []
    found = [(m.start(), m.end()) for m in pattern.finditer(text) if m.group(0).strip()]
    if kind == "count":  # a year is a date, not a count ("2026 Partner of the Year")
        found = [(a, b) for a, b in found if not _YEAR.fullmatch(text[a:b].strip())]
    return found


# --- qualifiers --------------------------------------------------------------------------------

# Words that say which attribute is asked, or how, not what it is about.
_ASKING_EN = frozenset(
    """
    much many cost costs price prices priced fee fees charge charges rate rates pay paid time times long old far
    number name called call address phone telephone email e-mail mail percentage percent discount get
    when date per
    need know tell find give take make go use want get please exactly approximately roughly
    """.split()
)
_ASKING_FR = frozenset(
    """
    combien coûte coute coûtent coutent prix tarif tarifs coût cout heure heures horaire horaires quelle quel
    quelles quels nom numéro numero téléphone telephone adresse ouvre ouvert ouverte ferme fermé fermée
    faut payer savoir trouver jour jours date année
    """.split()
)

_DAYS = {
    "monday": 0, "mon": 0, "mondays": 0, "lundi": 0, "lundis": 0,
    "tuesday": 1, "tue": 1, "tues": 1, "tuesdays": 1, "mardi": 1, "mardis": 1,
    "wednesday": 2, "wed": 2, "wednesdays": 2, "mercredi": 2, "mercredis": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "thursdays": 3, "jeudi": 3, "jeudis": 3,
    "friday": 4, "fri": 4, "fridays": 4, "vendredi": 4, "vendredis": 4,
    "saturday": 5, "sat": 5, "saturdays": 5, "samedi": 5, "samedis": 5,
    "sunday": 6, "sun": 6, "sundays": 6, "dimanche": 6, "dimanches": 6,
}  # fmt: skip
_DAY_WORD = re.compile(r"\b(" + "|".join(sorted(_DAYS, key=len, reverse=True)) + r")\b\.?", re.IGNORECASE)
_DAY_RANGE = re.compile(
    r"\b(?:from |du |de )?("
    + "|".join(_DAYS)
    + r")s?\.?\s*(?:to|through|thru|until|till|-|–|—|au|à|a)\s*(?:le )?("
    + "|".join(_DAYS)
    + r")s?\b",
    re.IGNORECASE,
)
_WEEKEND = re.compile(r"\b(?:weekends?|week-ends?)\b", re.IGNORECASE)
_WEEKDAYS = re.compile(r"\b(?:weekdays?|en semaine)\b", re.IGNORECASE)


# Words a table header writes otherwise ("a whole day" is the "Full day" column).
_SAME = {"whole": "full", "entire": "full", "complete": "full", "entière": "complète", "entiere": "complète"}


def days_in(text: str) -> set[int]:
    """The days of the week a text names (0 = Monday), ranges ("Tuesday to Saturday") expanded."""
    found: set[int] = set()
    for m in _DAY_RANGE.finditer(text):
        a, b = _DAYS[m.group(1).lower()], _DAYS[m.group(2).lower()]
        found.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    found.update(_DAYS[m.group(1).lower()] for m in _DAY_WORD.finditer(text))
    if _WEEKEND.search(text):
        found.update((5, 6))
    if _WEEKDAYS.search(text):
        found.update(range(5))
    return found


@dataclass(frozen=True)
class Focus:
    """What a question asks.

    Attributes:
        attribute: the kind of value asked for (see :func:`attribute`), or None.
        qualifiers: the content terms (analysed as the passages are) of what it is asked about.
        days: the days of the week it names.
    """

    attribute: str | None
    qualifiers: tuple[str, ...]
    days: frozenset[int]


def question_focus(question: str, language: str = "en", analysis: str | None = None) -> Focus:
    """The focus of ``question`` (in ``language``), its qualifiers analysed in ``analysis`` (the
    passages' language; default the question's)."""
    asking = _ASKING_FR if language == "fr" else _ASKING_EN
    days = days_in(question)
    kept = [
        _SAME.get(w.lower(), w)
        for w in re.findall(r"[\w'’-]+", question)
        if w.lower() not in asking and w.lower() not in _DAYS
    ]
    qualifiers = tuple(dict.fromkeys(terms(" ".join(kept), analysis or language)))
    return Focus(attribute(question, language), qualifiers, frozenset(days))


def coverage(focus: Focus, found: Iterable[str], idf: Callable[[str], float]) -> float:
    """IDF-weighted share of the focus's qualifiers among the ``found`` terms (1.0 when there are none)."""
    found = set(found)
    weights = {t: max(0.0, idf(t)) for t in focus.qualifiers}
    total = sum(weights.values())
    if total <= 0:
        return 1.0
    return sum(w for t, w in weights.items() if t in found) / total


def day_match(focus: Focus, text: str) -> float:
    """1.0 when ``text`` names a day the question asks about, -1.0 when it names only other days, else 0."""
    if not focus.days:
        return 0.0
    named = days_in(text)
    if not named:
        return 0.0
    return 1.0 if named & focus.days else -1.0
