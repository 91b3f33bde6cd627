"""Resolve follow-up questions against the conversation, without a language model.

A follow-up leans on the previous turn: "and what about its tax incentives?" only makes sense after
"What is the role of the French government in AI development?". Retrieval sees one string, so such a
question is searched together with the topic words of the question it leans on. The question the user
typed is kept for answering and display; only the search text changes, and the caller can show it and
search the question as a new one instead (:class:`FollowUp` carries both).

A rewrite that is not needed does harm: a standalone question ("How do I make mead from honey?")
searched with the previous topic's words is answered about that topic. So the decision is strict, and
the rules are general, not tuned to particular questions. A question depends on the previous turn when:

- it opens with a continuation that asks for more of the same ("what about winter?", "how about the
  universities?", "what else?", "tell me more"), or with a conjunction ("and", "also", "but") before
  a rest that is itself dependent or elliptical ("and the price?", "and in winter?");
- a pronoun or demonstrative stands for something not named in the question: before any content
  word ("how much does it cost?", "what are its challenges?", but not "how do startups fund their
  research?"), as the subject after an auxiliary ("how many eggs does she lay?"), or as the object
  or place that closes a short question ("who founded it?", "could humans live there?"); an "it"
  that names nothing, the dummy subject of a cost, duration or judgement followed by what it is
  about ("how much does it cost to deliver a cake?", "is it safe to eat raw honey?"), does not count;
- it is elliptical: no content word at all ("why?", "how so?"), a fragment with no question word or
  verb and no name ("tax incentives?", "in winter?"), or one definite noun with nothing to tell which
  ("what is the price?"; but "what is propolis?" and "what is INRIA?" stand alone).

The rewrite adds the content words of the previous *question* (never of its answer, which may be
unrelated or wrong), and when that question was itself a follow-up, the words it borrowed: its
resolved subject. Words of older turns never come back once a standalone question intervenes, so
nothing accumulates. At most ``MAX_ADDED_WORDS`` words are added; words the question has are skipped.

French questions (detected from their words, or given) are read with French cues: a continuation
("et ...", "et pour ...", "qu'en est-il ...", "quant à ..."), a pronoun (il, elle, ils, elles, son, sa,
ses, leur) before any content word, "en"/"y" before a verb ("combien en a-t-il investi ?", but not
"il y a" or "en quelle année"), or a short question with no name. The same previous-question-only
rewrite applies; the previous question's words are read in its own language.
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
# Openings that ask for more of the previous turn's topic, whatever follows.
CONTINUATIONS = (
    "what about",
    "how about",
    "what else",
    "anything else",
    "any other",
    "what of",
    "same for",
    "more on",
    "more about",
    "tell me more",
    "why so",
    "how so",
    "why not",
    "such as",
    "for example",
    "like what",
    "in what way",
)
# Conjunctions that open a follow-up only when what follows them does not stand alone.
CONJUNCTIONS = ("and", "also", "but", "so", "then", "or", "plus")
# Words that open a full question: a question word or an auxiliary verb.
QUESTION_OPENERS = frozenset(
    "what which who whom whose when where why how is are was were do does did can could will would should "
    "shall may might must has have had am".split()
)
# Pronouns that, closing a short question, stand for its object or place ("who founded it?",
# "could humans live there?").
OBJECT_ANAPHORS = frozenset("it them this these those him her there".split())
# A subject pronoun after an auxiliary is the question's subject ("how many eggs does she lay?").
AUXILIARIES = frozenset(
    "is are was were do does did can could will would should shall has have had may might must".split()
)
SUBJECT_ANAPHORS = frozenset("it they he she".split())
# "it" names nothing when it is the dummy subject of a cost, a duration or a judgement whose real
# subject follows as "to ..." or "that ...": "how much does it cost to deliver?", "how long does it
# take to bake a loaf?", "is it safe to eat raw honey?", "how hard is it to hire ...?", "is it true
# that ...?". Such a question stands alone (unless another pronoun in it refers back).
EXTRAPOSING = frozenset(
    "cost costs take takes took possible impossible safe unsafe hard harder easy easier difficult worth "
    "necessary important better best wise ok okay allowed legal illegal usual common normal true likely "
    "advisable expensive cheap cheaper".split()
)
EXTRAPOSED = frozenset("to that whether".split())
MAX_ADDED_WORDS = 8
# French: the same kind of rules with French words. Articles "le/la/les" are left out of the anaphors
# (they are far more often articles); "y" and "en" count only before a verb ("en a-t-elle",
# "y travaillent"), not in "il y a", "en quelle année" or "en France".
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
# A French question with at most this many content words and no name is too short to stand alone.
SHORT_CONTENT_WORDS_FR = 2

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


def _starts_with(tokens: list[str], phrase: str) -> bool:
    words_ = phrase.split()
    return tokens[: len(words_)] == words_


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
    return len(content_words(question, "fr")) <= SHORT_CONTENT_WORDS_FR and not _has_name(question)


def leans_on_context(question: str, language: str = "en") -> bool:
    """Whether ``question`` needs the previous turn to be understood (see the module docstring).

    ``language="fr"`` reads French cues: "et ...", "et pour ...", "qu'en est-il ...", a pronoun
    (il, elle, ils, elles, son, sa, ses, leur) before any content word, or "en"/"y" before a verb.
    """
    if language == "fr":
        return _leans_on_context_fr(question)
    tokens = words(question)
    if not tokens:
        return False
    for conjunction in CONJUNCTIONS:
        if tokens[0] == conjunction:
            rest = tokens[1:]
            # "and the price?", "also, why?", "and how much does it cost?": the rest decides; a rest
            # that is a full question of its own ("and how do I make mead?") stands alone.
            return not rest or _depends(rest, question) or rest[0] not in QUESTION_OPENERS
    return _depends(tokens, question)


def _dummy_it(tokens: list[str], i: int) -> bool:
    """Whether ``tokens[i]`` is an "it" that names nothing (see :data:`EXTRAPOSING`)."""
    if tokens[i] != "it" or not any(w in EXTRAPOSING for w in tokens[max(0, i - 3) : i + 4]):
        return False
    after = tokens[i + 1 : i + 7]
    return any(w in EXTRAPOSED for w in after[:-1])  # "to"/"that" with something after it


def _depends(tokens: list[str], question: str) -> bool:
    if any(_starts_with(tokens, c) for c in CONTINUATIONS):
        return True
    content = [w for w in tokens if content_words(w)]
    # A pronoun before any content word has no referent in the question ("how much does it cost?").
    for i, w in enumerate(tokens):
        if w in ANAPHORS and not _dummy_it(tokens, i):
            return True
        if content_words(w):
            break
    for i in range(1, len(tokens)):
        if tokens[i - 1] in AUXILIARIES and tokens[i] in SUBJECT_ANAPHORS and not _dummy_it(tokens, i):
            return True
    # A pronoun closing a short question is its object ("who founded it?", "when did they open it?"),
    # as is one closing the "to ..." of a dummy "it" ("how long does it take to build one?").
    if tokens[-1] in OBJECT_ANAPHORS and len(content) <= 2:
        return True
    if tokens[-1] in OBJECT_ANAPHORS | {"one", "ones"} and any(_dummy_it(tokens, i) for i in range(len(tokens))):
        return True
    if _has_name(question):
        return False  # it names its own topic ("What is INRIA?", "Langstroth hive?")
    if not content:
        return True  # "why?", "how so?", "and then?"
    if tokens[0] not in QUESTION_OPENERS and len(content) <= 3:
        return True  # a fragment: "tax incentives?", "in winter?", "the price?"
    # One definite noun and nothing to tell which: "what is the price?", "who are the founders?".
    return len(content) == 1 and "the" in tokens[: tokens.index(content[0])]


@dataclass(frozen=True)
class FollowUp:
    """How a question is searched in a conversation: as typed, or with the topic it leans on.

    Attributes:
        question: what the user typed.
        query: the text searched for it when it is a follow-up, else ``None``.
        added: the words ``query`` adds to the question (from the previous question only).
    """

    question: str
    query: str | None = None
    added: tuple[str, ...] = ()

    @property
    def search_text(self) -> str:
        """What retrieval reads: the rewrite, or the question itself."""
        return self.query or self.question

    @property
    def rewritten(self) -> bool:
        return self.query is not None

    def as_new_question(self) -> FollowUp:
        """The same question searched on its own ("search as a new question": the undo of a rewrite)."""
        return FollowUp(self.question)


def _borrowed(previous: PreviousTurn) -> list[str]:
    """The words the previous turn's search added to its question: its resolved subject, if any."""
    if not previous.query or previous.query.strip() == previous.question.strip():
        return []
    own = {_stem(w) for w in content_words(previous.question, _language(previous.question))}
    return [w for w in content_words(previous.query, _language(previous.query)) if _stem(w) not in own]


