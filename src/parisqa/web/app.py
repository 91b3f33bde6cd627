"""The web chat (Gradio): ask with follow-ups, read cited passages in their documents, manage the index.

The page has an "Ask" tab (conversation, cited passages, the source document opened at a passage,
FAQ questions from the corpus as examples), an "Index" tab (documents, upload, paste, delete,
rebuild) and, by default, an "Evaluate" tab (:mod:`parisqa.web.eval_tab`). Tabs after the first two plug
in through ``build_app(extra_tabs=...)``. The named API endpoint ``/ask``
returns the ``parisqa ask --json`` object.

This is the web layer: it turns library errors into messages and holds no logic of its own beyond
wiring. Query rewriting lives in :mod:`parisqa.answer.followup`, file checks in :mod:`parisqa.corpus.folder`,
HTML in :mod:`parisqa.web.render` (which escapes every text it shows).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..config import Settings
from ..errors import ParisqaError
from .ask_tab import build_ask_tab
from .context import TabBuilder, Warmup, WebContext, indexed_faq_questions, status_text, web_message
from .index_tab import build_index_tab


def default_tabs() -> tuple[TabBuilder, ...]:
    """The tabs after "Ask" and "Index" when ``build_app`` is not told otherwise: "Evaluate"."""
    from .eval_tab import build_evaluate_tab

    return (build_evaluate_tab,)


def build_app(
    settings: Settings,
    *,
    engine: Any = None,
    max_upload_bytes: int | None = None,
    extra_tabs: Sequence[TabBuilder] | None = None,
    header: str = "",
) -> Any:
    """Build the page over the corpus and index of ``settings``; the model loads in the background.

    Args:
        settings: corpus and index folders, chunking and answering settings.
        engine: the :class:`parisqa.api.Engine` to answer with (default: a new one over ``settings``).
        max_upload_bytes: upload size limit (default: ``settings.upload_limit()``: the setting, else
            ``PARISQA_MAX_UPLOAD_BYTES``, else 5 MB).
        extra_tabs: functions that each add one ``gr.Tab`` after "Ask" and "Index", given a
            :class:`WebContext` (default: :func:`default_tabs`, the "Evaluate" tab; ``()`` for none).
        header: HTML shown in the header, after the title (the collection picker of a server holding
            several: :mod:`parisqa.web.collections`).

    Returns:
        The ``gr.Blocks`` app; start it with :func:`launch`.
    """
    import gradio as gr

    from ..answer.generate import LLMConfig
    from ..api import Engine
    from .render import faq_html, status_html

    engine = engine or Engine(settings)
    given = settings if max_upload_bytes is None else settings.with_(max_upload_bytes=max_upload_bytes)
    limit = given.upload_limit()
    ctx = WebContext(settings, engine, Warmup(engine).start(), limit, llm=LLMConfig.from_settings(settings))

    def api_ask(question: str) -> dict:
        """Answer one question from the corpus; returns the `parisqa ask --json` object."""
        try:
            return engine.ask(question).to_dict()
        except ParisqaError as exc:
            raise gr.Error(web_message(exc)) from None

    def poll_status():
        state, text = status_text(ctx)
        loading = state == "loading"
        examples = gr.skip() if loading else faq_html(indexed_faq_questions(ctx))
        # A watched folder changes by itself: keep the status line (and its last sync) fresh.
        timer = gr.Timer(0.5 if loading else 2.0, active=loading or ctx.watch is not None)
        return status_html(state, text), timer, examples

    with gr.Blocks(title="parisqa", analytics_enabled=False, delete_cache=(3600, 3600)) as app:
        with gr.Row(elem_id="pq-header"):
            gr.HTML(
                '<div class="pq-title"><span class="pq-logo">parisqa</span>'
                '<span class="pq-tagline">answers quoted from your documents, offline</span></div>'
            )
            if header:
                gr.HTML(header, elem_id="pq-collections")
            status = gr.HTML(status_html(*status_text(ctx)), elem_id="pq-status")
        timer = gr.Timer(0.5)
        # Registered first so that it owns the name "ask" whatever the tabs call their handlers.
        gr.api(api_ask, api_name="ask", concurrency_limit=4, concurrency_id="answers")
        with gr.Tabs():
            ask_parts = build_ask_tab(ctx)
            build_index_tab(ctx, ask_parts, status)
            for builder in default_tabs() if extra_tabs is None else extra_tabs:
                builder(ctx)
        polled = [status, timer, ask_parts["examples"]]
        timer.tick(poll_status, None, polled, api_visibility="private", show_progress="hidden")
        app.load(poll_status, None, polled, api_visibility="private", show_progress="hidden")
    app.parisqa = ctx  # for tests and embedding
    return app
