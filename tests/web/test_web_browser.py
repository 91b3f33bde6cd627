"""End to end in headless Chromium: ask, read the cited passage, upload and rebuild, evaluate, hostile text.

Needs Debian's ``chromium`` at /usr/bin/chromium and the ``playwright`` package (which drives it; no
browser is downloaded). Without them these tests are skipped, unless PARISQA_REQUIRE_BROWSER=1 (as in
CI), where they fail instead. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE_NAME = "<img src=x onerror=window.__pqxss=5>.txt"
HOSTILE_TEXT = """Zorblax Field Notes
The zorblax is a <script>window.__pqxss = 1</script> creature of the northern forests.
It eats <img src=x onerror="window.__pqxss = 2"> moss and <b>glows</b> at night.

FAQ
What does the <i>zorblax</i> eat at <img src=x onerror="window.__pqxss=3"> dawn?
The zorblax eats moss <script>window.__pqxss=4</script> and lichen at dawn.
"""
SUMMARY = re.compile(r"indexed: (\d+) added, (\d+) changed, (\d+) removed, (\d+) unchanged; \d+ chunks")
TIMEOUT = 120_000  # ms; the machine is shared and slow at times


def _unavailable() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium chromium-driver)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium with a fresh profile."""
    reason = _unavailable()
    if reason:
        if os.environ.get("PARISQA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"PARISQA_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        context.set_default_timeout(TIMEOUT)
        yield context
        context.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, serve_web):
    """The app over the seed article plus a document full of markup, on a corpus of its own."""
    from parisqa.config import Settings

    base = tmp_path_factory.mktemp("browser")
    corpus = base / "corpus"
    corpus.mkdir()
    shutil.copy(Path(__file__).resolve().parents[2] / "corpus" / "paris-ai-city.txt", corpus)
    (corpus / HOSTILE_NAME).write_text(HOSTILE_TEXT, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=base / "index")
    app, url = serve_web(settings, limit=100_000)
    yield url, settings
    app.close()


@pytest.fixture
def page(browser, site):
    """A page of the app, loaded and ready, that records every request it makes."""
    page = browser.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.goto(site[0])
    page.wait_for_selector("#pq-status .pq-state-ready")
    yield page
    page.close()


def ask(page, question: str) -> None:
    """Type a question, send it, and wait for its answer to replace the pending turn."""
    done = page.locator(".pq-turn .pq-a:not(.pq-pending)").count()
    page.fill("#pq-question textarea", question)
    page.click("#pq-ask")
    page.wait_for_function(f"document.querySelectorAll('.pq-turn .pq-a:not(.pq-pending)').length > {done}")


def last_turn(page):
    return page.locator(".pq-turn").last


def test_faq_question_gets_an_answer_with_highlighted_citations(page, site):
    from gradio_client import Client

    url, settings = site
    question = "Why is ethical AI important?"
    page.locator("#pq-faq").get_by_text(question, exact=True).click()
    page.wait_for_selector(".pq-turn .pq-answered")
    turn = last_turn(page)
    assert turn.locator(".pq-bubble").inner_text() == question
    assert turn.locator(".pq-text .pq-marker").count() >= 1  # inline [n] markers link to the passages

    expected = Client(url, verbose=False).predict(question, api_name="/ask")
    assert not expected["abstained"]
    cards = turn.locator(".pq-card.pq-cited")
    assert cards.count() == len(expected["citations"])
    first = expected["citations"][0]
    source = (settings.corpus_dir / first["source"]).read_bytes().decode("utf-8")
    card = cards.first
    assert card.locator(".pq-source").inner_text() == first["source"]
    assert card.locator(".pq-passage").inner_text().strip() == first["text"].strip()
    # Supporting sentences are highlighted exactly where the answer says (none when it gives none).
    marks = card.locator("mark.pq-hl").all_inner_texts()
    assert marks == [source[h["start"] : h["end"]] for h in first["highlights"]]

    # The whole document opens beside the chat, the passage marked and scrolled into view.
    card.locator(".pq-open").click()
    target = page.locator("#pq-document #pq-target")
    target.wait_for()
    assert target.inner_text() == first["text"]
    assert page.locator("#pq-document .pq-doc-body").inner_text() == source.replace("\r\n", "\n")
    page.wait_for_function(
        """() => { const b = document.querySelector('#pq-document .pq-doc-body').getBoundingClientRect();
                   const t = document.querySelector('#pq-target').getBoundingClientRect();
                   return t.top >= b.top && t.top < b.bottom; }"""
    )
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "web-chat-answer.png"))

    # Nothing was fetched from anywhere but the app itself.
    hosts = {urlparse(u).hostname for u in page.requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}