def resolve(question: str, previous: PreviousTurn | None, language: str | None = None) -> FollowUp:
    """Decide whether ``question`` is a follow-up of ``previous`` and what to search for it.

    Args:
        question: what the user asked now.
        previous: the last turn of the conversation, or ``None`` at its start.
        language: the question's language (``"fr"`` or ``"en"``); detected from its words when not
            given. The previous question's words are read in their own language.

    Returns:
        The decision; ``query`` is ``None`` when the question stands on its own.

    Example:
        >>> prev = PreviousTurn("Who invented the Langstroth hive?")
        >>> resolve("when did he patent it?", prev).added
        ('invented', 'langstroth', 'hive')
        >>> resolve("How do I make mead from honey?", prev).query is None
        True
    """
    if previous is None or not question.strip():
        return FollowUp(question)
    language = language or _language(question)
    if not leans_on_context(question, language):
        return FollowUp(question)
    have = {_stem(w) for w in content_words(question, language)}
    added: list[str] = []
    for w in [*content_words(previous.question, _language(previous.question)), *_borrowed(previous)]:
        key = _stem(w)
        if len(added) < MAX_ADDED_WORDS and key not in have:
            have.add(key)
            added.append(w)
    if not added:
        return FollowUp(question)
    return FollowUp(question, f"{question.strip()} {' '.join(added)}", tuple(added))


def rewrite_query(question: str, previous: PreviousTurn | None, language: str | None = None) -> str | None:
    """The text to search with for ``question``, given the turn before it (see :func:`resolve`).

    Returns:
        The question followed by the topic words it leans on, or ``None`` when the question stands
        on its own (search with the question as it is).

    Example:
        >>> prev = PreviousTurn("What is the role of the French government in AI development?")
        >>> rewrite_query("and what about its tax incentives?", prev)
        'and what about its tax incentives? role french government ai development'
    """
    return resolve(question, previous, language).query


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
