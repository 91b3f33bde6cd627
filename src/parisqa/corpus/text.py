"""Plain functions over source text that keep exact character offsets.

Every function takes the full source string and returns ``(start, end)`` spans into it, so a span can
always be sliced back out of the file it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# \r\n, \r and \n all end a line; nothing else does (str.splitlines would also split on \x0b, \x1c,
# \u2028 ..., which editors do not treat as line ends).
LINE_END = re.compile(r"\r\n|\r|\n")
# Characters that are "space" for trimming purposes but not for str.isspace().
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"


def iter_line_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield the span of every line, line terminator excluded."""
    pos = 0
    found = False
    for match in LINE_END.finditer(text):
        yield pos, match.start()
        pos = match.end()
        found = True
    if pos < len(text) or not found:
        yield pos, len(text)


def line_spans(text: str) -> list[tuple[int, int]]:
    """Return the span of every line, line terminator excluded."""
    return list(iter_line_spans(text))


def _is_space(ch: str) -> bool:
    return ch.isspace() or ch in _INVISIBLE


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so it neither starts nor ends with whitespace."""
    while start < end and _is_space(text[start]):
        start += 1
    while end > start and _is_space(text[end - 1]):
        end -= 1
    return start, end


# A sentence ends at ., ! or ? (or an ellipsis), possibly followed by closing quotes or brackets, then
# whitespace. The whitespace is checked after the match, not with a lookahead: a lookahead makes a
# long run of "!!!!" without a following space cost quadratic time (every suffix is retried).
_SENTENCE_END = re.compile(r"[.!?\u2026\u3002\uff01\uff1f]+[\"'\u201d\u2019)\]]*")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st vs etc e.g i.e eg ie inc ltd co corp fig figs no nos vol approx est "
    "dept univ gen gov sen rep jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.u u.n "
    "a.m p.m cf al resp".split()
)


# French: a closing guillemet after the punctuation, usually behind a (non-breaking) space, belongs to
# the sentence it closes: « C'est fini. » Puis ... Quotes open with « (possibly followed by a space).
_SENTENCE_END_FR = re.compile(r"[.!?\u2026]+(?:[\"'\u201d\u2019)\]\u00bb]|[ \u00a0\u202f]\u00bb)*")
# French abbreviations (lowercased, without the final dot), on top of the English ones: "M. Dupont",
# "p. ex. ...", "52 av. J.-C. ...", "2,1 millions d'hab. ...". One-letter ones ("M", "p") are initials.
_ABBREVIATIONS_FR = _ABBREVIATIONS | frozenset(
    "mme mmes mlle mlles mm me mgr ste sts ex env av apr j.-c hab chap éd ed coll dir trad réf ref "
    "art p.-d.-g av.-j.-c pp s.a min max sq ca".split()
)
LANGUAGES = ("en", "fr")


_OPENERS = "([\"'\u201c"
_OPENERS_FR = _OPENERS + "\u00ab"


def _ends_with_abbreviation(
    text: str, dot: int, floor: int, abbreviations: frozenset[str] = _ABBREVIATIONS, openers: str = _OPENERS
) -> bool:
    """True when the '.' at ``dot`` closes an abbreviation or an initial rather than a sentence."""
    if text[dot] != ".":
        return False
    start = dot
    while start > floor and not _is_space(text[start - 1]) and text[start - 1] not in openers:
        start -= 1
    word = text[start:dot].lower()
    if not word:
        return False
    if len(word) == 1 and word.isalpha():
        return True  # an initial, as in "J. Smith"
    return word in abbreviations


def sentence_spans(text: str, start: int, end: int, language: str = "en") -> list[tuple[int, int]]:
    """Split ``text[start:end]`` into sentences.

    Breaks after sentence punctuation that is followed by whitespace and then something that can
    open a sentence (not a lowercase letter), skipping common abbreviations; also breaks at blank
    lines. Spans are stripped of surrounding whitespace; empty ones are dropped.

    Args:
        text: the source text.
        start: where the span to split starts.
        end: where it ends.
        language: ``"fr"`` adds French rules: a closing guillemet (» after a space or a non-breaking
            space) stays with its sentence, and French abbreviations (M., Mme., p. ex., av. J.-C.)
            do not end one. The space French puts before ; : ! ? (U+00A0, U+202F) needs no rule: the
            break is after the mark. Any other value splits as English.

    Returns:
        Sentence spans in order, covering every non-space character of the input span.
    """
    french = language == "fr"
    ends = _SENTENCE_END_FR if french else _SENTENCE_END
    abbreviations = _ABBREVIATIONS_FR if french else _ABBREVIATIONS
    openers = _OPENERS_FR if french else _OPENERS
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in ends.finditer(text, start, end):
        cut = match.end()
        if cut >= end or not text[cut].isspace():
            continue
        nxt = cut
        while nxt < end and _is_space(text[nxt]):
            nxt += 1
        if nxt >= end:
            break
        if text[nxt].islower():
            continue
        if _ends_with_abbreviation(text, match.start(), cursor, abbreviations, openers):
            continue
        s, e = strip_span(text, cursor, cut)
        if s < e:
            spans.append((s, e))
        cursor = nxt
    # Blank lines inside a span always separate sentences.
    s, e = strip_span(text, cursor, end)
    if s < e:
        spans.append((s, e))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        out.extend(_split_blank_lines(text, s, e))
    return out


# Two line ends with nothing but spaces between. "\r" must not stop before its "\n": backtracking
# would read one \r\n as two line ends and split every wrapped line of a CRLF file.
_BLANK_LINE = re.compile(r"(?:\r\n|\r(?!\n)|\n)[ \t]*(?:\r\n|\r|\n)")


def _split_blank_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    parts = []
    cursor = start
    for match in _BLANK_LINE.finditer(text, start, end):
        s, e = strip_span(text, cursor, match.start())
        if s < e:
            parts.append((s, e))
        cursor = match.end()
    s, e = strip_span(text, cursor, end)
    if s < e:
        parts.append((s, e))
    return parts