def test_follow_up_is_searched_with_the_conversation(page):
    ask(page, "What is the role of the French government in AI development?")
    ask(page, "and what about its tax incentives?")
    searched = last_turn(page).locator(".pq-query")
    assert "searched for" in searched.inner_text()
    assert "government" in searched.inner_text().lower()
    assert page.locator(".pq-turn").count() == 2  # the history stays on the page
    page.click("#pq-clear")
    page.wait_for_selector(".pq-chat.pq-empty")


def test_question_outside_the_corpus_is_shown_as_such(page):
    ask(page, "What is the boiling point of tungsten in kelvin?")
    turn = last_turn(page)
    assert turn.locator(".pq-abstained .pq-label").inner_text().lower() == "not in the corpus"
    assert turn.locator(".pq-card.pq-related").count() >= 1
    assert turn.locator(".pq-answered").count() == 0


def test_upload_rebuild_and_answer_from_the_new_document(page, site, tmp_path):
    from parisqa.index.store import write_lock

    url, settings = site
    page.get_by_role("tab", name="Index").click()
    page.wait_for_selector("#pq-docs .pq-table")
    upload = page.locator("#pq-upload input[type=file]")

    refused = tmp_path / "slides.pdf"
    refused.write_bytes(b"\x89PNG\r\n\x1a\n a picture named like a PDF")
    upload.set_input_files(str(refused))
    page.wait_for_selector("#pq-outcome .pq-msg-error")
    assert "refused 'slides.pdf': the content is an image, not PDF" in page.locator("#pq-outcome").inner_text()

    new = tmp_path / "nantes-quantum.txt"
    new.write_text(
        "Nantes Quantum Lab\nThe Nantes quantum lab builds superconducting qubits for error-corrected "
        "processors. Its first chip, the Loire-12, holds twelve qubits.\n",
        encoding="utf-8",
    )
    upload.set_input_files(str(new))
    page.wait_for_function("document.querySelector('#pq-outcome').innerText.includes('added nantes-quantum.txt')")
    page.wait_for_function("document.querySelector('#pq-docs').innerText.includes('not indexed yet')")

    # Another rebuild holds the lock: the page says so, and nothing changes.
    with write_lock(settings.index_dir):
        page.click("#pq-rebuild")
        page.wait_for_function("document.querySelector('#pq-outcome').innerText.includes('rebuilding the index')")

    page.click("#pq-rebuild")
    page.wait_for_function("document.querySelector('#pq-outcome').innerText.includes('indexed:')")
    summary = SUMMARY.search(page.locator("#pq-outcome").inner_text())
    assert summary and summary.groups() == ("1", "0", "0", "2")
    row = page.locator("#pq-docs tr", has_text="nantes-quantum.txt")
    assert "indexed" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "web-index-tab.png"), full_page=True)

    page.get_by_role("tab", name="Ask").click()
    ask(page, "How many qubits does the Loire-12 chip hold?")
    turn = last_turn(page)
    assert turn.locator(".pq-answered").count() == 1
    assert turn.locator(".pq-card .pq-source").first.inner_text() == "nantes-quantum.txt"
    page.screenshot(path=str(ARTIFACTS / "web-chat-new-document.png"))


