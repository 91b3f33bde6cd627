"""Each evaluation metric on small cases worked out by hand."""

import math

import pytest

from parisqa.evaluation import metrics as m


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("The  Eiffel Tower!", "eiffel tower"),
        ("an apple, a pear and THE plum.", "apple pear and plum"),
        ("Paris’ “AI” scene", "paris ai scene"),  # curly quotes count as punctuation
        ("theatre", "theatre"),  # articles only as whole words
        ("state-of-the-art U.S. labs", "stateoftheart us labs"),  # punctuation deleted, as in the SQuAD script
        ("", ""),
    ],
)
def test_normalize_answer(text, normalised):
    assert m.normalize_answer(text) == normalised


def test_exact_match_after_normalisation_against_any_gold():
    assert m.exact_match("the Eiffel tower.", ["Louvre", "Eiffel Tower"]) == 1.0
    assert m.exact_match("Eiffel", ["Eiffel Tower"]) == 0.0
    assert m.exact_match("anything", []) == 0.0


def test_token_f1_by_hand():
    # prediction tokens: paris has strong startups (4); gold: strong startups and research (4)
    # common: strong, startups = 2 -> P = 2/4, R = 2/4, F1 = 0.5
    assert m.token_f1("Paris has strong startups", ["strong startups and research"]) == pytest.approx(0.5)
    # repeated tokens count once per occurrence: pred "ai ai ai" vs gold "ai" -> P 1/3, R 1 -> F1 0.5
    assert m.token_f1("AI AI AI", ["AI"]) == pytest.approx(0.5)
    # the best gold wins
    assert m.token_f1("talent retention", ["brain drain", "Talent retention!"]) == 1.0
    assert m.token_f1("talent", ["retention"]) == 0.0
    # SQuAD v2: an empty prediction scores 1 only against an empty gold
    assert m.token_f1("", ["something"]) == 0.0
    assert m.token_f1("", [""]) == 1.0


def test_strip_markers():
    assert m.strip_markers("Paris invests [1]. It hosts Viva Tech [2, 3].") == "Paris invests. It hosts Viva Tech."
    assert m.strip_markers("no markers here") == "no markers here"


def test_contains_is_normalised_and_whole_word():
    passage = "Challenges: Talent retention, and the ethical AI development."
    assert m.contains(passage, "talent retention and ethical AI development")
    assert not m.contains(passage, "tent retention")  # not a whole word
    assert not m.contains(passage, "")


def test_verbatim_share():
    passages = ["Paris hosts Viva Tech.\nIt is one of Europe's largest tech conferences."]
    # every piece is quoted (whitespace runs do not matter)
    assert (
        m.verbatim_share("Paris hosts Viva Tech. [1] It is one of Europe's largest tech conferences. [1]", passages)
        == 1.0
    )
    # one of two sentences is invented: share = its length over the total
    quoted, invented = "Paris hosts Viva Tech.", "It is the largest on Earth."
    share = m.verbatim_share(f"{quoted} {invented} [1]", passages)
    assert share == pytest.approx(len(quoted) / (len(quoted) + len(invented)))
    assert m.verbatim_share("Nothing here. [1]", passages) == 0.0
    assert m.verbatim_share("[1]", passages) is None


def test_hit_at_k():
    ranked = [False, False, True, False]
    assert m.hit_at(ranked, 1) == 0.0
    assert m.hit_at(ranked, 3) == 1.0
    assert m.hit_at([], 5) == 0.0


def test_reciprocal_rank():
    assert m.reciprocal_rank([False, True, True]) == 0.5
    assert m.reciprocal_rank([True]) == 1.0
    assert m.reciprocal_rank([False] * 10 + [True], k=10) == 0.0


def test_ndcg_by_hand():
    # relevant at ranks 2 and 3, two relevant in the index:
    # DCG = 1/log2(3) + 1/log2(4); IDCG = 1/log2(2) + 1/log2(3)
    dcg = 1 / math.log2(3) + 1 / math.log2(4)
    idcg = 1 + 1 / math.log2(3)
    assert m.ndcg_at([False, True, True], 10, total_relevant=2) == pytest.approx(dcg / idcg)
    # a third relevant passage that was not retrieved lowers the score
    idcg3 = idcg + 1 / math.log2(4)
    assert m.ndcg_at([False, True, True], 10, total_relevant=3) == pytest.approx(dcg / idcg3)
    assert m.ndcg_at([True, False], 10, total_relevant=1) == 1.0
    assert m.ndcg_at([False, False], 10, total_relevant=1) == 0.0
    # only the first k count
    assert m.ndcg_at([False, True], 1, total_relevant=1) == 0.0


def test_mean_skips_none():
    assert m.mean([1.0, None, 0.0]) == 0.5
    assert m.mean([None]) is None


def test_percentile_interpolates_like_numpy():
    values = [10.0, 20.0, 30.0, 40.0]
    assert m.percentile(values, 50) == 25.0
    assert m.percentile(values, 95) == pytest.approx(38.5)  # 30 + 0.85 * 10
    assert m.percentile([7.0], 95) == 7.0
    assert m.percentile([], 50) is None
    with pytest.raises(ValueError, match="between 0 and 100, got 101"):
        m.percentile(values, 101)


def test_cosine():
    assert m.cosine([1, 0], [0, 1]) == 0.0
    assert m.cosine([1, 1], [2, 2]) == pytest.approx(1.0)


def test_document_relevance_orders_documents_by_first_passage():
    passages = [("a.md", False), ("b.md", False), ("a.md", True), ("c.md", True)]
    # Judged by the passages: a.md holds a relevant passage (its second), so it is relevant at rank 1.
    assert m.document_relevance(passages) == (True, False, True)
    # Gold documents decide when the question names them.
    assert m.document_relevance(passages, ("b.md",)) == (False, True, False)
    assert m.reciprocal_rank(m.document_relevance(passages, ("c.md",)), 10) == pytest.approx(1 / 3)


def test_expected_calibration_error_by_hand():
    # Bin 0.9-1.0: confidences 0.9 and 0.95 (mean 0.925), one of two right (0.5): gap 0.425, weight 2/4.
    # Bin 0.1-0.2: confidences 0.1 and 0.1, none right: gap 0.1, weight 2/4.
    ece = m.expected_calibration_error([0.9, 0.95, 0.1, 0.1], [True, False, False, False])
    assert ece == pytest.approx(0.5 * 0.425 + 0.5 * 0.1)
    assert m.expected_calibration_error([1.0, 0.0], [True, False]) == pytest.approx(0.0)
    assert m.expected_calibration_error([], []) is None
    with pytest.raises(ValueError, match="2 confidences but 1 outcomes"):
        m.expected_calibration_error([0.5, 0.5], [True])


def test_word_count_ignores_markers():
    assert m.word_count("Paris hosts the summit. [1] It began in 2023. [2]") == 8
