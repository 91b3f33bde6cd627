"""The web page's "Ask" tab: the conversation, cited passages, the cited document, FAQ questions.

Query rewriting for follow-ups lives in :mod:`parisqa.answer.followup`, HTML in :mod:`parisqa.web.render`;
the tab's scripts are files in ``static/``.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

from ..errors import ParisqaError
from .context import WebContext, web_message
from .render import static_text

log = logging.getLogger(__name__)
# Said when Ask is pressed with nothing in the box (instead of nothing happening).
EMPTY_QUESTION = "Type a question first: the question box is empty."


def read_source(ctx: WebContext, source: str) -> tuple[bytes, str, Any]:
    """A corpus document's bytes, its text as indexed (the extracted text of a PDF, HTML or DOCX file)
    and its extraction (None for .txt/.md); refused (as a ParisqaError) outside the corpus or unreadable.
    """
    from ..api import source_document
    from ..corpus.folder import source_path

    source_path(ctx.settings.corpus_dir, source)  # a document of the corpus, or a CorpusError
    return source_document(ctx.settings, source)


def page_view(source: str, data: bytes, extracted: Any, citation: dict[str, Any]) -> str:
    """The PDF page holding a citation's supporting sentences, highlighted, as HTML ("" for other files)."""
    from ..corpus.formats import render_page
    from ..errors import ExtractionError
    from .render import page_html

    if extracted is None or not extracted.pages:
        return ""
    start, end = int(citation["start"]), int(citation["end"])
    spans = [(int(h["start"]), int(h["end"])) for h in citation.get("highlights") or ()] or [(start, end)]
    page = extracted.page_of(spans[0][0]) or 1
    try:
        png = render_page(data, page, spans, extracted=extracted)
    except ExtractionError as exc:
        log.warning("cannot render page %s of %s: %s", page, source, exc)
        return ""
    return page_html(source, page, len(extracted.pages), png)