def test_markup_in_the_corpus_is_shown_as_text(page):
    ask(page, "What does the zorblax eat?")
    turn = last_turn(page)
    transcript = page.locator("#pq-transcript")
    assert turn.locator(".pq-source", has_text=HOSTILE_NAME).count() >= 1
    assert "<script>window.__pqxss" in transcript.inner_text()
    assert transcript.locator("script, img, b, i").count() == 0
    turn.locator(".pq-card", has_text=HOSTILE_NAME).first.locator(".pq-open").click()
    page.locator("#pq-document #pq-target").wait_for()
    document = page.locator("#pq-document")
    assert "<img src=x onerror=" in document.inner_text()
    assert document.locator("script, img, b, i").count() == 0
    faq = page.locator("#pq-faq")
    assert (
        faq.get_by_text('What does the <i>zorblax</i> eat at <img src=x onerror="window.__pqxss=3"> dawn?').count() == 1
    )
    assert faq.locator("img, i").count() == 0
    page.get_by_role("tab", name="Index").click()
    page.wait_for_selector("#pq-docs .pq-table")
    assert page.locator("#pq-docs .pq-source", has_text=HOSTILE_NAME).count() == 1
    assert page.locator("#pq-docs img").count() == 0
    assert page.evaluate("window.__pqxss") is None


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_evaluation(page) -> None:
    """Press "Run" on the Evaluate tab and wait for the report and its chart to be shown."""
    page.click("#pq-eval-run")
    page.wait_for_function(
        "() => { const img = document.querySelector('#pq-eval-results .pq-eval-chart');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    page.wait_for_function("!document.querySelector('#pq-eval-run').disabled")


def test_evaluate_tab_shows_the_faq_report_and_leaves_the_index_alone(page, site):
    url, settings = site
    before = _snapshot(settings.index_dir)
    page.get_by_role("tab", name="Evaluate").click()
    run = page.locator("#pq-eval-run")
    assert run.inner_text() == "Run FAQ evaluation"
    assert page.locator("#pq-eval-mode input[value=both]").is_checked()  # both FAQ modes, baselines on
    assert page.locator("#pq-eval-baselines input").is_checked()
    run_evaluation(page)

    results = page.locator("#pq-eval-results")
    assert results.locator(".pq-eval-heading").inner_text() == "FAQ evaluation"
    served = results.locator('.pq-eval-section[data-section="faq-in"]')
    assert results.locator('.pq-eval-section[data-section="faq-heldout"]').count() == 1
    assert served.locator(".pq-eval-table thead th").all_inner_texts() == [
        "metric",
        "parisqa",
        "dense only",
        "BM25 only",
    ]
    labels = served.locator(".pq-eval-table tbody th").all_inner_texts()
    assert labels[:5] == ["hit@1", "hit@3", "hit@5", "MRR@10", "nDCG@10"] and "latency p95 (ms)" in labels
    hit1 = served.locator(".pq-eval-table tbody tr", has_text="hit@1").locator("td").all_inner_texts()
    assert len(hit1) == 3 and all(re.fullmatch(r"[01]\.\d{3}", v) for v in hit1)
    assert "what the metrics mean" in results.inner_text().lower()

    # The FAQ question full of markup is listed as text.
    served.locator(".pq-eval-items summary").click()
    items = served.locator(".pq-eval-items")
    assert 'What does the <i>zorblax</i> eat at <img src=x onerror="window.__pqxss=3"> dawn?' in items.inner_text()
    assert items.locator("img, i, script").count() == 0
    served.locator(".pq-eval-items summary").click()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "web-evaluate-tab.png"), full_page=True)

    assert _snapshot(settings.index_dir) == before  # the held-out run built its index elsewhere
    assert page.evaluate("window.__pqxss") is None
    hosts = {urlparse(u).hostname for u in page.requests if not u.startswith(("data:", "blob:"))}
    assert hosts == {"127.0.0.1"}


