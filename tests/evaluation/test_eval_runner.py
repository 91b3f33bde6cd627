"""Running evaluations: scoring on hand-made answers, then whole runs with the real model."""

import hashlib
import json
import math
from pathlib import Path

import pytest

from parisqa.config import Settings
from parisqa.errors import ConfigError, DatasetError
from parisqa.evaluation import evaluate_faq, evaluate_questions, evaluate_squad, render_chart, write_report
from parisqa.evaluation.datasets import EvalItem
from parisqa.evaluation.runner import RelevanceJudge, add_similarity, score_item, summarize
from parisqa.records import Answer, Chunk, Citation, ShortAnswer

ROOT = Path(__file__).resolve().parents[2]


def _chunk(n, text, source="a.txt"):
    return Chunk(id=f"c{n}", source=source, start=n * 100, end=n * 100 + len(text), text=text)


def _citation(n, chunk, score=0.5):
    return Citation(
        n=n, source=chunk.source, start=chunk.start, end=chunk.end, text=chunk.text, heading=None, score=score
    )


CHUNKS = [
    _chunk(0, "Paris hosts Viva Tech every year."),
    _chunk(1, "Talent retention is hard. Brain drain is a concern."),
    _chunk(2, "Solutions: better salaries help with talent retention."),
    _chunk(3, "Talent retention matters in Lyon too.", source="b.txt"),
]


def _answer(text, cited, abstained=False):
    return Answer(
        question="q",
        answer=text,
        abstained=abstained,
        confidence=0.5,
        citations=tuple(_citation(i + 1, c) for i, c in enumerate(cited)),
        timings_ms={"total": 1.0},
    )


def test_retrieval_metrics_follow_retrieval_order_and_citation_one_is_judged_apart():
    """Citations list the quoted passage first; hit@k ranks by retrieval score, "answer passage [1]" by [1]."""
    judge = RelevanceJudge(CHUNKS)
    item = EvalItem("x", "q", answers=("Brain drain is a concern.",), docs=("a.txt",))
    quoted, better_ranked = _citation(1, CHUNKS[1], score=0.02), _citation(2, CHUNKS[0], score=0.03)
    answer = Answer("q", "Brain drain is a concern. [1]", False, 0.9, (quoted, better_ranked), {"total": 1.0})
    r = score_item(item, answer, 5.0, judge)
    assert r.relevant == (False, True) and r.first_relevant == 2  # CHUNKS[0] was retrieved first
    assert r.cited_first is True
    s = summarize([r])
    assert (s["hit@1"], s["hit@3"], s["cited_first"]) == (0.0, 1.0, 1.0)


def test_document_mrr_short_answer_f1_words_and_calibration_by_hand():
    judge = RelevanceJudge(CHUNKS)
    item = EvalItem("x", "Where is talent retention hard?", answers=("Lyon",))
    # Passages by retrieval score: a.txt (not relevant), a.txt (not), b.txt (says "Lyon"): document rank 2.
    cited = (
        _citation(1, CHUNKS[3], score=0.1),
        _citation(2, CHUNKS[0], score=0.9),
        _citation(3, CHUNKS[1], score=0.8),
    )
    short = ShortAnswer("b.txt", 328, 332, "Lyon")
    answer = Answer("q", "Talent retention matters in Lyon too. [1]", False, 0.8, cited, {"total": 1.0}, short=short)
    r = score_item(item, answer, 5.0, judge)
    assert r.relevant == (False, False, True) and r.doc_relevant == (False, True)
    assert r.short_f1 == 1.0 and r.words == 6 and r.confidence == 0.8
    no_short = score_item(item, _answer("Talent retention matters in Lyon too. [1]", [CHUNKS[3]]), 5.0, judge)
    assert no_short.short_f1 == 0.0 and no_short.doc_relevant == (True,)
    declined = score_item(item, _answer("Not in the corpus.", [CHUNKS[0]], abstained=True), 5.0, judge)
    assert declined.short_f1 == 0.0 and declined.words is None
    unanswerable = score_item(EvalItem("u", "q", answerable=False), _answer("x", [], abstained=True), 5.0, judge)
    assert unanswerable.short_f1 is None

    s = summarize([r, no_short, declined, unanswerable])
    assert s["mrr_doc@10"] == pytest.approx((1 / 2 + 1 + 0) / 3)
    assert s["mrr@10"] == pytest.approx((1 / 3 + 1 + 0) / 3)  # unchanged: passages
    assert s["short_f1"] == pytest.approx(1 / 3)
    assert s["answer_words_p50"] == 6.0  # the declined ones have no length
    # Confidences 0.8 (answerable), 0.5, 0.5 (answerable), 0.5 (not): |0.8-1|*1/4 + |0.5-2/3|*3/4.
    assert s["ece"] == pytest.approx(0.2 / 4 + abs(0.5 - 2 / 3) * 3 / 4)
    assert r.to_dict()["first_relevant_document_rank"] == 2 and r.to_dict()["short_f1"] == 1.0