def build_ask_tab(ctx: WebContext) -> dict[str, Any]:
    """The "Ask" tab; returns the components other tabs update (FAQ examples, status)."""
    import gradio as gr

    from ..answer.followup import previous_turn
    from .render import document_html, document_placeholder, related_passages, transcript_html

    engine = ctx.engine
    with gr.Tab("Ask", id="ask"):
        turns = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=360):
                chat = gr.HTML(transcript_html([]), elem_id="pq-transcript", js_on_load=static_text("chat.js"))
                with gr.Row(equal_height=True):
                    box = gr.Textbox(
                        placeholder="Ask a question about the corpus…",
                        show_label=False,
                        lines=1,
                        max_lines=6,
                        scale=6,
                        elem_id="pq-question",
                        autofocus=True,
                    )
                    send = gr.Button("Ask", variant="primary", scale=0, min_width=90, elem_id="pq-ask")
                    clear = gr.Button("New chat", variant="secondary", scale=0, min_width=130, elem_id="pq-clear")
                gr.Markdown(
                    "Answers are quotes from the documents, in the documents' own language: with the "
                    "multilingual model a question in French over English text is answered with the "
                    "English sentences that answer it.",
                    elem_id="pq-quote-note",
                )
                # Filled when the page loads (see build_app): finding them reads the indexed documents.
                # Shown only when an LLM server is configured (PARISQA_LLM_URL / --llm-url).
                generate = gr.Checkbox(
                    label="Write the answer with the LLM",
                    info="every sentence is checked against the passage it cites; unsupported ones are removed",
                    value=False,
                    visible=ctx.llm is not None,
                    elem_id="pq-generate",
                )
                # The user's floor on confidence (--min-confidence / PARISQA_MIN_CONFIDENCE is its default):
                # stricter declining for those who would rather have no answer than a doubtful one.
                strictness = gr.Slider(
                    minimum=0.0,
                    maximum=1.0,
                    step=0.05,
                    value=float(ctx.settings.min_confidence or 0.0),
                    label="Decline answers below this confidence",
                    info="0: the fitted threshold alone decides; higher: fewer, surer answers",
                    elem_id="pq-min-confidence",
                )
                examples = gr.HTML("", elem_id="pq-faq", js_on_load=static_text("faq.js"))
            with gr.Column(scale=4, min_width=320):
                document = gr.HTML(document_placeholder(), elem_id="pq-document", js_on_load=static_text("document.js"))

    def generated(question: str, answer: Any, history: list[dict[str, Any]]):
        """Stream an LLM-written answer: transcripts with the verified text so far, the answer dict last."""
        from ..answer.grounded import GroundedAnswer

        text = ""
        for item in engine.generate_stream(answer, ctx.llm):
            if isinstance(item, GroundedAnswer):
                yield item.to_dict()
                return
            text += item
            yield transcript_html([*history, {"question": question, "partial": text}])

    def answer_turn(
        question: str,
        previous: Any,
        history: list[dict[str, Any]],
        box_value: Any = "",
        generate: bool = False,
        min_confidence: float | None = None,
    ):
        """Answer ``question`` as the conversation's next turn: the pending turn first, then the answer.

        ``previous`` is the turn it may follow up on (None: searched on its own); the engine decides
        whether it leans on it (:meth:`parisqa.api.Engine.answer`).

        ``box_value`` is what the question box gets: emptied after a typed question, left as it is
        (``gr.skip()``) when the question comes from a button. ``generate`` asks the LLM to write the
        answer (when one is configured), streamed and verified. ``min_confidence`` is the slider's floor.
        """
        waiting = "Searching the corpus…" if ctx.warmup.done.is_set() else "Waiting for the model to load…"
        yield transcript_html([*history, {"question": question, "pending": waiting}]), box_value, history
        ctx.warmup.done.wait()
        try:
            if ctx.warmup.fatal:
                raise ParisqaError(ctx.warmup.error or "the model could not be loaded")
            answer = engine.answer(question, previous=previous, min_confidence=min_confidence)
            entry: dict[str, Any] = {"question": question, "answer": answer.to_dict()}
            if generate and ctx.llm is not None and not answer.abstained:
                for item in generated(question, answer, history):
                    if isinstance(item, dict):
                        entry["answer"] = item
                    else:
                        yield item, box_value, history
        except ParisqaError as exc:
            entry = {"question": question, "error": web_message(exc)}
        except Exception as exc:  # noqa: BLE001 - an error turn, not a spinner that never stops
            log.exception("answering %r failed", question)
            entry = {"question": question, "error": f"answering failed: {exc}"}
        history = [*history, entry]
        yield transcript_html(history), box_value, history

    def chat_turn(
        question: str, history: list[dict[str, Any]], generate: bool = False, min_confidence: float | None = None
    ):
        question = (question or "").strip()
        history = list(history or [])
        if not question:
            yield transcript_html(history, notice=EMPTY_QUESTION), "", history
            return
        previous = previous_turn(history)
        yield from answer_turn(question, previous, history, generate=generate, min_confidence=min_confidence)

    def search_as_new(history: list[dict[str, Any]], evt: gr.EventData):
        """Undo a follow-up's rewrite: ask that turn's question again, searched on its own."""
        history = list(history or [])
        data = getattr(evt, "_data", None) or {}
        try:
            turn = int(data.get("turn"))
            question = str(history[turn if turn >= 0 else len(history)]["answer"]["question"])
        except (IndexError, KeyError, TypeError, ValueError):
            gone = "That question is no longer in this conversation."
            yield transcript_html(history, notice=gone), gr.skip(), history
            return
        yield from answer_turn(question, None, history, gr.skip())

    def open_citation(history: list[dict[str, Any]], evt: gr.EventData) -> str:
        data = getattr(evt, "_data", None) or {}
        try:
            answer = history[int(data.get("turn"))]["answer"]
            pool = related_passages(answer) if data.get("related") else answer["citations"]
            citation = next(c for c in pool if int(c["n"]) == int(data.get("n")))
        except (IndexError, KeyError, TypeError, ValueError, StopIteration):
            return document_placeholder("That passage is no longer in this conversation.")
        source, start, end = str(citation["source"]), int(citation["start"]), int(citation["end"])
        try:
            data, text, extracted = read_source(ctx, source)
        except ParisqaError as exc:
            return document_placeholder(f"Cannot open {source}: {exc}")
        note, page = "", ""
        if text[start:end] != citation["text"]:
            note = f"{source} changed since it was indexed, so the marked span may be off; rebuild the index."
        else:
            page = page_view(source, data, extracted, citation)
        label = f"passage {citation['n']} · "
        markdown = extracted is not None or source.lower().endswith((".md", ".markdown"))
        return document_html(
            source,
            text,
            start,
            end,
            citation.get("highlights"),
            label=label,
            note=note,
            page_view=page,
            markdown=markdown,
        )

    # Gradio finds the event-data parameter by its type; with postponed annotations it cannot resolve
    # the local ``gr`` name, so the annotation is given as the class itself.
    open_citation.__annotations__["evt"] = gr.EventData
    search_as_new.__annotations__["evt"] = gr.EventData

    def new_chat() -> tuple[str, list, str, str]:
        return transcript_html([]), [], document_placeholder(), ""

    def clearing_document(events):
        """``events`` with the document pane as a last output: emptied at once, then left alone, so a
        new question never shows the previous answer's document beside it."""

        @functools.wraps(events)  # Gradio reads the signature (its event-data parameter) through it
        def run(*args):
            first = True
            for item in events(*args):
                yield (*item, document_placeholder() if first else gr.skip())
                first = False

        return run

    # The transcript shows its own "searching" turn, so Gradio's progress overlay is not needed.
    answer_events = {
        "concurrency_limit": 4,
        "concurrency_id": "answers",
        "api_visibility": "private",
        "show_progress": "hidden",
    }
    ask_turn = clearing_document(chat_turn)
    box.submit(ask_turn, [box, turns, generate, strictness], [chat, box, turns, document], **answer_events)
    send.click(ask_turn, [box, turns, generate, strictness], [chat, box, turns, document], **answer_events)

    def pick(evt: gr.EventData) -> str:
        return str((getattr(evt, "_data", None) or {}).get("question", ""))

    pick.__annotations__["evt"] = gr.EventData
    examples.pick(pick, None, box, api_visibility="private", show_progress="hidden").then(
        ask_turn, [box, turns, generate, strictness], [chat, box, turns, document], **answer_events
    )
    chat.cite(open_citation, [turns], document, api_visibility="private")
    chat.undo(clearing_document(search_as_new), [turns], [chat, box, turns, document], **answer_events)
    clear.click(new_chat, None, [chat, turns, document, box], api_visibility="private")
    return {"examples": examples}
