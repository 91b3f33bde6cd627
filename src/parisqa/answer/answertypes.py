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
    r"\bhow (many|much|large|big|long|old|far|often|tall|high|wide|deep|heavy|warm|cold|hot|fast)\b"
    r"|\b(what|which) (percentage|proportion|share|number|amount|sum|fraction|figure|temperature|ratio|age|speed|"
    r"distance|height|length|weight|depth)\b"
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


# French question cues. "qui" is a question word only at the head of the question ("Qui a fondé
# ...?", "Par qui ...?", "C'est qui ...?"); elsewhere it is the relative pronoun ("l'école qui forme ...").
_Q_NUMBER_FR = re.compile(
    r"\bcombien\b|\bquel(?:le)?s? (?:est |était |sont |étaient |fut )?(?:le |la |les |l['’])?"
    r"(?:nombre|montant|somme|pourcentage|proportion|part|taux|population|budget|co[uû]t|prix|valeur|"
    r"superficie|surface|taille|hauteur|longueur|altitude|chiffre|total|moyenne|salaire|effectif|capacité)\b"
    r"|\b(?:à|a) quelle (?:hauteur|distance|altitude|vitesse)\b",
    re.IGNORECASE,
)
_Q_DATE_FR = re.compile(
    r"\bquand\b|\b(?:en|dans|à|a|de|depuis) quel(?:le)?s? (?:année|annee|mois|jour|date|siècle|siecle|décennie|"
    r"decennie|époque|epoque)\b|\bquel(?:le)?s? (?:année|annee|date|siècle|siecle|décennie|decennie|époque|epoque)\b"
    r"|\bde quand date\b",
    re.IGNORECASE,
)
_Q_PERSON_FR = re.compile(
    r"^\W*(?:(?:à|a|de|par|pour|avec|chez|contre) )?qui\b|^\W*c['’]est qui\b|\bqui est-ce\b"
    r"|\bquel(?:le)?s? (?:personne|personnes|architecte|fondateur|fondatrice|président|présidente|maire|roi|reine|"
    r"auteur|autrice|chercheur|chercheuse|ministre|directeur|directrice|ingénieur|artiste|peintre|écrivain)s?\b",
    re.IGNORECASE,
)
_Q_PLACE_FR = re.compile(
    r"\boù\b|^\W*(?:d['’])?ou\b|\b(?:dans |en |à |a )?quel(?:le)?s? (?:ville|pays|lieu|endroit|région|region|"
    r"quartier|arrondissement|rue|rive|île|ile|département|departement|continent|site|emplacement)s?\b",
    re.IGNORECASE,
)
_Q_NAME_FR = re.compile(
    r"\bquel(?:le)?s? (?:est |était |sont |étaient |fut )?(?:le |la |les |l['’])?(?:nom|entreprise|société|"
    r"societe|start-?up|école|ecole|université|universite|institut|institution|organisme|organisation|laboratoire|"
    r"projet|conférence|conference|événement|evenement|salon|programme|plan|stratégie|strategie|loi|prix|musée|"
    r"musee|monument|bâtiment|batiment|édifice|edifice|église|eglise|cathédrale|cathedrale|pont|gare|ligne|"
    r"fleuve|rivière|riviere|marque|produit|agence|fonds|compagnie|groupe|journal|festival|style|mouvement)s?\b"
    r"|\bcomment (?:s['’]appelle|se nomme|s['’]appellent|se nomment)\b",
    re.IGNORECASE,
)


def expected_type(question: str, language: str = "en") -> str | None:
    """The kind of fact a question asks for: number, date, person, place, name, or None.

    Args:
        question: the question.
        language: its language; ``"fr"`` reads French cues (combien, quand, qui, où, quel/quelle
            + noun, en quelle année); anything else English ones. "Pourquoi" and "comment" ask for
            an explanation, not a fact, as "why" and "how" do: no kind.
    """
    if language == "fr":
        for kind, pattern in (
            ("number", _Q_NUMBER_FR),
            ("date", _Q_DATE_FR),
            ("person", _Q_PERSON_FR),
            ("place", _Q_PLACE_FR),
            ("name", _Q_NAME_FR),
        ):
            if pattern.search(question):
                return kind
        return None
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


