import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parisqa.corpus.chunking import chunk_document
from parisqa.corpus.structure import parse
from parisqa.corpus.tokens import count_tokens, count_wordpieces
from parisqa.embed.model import model_dir

MODEL_LIMIT = 256  # all-MiniLM-L6-v2 reads at most 256 word pieces, [CLS] and [SEP] included


def wordpieces(texts):
    return count_wordpieces(texts, model_dir())


def chunks_of(text, *, markdown=False, max_tokens=128, overlap=0, limit=MODEL_LIMIT):
    parsed = parse(text, markdown=markdown, fallback_title="doc")
    return chunk_document(
        text,
        "doc.txt",
        parsed,
        max_tokens=max_tokens,
        overlap=overlap,
        max_wordpieces=limit,
        count_wordpieces=wordpieces,
    )


def test_seed_chunks_are_exact_slices_within_budget(seed_text):
    chunks = chunks_of(seed_text)
    assert len(chunks) > 10
    for c in chunks:
        assert seed_text[c.start : c.end] == c.text
        assert count_tokens(c.text) <= 128
    assert len({c.id for c in chunks}) == len(chunks)


def test_seed_faq_pairs_are_whole_chunks(seed_text):
    faq = [c for c in chunks_of(seed_text) if c.kind == "faq"]
    assert len(faq) == 8
    for c in faq:
        q0, q1 = c.question_span
        a0, a1 = c.answer_span
        assert c.start == q0 and c.end == a1 and q1 < a0
        assert seed_text[q0:q1].endswith("?")


def test_chunks_never_cross_a_heading(seed_text):
    for c in chunks_of(seed_text, max_tokens=256):
        parsed_heading = c.heading_path
        assert "\nConclusion\n" not in c.text or parsed_heading[-1] == "Conclusion"
        assert "\nFAQ\n" not in c.text


def test_long_paragraph_splits_at_sentences():
    sentence = "The quick brown fox jumps over the lazy dog near the river bank today. "
    text = "Title Line\n" + sentence * 40
    chunks = chunks_of(text, max_tokens=64)
    assert len(chunks) > 3
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert count_tokens(c.text) <= 64
        assert c.text.endswith(".")


def test_overlap_repeats_whole_sentences_within_a_section():
    text = "Doc Title\n" + " ".join(f"Sentence number {i} says something short." for i in range(30))
    plain = chunks_of(text, max_tokens=40)
    overlapped = chunks_of(text, max_tokens=40, overlap=12)
    assert len(overlapped) >= len(plain)
    assert any(b.start < a.end for a, b in zip(overlapped, overlapped[1:]))
    for c in overlapped:
        assert text[c.start : c.end] == c.text and count_tokens(c.text) <= 40


def test_no_chunk_exceeds_the_models_wordpiece_limit():
    # Numbers and rare words cost far more word pieces than cl100k tokens: a 256-token chunk of this
    # is over the model's 256-word-piece window, so the wordpiece check has to split it further.
    text = "Tables\n" + " ".join(f"x{i * 7919 % 100003}q{i}" for i in range(2000))
    unchecked = chunks_of(text, max_tokens=256, limit=None)
    assert max(wordpieces([c.embed_text for c in unchecked])) > MODEL_LIMIT  # the hazard is real
    checked = chunks_of(text, max_tokens=256)
    counts = wordpieces([c.embed_text for c in checked])
    assert max(counts) <= MODEL_LIMIT
    for c in checked:
        assert text[c.start : c.end] == c.text


def test_single_huge_line_without_spaces_is_chunked_quickly():
    text = "z" * 300_000
    chunks = chunks_of(text, max_tokens=128)
    assert "".join(c.text for c in chunks) == text
    assert all(count_tokens(c.text) <= 128 for c in chunks)


pieces = st.sampled_from(
    [
        "Heading Words",
        "A sentence that ends here.",
        "Is this a question?",
        "- a list item",
        "1. numbered item",
        "# Markdown Title",
        "Label:",
        "",
        "   ",
        "\u00e9t\u00e9 \u4e2d\u6587 \u0645\u0631\u062d\u0628\u0627",
        "e\u0301\u200b\ufeff",
        "word " * 60,
        "tab\tseparated\tvalues",
    ]
)
newlines = st.sampled_from(["\n", "\r\n", "\r", "\n\n"])


@st.composite
def documents(draw):
    parts = draw(st.lists(st.tuples(pieces, newlines), max_size=40))
    return "".join(p + nl for p, nl in parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents(), markdown=st.booleans(), budget=st.sampled_from([16, 48, 128]), overlap=st.sampled_from([0, 8]))
def test_chunk_offsets_are_exact_for_generated_documents(text, markdown, budget, overlap):
    chunks = chunks_of(text, markdown=markdown, max_tokens=budget, overlap=overlap)
    for c in chunks:
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == c.text
        assert count_tokens(c.text) <= budget
        assert c.text.strip(), "a chunk is never only whitespace"
    assert len({c.id for c in chunks}) == len(chunks)
    if overlap == 0:
        for a, b in zip(chunks, chunks[1:]):
            assert a.end <= b.start


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=400))
def test_chunk_offsets_are_exact_for_arbitrary_unicode(text):
    for c in chunks_of(text, max_tokens=16):
        assert text[c.start : c.end] == c.text
        assert count_tokens(c.text) <= 16


@pytest.mark.parametrize("budget", [16, 128])
def test_every_word_of_the_body_is_in_some_chunk(seed_text, budget):
    parsed = parse(seed_text)
    covered = set()
    for c in chunks_of(seed_text, max_tokens=budget):
        covered.update(range(c.start, c.end))
    for unit in parsed.units:
        for i in range(unit.start, unit.end):
            if not seed_text[i].isspace():
                assert i in covered, f"character {i} of a {unit.kind} unit is in no chunk"


def test_answer_units_are_the_same_whatever_the_line_ends():
    """A paragraph wrapped over lines and ending in ':' is a sentence with \\r line ends too, not a label."""
    from parisqa.corpus.sentences import chunk_sentences
    from parisqa.records import Chunk

    lf = (
        "Paris funds research in many fields\nand supports its young companies as follows:\n- tax credits.\n- grants.\n"
    )
    units = {}
    for name, end in (("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")):
        text = lf.replace("\n", end)
        chunk = Chunk(id="x", source="a.txt", start=0, end=len(text), text=text)
        units[name] = [" ".join(text[s.start : s.end].split()) for s in chunk_sentences(chunk)]
    assert units["lf"] == units["crlf"] == units["cr"]
    assert any(u.startswith("Paris funds research") for u in units["cr"])