def test_relevance_needs_gold_text_and_gold_document():
    judge = RelevanceJudge(CHUNKS)
    item = EvalItem("x", "q", answers=("talent retention",), docs=("a.txt",))
    assert judge.total(item) == 2  # b.txt also says it, but is not a gold document
    relevant, total = judge.judge(item, [(c.source, c.text) for c in (CHUNKS[0], CHUNKS[3], CHUNKS[1])])
    assert relevant == (False, False, True) and total == 2
    doc_only = EvalItem("y", "q", docs=("b.txt",))
    assert judge.judge(doc_only, [("a.txt", "x"), ("b.txt", "y")]) == ((False, True), 1)
    held_out = EvalItem("z", "q", answers=("not in the index",))
    assert judge.judge(held_out, [("a.txt", CHUNKS[0].text)]) == (None, 0)


def test_score_item_and_summary_by_hand():
    judge = RelevanceJudge(CHUNKS)
    item = EvalItem("x", "q", answers=("Talent retention is hard.",), docs=("a.txt",))
    # relevant passage at rank 2 of 3, one relevant chunk in the index
    answer = _answer("Talent retention is hard. [2]", [CHUNKS[0], CHUNKS[1], CHUNKS[2]])
    r = score_item(item, answer, 12.0, judge)
    assert r.relevant == (False, True, False) and r.total_relevant == 1 and r.first_relevant == 2
    assert r.exact_match == 1.0 and r.f1 == 1.0 and r.verbatim == 1.0
    declined = score_item(item, _answer("Not in the corpus.", [CHUNKS[0]], abstained=True), 30.0, judge)
    assert declined.exact_match == 0.0 and declined.f1 == 0.0 and declined.verbatim is None
    unanswerable = EvalItem("u", "q", answerable=False)
    right = score_item(unanswerable, _answer("Not in the corpus.", [], abstained=True), 20.0, judge)
    wrong = score_item(unanswerable, _answer("Paris hosts Viva Tech every year. [1]", [CHUNKS[0]]), 40.0, judge)
    assert (right.exact_match, wrong.exact_match, right.relevant, wrong.verbatim) == (1.0, 0.0, None, 1.0)

    assert (r.cited_first, declined.cited_first, right.cited_first) == (False, False, None)

    s = summarize([r, declined, right, wrong])
    assert s["hit@1"] == 0.0  # neither judged item has a relevant first passage
    assert s["cited_first"] == 0.0
    assert s["hit@3"] == 0.5
    assert s["mrr@10"] == pytest.approx((1 / 2 + 0) / 2)
    assert s["ndcg@10"] == pytest.approx((1 / math.log2(3)) / 2)
    assert s["exact_match"] == pytest.approx(2 / 4)
    assert s["abstained_unanswerable"] == 0.5 and s["abstained_answerable"] == 0.5
    assert s["verbatim"] == 1.0
    assert s["latency_p50_ms"] == 25.0  # median of 12, 20, 30, 40
    assert s["similarity"] is None  # filled in by add_similarity


def test_similarity_uses_the_model(embedder):
    item = EvalItem("x", "q", answers=("Paris invests in AI research.",))
    judge = RelevanceJudge(CHUNKS)
    same = score_item(item, _answer("Paris invests in AI research. [1]", [CHUNKS[0]]), 1.0, judge)
    other = score_item(item, _answer("Bananas are yellow. [1]", [CHUNKS[0]]), 1.0, judge)
    declined = score_item(item, _answer("No.", [], abstained=True), 1.0, judge)
    none = EvalItem("n", "q", answerable=False)
    sims = add_similarity([same, other, declined], [item, item, item], embedder)
    assert sims[0].similarity == pytest.approx(1.0, abs=1e-4)
    assert sims[1].similarity < 0.3
    assert sims[2].similarity == 0.0
    assert add_similarity([declined], [none], embedder)[0].similarity is None


def _tree_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def faq_run(seed_index, embedder):
    """Both FAQ modes with baselines on the seed, with the served index hashed before and after."""
    settings = Settings(corpus_dir=seed_index / "corpus", index_dir=seed_index / "index")
    before = _tree_hashes(seed_index)
    report = evaluate_faq(settings, mode="both", baselines=True, embedder=embedder)
    return report, before, _tree_hashes(seed_index)


def test_heldout_mode_leaves_the_served_index_byte_for_byte_unchanged(faq_run, seed_index):
    _, before, after = faq_run
    assert any(name.startswith("index/") for name in before)
    assert after == before


