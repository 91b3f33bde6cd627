"""The web page's "Index" tab: the documents, upload, paste, delete and rebuild.

File checks live in :mod:`parisqa.corpus.folder`; the rebuild is the engine's.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import IndexBusyError, ParisqaError
from .context import Message, WebContext, indexed_faq_questions, no_remote_example, status_text, web_message
from .render import static_text

_REBUILD_HINT: Message = (
    "info",
    "Press “Rebuild index” to answer from the changes; until then answers use the index in place.",
)


class IndexActions:
    """What the Index tab's buttons do, as plain methods returning message lines.

    The engine keeps answering from the index in place while files change and while a rebuild runs;
    the rebuild holds the index's write lock and swaps the new index in at its end.
    """

    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx

    @property
    def corpus_dir(self) -> Path:
        return self.ctx.settings.corpus_dir

    def documents(self) -> tuple[list[Any], list[str]]:
        """The document rows (see :func:`parisqa.corpus.folder.list_documents`) and warnings."""
        from ..corpus.folder import list_documents
        from ..index.store import read_manifest

        try:
            manifest, problems = read_manifest(self.ctx.settings.index_dir), []
        except ParisqaError as exc:
            manifest, problems = None, [web_message(exc)]
        rows, warnings = list_documents(self.corpus_dir, manifest)
        return rows, [*problems, *warnings]

    def upload(self, paths: Sequence[str | Path]) -> list[Message]:
        """Add uploaded files (each refused or added on its own)."""
        from ..corpus.folder import add_file

        messages: list[Message] = []
        for path in paths:
            try:
                saved = add_file(self.corpus_dir, Path(path), limit=self.ctx.max_upload_bytes)
            except ParisqaError as exc:
                messages.append(("error", web_message(exc)))
            else:
                messages.append(("ok", saved.message()))
        if any(kind == "ok" for kind, _ in messages):
            messages.append(_REBUILD_HINT)
        return messages

    def add_text(self, title: str, text: str) -> tuple[list[Message], bool]:
        """Add pasted text; returns the messages and whether it was added."""
        from ..corpus.folder import add_text

        try:
            saved = add_text(self.corpus_dir, title, text, limit=self.ctx.max_upload_bytes)
        except ParisqaError as exc:
            return [("error", web_message(exc))], False
        return [("ok", saved.message()), _REBUILD_HINT], True

    def delete(self, source: str | None, confirmed: bool = True) -> list[Message]:
        """Delete one document from the corpus folder (``confirmed``: the user said yes to the prompt)."""
        from ..corpus.folder import delete_document

        if not source:
            return [("info", "Nothing deleted; choose a document first.")]
        if not confirmed:
            return [("info", f"Delete cancelled: {source} was not deleted.")]
        try:
            delete_document(self.corpus_dir, source)
        except ParisqaError as exc:
            return [("error", web_message(exc))]
        return [("ok", f"deleted {source} from the corpus folder"), _REBUILD_HINT]

    def rebuild(self) -> list[Message]:
        """Update the index from the corpus; refuses at once when another rebuild holds the lock."""
        try:
            summary = self.ctx.engine.build(progress=True, lock_wait=0)
        except IndexBusyError as exc:
            return [("error", web_message(exc))]
        except ParisqaError as exc:
            return [("error", web_message(exc)), ("info", "The index in place is unchanged.")]
        for callback in self.ctx.on_index_changed:
            callback()
        return [("ok", summary.line()), *(("info", w) for w in summary.warnings)]


def build_index_tab(ctx: WebContext, ask_parts: dict[str, Any], status: Any) -> None:
    """The "Index" tab: the document list, upload, paste, delete and rebuild."""
    import gradio as gr

    from ..corpus.folder import human_size
    from .render import documents_html, faq_html, messages_html, status_html

    actions = IndexActions(ctx)

    def table() -> tuple[str, Any]:
        rows, warnings = actions.documents()
        on_disk = [r.source for r in rows if r.status != "deleted"]
        return documents_html(rows, warnings), gr.Dropdown(choices=on_disk, value=None)

    with gr.Tab("Index", id="index") as tab:
        docs = gr.HTML(elem_id="pq-docs")
        with gr.Row(elem_classes="pq-toolbar"):
            rebuild = gr.Button(
                "Rebuild index", variant="primary", size="md", scale=0, min_width=150, elem_id="pq-rebuild"
            )
            refresh = gr.Button(
                "Refresh list", variant="secondary", size="md", scale=0, min_width=120, elem_id="pq-refresh"
            )
        # A live region: what an upload, paste, delete or rebuild did is read out by screen readers.
        outcome = gr.HTML(elem_id="pq-outcome", min_height=72, js_on_load=static_text("live-region.js"))
        with gr.Row(equal_height=False):
            with gr.Column(min_width=300):
                gr.Markdown(
                    f"**Add files** · .txt or .md (UTF-8), .pdf, .html, .htm, .docx, or scans as .png, .jpg or .tiff, "
                    f"up to {human_size(ctx.max_upload_bytes)} each"
                )
                files = no_remote_example(
                    gr.File(file_count="multiple", label="Upload", elem_id="pq-upload", height=150)
                )
            with gr.Column(min_width=300):
                gr.Markdown("**Paste text**")
                title = gr.Textbox(label="Title (becomes the file name)", max_lines=1, elem_id="pq-title")
                body = gr.Textbox(label="Text", lines=4, max_lines=14, elem_id="pq-body")
                add = gr.Button("Add text", size="md", elem_id="pq-add-text")
        gr.Markdown(
            "**Delete a document** · removes the file from the corpus folder; rebuild to drop it from the index"
        )
        with gr.Row(equal_height=True):
            doomed = gr.Dropdown(show_label=False, choices=[], scale=3, elem_id="pq-delete-choice")
            delete = gr.Button("Delete", variant="stop", size="md", scale=0, min_width=110, elem_id="pq-delete")
            # The confirmation prompt's answer ("yes"/"no"), set by confirm-delete.js before the click is sent.
            confirmed = gr.Textbox(visible=False, elem_id="pq-delete-confirmed")

    def on_upload(paths: list[str] | None):
        return messages_html(actions.upload(paths or [])), None, *table()

    def on_add_text(title_value: str, text: str):
        messages, added = actions.add_text(title_value, text)
        return messages_html(messages), *(("", "") if added else (title_value, text)), *table()

    def on_delete(source: str | None, answer: str | None):
        return messages_html(actions.delete(source, confirmed=answer != "no")), *table()

    def on_rebuild(progress=gr.Progress(track_tqdm=True)):  # noqa: B008 - Gradio's injection idiom
        progress(0, desc="Reading the corpus…")
        messages = actions.rebuild()
        return (
            messages_html(messages),
            *table(),
            faq_html(indexed_faq_questions(ctx)),
            status_html(*status_text(ctx)),
        )

    listing = [docs, doomed]
    # No progress display: its announcer would say only "Done."; the outcome region says what was added.
    quiet = {"api_visibility": "private", "show_progress": "hidden"}
    files.upload(on_upload, files, [outcome, files, *listing], **quiet)
    add.click(on_add_text, [title, body], [outcome, title, body, *listing], **quiet)
    delete.click(
        on_delete,
        [doomed, confirmed],
        [outcome, *listing],
        js=static_text("confirm-delete.js"),
        api_visibility="private",
    )
    rebuild.click(
        on_rebuild,
        None,
        [outcome, *listing, ask_parts["examples"], status],
        show_progress_on=outcome,
        concurrency_limit=1,
        concurrency_id="rebuild",
        api_visibility="private",
    )
    refresh.click(table, None, listing, api_visibility="private")
    tab.select(table, None, listing, api_visibility="private")
