"""The page's HTML: everything from the corpus or the user is text, highlights land on the right words."""

import re

from parisqa.corpus.folder import DocumentRow
from parisqa.web.render import (
    DOC_WINDOW_CHARS,
    answer_html,
    citation_html,
    document_html,
    documents_html,
    highlighted,
    messages_html,
    transcript_html,
)
from parisqa.web.server import strip_social_meta

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">&amp; {{x}} ${y}'


def _citation(**extra):
    text = "First sentence. Second sentence here."
    base = {
        "n": 1,
        "source": "doc.txt",
        "start": 100,
        "end": 100 + len(text),
        "text": text,
        "heading": "Intro",
        "score": 0.5,
        "scores": {},
        "highlights": [],
    }
    return {**base, **extra}


def _answer(**extra):
    return {
        "question": "q?",
        "answer": "Second sentence here. [1]",
        "abstained": False,
        "confidence": 0.7,
        "citations": [_citation()],
        "timings_ms": {"total": 12.0},
        **extra,
    }


def _tags(fragment: str) -> set[str]:
    return {t.lower() for t in re.findall(r"<\s*([a-zA-Z][\w-]*)", fragment)}


def test_hostile_text_is_escaped_everywhere():
    hostile_citation = _citation(source=HOSTILE, heading=HOSTILE, text=HOSTILE, end=100 + len(HOSTILE))
    turns = [
        {"question": HOSTILE, "answer": _answer(answer=HOSTILE + " [1]", citations=[hostile_citation], query=HOSTILE)},
        {"question": HOSTILE, "error": HOSTILE},
        {"question": HOSTILE, "pending": HOSTILE},
    ]
    page = transcript_html(turns)
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert _tags(page) <= {"div", "span", "button", "mark", "q"}
    doc = document_html(HOSTILE, HOSTILE * 3, len(HOSTILE), 2 * len(HOSTILE), label=HOSTILE, note=HOSTILE)
    assert "<script" not in doc.lower() and "<img" not in doc.lower()
    rows = [DocumentRow(HOSTILE, "skipped", note=HOSTILE)]
    listing = documents_html(rows, [HOSTILE]) + messages_html([("error", HOSTILE)])
    assert "<script" not in listing.lower() and "<img" not in listing.lower()
    assert _tags(listing) <= {"div", "span", "table", "thead", "tbody", "tr", "th", "td", "ul", "li"}


def test_highlights_mark_exactly_their_words():
    text = "First sentence. Second sentence here."
    html = highlighted(text, 100, [{"start": 116, "end": 137}])
    assert html == 'First sentence. <mark class="pq-hl">Second sentence here.</mark>'
    # Overlapping, unordered, out-of-range and malformed spans are clipped and merged.
    html = highlighted(
        text, 100, [{"start": 110, "end": 120}, {"start": 90, "end": 104}, {"start": 118, "end": 125}, {}]
    )
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", html) == ["Firs", "ence. Second se"]
    assert highlighted("a<b", 0, []) == "a&lt;b"  # no highlights: nothing marked, still escaped


def test_citation_card_renders_highlights_when_present():
    card = citation_html(_citation(highlights=[{"start": 116, "end": 137}]), turn=2)
    assert '<mark class="pq-hl">Second sentence here.</mark>' in card
    assert 'id="pq-t2-c1"' in card and 'data-turn="2"' in card and 'data-n="1"' in card
    assert "doc.txt" in card and "Intro" in card
    plain = citation_html(_citation(), turn=0)
    assert "<mark" not in plain


def test_scores_are_shown_when_given():
    card = citation_html(_citation(scores={"bm25": 3.2, "dense": 0.61, "fused": 0.03}), turn=0)
    assert "bm25 3.20" in card and "dense 0.61" in card and "fused 0.03" in card


def test_markers_link_to_their_cards_only():
    html = answer_html("A [1] and B [2] and [7].", turn=3, known=[1, 2])
    assert html.count("data-pq-marker") == 2 and 'data-target="pq-t3-c2"' in html
    assert "[7]" in html and 'data-target="pq-t3-c7"' not in html


def test_short_answer_is_marked_inside_the_answer_and_escaped():
    short = {"source": "a.txt", "start": 10, "end": 24, "text": "<b>1.5</b> & co"}
    page = transcript_html(
        [{"question": "q?", "answer": _answer(answer="It cost <b>1.5</b> & co in 2023. [1]", short=short)}]
    )
    assert '<mark class="short" title="the short answer">&lt;b&gt;1.5&lt;/b&gt; &amp; co</mark>' in page
    assert "<b>" not in page and page.count('class="short"') == 1
    assert 'data-target="pq-t0-c1"' in page  # the marker after the short answer still links
    # No short answer, or one not in the text: nothing is marked.
    assert 'class="short"' not in transcript_html([{"question": "q?", "answer": _answer(short=None)}])
    html = answer_html("A sentence. [1]", turn=1, known=[1], short={"text": "elsewhere"})
    assert 'class="short"' not in html and "data-pq-marker" in html