def test_faq_report_has_both_modes_and_baselines(faq_run):
    report, _, _ = faq_run
    assert [s.name for s in report.sections] == ["faq-in", "faq-heldout"]
    served, heldout = report.sections
    assert "without its 8 FAQ pair(s)" in heldout.description
    for section in report.sections:
        assert section.systems == ["hybrid", "dense", "bm25"]
        assert section.counts == {
            "questions": 8,
            "answerable": 8,
            "unanswerable": 0,
            "judged": section.counts["judged"],
        }
        for values in section.metrics.values():
            assert values["abstained_unanswerable"] is None  # no unanswerable FAQ question
            assert 0 <= values["f1"] <= 1 and 0 <= values["similarity"] <= 1
            assert values["latency_p95_ms"] >= values["latency_p50_ms"] > 0
    # with the FAQ indexed, every FAQ answer is in the index and retrieval is judged
    assert served.counts["judged"] == 8
    assert served.metrics["hybrid"]["hit@5"] >= 0.75
    assert served.metrics["hybrid"]["verbatim"] == 1.0  # answers quote their passages
    # held out, the FAQ answers are nowhere in the index: retrieval cannot be judged
    assert heldout.counts["judged"] == 0 and heldout.metrics["hybrid"]["hit@1"] is None
    # the body alone answers the FAQ less well than the FAQ itself
    assert heldout.metrics["hybrid"]["f1"] < served.metrics["hybrid"]["f1"]
    for r in heldout.results["hybrid"]:
        assert r.answer and "?" not in r.answer.split("\n")[0][-1:]  # never the removed FAQ question


def test_report_renderings(faq_run, tmp_path):
    report, _, _ = faq_run
    text = report.to_text()
    assert "faq-in: served index (FAQ included)" in text
    assert "metric" in text and "parisqa" in text and "dense only" in text and "BM25 only" in text
    assert "retrieval judged on 0" in text
    header, rows = report.sections[0].table()
    assert header == ["metric", "parisqa", "dense only", "BM25 only"]
    assert rows[0][0] == "hit@1" and len(rows) == 18 and all(len(r) == 4 for r in rows)
    markdown = report.to_markdown(chart="chart.png")
    assert "| metric | parisqa | dense only | BM25 only |" in markdown and "![metrics by system](chart.png)" in markdown
    assert "| paris-ai-city.txt#faq-8 | Why is ethical AI important? |" in markdown
    data = json.loads(json.dumps(report.to_dict()))
    assert data["sections"][0]["metrics"]["hybrid"]["hit@1"] == pytest.approx(
        report.sections[0].metrics["hybrid"]["hit@1"], abs=1e-4
    )
    assert len(data["sections"][1]["items"]["bm25"]) == 8
    png = render_chart(report)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    paths = write_report(report, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["chart.png", "report.json", "report.md"]
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["test_set"] == "faq"


def test_paraphrase_set_is_judged_held_out(seed_index, embedder):
    settings = Settings(corpus_dir=seed_index / "corpus", index_dir=seed_index / "index")
    calls = []
    report = evaluate_questions(
        ROOT / "eval" / "seed-paraphrases.jsonl",
        settings,
        mode="heldout",
        embedder=embedder,
        on_progress=lambda *args: calls.append(args),
    )
    assert calls[0] == (1, 20, "faq-heldout") and calls[-1] == (20, 20, "faq-heldout")
    assert [s.name for s in report.sections] == ["faq-heldout"]
    for section in report.sections:
        assert section.counts == {"questions": 20, "answerable": 16, "unanswerable": 4, "judged": 16}
        values = section.metrics["hybrid"]
        assert values["abstained_unanswerable"] is not None and values["hit@5"] is not None


def test_squad_is_evaluated_on_a_temporary_index(tmp_path, embedder, settings):
    from test_eval_datasets import SQUAD_V1

    data = json.loads(json.dumps(SQUAD_V1))
    data["data"][1]["paragraphs"][0]["qas"].append(
        {"id": "q3", "question": "How tall is the Louvre pyramid?", "answers": [], "is_impossible": True}
    )
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = evaluate_squad(path, settings, embedder=embedder)
    [section] = report.sections
    assert section.name == "squad" and "2 article(s)" in section.description
    assert section.counts == {"questions": 3, "answerable": 2, "unanswerable": 1, "judged": 2}
    hybrid = section.metrics["hybrid"]
    assert hybrid["hit@1"] == 1.0  # each answer sits in its article's only passage
    assert hybrid["abstained_unanswerable"] in (0.0, 1.0)
    q3 = section.results["hybrid"][2]
    assert q3.exact_match == float(q3.abstained)
    assert not settings.index_dir.exists()  # the served index was not built or touched


def test_bad_options(settings, corpus):
    with pytest.raises(ConfigError, match="faq mode must be one of in, heldout, both, got 'all'"):
        evaluate_faq(settings, mode="all")
    with pytest.raises(ConfigError, match="k must be between 1 and 100, got 0"):
        evaluate_faq(settings, k=0)
    with pytest.raises(DatasetError, match="limit must be at least 1, got 0"):
        evaluate_faq(settings, limit=0)
