"""The web chat (Gradio): ask with follow-ups, read cited passages in their documents, manage the index.

The page has an "Ask" tab (conversation, cited passages, the source document opened at a passage,
FAQ questions from the corpus as examples), an "Index" tab (documents, upload, paste, delete,
rebuild) and, by default, an "Evaluate" tab (:mod:`parisqa.web_eval`). Tabs after the first two plug
in through ``build_app(extra_tabs=...)``. The named API endpoint ``/ask``
returns the ``parisqa ask --json`` object.

This is the web layer: it turns library errors into messages and holds no logic of its own beyond
wiring. Query rewriting lives in :mod:`parisqa.followup`, file checks in :mod:`parisqa.documents`,
HTML in :mod:`parisqa.web_render` (which escapes every text it shows).
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Settings
from .errors import ConfigError, IndexBusyError, IndexMissingError, ParisqaError

# No usage reporting or version checks: the page must work with no network.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
# Fonts the browser already has: the page never fetches a font (or anything else) from elsewhere.
SYSTEM_FONTS = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif")
SYSTEM_MONO = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace")

_CHAT_JS = """
element.addEventListener('click', (event) => {
  const open = event.target.closest('[data-pq-open]');
  if (open) {
    element.querySelectorAll('.pq-card.pq-active').forEach((c) => c.classList.remove('pq-active'));
    const card = open.closest('.pq-card');
    if (card) card.classList.add('pq-active');
    const d = open.dataset;
    trigger('cite', {turn: Number(d.turn), n: Number(d.n), related: d.related === '1'});
    return;
  }
  const marker = event.target.closest('[data-pq-marker]');
  if (marker) {
    const card = element.querySelector('#' + marker.dataset.target);
    if (card) {
      card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
      card.classList.remove('pq-flash');
      void card.offsetWidth;
      card.classList.add('pq-flash');
    }
  }
});
watch('value', () => {
  const box = element.querySelector('.pq-chat');
  const turns = element.querySelectorAll('.pq-turn');
  if (box && turns.length) box.scrollTop = Math.max(0, turns[turns.length - 1].offsetTop - 8);
});
"""

_FAQ_JS = """
element.addEventListener('click', (event) => {
  const chip = event.target.closest('[data-pq-faq]');
  if (chip) trigger('pick', {question: chip.textContent});
});
"""

_DOC_JS = """
watch('value', () => {
  const body = element.querySelector('.pq-doc-body');
  const target = element.querySelector('#pq-target');
  if (body && target) {
    body.scrollTop = Math.max(0, target.offsetTop - body.clientHeight / 4);
    const box = element.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight) element.scrollIntoView({block: 'start', behavior: 'smooth'});
  }
});
"""

_CONFIRM_DELETE_JS = """
(name) => (name && window.confirm('Delete ' + name + ' from the corpus folder? The file is removed.')) ? name : null
"""


class Warmup:
    """Loads the model and the index in a background thread, so the page is up at once.

    The engine builds the index when it is missing or stale on this first load only; afterwards
    rebuilds happen when the user asks for one, and answers keep coming from the index in place.
    """

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.started = time.monotonic()
        self.done = threading.Event()
        self.error: str | None = None
        self.fatal = False  # the model itself could not be loaded: nothing can be answered
        self.seconds: float | None = None

    def start(self) -> Warmup:
        threading.Thread(target=self._run, name="parisqa-warmup", daemon=True).start()
        return self

    def _run(self) -> None:
        try:
            self.engine.embedder.warm_up()
            self.engine.index()
        except ParisqaError as exc:
            self.error = web_message(exc)
        except Exception as exc:  # noqa: BLE001 - shown on the page instead of a silent dead thread
            self.error, self.fatal = f"could not load the model or the index: {exc}", True
        finally:
            self.engine.auto_build = False
            self.seconds = time.monotonic() - self.started
            self.done.set()


def web_message(exc: ParisqaError) -> str:
    """A library error as the web page words it (it has buttons where the CLI has commands)."""
    if isinstance(exc, IndexMissingError):
        return "there is no index yet: add documents in the Index tab, then press “Rebuild index”"
    return str(exc)


@dataclass
class WebContext:
    """What a tab builder gets: the settings, the engine answering questions, the warm-up state.

    ``on_index_changed`` holds callbacks run (with no arguments) after each successful rebuild.
    """

    settings: Settings
    engine: Any
    warmup: Warmup
    max_upload_bytes: int
    on_index_changed: list[Callable[[], None]] = field(default_factory=list)
    faq_cache: tuple[str | None, list[str]] | None = None


TabBuilder = Callable[[WebContext], None]


def default_tabs() -> tuple[TabBuilder, ...]:
    """The tabs after "Ask" and "Index" when ``build_app`` is not told otherwise: "Evaluate"."""
    from .web_eval import build_evaluate_tab

    return (build_evaluate_tab,)


def status_text(ctx: WebContext) -> tuple[str, str]:
    """The status line: ``(state, text)``, state being "loading", "ready" or "error"."""
    warm = ctx.warmup
    if not warm.done.is_set():
        return "loading", f"Loading the model and the index… {time.monotonic() - warm.started:.0f} s"
    if warm.fatal:
        return "error", str(warm.error)
    try:
        index = ctx.engine.index()
    except ParisqaError as exc:
        return "error", web_message(exc)
    files = len(index.manifest.get("files", {}))
    built = str(index.manifest.get("created_at", "")).replace("T", " ").replace("Z", " UTC")
    docs = f"{files} document{'s' if files != 1 else ''}"
    return "ready", f"Ready · {docs}, {len(index.chunks)} passages · index of {built}"


def _faq_questions(ctx: WebContext) -> list[str]:
    """The FAQ questions of the indexed documents, found again only when a new index is in place."""
    from .documents import faq_questions
    from .store import read_manifest

    try:
        manifest = read_manifest(ctx.settings.index_dir)
    except ParisqaError:
        return []
    if manifest is None:
        return []
    generation = manifest.get("generation")
    cached = ctx.faq_cache
    if cached is None or cached[0] != generation:
        cached = (generation, faq_questions(ctx.settings.corpus_dir, list(manifest.get("files", {}))))
        ctx.faq_cache = cached
    return list(cached[1])


def _read_source(ctx: WebContext, source: str) -> str:
    from .documents import source_path
    from .ingest import Unreadable, read_source_text

    source_path(ctx.settings.corpus_dir, source)  # a document of the corpus, or a CorpusError
    try:
        return read_source_text(ctx.settings.corpus_dir, source)
    except Unreadable as exc:
        raise ParisqaError(str(exc)) from None


def build_ask_tab(ctx: WebContext) -> dict[str, Any]:
    """The "Ask" tab; returns the components other tabs update (FAQ examples, status)."""
    import gradio as gr

    from .followup import previous_turn, rewrite_query
    from .web_render import document_html, document_placeholder, related_passages, transcript_html

    engine = ctx.engine
    with gr.Tab("Ask", id="ask"):
        turns = gr.State([])
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=360):
                chat = gr.HTML(transcript_html([]), elem_id="pq-transcript", js_on_load=_CHAT_JS)
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
                # Filled when the page loads (see build_app): finding them reads the indexed documents.
                examples = gr.HTML("", elem_id="pq-faq", js_on_load=_FAQ_JS)
            with gr.Column(scale=4, min_width=320):
                document = gr.HTML(document_placeholder(), elem_id="pq-document", js_on_load=_DOC_JS)

    def chat_turn(question: str, history: list[dict[str, Any]]):
        question = (question or "").strip()
        history = list(history or [])
        if not question:
            yield transcript_html(history), "", history
            return
        query = rewrite_query(question, previous_turn(history))
        waiting = "Searching the corpus…" if ctx.warmup.done.is_set() else "Waiting for the model to load…"
        yield transcript_html([*history, {"question": question, "pending": waiting}]), "", history
        ctx.warmup.done.wait()
        try:
            if ctx.warmup.fatal:
                raise ParisqaError(ctx.warmup.error or "the model could not be loaded")
            entry: dict[str, Any] = {"question": question, "answer": engine.ask(question, query=query).to_dict()}
        except ParisqaError as exc:
            entry = {"question": question, "error": web_message(exc)}
        except Exception as exc:  # noqa: BLE001 - an error turn, not a spinner that never stops
            log.exception("answering %r failed", question)
            entry = {"question": question, "error": f"answering failed: {exc}"}
        history = [*history, entry]
        yield transcript_html(history), "", history

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
            text = _read_source(ctx, source)
        except ParisqaError as exc:
            return document_placeholder(f"Cannot open {source}: {exc}")
        note = ""
        if text[start:end] != citation["text"]:
            note = f"{source} changed since it was indexed, so the marked span may be off; rebuild the index."
        label = f"passage {citation['n']} · "
        return document_html(source, text, start, end, citation.get("highlights"), label=label, note=note)

    # Gradio finds the event-data parameter by its type; with postponed annotations it cannot resolve
    # the local ``gr`` name, so the annotation is given as the class itself.
    open_citation.__annotations__["evt"] = gr.EventData

    def new_chat() -> tuple[str, list, str, str]:
        return transcript_html([]), [], document_placeholder(), ""

    # The transcript shows its own "searching" turn, so Gradio's progress overlay is not needed.
    answer_events = {
        "concurrency_limit": 4,
        "concurrency_id": "answers",
        "api_visibility": "private",
        "show_progress": "hidden",
    }
    box.submit(chat_turn, [box, turns], [chat, box, turns], **answer_events)
    send.click(chat_turn, [box, turns], [chat, box, turns], **answer_events)

    def pick(evt: gr.EventData) -> str:
        return str((getattr(evt, "_data", None) or {}).get("question", ""))

    pick.__annotations__["evt"] = gr.EventData
    examples.pick(pick, None, box, api_visibility="private", show_progress="hidden").then(
        chat_turn, [box, turns], [chat, box, turns], **answer_events
    )
    chat.cite(open_citation, [turns], document, api_visibility="private")
    clear.click(new_chat, None, [chat, turns, document, box], api_visibility="private")
    return {"examples": examples}


Message = tuple[str, str]  # ("ok" | "error" | "info", text)
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
        """The document rows (see :func:`parisqa.documents.list_documents`) and warnings."""
        from .documents import list_documents
        from .store import read_manifest

        try:
            manifest, problems = read_manifest(self.ctx.settings.index_dir), []
        except ParisqaError as exc:
            manifest, problems = None, [str(exc)]
        rows, warnings = list_documents(self.corpus_dir, manifest)
        return rows, [*problems, *warnings]

    def upload(self, paths: Sequence[str | Path]) -> list[Message]:
        """Add uploaded files (each refused or added on its own)."""
        from .documents import add_file

        messages: list[Message] = []
        for path in paths:
            try:
                saved = add_file(self.corpus_dir, Path(path), limit=self.ctx.max_upload_bytes)
            except ParisqaError as exc:
                messages.append(("error", str(exc)))
            else:
                messages.append(("ok", saved.message()))
        if any(kind == "ok" for kind, _ in messages):
            messages.append(_REBUILD_HINT)
        return messages

    def add_text(self, title: str, text: str) -> tuple[list[Message], bool]:
        """Add pasted text; returns the messages and whether it was added."""
        from .documents import add_text

        try:
            saved = add_text(self.corpus_dir, title, text, limit=self.ctx.max_upload_bytes)
        except ParisqaError as exc:
            return [("error", str(exc))], False
        return [("ok", saved.message()), _REBUILD_HINT], True

    def delete(self, source: str | None) -> list[Message]:
        """Delete one document from the corpus folder."""
        from .documents import delete_document

        if not source:
            return [("info", "Nothing deleted; choose a document first.")]
        try:
            delete_document(self.corpus_dir, source)
        except ParisqaError as exc:
            return [("error", str(exc))]
        return [("ok", f"deleted {source} from the corpus folder"), _REBUILD_HINT]

    def rebuild(self) -> list[Message]:
        """Update the index from the corpus; refuses at once when another rebuild holds the lock."""
        try:
            summary = self.ctx.engine.build(progress=True, lock_wait=0)
        except IndexBusyError as exc:
            return [("error", str(exc))]
        except ParisqaError as exc:
            return [("error", web_message(exc)), ("info", "The index in place is unchanged.")]
        for callback in self.ctx.on_index_changed:
            callback()
        return [("ok", summary.line()), *(("info", w) for w in summary.warnings)]


def _no_remote_example(component: Any) -> Any:
    """Stop ``gr.File`` from naming its API example file on GitHub in the page's config.

    Set on the instance: a subclass of a Gradio component would make Gradio write a ``.pyi`` stub
    beside this module at run time.
    """
    component.example_payload = list
    component.example_value = list
    return component


def build_index_tab(ctx: WebContext, ask_parts: dict[str, Any], status: Any) -> None:
    """The "Index" tab: the document list, upload, paste, delete and rebuild."""
    import gradio as gr

    from .documents import human_size
    from .web_render import documents_html, faq_html, messages_html, status_html

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
        outcome = gr.HTML(elem_id="pq-outcome", min_height=72)
        with gr.Row(equal_height=False):
            with gr.Column(min_width=300):
                gr.Markdown(f"**Add files** · .txt or .md, UTF-8, up to {human_size(ctx.max_upload_bytes)} each")
                files = _no_remote_example(
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

    def on_upload(paths: list[str] | None):
        return messages_html(actions.upload(paths or [])), None, *table()

    def on_add_text(title_value: str, text: str):
        messages, added = actions.add_text(title_value, text)
        return messages_html(messages), *(("", "") if added else (title_value, text)), *table()

    def on_delete(source: str | None):
        return messages_html(actions.delete(source)), *table()

    def on_rebuild(progress=gr.Progress(track_tqdm=True)):  # noqa: B008 - Gradio's injection idiom
        progress(0, desc="Reading the corpus…")
        messages = actions.rebuild()
        return (
            messages_html(messages),
            *table(),
            faq_html(_faq_questions(ctx)),
            status_html(*status_text(ctx)),
        )

    listing = [docs, doomed]
    files.upload(on_upload, files, [outcome, files, *listing], api_visibility="private")
    add.click(on_add_text, [title, body], [outcome, title, body, *listing], api_visibility="private")
    delete.click(on_delete, doomed, [outcome, *listing], js=_CONFIRM_DELETE_JS, api_visibility="private")
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


def build_app(
    settings: Settings,
    *,
    engine: Any = None,
    max_upload_bytes: int | None = None,
    extra_tabs: Sequence[TabBuilder] | None = None,
) -> Any:
    """Build the page over the corpus and index of ``settings``; the model loads in the background.

    Args:
        settings: corpus and index folders, chunking and answering settings.
        engine: the :class:`parisqa.api.Engine` to answer with (default: a new one over ``settings``).
        max_upload_bytes: upload size limit (default: ``PARISQA_MAX_UPLOAD_BYTES``, else 5 MB).
        extra_tabs: functions that each add one ``gr.Tab`` after "Ask" and "Index", given a
            :class:`WebContext` (default: :func:`default_tabs`, the "Evaluate" tab; ``()`` for none).

    Returns:
        The ``gr.Blocks`` app; start it with :func:`launch`.
    """
    import gradio as gr

    from .api import Engine
    from .documents import max_upload_bytes as upload_limit
    from .web_render import faq_html, status_html

    engine = engine or Engine(settings)
    ctx = WebContext(settings, engine, Warmup(engine).start(), upload_limit(max_upload_bytes))

    def api_ask(question: str) -> dict:
        """Answer one question from the corpus; returns the `parisqa ask --json` object."""
        try:
            return engine.ask(question).to_dict()
        except ParisqaError as exc:
            raise gr.Error(web_message(exc)) from None

    def poll_status():
        state, text = status_text(ctx)
        loading = state == "loading"
        examples = gr.skip() if loading else faq_html(_faq_questions(ctx))
        return status_html(state, text), gr.Timer(active=loading), examples

    with gr.Blocks(title="parisqa", analytics_enabled=False, delete_cache=(3600, 3600)) as app:
        with gr.Row(elem_id="pq-header"):
            gr.HTML(
                '<div class="pq-title"><span class="pq-logo">parisqa</span>'
                '<span class="pq-tagline">answers quoted from your documents, offline</span></div>'
            )
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


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``"user:password"`` -> ``("user", "password")``; ``None``/empty -> no authentication.

    Raises:
        ConfigError: the value is not ``USER:PASSWORD`` with both parts given.
    """
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ConfigError("--auth (or PARISQA_AUTH) must be USER:PASSWORD with both parts, e.g. --auth alice:s3cret")
    return user, password