_NUMBER_WORDS_FR = (
    "deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize vingt trente "
    "quarante cinquante soixante cent cents mille million millions milliard milliards douzaine douzaines "
    "dizaine dizaines centaine centaines millier milliers moitié"
).split()
_A_NUMBER_FR = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*|\b(" + "|".join(_NUMBER_WORDS_FR) + r")\b", re.IGNORECASE)
_MONTHS_FR = (
    "janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre decembre"
)
# Encyclopedia text about Paris dates things from Lutetia on: a year of three or four digits after a
# preposition ("en 1163", "vers 508"), a century in Roman numerals ("au XIIe siècle") or a month.
_A_DATE_FR = re.compile(
    r"\b(1[0-9]\d\d|20\d\d)\b|\b(?:en|vers|dès|des|depuis|avant|après|apres|jusqu['’]en|de|à|a|le|l['’]an)\s+\d{3,4}\b"
    r"|\b[IVXL]+(?:e|ème|eme|er)\s+siècle\b|\b(" + "|".join(_MONTHS_FR.split()) + r")\b"
    r"|\b(?:l['’]an dernier|l['’]année dernière|aujourd['’]hui|hier)\b",
    re.IGNORECASE,
)
_PEOPLE_FR = re.compile(
    r"\b(personnes?|fondat(?:eur|rice)s?|cofondat(?:eur|rice)s?|dirigeante?s?|chercheu(?:r|se)s?|scientifiques?|"
    r"ingénieure?s?|entrepreneu(?:r|se)s?|employée?s?|ministres?|présidente?s?|directeur|directrice|directeurs|"
    r"maires?|architectes?|rois?|reines?|empereurs?|auteure?s?|autrices?|artistes?|peintres?|écrivaine?s?|"
    r"professeure?s?|étudiante?s?|élèves?|habitante?s?|investisseu(?:r|se)s?|préfets?)\b",
    re.IGNORECASE,
)
_LOCATED_FR = re.compile(
    r"\b(?:à|au|aux|en|dans|près de|depuis|situé(?:e|s|es)? (?:à|au|dans|en|sur)|basé(?:e|s|es)? (?:à|au|dans|en)|"
    r"sur)\s+(?:(?:le|la|les|l['’])\s*)?(?:(?!(?:son|sa|ses|leur|leurs|ce|cette|ces)\b)[a-zà-ÿ]+\s+){0,2}"
    r"([A-ZÀ-Ý][\w'’-]+)"
)
_PLACE_WORDS_FR = re.compile(
    r"\b(ville|pays|capitale|région|quartier|arrondissement|rue|avenue|boulevard|place|rive|île|campus|site|"
    r"colline|butte|parc|jardin|gare|centre)\b",
    re.IGNORECASE,
)
_CAPITALISED_PAIR_FR = re.compile(r"\b([A-ZÀ-Ý][a-zà-ÿ][\w-]*)\s+((?:(?:de|du|des|d['’]|la|le)\s+)?[A-ZÀ-Ý][\w-]+)\b")
# The French function words that can open a capitalised pair without it being a name ("Le Louvre"
# still names; "La ville" does not pair, since "ville" is lowercase).
_PAIR_OPENERS_FR = frozenset("le la les l un une des du de ce cette ces son sa ses en au aux dans par pour".split())


def _has_new_name_fr(text: str, question: str, single: bool, common: Any) -> bool:
    """:func:`_has_new_name` for French text: accented capitals, "Jean de La Fontaine"-like names."""
    asked = set(words(question))
    if single:
        candidates = [m.group(0) for m in _CAPITALISED.finditer(text)]
        lead = _LEADING_NAME.match(text)
        if lead:
            candidates.append(lead.group(1))
        candidates += [m.group(0) for m in re.finditer(r"(?<![.:!?]\s)(?<!^)\b[À-Ý][\w'’-]*[A-Za-zà-ÿ]", text)]
    else:
        candidates = [
            m.group(0) for m in _CAPITALISED_PAIR_FR.finditer(text) if m.group(1).lower() not in _PAIR_OPENERS_FR
        ]
    for candidate in candidates:
        found = [w for w in words(candidate) if w not in asked and w not in ("de", "du", "des", "d", "la", "le")]
        if found and not (common and all(common(w) for w in found)):
            return True
    return False


