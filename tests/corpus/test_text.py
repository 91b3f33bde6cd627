from hypothesis import given
from hypothesis import strategies as st

from parisqa.corpus.text import line_spans, sentence_spans, strip_span


def test_line_spans_handle_every_newline_style():
    text = "a\r\nbb\rccc\nd"
    assert [text[s:e] for s, e in line_spans(text)] == ["a", "bb", "ccc", "d"]


def test_line_spans_do_not_split_on_unicode_separators():
    text = "one\u2028two\x0bthree\nfour"
    assert [text[s:e] for s, e in line_spans(text)] == ["one\u2028two\x0bthree", "four"]


def test_sentences_respect_abbreviations_and_initials():
    text = "Dr. Smith moved to the U.S. last year. J. K. Rowling wrote it! Did she? Yes."
    assert [text[s:e] for s, e in sentence_spans(text, 0, len(text))] == [
        "Dr. Smith moved to the U.S. last year.",
        "J. K. Rowling wrote it!",
        "Did she?",
        "Yes.",
    ]


def test_sentences_do_not_break_before_lowercase():
    text = "It costs approx. ten euros. e.g. this stays together."
    spans = sentence_spans(text, 0, len(text))
    assert [text[s:e] for s, e in spans] == ["It costs approx. ten euros. e.g. this stays together."]


def test_blank_lines_always_separate_sentences():
    text = "Heading without stop\n\nNext paragraph here."
    assert [text[s:e] for s, e in sentence_spans(text, 0, len(text))] == [
        "Heading without stop",
        "Next paragraph here.",
    ]


@given(st.text(alphabet=st.sampled_from(list("ab .?!\n\r\t\u00e9\u200b\ufeffXY")), max_size=200))
def test_sentence_spans_are_stripped_ordered_and_cover_all_content(text):
    spans = sentence_spans(text, 0, len(text))
    previous_end = 0
    covered = set()
    for s, e in spans:
        assert previous_end <= s < e <= len(text)
        assert strip_span(text, s, e) == (s, e)
        covered.update(range(s, e))
        previous_end = e
    visible = {i for i, ch in enumerate(text) if not ch.isspace() and ch not in "\u200b\ufeff"}
    assert visible <= covered
