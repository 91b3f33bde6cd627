"""What every tab of the web page shares: the context a tab builder gets, the warm-up, status and messages.

Below the tabs and the app assembly, so a tab (such as "Evaluate") never imports the module that
assembles the page.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..errors import IndexMissingError, ParisqaError

Message = tuple[str, str]  # ("ok" | "error" | "info", text)


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


# How the web page words an error's remedy (see parisqa.errors.REMEDIES): it has buttons where the
# command line has commands.
REMEDY_TEXT = {
    "rebuild": "press “Rebuild index” in the Index tab to rebuild it",
    "build": "add documents in the Index tab, then press “Rebuild index”",
    "add_files": "add documents in the Index tab, then press “Rebuild index”",
    "wait": "wait for it to finish and try again",
    "confirm": "start parisqa without that option to use the index's own, or confirm with `parisqa index --rebuild`",
}


def web_message(exc: ParisqaError) -> str:
    """A library error as the web page words it: the message, then which button fixes it."""
    if isinstance(exc, IndexMissingError):
        return "there is no index yet: add documents in the Index tab, then press “Rebuild index”"
    remedy = REMEDY_TEXT.get(exc.remedy or "")
    return f"{exc}; {remedy}" if remedy else str(exc)


@dataclass
class WebContext:
    """What a tab builder gets: the settings, the engine answering questions, the warm-up state.

    ``llm`` is the language-model server (an :class:`parisqa.answer.generate.LLMConfig`) when one is
    configured. ``on_index_changed`` holds callbacks run (with no arguments) after each successful rebuild.
    """

    settings: Settings
    engine: Any
    warmup: Warmup
    max_upload_bytes: int
    llm: Any = None  # the LLMConfig writing generated answers; None: quoted answers only
    on_index_changed: list[Callable[[], None]] = field(default_factory=list)
    faq_cache: tuple[str | None, list[str]] | None = None
    collection: str | None = None  # the collection's name when the server holds several
    watch: Any = None  # the corpus folder's FolderWatch when it is watched (serve --watch)


TabBuilder = Callable[[WebContext], None]


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
    where = f"{model_text(index.manifest)}{store_text(index.manifest)}"
    return "ready", f"Ready · {docs}, {index.size} passages · {where} · index of {built}{sync_text(ctx.watch)}"


def sync_text(watch: Any) -> str:
    """The status line's last sync of a watched folder: when, what changed, what was skipped."""
    if watch is None:
        return ""
    state = watch.state()
    last = state["last"]
    if state["syncing"] or state["pending"]:
        return " · syncing the folder…"
    if last is None:
        return " · watching the folder"
    when = str(last["finished"]).replace("T", " ").replace("Z", " UTC")
    if last["error"]:
        return f" · last sync {when} failed: {last['error']}"
    events = last["events"]
    changed = ", ".join(f"{events[k + '_count']} {k}" for k in ("added", "changed", "deleted") if events[k + "_count"])
    skipped = len(last["skipped"]) + events["ignored_count"]
    return f" · synced {when}: {changed or 'no change'}" + (f", {skipped} skipped" if skipped else "")


def store_text(manifest: dict[str, Any]) -> str:
    """Where the index's chunks live, for the status line: nothing for the local store."""
    store = manifest.get("store") or {}
    return f" · Milvus store {store.get('uri')}" if store.get("kind") == "milvus" else ""


def model_text(manifest: dict[str, Any]) -> str:
    """Which model an index uses, and its documents' languages, for the status line."""
    from ..embed.choice import LABELS, choice_of

    choice = choice_of(manifest.get("model"))
    languages = sorted({str(e.get("language")) for e in (manifest.get("files") or {}).values() if e.get("language")})
    text = f"model {choice}: {LABELS.get(choice, choice)}"
    return text + (f" · documents in {', '.join(languages)}" if languages else "")


def indexed_faq_questions(ctx: WebContext) -> list[str]:
    """The FAQ questions of the indexed documents, found again only when a new index is in place."""
    from ..corpus.folder import faq_questions
    from ..index.store import read_manifest

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


def no_remote_example(component: Any) -> Any:
    """Stop ``gr.File`` from naming its API example file on GitHub in the page's config.

    Set on the instance: a subclass of a Gradio component would make Gradio write a ``.pyi`` stub
    beside this module at run time.
    """
    component.example_payload = list
    component.example_value = list
    return component
