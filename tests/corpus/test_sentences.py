"""Answer units: each sentence or list item of a chunk is an exact span of its source."""

from __future__ import annotations

import numpy as np

from parisqa.corpus.sentences import Sentence, SentenceTable, chunk_sentences
from parisqa.records import Chunk


def chunk_of(source: str, start: int = 0, end: int | None = None, **extra) -> Chunk:
    end = len(source) if end is None else end
    return Chunk("c", "doc.txt", start, end, source[start:end], **extra)


def texts(source: str, sentences: list[Sentence]) -> list[str]:
    return [source[s.start : s.end] for s in sentences]


def test_sentences_are_exact_spans_in_order():
    source = "Intro line.\nParis is a hub. It has many startups! Does it grow? Yes.\n"
    found = chunk_sentences(chunk_of(source))
    assert texts(source, found) == ["Intro line.", "Paris is a hub.", "It has many startups!", "Does it grow?", "Yes."]
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_offsets_are_absolute_in_the_source():
    source = "HEADER\n\nFirst sentence here. Second one."
    start = source.index("First")
    found = chunk_sentences(chunk_of(source, start))
    assert [s.start for s in found] == [start, source.index("Second")]
    assert texts(source, found) == ["First sentence here.", "Second one."]


def test_list_items_are_units_without_their_bullets_and_labels_are_skipped():
    source = "Key Initiatives:\n- Funding for research\n- Tax incentives for startups\n1. A numbered item\n"
    found = texts(source, chunk_sentences(chunk_of(source)))
    assert found == ["Funding for research", "Tax incentives for startups", "A numbered item"]


def test_wrapped_lines_stay_one_sentence_and_crlf_splits_like_lf():
    lf = "A sentence that wraps\nonto a second line. Next.\n\nNew paragraph"
    crlf = lf.replace("\n", "\r\n")
    assert texts(lf, chunk_sentences(chunk_of(lf))) == [
        "A sentence that wraps\nonto a second line.",
        "Next.",
        "New paragraph",
    ]
    assert [t.replace("\r\n", "\n") for t in texts(crlf, chunk_sentences(chunk_of(crlf)))] == texts(
        lf, chunk_sentences(chunk_of(lf))
    )


def test_the_faq_question_is_marked():
    source = "Why is ethical AI important?\nIt keeps AI aligned with society."
    q_end = source.index("?") + 1
    chunk = chunk_of(source, kind="faq", question_span=(0, q_end), answer_span=(q_end + 1, len(source)))
    found = chunk_sentences(chunk)
    assert [s.question for s in found] == [True, False]
    assert texts(source, found)[0] == "Why is ethical AI important?"


def test_the_table_groups_rows_by_chunk_and_round_trips():
    per_chunk = [[Sentence(0, 5), Sentence(6, 9, True)], [], [Sentence(20, 30)]]
    vectors = np.eye(3, 4, dtype=np.float32)
    table = SentenceTable.build(per_chunk, vectors)
    assert len(table) == 3
    assert list(table.rows_for(0)) == [0, 1] and list(table.rows_for(1)) == [] and list(table.rows_for(2)) == [2]
    assert list(table.rows_for(7)) == []  # past the last chunk
    again = SentenceTable.from_bytes(table.to_bytes())
    assert again.start.tolist() == [0, 6, 20] and again.question.tolist() == [False, True, False]
    assert again.vectors.dtype == np.float16 and np.allclose(again.vectors, vectors)


def test_table_rows_and_label_value_lines_are_units_of_their_own():
    source = (
        "Item | Price | Weight\n"
        "Croissant | £1.60 | 80 g\n"
        "Baguette | £1.20 | 250 g\n"
        "\n"
        "Phone: 01632 960418\n"
        "Email: shop@example.org\n"
        "Address: 14 Harbour Street,\n"
        "Harwick\n"
        "\n"
        "Monday: closed\n"
        "Saturday: 8:30 to 17:00\n"
    )
    found = texts(source, chunk_sentences(chunk_of(source)))
    assert found == [
        "Item | Price | Weight",
        "Croissant | £1.60 | 80 g",
        "Baguette | £1.20 | 250 g",
        "Phone: 01632 960418",
        "Email: shop@example.org",
        "Address: 14 Harbour Street,\nHarwick",  # a wrapped value stays with its label
        "Monday: closed",
        "Saturday: 8:30 to 17:00",
    ]


def test_wrapped_running_text_with_a_colon_is_not_cut_into_label_lines():
    source = "The rule is simple and it applies\nto every file of the form: name.ext and more.\n"
    assert texts(source, chunk_sentences(chunk_of(source))) == [source.strip()]
