from conftest import SEED_FAQ
from parisqa.corpus.structure import parse


def test_seed_title_and_section_headings(seed_text):
    parsed = parse(seed_text)
    assert parsed.title == "Why Paris May Be the Most Important AI City Outside Silicon Valley [2025]"
    sections = {u.heading_path[1] for u in parsed.units if len(u.heading_path) > 1}
    assert {
        "TL; DR",
        "Paris: A New AI Powerhouse",
        "Governmental Support and Strategic Investments",
        "The Role of Startups",
        "Academic Excellence and Research",
        "Collaboration: The Key to Innovation",
        "Challenges and Solutions",
        "The Future of AI in Paris",
        "Conclusion",
        "FAQ",
        "Key Takeaways",
        "Related Articles",
    } == sections


def test_seed_list_labels_become_subheadings(seed_text):
    parsed = parse(seed_text)
    paths = {u.heading_path[1:] for u in parsed.units if u.kind == "list"}
    assert ("Challenges and Solutions", "Common Challenges") in paths
    assert ("Challenges and Solutions", "Solutions") in paths
    assert ("The Role of Startups", "Notable Startups") in paths


def test_seed_has_exactly_the_eight_faq_pairs_with_exact_text(seed_text):
    pairs = parse(seed_text).faq_pairs(seed_text)
    assert [(p.question, p.answer) for p in pairs] == SEED_FAQ
    for p in pairs:
        assert seed_text[p.question_span[0] : p.question_span[1]] == p.question
        assert seed_text[p.answer_span[0] : p.answer_span[1]] == p.answer
        assert p.heading_path[-1] == "FAQ"


def test_markdown_headings_fences_lists_and_question_headings():
    text = (
        "# Guide\n\nIntro paragraph that wraps\nonto a second line.\n\n"
        "## Setup\n\n- step one\n- step two\n  continues here\n\n"
        "```\n# not a heading\n```\n\n"
        "## FAQ\n\n### How do I install it?\n\nRun the installer.\nIt takes a minute.\n\n"
        "Other\n-----\n\nText under setext.\n"
    )
    parsed = parse(text, markdown=True)
    assert parsed.title == "Guide"
    kinds = [(u.kind, u.heading_path[1:], text[u.start : u.end]) for u in parsed.units]
    assert kinds[0] == ("text", (), "Intro paragraph that wraps\nonto a second line.")
    assert ("list", ("Setup",), "- step two\n  continues here") in kinds
    assert ("code", ("Setup",), "```\n# not a heading\n```") in kinds
    faq = parsed.faq_pairs(text)
    assert [(p.question, p.answer) for p in faq] == [("How do I install it?", "Run the installer.\nIt takes a minute.")]
    assert ("text", ("Other",), "Text under setext.") in kinds


def test_q_and_a_prefixed_pairs():
    text = "Q: Can I add my own files\nA: Yes, drop them into corpus/.\n"
    pairs = parse(text).faq_pairs(text)
    assert [(p.question, p.answer) for p in pairs] == [("Can I add my own files", "Yes, drop them into corpus/.")]


def test_hard_wrapped_text_keeps_paragraphs_together():
    text = (
        "A Report Title\n\n"
        "This paragraph is wrapped at a fixed width so that its lines do not end\n"
        "with punctuation and the next line often starts in lowercase or with a\n"
        "Capitalised Word that is not a heading at all, as wrapped text goes on\n"
        "until the paragraph finally ends.\n\n"
        "Second Section\n\n"
        "Another paragraph that is also wrapped across a couple of lines so the\n"
        "detector sees enough evidence of wrapping in this small file here.\n"
    )
    parsed = parse(text)
    assert parsed.title == "A Report Title"
    paragraphs = [u for u in parsed.units if u.kind == "text"]
    assert len(paragraphs) == 2
    assert text[paragraphs[0].start : paragraphs[0].end].endswith("until the paragraph finally ends.")
    assert paragraphs[1].heading_path[1:] == ("Second Section",)


def test_fallback_title_when_document_starts_with_prose():
    text = "This document starts with a sentence. It has no title line.\n"
    assert parse(text, fallback_title="notes").title == "notes"