def test_abstained_answer_looks_different_and_offers_related_reading():
    related = [_citation(n=1, source="near.txt")]
    page = transcript_html([{"question": "q?", "answer": _answer(abstained=True, related=related, citations=[])}])
    assert "pq-abstained" in page and "Not in the corpus" in page and "pq-answered" not in page
    assert "Related reading" in page and "near.txt" in page and "pq-related" in page
    # Without "related", the citations are the related reading.
    page = transcript_html([{"question": "q?", "answer": _answer(abstained=True)}])
    assert "Related reading" in page and "doc.txt" in page


def test_follow_up_shows_the_searched_query():
    page = transcript_html(
        [{"question": "and its taxes?", "answer": _answer(query="and its taxes? french government")}]
    )
    assert "searched for" in page and "french government" in page
    assert "searched for" not in transcript_html([{"question": "q?", "answer": _answer()}])


def test_document_marks_the_span_and_windows_long_documents():
    text = "intro " + "cited passage" + " outro"
    doc = document_html("d.txt", text, 6, 19, [{"start": 6, "end": 11}])
    assert '<mark class="pq-span" id="pq-target"><mark class="pq-hl">cited</mark> passage</mark>' in doc
    long_text = "x" * (3 * DOC_WINDOW_CHARS) + "NEEDLE" + "y" * (3 * DOC_WINDOW_CHARS)
    start = 3 * DOC_WINDOW_CHARS
    doc = document_html("big.txt", long_text, start, start + 6)
    assert ">NEEDLE</mark>" in doc and "Not shown" in doc
    assert len(doc) < 2 * DOC_WINDOW_CHARS


def test_social_meta_tags_are_removed_from_the_page():
    page = (
        '<head><meta property="og:image"\n\t content="https://example.com/x.jpg" />'
        '<meta name="twitter:card" content="summary" /><meta charset="utf-8"></head>'
    )
    assert strip_social_meta(page) == '<head><meta charset="utf-8"></head>'


def _hostile_report():
    from parisqa.evaluation import ItemResult, Report, Section

    metrics = {
        "hybrid": {"hit@1": 1.0, "f1": 0.5, "latency_p50_ms": 30.0},
        "bm25": {"hit@1": 0.5, "f1": 0.75, "latency_p50_ms": 10.0},
    }
    result = ItemResult(HOSTILE, HOSTILE, True, HOSTILE, False, 12.5, (False, True), 1, 0.0, 0.5, 0.9, 1.0)
    section = Section(HOSTILE, HOSTILE, metrics, {"questions": 1, "answerable": 1, "unanswerable": 0, "judged": 1})
    section = Section(section.name, section.description, metrics, section.counts, {"hybrid": [result]})
    settings = {"corpus_dir": HOSTILE, "index_dir": HOSTILE, "k": 10, "systems": ["hybrid", "bm25"]}
    return Report("questions", HOSTILE, settings, (section,), warnings=(HOSTILE,))


def test_evaluation_report_is_escaped_and_marks_the_best_system():
    from parisqa.web.render import evaluation_html, evaluation_placeholder

    page = evaluation_html(_hostile_report(), b"\x89PNG fake", seconds=2.5)
    assert "<script" not in page.lower() and "<img src=x" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert _tags(page) <= {
        "div", "span", "section", "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "img",
        "dl", "dt", "dd",
    }  # fmt: skip
    [image] = re.findall(r"<img [^>]*>", page)
    assert 'src="data:image/png;base64,iVBORyBmYWtl"' in image  # the chart is inline: nothing is fetched
    rows = dict(re.findall(r'<th scope="row"[^>]*>([^<]+)</th>(.*?)</tr>', page))
    assert rows["hit@1"] == '<td class="pq-num pq-best">1.000</td><td class="pq-num">0.500</td>'
    assert rows["token F1"] == '<td class="pq-num">0.500</td><td class="pq-num pq-best">0.750</td>'
    assert "pq-best" not in rows["latency p50 (ms)"]  # latency differences are noise, not a winner
    assert rows["exact match"] == '<td class="pq-num">-</td><td class="pq-num">-</td>'
    assert ">2<" in page.split("Per question")[1]  # the first relevant passage was second
    assert "What the metrics mean" in page and "2.5 s" in page
    assert "Run FAQ evaluation" in evaluation_placeholder()


def test_verdicts_mark_each_generated_sentence_and_show_warnings():
    from parisqa.web.render import turn_html, verdicts_html

    answer = {
        "question": "q",
        "answer": "Paris invests €1.5 billion [1].",
        "abstained": False,
        "confidence": 0.9,
        "citations": [
            {"n": 1, "source": "a.txt", "start": 0, "end": 30, "text": "Paris invests €1.5 billion.", "heading": None}
        ],
        "mode": "generated",
        "sentences": [
            {
                "text": "Paris invests €1.5 billion [1].",
                "citations": [1],
                "supported": True,
                "support": {"n": 1, "start": 0, "end": 27},
            },
            {
                "text": "It has 9 <b>labs</b> [1].",
                "citations": [1],
                "supported": False,
                "support": None,
                "reason": "9 is not in [1]",
            },
        ],
        "warnings": ["removed an unsupported sentence"],
    }
    html = verdicts_html(answer)
    assert "supported by [1], chars 0–27" in html and "removed: 9 is not in [1]" in html
    assert "&lt;b&gt;labs&lt;/b&gt;" in html and "<b>" not in html  # model text is data
    assert 'class="pq-notice"' in html and "removed an unsupported sentence" in html
    assert html in turn_html(0, {"question": "q", "answer": answer})
    assert verdicts_html({"answer": "x", "citations": []}) == ""  # a quoted answer: nothing added
    partial = turn_html(0, {"question": "q", "partial": "Paris invests"})
    assert "pq-partial" in partial and "Paris invests" in partial