def test_evaluate_tab_takes_an_uploaded_question_file(page, tmp_path):
    questions = tmp_path / "my-questions.jsonl"
    questions.write_text(
        '{"question": "Why does ethical AI matter?", "faq": "paris-ai-city.txt#faq-3"}\n'
        "not json\n"
        '{"question": "How many people live in Lyon?", "answerable": false}\n',
        encoding="utf-8",
    )
    page.get_by_role("tab", name="Evaluate").click()
    page.locator("#pq-eval-questions input[type=file]").set_input_files(str(questions))
    page.wait_for_function("document.querySelector('#pq-eval-run').innerText.includes('my-questions.jsonl')")
    page.locator("#pq-eval-mode").get_by_label("FAQ in the index (as served)").check()
    page.locator("#pq-eval-baselines input").uncheck()
    run_evaluation(page)

    results = page.locator("#pq-eval-results")
    assert results.locator(".pq-eval-heading").inner_text() == "Evaluation of my-questions.jsonl"
    assert results.locator(".pq-eval-section").count() == 1
    served = results.locator('.pq-eval-section[data-section="faq-in"]')
    assert served.locator(".pq-eval-table thead th").all_inner_texts() == ["metric", "parisqa"]
    assert "2 questions (1 answerable, 1 unanswerable)" in served.inner_text()
    assert "my-questions.jsonl: line 2: not valid JSON" in results.inner_text()


def test_pdf_citation_opens_on_its_page_with_the_sentence_highlighted(page, site, tmp_path):
    """Upload a PDF, rebuild, ask what its second page answers: the page view shows page 2, highlighted."""
    import base64
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
    import docmaker
    from test_web import yellow_pixels

    page.get_by_role("tab", name="Index").click()
    page.wait_for_selector("#pq-docs .pq-table")
    pdf = tmp_path / "observatories.pdf"
    pdf.write_bytes(docmaker.pdf_bytes())
    page.locator("#pq-upload input[type=file]").set_input_files(str(pdf))
    page.wait_for_function("document.querySelector('#pq-outcome').innerText.includes('added observatories.pdf')")
    page.click("#pq-rebuild")
    page.wait_for_function("document.querySelector('#pq-outcome').innerText.includes('indexed:')")
    summary = SUMMARY.search(page.locator("#pq-outcome").inner_text())
    assert summary and summary.group(1) == "1", page.locator("#pq-outcome").inner_text()

    page.get_by_role("tab", name="Ask").click()
    ask(page, docmaker.PDF_QUESTION)
    card = last_turn(page).locator(".pq-card.pq-cited").first
    assert card.locator(".pq-source").inner_text() == "observatories.pdf"
    assert card.locator(".pq-page-no").inner_text() == "page 2"
    card.locator(".pq-open").click()
    view = page.locator('#pq-document .pq-page[data-pq-page="2"]')
    view.wait_for()
    assert "Page 2 of 2" in view.inner_text()
    image = view.locator("img.pq-page-img")
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 500", image.element_handle())
    png = base64.b64decode(image.get_attribute("src").split(",", 1)[1])
    assert yellow_pixels(png) > 500  # the supporting sentence is highlighted on the page
    # The extracted text is shown below, the passage marked in it.
    assert docmaker.PDF_FACT in page.locator("#pq-document #pq-target").inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    shot = ARTIFACTS / "pdf-page-view.png"
    page.screenshot(path=str(shot))
    lead_copy = Path("/work/wt/pdf-page-view.png")
    if lead_copy.parent.is_dir():
        shutil.copy(shot, lead_copy)