def parse_port(value: object) -> int:
    """A TCP port number from an argument or ``PARISQA_PORT``.

    Raises:
        ConfigError: not a whole number in 1..65535.
    """
    try:
        port = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ConfigError(f"port must be a whole number, got {value!r}; pass e.g. --port 7860") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"port must be between 1 and 65535, got {port}")
    return port


def server_options(
    host: str | None = None, port: object = None, auth: str | None = None
) -> tuple[str, int, tuple[str, str] | None]:
    """Address, port and credentials: the arguments, else ``PARISQA_HOST``/``PORT``/``AUTH``, else defaults.

    Raises:
        ConfigError: a bad port or auth value.
    """
    host = host or os.environ.get("PARISQA_HOST") or DEFAULT_HOST
    port = parse_port(port or os.environ.get("PARISQA_PORT") or DEFAULT_PORT)
    credentials = parse_auth(auth if auth is not None else os.environ.get("PARISQA_AUTH"))
    return host, port, credentials


_SOCIAL_META = re.compile(r"<meta\b[^>]*\b(?:property|name)\s*=\s*[\"'](?:og|twitter):[^>]*>", re.IGNORECASE)


def strip_social_meta(page: str) -> str:
    """Remove Gradio's link-preview ``<meta>`` tags (og:, twitter:), which name hosts on the internet.

    They are never fetched by the browser, but the page must not name other hosts at all.
    """
    return _SOCIAL_META.sub("", page)