def test_follow_up_offers_to_search_as_a_new_question():
    """Issue 17: a rewritten follow-up shows what was searched and a button that undoes the rewrite."""
    page = transcript_html(
        [
            {"question": "q?", "answer": _answer()},
            {
                "question": "and its taxes?",
                "answer": _answer(question="and its taxes?", query="and its taxes? french government"),
            },
        ]
    )
    assert page.count('data-pq-undo="1"') == 1 and 'data-turn="1"' in page
    assert "Search as a new question" in page
    assert "data-pq-undo" not in transcript_html([{"question": "q?", "answer": _answer()}])


def test_a_long_question_is_folded_to_its_first_words():
    """Issue 17: a 5,000-word question filled the chat; it is folded, its first 60 words shown."""
    words = [f"word{i}" for i in range(5000)]
    question = " ".join(words)
    page = transcript_html([{"question": question, "answer": _answer(question=question)}])
    folded = re.search(r'<details class="pq-bubble pq-long"><summary>(.*?)</summary>', page)
    assert folded and "word59" in folded.group(1) and "word60 " not in folded.group(1)
    assert "show all 5,000 words" in folded.group(1)
    assert "word4999" in page  # the whole question is still there, unfolded on request
    short = transcript_html([{"question": "How do bees make wax?", "answer": _answer()}])
    assert "pq-long" not in short and '<div class="pq-bubble">How do bees make wax?</div>' in short
    # One 50,000-character word is folded too, to a preview of bounded length.
    blob = "x" * 50_000
    page = transcript_html([{"question": blob, "pending": "Searching the corpus…"}])
    summary = re.search(r"<summary>(.*?)</summary>", page).group(1)
    assert "pq-long" in page and len(summary) < 1_000


def test_a_long_follow_up_shows_only_the_added_words_in_full():
    question = "it " + " ".join(f"w{i}" for i in range(3000))
    page = transcript_html(
        [{"question": question, "answer": _answer(question=question, query=question + " french government")}]
    )
    searched = re.search(r'<div class="pq-query">(.*?)</div>', page).group(1)
    assert "french government" in searched and "w2999" not in searched


def test_the_invitation_names_neutral_follow_ups_that_are_follow_ups():
    """Issue 17: the help showed the Paris article's "tax incentives" on every corpus."""
    from parisqa.answer.followup import PreviousTurn, leans_on_context, resolve
    from parisqa.web.render import FOLLOW_UP_EXAMPLES

    hello = transcript_html([])
    assert "tax" not in hello.lower() and "paris" not in hello.lower()
    for example in FOLLOW_UP_EXAMPLES:
        assert f"<q>{example}</q>" in hello
        assert leans_on_context(example)
        assert resolve(example, PreviousTurn("Who invented the Langstroth hive?")).rewritten


def test_a_notice_is_shown_after_the_turns():
    page = transcript_html([], notice="Type a question first: the question box is empty.")
    assert 'role="alert"' in page and "Type a question first" in page
    page = transcript_html([{"question": "q?", "answer": _answer()}], notice="<b>x</b>")
    assert page.index("pq-notice") > page.index("pq-turn") and "<b>x</b>" not in page


def test_a_quoted_table_row_is_shown_as_a_small_table_under_its_headers():
    from parisqa.web.render import turn_html

    passage = "Bike | Half day | Full day\nCity bike | £12 | £20\nE-bike | £25 | £40"
    start = passage.index("City bike")
    citation = {
        "n": 1,
        "source": "hire.pdf",
        "start": 0,
        "end": len(passage),
        "text": passage,
        "score": 1.0,
        "highlights": [{"start": start, "end": start + len("City bike | £12 | £20")}],
    }
    answer = {
        "question": "How much for a half day on a city bike?",
        "answer": "City bike | £12 | £20 [1]",
        "abstained": False,
        "confidence": 0.9,
        "citations": [citation],
        "related": [],
        "short": {"source": "hire.pdf", "start": start + 12, "end": start + 15, "text": "£12"},
    }
    html = turn_html(0, {"question": answer["question"], "answer": answer})
    assert '<table class="pq-row"><thead><tr><th>Bike</th><th>Half day</th><th>Full day</th></tr></thead>' in html
    assert '<td>City bike</td><td><mark class="short">£12</mark></td><td>£20</td>' in html
    assert "City bike | £12" not in html.split("pq-cite")[0]  # the answer shows the table, not the pipes
    assert 'data-target="pq-t0-c1"' in html  # the marker still opens the passage