def test_scan_citation_highlights_the_sentence_on_the_scanned_page(page, site, tmp_path):
    """Upload a scanned PDF (image only, read by Tesseract), ask what its second page answers: the page
    view shows the scan of page 2 with the supporting sentence highlighted on it."""
    import base64
    import sys

    from parisqa.corpus.formats import ocr

    if ocr.tesseract() is None:
        pytest.skip("Tesseract is not installed (.ci/run installs it)")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
    import docmaker
    from test_web import yellow_pixels

    page.get_by_role("tab", name="Index").click()
    page.wait_for_selector("#pq-docs .pq-table")
    scan = tmp_path / "lake-scan.pdf"
    scan.write_bytes(docmaker.scan_pdf(docmaker.lake_pdf(), 150, 1.0, bilevel=True))  # 150 dpi, skewed
    page.locator("#pq-upload input[type=file]").set_input_files(str(scan))
    page.wait_for_function("document.querySelector('#pq-outcome').innerText.includes('added lake-scan.pdf')")
    page.click("#pq-rebuild")
    page.wait_for_function("document.querySelector('#pq-outcome').innerText.includes('indexed:')")

    page.get_by_role("tab", name="Ask").click()
    ask(page, docmaker.SCAN_QUESTION)
    card = last_turn(page).locator(".pq-card.pq-cited").first
    assert card.locator(".pq-source").inner_text() == "lake-scan.pdf"
    assert card.locator(".pq-page-no").inner_text() == "page 2"
    card.locator(".pq-open").click()
    view = page.locator('#pq-document .pq-page[data-pq-page="2"]')
    view.wait_for()
    image = view.locator("img.pq-page-img")
    png = base64.b64decode(image.get_attribute("src").split(",", 1)[1])
    assert yellow_pixels(png) > 500  # the sentence is highlighted on the scanned image
    assert "three hundred and forty passengers" in page.locator("#pq-document #pq-target").inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "scan-page-view.png"))


# --- issue 17: what a new user hit in the page ----------------------------------------------------