class _StripSocialMeta:
    """ASGI middleware applying :func:`strip_social_meta` to HTML pages."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        start: dict | None = None
        chunks: list[bytes] = []

        async def patched(message: dict) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                html = headers.get(b"content-type", b"").startswith(b"text/html")
                if html and b"content-encoding" not in headers:
                    start = message
                    return
                await send(message)
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = strip_social_meta(b"".join(chunks).decode("utf-8", "surrogateescape")).encode(
                    "utf-8", "surrogateescape"
                )
                headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})
            else:
                await send(message)

        await self.app(scope, receive, patched)


def launch(
    app: Any,
    *,
    host: str | None = None,
    port: int | None = None,
    auth: str | None = None,
    block: bool = True,
    quiet: bool = False,
) -> Any:
    """Start the page's web server (on 127.0.0.1:7860 unless told otherwise).

    Args:
        app: from :func:`build_app`.
        host: address to bind (else ``PARISQA_HOST``, else 127.0.0.1).
        port: port (else ``PARISQA_PORT``, else 7860).
        auth: ``USER:PASSWORD`` for basic auth (else ``PARISQA_AUTH``; none by default).
        block: serve until interrupted; with ``False``, return once the server is up.
        quiet: do not print the address.

    Raises:
        ConfigError: a bad port or auth value, or the port is taken.
    """
    import gradio as gr
    from starlette.middleware import Middleware

    from .web_render import CSS

    host, port, credentials = server_options(host, port, auth)
    ctx: WebContext = app.parisqa
    theme = gr.themes.Default(
        primary_hue="blue", neutral_hue="slate", font=list(SYSTEM_FONTS), font_mono=list(SYSTEM_MONO)
    )
    app.queue(default_concurrency_limit=1)
    try:
        app.launch(
            server_name=host,
            server_port=port,
            auth=credentials,
            auth_message="parisqa: sign in with the user and password given to --auth / PARISQA_AUTH",
            prevent_thread_lock=not block,
            quiet=quiet,
            theme=theme,
            css=CSS,
            footer_links=["api"],
            share=False,
            ssr_mode=False,
            pwa=False,
            mcp_server=False,
            max_file_size=max(2 * ctx.max_upload_bytes, ctx.max_upload_bytes + 1024 * 1024),
            app_kwargs={"middleware": [Middleware(_StripSocialMeta)]},
            show_error=True,
            enable_monitoring=False,
        )
    except OSError as exc:
        raise ConfigError(f"cannot serve on {host}:{port} ({exc}); pass another --port (or set PARISQA_PORT)") from None
    return app


def serve(settings: Settings, *, host: str | None = None, port: int | None = None, auth: str | None = None) -> None:
    """Build the page and serve it until interrupted (bad options are refused before anything loads)."""
    host, port, credentials = server_options(host, port, auth)
    launch(build_app(settings), host=host, port=port, auth=":".join(credentials) if credentials else "", block=True)
