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
