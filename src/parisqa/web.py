"""The web chat (Gradio). A minimal page for now; the full chat lands with the web-chat issue."""

from __future__ import annotations

import os
from typing import Any

from .config import Settings

# No usage reporting or version checks: the page must work with no network.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def build_app(settings: Settings) -> Any:
    """Build the Gradio page over the index described by ``settings``."""
    import gradio as gr

    from .api import Engine

    engine = Engine(settings)

    def respond(question: str) -> dict[str, Any]:
        return engine.ask(question).to_dict()

    with gr.Blocks(title="parisqa") as app:
        gr.Markdown("# parisqa\nAsk a question about the corpus.")
        box = gr.Textbox(label="Question")
        out = gr.JSON(label="Answer")
        box.submit(respond, box, out, api_name="ask")
    return app


def serve(settings: Settings, *, host: str | None = None, port: int | None = None, auth: str | None = None) -> None:
    """Start the web chat and block."""
    host = host or os.environ.get("PARISQA_HOST") or "127.0.0.1"
    port = int(port or os.environ.get("PARISQA_PORT") or 7860)
    app = build_app(settings)
    app.launch(server_name=host, server_port=port, auth=tuple(auth.split(":", 1)) if auth else None)