RECORD_ANNOUNCEMENTS = """() => {
  window.__pqAnnounced = [];
  const seen = (node) => {
    const el = node.nodeType === 1 ? node : node.parentElement;
    const region = el && el.closest('[aria-live], [role=status], [role=alert]');
    if (region && region.textContent.trim()) window.__pqAnnounced.push(region.textContent.trim());
  };
  new MutationObserver((records) => records.forEach((r) => seen(r.target)))
    .observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_ask_with_an_empty_box_says_why(page):
    page.fill("#pq-question textarea", "   ")
    page.click("#pq-ask")
    notice = page.locator("#pq-transcript .pq-notice")
    notice.wait_for()
    assert notice.inner_text() == "Type a question first: the question box is empty."
    assert notice.is_visible() and notice.get_attribute("role") == "alert"
    assert page.locator(".pq-turn").count() == 0


def test_a_long_question_is_folded_and_its_answer_stays_in_view(page):
    words = (Path(__file__).resolve().parents[2] / "corpus" / "paris-ai-city.txt").read_text().split()
    question = " ".join((words * (5000 // len(words) + 1))[:5000])
    ask(page, question)
    turn = last_turn(page)
    folded = turn.locator("details.pq-long")
    assert folded.count() == 1 and folded.get_attribute("open") is None
    assert "show all 5,000 words" in folded.inner_text()
    assert turn.locator(".pq-q").bounding_box()["height"] < 300
    # The answer's start is inside the visible part of the chat box.
    assert page.evaluate(
        """() => { const box = document.querySelector('.pq-chat').getBoundingClientRect();
                   const turns = document.querySelectorAll('.pq-turn');
                   const a = turns[turns.length - 1].querySelector('.pq-a').getBoundingClientRect();
                   return a.top >= box.top && a.top < box.bottom; }"""
    )
    folded.locator("summary").click()  # the whole question is one click away
    assert folded.get_attribute("open") is not None and "show all" not in folded.locator("summary").inner_text()


def test_search_as_a_new_question_undoes_a_follow_up_rewrite(page):
    ask(page, "What is the role of the French government in AI development?")
    ask(page, "and what about its tax incentives?")
    searched = last_turn(page).locator(".pq-query")
    assert "government" in searched.inner_text().lower()
    page.fill("#pq-question textarea", "half-typed")
    searched.locator("button.pq-undo").click()
    page.wait_for_function(
        "document.querySelectorAll('.pq-turn').length === 3 && "
        "!document.querySelector('.pq-turn:last-child .pq-pending')"
    )
    again = last_turn(page)
    assert again.locator(".pq-bubble").inner_text() == "and what about its tax incentives?"
    assert again.locator(".pq-query").count() == 0  # searched as typed: no rewrite
    assert page.locator("#pq-question textarea").input_value() == "half-typed"  # the box is left alone


def test_upload_and_paste_are_announced_as_sentences_not_keys(page, tmp_path):
    page.get_by_role("tab", name="Index").click()
    page.wait_for_selector("#pq-docs .pq-table")
    page.evaluate(RECORD_ANNOUNCEMENTS)
    # The outcome messages are a polite live region (on the element Gradio hands to the page's script).
    assert page.locator("#pq-outcome [role=status][aria-live=polite]").count() == 1

    note = tmp_path / "bee-notes.txt"
    note.write_text("Bee Notes\nA worker bee lives about six weeks in summer.\n", encoding="utf-8")
    page.locator("#pq-upload input[type=file]").set_input_files(str(note))
    page.wait_for_function("document.querySelector('#pq-outcome').innerText.includes('added bee-notes.txt')")
    page.fill("#pq-title textarea, #pq-title input", "Wax notes")
    page.fill("#pq-body textarea", "Wax Notes\nBees make wax from eight glands.\n")
    page.click("#pq-add-text")
    page.wait_for_function("document.querySelector('#pq-outcome').innerText.includes('added Wax notes')")
    page.click("#pq-refresh")  # an event with Gradio's own progress display: its announcer speaks
    page.wait_for_timeout(6_500)  # Gradio's announcer waits up to 5 s between two announcements

    announced = page.evaluate("window.__pqAnnounced")
    assert not [a for a in announced if re.search(r"\bcommon\.\w+", a)], announced
    assert any("added bee-notes.txt" in a for a in announced), announced
    assert any("added Wax notes" in a for a in announced), announced
    assert "Done." in announced, announced


def test_the_document_pane_is_cleared_by_a_new_question_and_by_new_chat(page):
    placeholder = "#pq-document .pq-doc-empty"
    ask(page, "Why is ethical AI important?")
    last_turn(page).locator(".pq-open").first.click()
    page.locator("#pq-document #pq-target").wait_for()
    ask(page, "What challenges does Paris face in becoming an AI leader?")
    page.wait_for_selector(placeholder)  # the previous answer's document is no longer shown
    assert page.locator("#pq-document #pq-target").count() == 0
    last_turn(page).locator(".pq-open").first.click()
    page.locator("#pq-document #pq-target").wait_for()
    page.click("#pq-clear")
    page.wait_for_selector(".pq-chat.pq-empty")
    page.wait_for_selector(placeholder)
    assert page.locator("#pq-document #pq-target").count() == 0
    page.screenshot(path=str(ARTIFACTS / "web-new-chat-clears-document.png"))


def test_cancelling_the_delete_confirmation_says_the_delete_was_cancelled(page, site):
    _, settings = site
    page.get_by_role("tab", name="Index").click()
    page.wait_for_selector("#pq-docs .pq-table")
    page.locator("#pq-delete-choice input").click()
    page.get_by_role("option", name="paris-ai-city.txt", exact=True).click()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#pq-delete")
    page.wait_for_function("document.querySelector('#pq-outcome').innerText.includes('cancelled')")
    outcome = page.locator("#pq-outcome").inner_text()
    assert "Delete cancelled: paris-ai-city.txt was not deleted." in outcome, outcome
    assert "choose a document first" not in outcome
    assert (settings.corpus_dir / "paris-ai-city.txt").exists()
    page.screenshot(path=str(ARTIFACTS / "web-delete-cancelled.png"))


def test_a_question_with_no_content_word_gets_a_message_not_passages(page):
    ask(page, "???")
    turn = last_turn(page)
    assert "no words to search for" in turn.inner_text()
    assert turn.locator(".pq-card").count() == 0  # no arbitrary "related" passages
    page.screenshot(path=str(ARTIFACTS / "web-no-content-word.png"))


def _recipes_docx() -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_heading("Focaccia", level=1)
    document.add_paragraph("A flat Ligurian bread baked in a well-oiled tray.")
    document.add_heading("Ingredients", level=2)
    document.add_paragraph("The dough for one tray takes these ingredients, weighed in grams:")
    table = document.add_table(rows=5, cols=2)
    rows = (("Ingredient", "Grams"), ("Flour", "500"), ("Water", "400"), ("Salt", "12"), ("Olive oil", "50"))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_heading("Method", level=2)
    for step in ("Mix the flour and the water.", "Rest the dough for an hour.", "Bake for 25 minutes."):
        document.add_paragraph(step, style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def recipes_site(tmp_path_factory, serve_web):
    """The app over a Word recipe with headings and an ingredient table."""
    from parisqa.config import Settings

    base = tmp_path_factory.mktemp("recipes")
    (base / "corpus").mkdir()
    (base / "corpus" / "focaccia.docx").write_bytes(_recipes_docx())
    app, url = serve_web(Settings(corpus_dir=base / "corpus", index_dir=base / "index"))
    yield url
    app.close()


def test_table_rows_render_as_tables_and_headings_as_headings(browser, recipes_site):
    page = browser.new_page()
    page.goto(recipes_site)
    page.wait_for_selector("#pq-status .pq-state-ready")
    ask(page, "How many grams of salt go into the focaccia dough?")
    turn = last_turn(page)
    card = turn.locator(".pq-card", has=page.locator("table")).first
    card.wait_for()
    cells = card.locator("table td").all_inner_texts()
    assert cells[cells.index("Salt") : cells.index("Salt") + 2] == ["Salt", "12"], cells
    assert " | " not in turn.inner_text()  # no literal pipes anywhere in the answer or its passages
    card.locator(".pq-open").click()
    page.locator("#pq-document #pq-target").wait_for()
    body = page.locator("#pq-document .pq-doc-body")
    assert body.locator("[role=heading][aria-level='1']").inner_text().strip() == "Focaccia"
    assert body.locator("[role=heading][aria-level='2']", has_text="Ingredients").count() == 1
    assert "## " not in body.inner_text() and "# Focaccia" not in body.inner_text()
    page.screenshot(path=str(ARTIFACTS / "web-table-and-headings.png"))
    page.close()


@pytest.fixture(scope="module")
def keyed_collections(seed_index, bees_index, serve_collections):
    """Two collections (paris, bees) behind keys: ``(url, {"all": key, "paris": key})``."""
    keys = {"all": "browser-all-key", "paris": "browser-paris-key"}
    sources = {"paris": seed_index, "bees": bees_index}
    url, _, _ = serve_collections(sources, keys=(keys["all"], f"{keys['paris']}:paris"))
    return url, keys


def test_the_collection_picker_and_the_key_sign_in(browser, keyed_collections):
    import base64

    url, keys = keyed_collections
    from playwright.sync_api import Error as BrowserError

    stranger = browser.new_page()
    with pytest.raises(BrowserError, match="ERR_INVALID_AUTH_CREDENTIALS"):  # headless: no sign-in box to fill
        stranger.goto(url + "/c/bees/")
    assert stranger.request.get(url + "/c/bees/").status == 401
    stranger.close()

    def signed_in(key: str):
        page = browser.new_page()
        token = base64.b64encode(f"me:{key}".encode()).decode()
        page.set_extra_http_headers({"Authorization": f"Basic {token}"})  # what the sign-in box sends
        return page

    other = signed_in(keys["paris"])
    assert other.goto(url + "/c/bees/").status == 403
    other.close()

    page = signed_in(keys["all"])
    page.goto(url + "/c/bees/")
    page.wait_for_selector("#pq-status .pq-state-ready")
    current = page.locator(".pq-collections [aria-current=page]")
    assert current.inner_text() == "bees"
    ask(page, "How long does a queen bee live?")
    sources = last_turn(page).locator(".pq-card.pq-cited .pq-source").all_inner_texts()
    assert sources and "paris-ai-city.txt" not in sources
    page.screenshot(path=str(ARTIFACTS / "web-collections-bees.png"))
    page.locator(".pq-collections a", has_text="paris").click()
    page.wait_for_url(url + "/")
    page.wait_for_selector("#pq-status .pq-state-ready")
    assert page.locator(".pq-collections [aria-current=page]").inner_text() == "paris"
    page.close()