def _type_match_fr(kind: str, text: str, question: str, common: Any) -> float:
    if kind == "number":
        if re.search(r"\b(pourcentage|proportion|part|taux)\b", question, re.IGNORECASE):
            return (
                1.0
                if _new_matches(re.compile(r"%|\bpour ?cent\b|\b(moitié|tiers|quart|majorité)\b", re.I), text, question)
                else 0.0
            )
        numbers = [m for m in _new_matches(_A_NUMBER_FR, text, question) if not _YEAR.match(m)]
        return 1.0 if numbers else 0.0
    if kind == "date":
        return 1.0 if _new_matches(_A_DATE_FR, text, question) else 0.0
    if kind == "person":
        found = _new_matches(_PEOPLE_FR, text, question) or _has_new_name_fr(text, question, False, common)
        return 1.0 if found else 0.0
    if kind == "place":
        places = [m.group(1) for m in _LOCATED_FR.finditer(text)]
        new_places = [p for p in places if _has_new_name_fr(" x " + p, question, True, common)]
        return 1.0 if (_new_matches(_PLACE_WORDS_FR, text, question) or new_places) else 0.0
    return 1.0 if _has_new_name_fr(text, question, True, common) else 0.0


def type_match(kind: str | None, text: str, question: str, common: Any = None, language: str = "en") -> float:
    """1.0 when ``text`` holds the kind of fact asked for, 0.0 when it does not, 0.5 when unknown.

    Facts that only repeat the question (a year or name it already contains) do not count.
    ``common(word)`` tells the corpus's topic words, which do not count as an answer's name.
    ``language`` is the language of ``text`` (not of the question: a French question is answered
    from English sentences too); ``"fr"`` reads French numbers, dates, roles and places.
    """
    if kind is None:
        return 0.5
    if language == "fr":
        return _type_match_fr(kind, text, question, common)
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


def question_entities(question: str, language: str = "en") -> list[str]:
    """Content terms of the names in a question (capitalised words other than the first, acronyms).

    ``language`` picks the analyser the terms are made with: the one the passages were analysed with.
    """
    found: list[str] = []
    for match in _ENTITY.finditer(question.strip()):
        for term in terms(match.group(0), language):
            if term not in found:
                found.append(term)
    return found


def entity_coverage(entities: Sequence[str], found: set[str] | frozenset[str]) -> float:
    """Share of the question's names that occur in ``found``; 1.0 when it names nothing."""
    if not entities:
        return 1.0
    return sum(1 for e in entities if e in found) / len(entities)


# --- answer size and the short answer --------------------------------------------------------------

_Q_EXPLAIN = re.compile(
    r"^\W*(?:why|how)\b(?!\s+(?:many|much|large|big|long|old|far|often|tall|high|wide|deep|heavy)\b)"
    r"|\b(?:why|explain|describe|what (?:are|were) the (?:reasons|causes|effects|benefits|advantages|steps))\b",
    re.IGNORECASE,
)
_Q_FACTOID = re.compile(
    r"^\W*(?:(?:in|on|at|from|to|by|for) )?(?:who|whom|whose|when|where|which)\b"
    r"|^\W*(?:(?:in|on|at|from|to|by|for) )?what "
    r"(?!(?:is|are|was|were|does|do|did|can|could|should|would|will|has|have|makes?|made|happens?|happened|role|kind|kinds|type|types|ways?|reasons?|benefits?|challenges?|effects?|impact|"
    r"advantages?|problems?|issues?|steps?|about)\b)\w+"
    r"|^\W*what (?:is|was|are|were) the (?:\w+est|name|capital|currency|population|date|year|number|size|area)\b"
    r"|^\W*what (?:is|was|are|were) [^?]*(?:\b\w{3,}est\b|['’]s\b)"
    r"|^\W*name\b",
    re.IGNORECASE,
)
_SCALE = frozenset(
    "hundred hundreds thousand thousands million millions billion billions trillion trillions dozen dozens "
    "percent per cent %".split()
)
_DAY_MONTH_YEAR = re.compile(
    r"\b(?:\d{1,2}\s+)?(?:" + "|".join(_MONTHS.split()) + r")(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?(?:\s+\d{3,4})?\b"
    r"|\b\d{3,4}s?\b(?:\s*(?:BC|BCE|AD|CE)\b)?",
    re.IGNORECASE,
)
_WORD_SPAN = re.compile(r"[\w'’.%$€£-]*\w[%]?|[$€£]\d[\d.,]*")
_NAME_RUN = re.compile(
    r"\b[A-Z][\w'’.-]*[A-Za-z](?:\s+(?:(?:of|de|du|des|la|le|von|van|der|the|and|&)\s+)?[A-Z][\w'’.-]*)*"
)
_Q_WHICH = re.compile(r"^\W*(?:(?:in|on|at|from|to|by|for|after) )?(?:which|whose|whom)\b", re.IGNORECASE)


