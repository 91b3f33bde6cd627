"""Resolve follow-up questions against the conversation, without a language model.

A follow-up leans on the previous turn: "and what about its tax incentives?" only makes sense after
"What is the role of the French government in AI development?". Retrieval sees one string, so such a
question is searched together with the content words of the turn it leans on. The question the user
typed is kept for answering and display; only the search text changes.

The rules are general, not tuned to particular questions:

- a question leans on the previous turn when it opens with a continuation ("and", "also", "what
  about", "how about", ...); when a pronoun or demonstrative ("its", "they", "this", ...) comes
  before any content word, so its referent cannot be in the question ("what are its challenges?",
  but not "how do startups fund their research?"); or when it is too short to stand alone: at most
  ``SHORT_CONTENT_WORDS`` content words and no name in it ("tax incentives?", "why?", but not "what
  is INRIA?");
- the expansion adds the content words of the previous turn's search text (which, for a follow-up,
  already carries the topic of the turn before it), then the names in the previous answer (when it
  was an answer, not an abstention): a pronoun usually points at a named thing ("Mistral AI ... [1]"
  then "what does it focus on?"). Words the question already has are skipped; at most
  ``MAX_ADDED_WORDS`` words are added, ``MAX_ANSWER_NAMES`` of them from the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Small English stop list: function words and question words carry no topic.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each else ever few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just let me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves tell explain describe
    please much many way ways thing things kind sort about regarding say said one ones get got make
    made does really well anything something
    """.split()
)
# Words that refer back to something named earlier. "that" and "there" are left out: they are far
# more often a relative pronoun ("the challenges that Paris faces") or existential ("are there ...").
ANAPHORS = frozenset(
    "it its it's itself they them their theirs themselves this these those he him his she her hers former "
    "latter".split()
)
# Openings that continue the previous turn.
CONTINUATIONS = (
    "and",
    "also",
    "but",
    "so",
    "then",
    "what about",
    "how about",
    "what else",
    "anything else",
    "any other",
    "what of",
    "same for",
    "and what",
    "and how",
    "and why",
    "more on",
    "more about",
    "tell me more",
    "why so",
    "how so",
    "such as",
    "for example",
    "like what",
)
# French: the same rules with French words. Articles "le/la/les" are left out of the anaphors (they are
# far more often articles); "y" and "en" count only before a verb ("en a-t-elle", "y travaillent"), not
# in "il y a", "en quelle année" or "en France".
STOPWORDS_FR = frozenset(
    """
    a ai as au aux avec avez avons ce ceci cela ces cet cette comme comment d dans de des du elle elles
    en est et été être eu il ils j je l la le les leur leurs lui m ma mais me mes moi mon n ne ni non nos
    notre nous on ont ou où par pas plus pour pourquoi qu quand que quel quelle quelles quels qui quoi
    s sa se ses si son sont sur t ta te tes toi ton tu un une vos votre vous y était étaient fut quant
    dis dites donne donnez explique expliquez parle parlez peux pouvez sais savez chose choses aussi
    alors encore autre autres combien beaucoup peu très quelque quelques est-ce qu'est-ce c'est
    """.split()
)
ANAPHORS_FR = frozenset(
    "il elle ils elles son sa ses leur leurs lui eux celui celle ceux celles celle-ci celui-ci".split()
)
_VERB_AFTER_CLITIC_FR = re.compile(
    r"\b(?:en|y)\s+(?:a-t|ont|avait|avaient|aura|est|sont|était|étaient|existe|existent|compte|comptent|reste|"
    r"restent|fait|font|faut|parle|parlent|trouve|trouvent|travaille|travaillent|vit|vivent|habite|habitent|va|"
    r"vont|vient|viennent|produit|produisent|accueille|accueillent|attire|attirent)\b",
    re.IGNORECASE,
)
# "il y a", "y a-t-il", "il faut", "faut-il": "il" names nothing.
_IMPERSONAL_FR = re.compile(
    r"\bil\s+y\s+a\b|\by\s+a-t-il\b|\bil\s+faut\b|\bfaut-il\b|\bil\s+existe\b|\bexiste-t-il\b", re.I
)
_EXISTENTIAL_FR = re.compile(r"\by\s+(?:a|a-t|avait|aura|avait-il|aura-t)\b", re.IGNORECASE)
CONTINUATIONS_FR = (
    "et",
    "et pour",
    "et en",
    "et qu'en est-il",
    "qu'en est-il",
    "et quant",
    "quant à",
    "quant au",
    "quant aux",
    "quid de",
    "aussi",
    "mais",
    "alors",
    "et sinon",
    "et concernant",
    "concernant",
    "à propos",
    "et à propos",
    "pareil pour",
    "même chose pour",
    "dis-m'en plus",
    "dites-m'en plus",
    "plus de détails",
    "par exemple",
    "comme quoi",
    "pourquoi ça",
    "comment ça",
)
_ELIDED_FR = re.compile(r"^(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)'")
SHORT_CONTENT_WORDS = 2
MAX_ADDED_WORDS = 12
MAX_ANSWER_NAMES = 4

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
_MARKER = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class PreviousTurn:
    """What a follow-up can lean on: the last turn of the conversation.

    Attributes:
        question: what the user asked.
        query: what was searched for it (the question itself, or its expansion).
        answer: the answer text (with its [n] markers), empty when there was none.
        abstained: whether the answer said the corpus does not hold it.
    """

    question: str
    query: str | None = None
    answer: str = ""
    abstained: bool = False


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, apostrophes kept inside words ("paris'" -> "paris")."""
    return [w.replace("\u2019", "'").lower() for w in _WORD.findall(text)]


def _stem(word: str) -> str:
    word = word.removesuffix("'s").rstrip("'")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _language(text: str) -> str:
    from parisqa.corpus.language import detect_language

    return "fr" if detect_language(text) == "fr" else "en"


def content_words(text: str, language: str = "en") -> list[str]:
    """Topic-bearing words of ``text`` in order, without stop words, numbers-only or 1-letter words.

    ``language="fr"`` drops French stop words and elided articles ("l'école" gives "école").
    """
    if language == "fr":
        out = []
        for w in words(_MARKER.sub(" ", text)):
            bare = _ELIDED_FR.sub("", w)
            if len(bare) < 2 or bare in STOPWORDS_FR or w in STOPWORDS_FR or bare.isdigit():
                continue
            out.append(bare)
        return out
    out = []
    for w in words(_MARKER.sub(" ", text)):
        bare = w.removesuffix("'s").rstrip("'")
        if len(bare) < 2 or bare in STOPWORDS or w in STOPWORDS or bare.isdigit():
            continue
        out.append(bare)
    return out


def names(text: str) -> list[str]:
    """Words of ``text`` that look like names, lower-cased, in order.

    A name is an acronym ("AI", "INRIA"), a word with a digit, or a capitalised word that does not
    open a sentence ("... like Mistral AI"); stop words and pronouns never count.
    """
    found = []
    text = _MARKER.sub(lambda m: " " * len(m.group()), text)  # same length: positions stay valid
    for match in _WORD.finditer(text):
        w = match.group()
        bare = w.removesuffix("'s").removesuffix("\u2019s").rstrip("'\u2019")
        lower = bare.lower()
        if len(bare) < 2 or lower in STOPWORDS or lower in ANAPHORS or bare.isdigit():
            continue
        before = text[: match.start()].rstrip()
        opens_sentence = not before or before[-1] in '.!?:;\n"(' or before.endswith("- ")
        if any(ch.isdigit() for ch in bare) or bare.isupper() or (bare[:1].isupper() and not opens_sentence):
            found.append(lower)
    return found


def _has_name(question: str) -> bool:
    return bool(names(question))


def _leans_on_context_fr(question: str) -> bool:
    question = _IMPERSONAL_FR.sub(" ", question)
    tokens = words(question)
    lowered = " ".join(tokens)
    if any(lowered == c or lowered.startswith(c + " ") or lowered.startswith(c + "'") for c in CONTINUATIONS_FR):
        return True
    if _VERB_AFTER_CLITIC_FR.search(question) and not _EXISTENTIAL_FR.search(question):
        return True
    for w in tokens:
        if w in ANAPHORS_FR:
            return True
        if content_words(w, "fr"):
            break
    return len(content_words(question, "fr")) <= SHORT_CONTENT_WORDS and not _has_name(question)


def leans_on_context(question: str, language: str = "en") -> bool:
    """Whether ``question`` needs the previous turn to be understood (see the module docstring).

    ``language="fr"`` reads French cues: "et ...", "et pour ...", "qu'en est-il ...", a pronoun
    (il, elle, ils, elles, son, sa, ses, leur) before any content word, or "en"/"y" before a verb.
    """
    if language == "fr":
        return _leans_on_context_fr(question)
    tokens = words(question)
    lowered = " ".join(tokens)
    if any(lowered == c or lowered.startswith(c + " ") for c in CONTINUATIONS):
        return True
    for w in tokens:
        if w in ANAPHORS:
            return True
        if content_words(w):
            break
    return len(content_words(question)) <= SHORT_CONTENT_WORDS and not _has_name(question)


def rewrite_query(question: str, previous: PreviousTurn | None, language: str | None = None) -> str | None:
    """The text to search with for ``question``, given the turn before it.

    Args:
        question: what the user asked now.
        previous: the last turn of the conversation, or ``None`` at its start.
        language: the question's language (``"fr"`` or ``"en"``); detected from its words when not
            given. The previous turn's words are read in their own language.

    Returns:
        The question followed by the context words it leans on, or ``None`` when the question stands
        on its own (search with the question as it is).

    Example:
        >>> prev = PreviousTurn("What is the role of the French government in AI development?")
        >>> rewrite_query("and what about its tax incentives?", prev)
        'and what about its tax incentives? role french government ai development'
    """
    if previous is None or not question.strip():
        return None
    language = language or _language(question)
    if not leans_on_context(question, language):
        return None
    have = {_stem(w) for w in content_words(question, language)}
    added: list[str] = []

    def take(candidates: Sequence[str]) -> None:
        for w in candidates:
            if len(added) >= MAX_ADDED_WORDS:
                return
            key = _stem(w)
            if key not in have:
                have.add(key)
                added.append(w)

    before = previous.query or previous.question
    take(content_words(before, _language(before)))
    if previous.answer and not previous.abstained:
        take(names(previous.answer)[:MAX_ANSWER_NAMES])
    if not added:
        return None
    return f"{question.strip()} {' '.join(added)}"


def previous_turn(history: Sequence[dict]) -> PreviousTurn | None:
    """The last answered turn of a chat history kept as ``ask --json`` objects (errors skipped)."""
    for turn in reversed(history):
        answer = turn.get("answer")
        if isinstance(answer, dict):
            return PreviousTurn(
                question=str(answer.get("question", "")),
                query=answer.get("query"),
                answer=str(answer.get("answer", "")),
                abstained=bool(answer.get("abstained")),
            )
    return None