def is_explanatory(question: str) -> bool:
    """Whether a question asks why or how (an explanation, not a single fact)."""
    return bool(_Q_EXPLAIN.search(question))


def is_factoid(question: str) -> bool:
    """Whether a question asks for a single fact: a name, number, date, place or short phrase."""
    if is_explanatory(question):
        return False
    return expected_type(question) is not None or bool(_Q_FACTOID.search(question))


def answer_sentences(question: str, default: int = 3) -> int:
    """How many sentences the answer may have: one for a factoid question, ``default`` for the rest.

    (A second sentence joins a factoid answer only when the first lacks the kind of fact asked for;
    see :func:`parisqa.answer.compose.compose`.)
    """
    return 1 if is_factoid(question) else default


def _asked(question: str) -> tuple[set[str], set[str]]:
    return set(words(question)), set(terms(question))


def _is_asked(word: str, asked: tuple[set[str], set[str]]) -> bool:
    plain, stems = asked
    lowered = words(word)
    if not lowered:
        return True
    return all(w in plain or w in STOPWORDS or any(t in stems for t in terms(w)) for w in lowered)


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` without leading/trailing spaces, punctuation and stop words."""
    while True:
        piece = text[start:end]
        stripped = piece.strip(" \t\n,;:.!?\"'“”‘’()[]")
        if not stripped:
            return None
        start += piece.index(stripped)
        end = start + len(stripped)
        first = re.match(r"\w+", stripped)
        last = re.search(r"\w+$", stripped)
        if first and first.group(0).lower() in STOPWORDS and first.end() < len(stripped):
            start += first.end()
            continue
        if last and last.group(0).lower() in STOPWORDS and last.start() > 0:
            end = start + last.start()
            continue
        return start, end


def _typed_span(kind: str, text: str, question: str, common: Any) -> tuple[int, int] | None:
    asked = _asked(question)
    if kind == "number":
        found: list[tuple[int, int, bool]] = []
        for match in _A_NUMBER.finditer(text):
            if match.group(0).lower() in fold_question(question) or _YEAR.match(match.group(0)):
                continue
            start, end = match.start(), match.end()
            # "1.5 billion", "40 %", "five years": the scale words, then one unit word.
            pos, unit_asked = end, False
            for word in re.finditer(r"\s*([\w%]+)", text[end:]):
                if end + word.start() != pos:
                    break
                w = word.group(1).lower()
                if w in _SCALE:
                    pos = end + word.end()
                    continue
                if w.isalpha() and w not in STOPWORDS:
                    pos = end + word.end()
                    unit_asked = _is_asked(w, asked)
                break
            ranged = re.match(r"\s*(?:to|-|–|and)\s*(\d[\d.,]*)", text[end:])
            if ranged and pos == end:
                # "40,000 to 60,000 bees": the range, then its unit.
                pos = end + ranged.end()
                unit = re.match(r"\s+([a-z]+)", text[pos:])
                if unit and unit.group(1) not in STOPWORDS:
                    pos += unit.end()
                    unit_asked = _is_asked(unit.group(1), asked)
            found.append((start, pos, unit_asked))
        # The number whose unit the question names ("how many years") first.
        found.sort(key=lambda f: not f[2])
        return (found[0][0], found[0][1]) if found else None
    if kind == "date":
        for match in _DAY_MONTH_YEAR.finditer(text):
            if match.group(0).strip().lower() not in fold_question(question) and match.group(0).strip():
                return _trim(text, match.start(), match.end())
        return None
    # person, place, name: a run of capitalised words that the question does not already hold.
    best = None
    fallback = None
    for match in _NAME_RUN.finditer(text):
        candidate = match.group(0)
        new = [w for w in words(candidate) if not _is_asked(w, asked) and not (common and common(w))]
        if not new:
            continue
        opens_sentence = match.start() == 0 or re.search(r"[.!?]\s*$", text[: match.start()])
        if opens_sentence and len(words(candidate)) == 1 and candidate.lower() in STOPWORDS:
            continue
        if opens_sentence and len(candidate.split()) == 1 or text[match.end() : match.end() + 1] == ":":
            # A capitalised word that only opens the sentence, or a label ("Capital:"): a last resort.
            fallback = fallback or (match.start(), match.end())
            continue
        if kind == "place":
            before = text[max(0, match.start() - 20) : match.start()].lower()
            if re.search(r"\b(in|at|near|from|of)\s+(the\s+)?$", before):
                return _trim(text, match.start(), match.end())
        if kind == "person" and len(candidate.split()) >= 2:
            return _trim(text, match.start(), match.end())
        if best is None:
            best = (match.start(), match.end())
    best = best or fallback
    return _trim(text, *best) if best else None


def _novel_span(text: str, question: str, max_words: int = 6) -> tuple[int, int] | None:
    """The longest run of words the question does not hold (at most ``max_words``)."""
    asked = _asked(question)
    runs: list[list[re.Match[str]]] = [[]]
    for match in _WORD_SPAN.finditer(text):
        gap = text[runs[-1][-1].end() : match.start()] if runs[-1] else ""
        if _is_asked(match.group(0), asked) and match.group(0).lower() not in {"and", "of", "the", "de"}:
            runs.append([])
            continue
        if runs[-1] and re.search(r"[,;:()\"“”]", gap):
            runs.append([])
        runs[-1].append(match)
    best = None
    best_weight = 0
    for run in runs:
        content = [w for w in run if w.group(0).lower() not in STOPWORDS]
        if len(content) > best_weight:
            best, best_weight = run, len(content)
    if not best:
        return None
    best = best[:max_words]
    return _trim(text, best[0].start(), best[-1].end())


_Q_WHAT = re.compile(r"^\W*(?:(?:in|on|at|from|to|by|for|with) )?(?:what|which)\b", re.IGNORECASE)


def noun_phrase_span(question: str, text: str) -> tuple[int, int] | None:
    """For a "what"/"which" question that is not a request for an explanation: the longest run of
    words of ``text`` the question does not hold (at most four), as its noun-phrase answer."""
    if not _Q_WHAT.search(question) or is_explanatory(question):
        return None
    return _novel_span(text, question, max_words=4)


def short_span(question: str, text: str, common: Any = None) -> tuple[int, int] | None:
    """The span of ``text`` (offsets into it) holding just the fact a factoid question asks for.

    ``None`` when the question asks why or how, or for nothing short, or when nothing in ``text``
    beyond the question's own words can be the answer. Typed questions (how many, when, who, where,
    which company) take the first fitting number, date or name the question does not already hold;
    other factoid questions ("what did ... discover?") the longest run of words not in the question.
    """
    if not is_factoid(question):
        return None
    kind = expected_type(question)
    if kind is None and _Q_WHICH.search(question):
        # "Which king ...", "After whom ...": the answer is most often a name.
        kind = "name"
    span = _typed_span(kind, text, question, common) if kind else None
    if span is None:
        span = _novel_span(text, question)
    if span is None or span[1] <= span[0]:
        return None
    return span
