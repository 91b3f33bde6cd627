"""The web side of collections: one page per collection, a picker between them, and keys on the pages.

Each collection gets its own page (the same :func:`parisqa.web.app.build_app`), the first at ``/`` and
the others at ``/c/NAME/``; a picker in each page's header links them. With API keys configured, the
:class:`PageGate` puts the keys in front of every page and its Gradio API (``gradio_client``'s
``predict(..., api_name="/ask")`` included): the key is sent as ``Authorization: Bearer KEY`` or as
the password of the browser's sign-in box (any user name). A key of another collection gets 403; a
read-only key may ask but not upload, delete or rebuild from the Index tab.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..catalog import Catalog
from ..errors import ConfigError
from ..httpapi.collections import Collection, Refusal, Registry
from ..httpapi.service import Service

PAGE_PREFIX = "/c/"
# Routes of the server that the API's own checks cover (or that hold no data: the schema).
API_PATHS = ("/v1", "/api", "/docs", "/redoc", "/openapi.json")
# The Index tab's handlers that change the collection: a read-only key may not run them.
WRITE_HANDLERS = ("on_upload", "on_add_text", "on_delete", "on_rebuild")
# Gradio routes that run an event: the body names it (fn_index) or the path does (api_name).
_RUN_ROUTES = ("/gradio_api/queue/join", "/gradio_api/run/", "/gradio_api/api/", "/gradio_api/call/")
_MAX_EVENT_BODY = 8 * 1024 * 1024


def page_path(registry: Registry, name: str) -> str:
    """Where collection ``name``'s page is served: ``/`` for the default one, else ``/c/NAME/``."""
    return "/" if name == registry.default.name else f"{PAGE_PREFIX}{name}/"


def picker_html(names: list[str], current: str, paths: Mapping[str, str]) -> str:
    """The header's collection picker: a link per collection, the current one marked."""
    from html import escape

    links = []
    for name in names:
        mark = ' aria-current="page"' if name == current else ""
        links.append(f'<a class="pq-collection"{mark} href="{escape(paths[name])}">{escape(name)}</a>')
    return f'<nav class="pq-collections" aria-label="Collections"><span>Collection</span> {" ".join(links)}</nav>'


def open_collections(
    catalog: Catalog,
    *,
    engine_for: Any = None,
    watch: bool = False,
    max_upload_bytes: int | None = None,
) -> tuple[Registry, dict[str, Any]]:
    """Build a page, a service and (with ``watch``) a folder watch per collection of ``catalog``.

    Args:
        engine_for: makes the engine of a collection's settings (default: a new Engine each).
        watch: keep each index in step with its corpus folder (:mod:`parisqa.corpus.watch`).

    Returns:
        The registry (for the API routes and the gate) and the pages by collection name.
    """
    from .app import build_app

    names = list(catalog.collections)
    default = catalog.default
    paths = {n: "/" if n == default else f"{PAGE_PREFIX}{n}/" for n in names}
    pages: dict[str, Any] = {}
    collections: dict[str, Collection] = {}
    for name, settings in catalog.collections.items():
        picker = picker_html(names, name, paths) if len(names) > 1 else ""
        engine = engine_for(settings) if engine_for is not None else None
        page = build_app(settings, engine=engine, max_upload_bytes=max_upload_bytes, header=picker)
        ctx = page.parisqa
        ctx.collection = name
        service = Service(engine=lambda ctx=ctx: ctx.engine, settings=settings, llm=ctx.llm)
        collection = Collection(name, service)
        if watch:
            collection.watch = start_watch(ctx)
            ctx.watch = service.watch = collection.watch
        pages[name], collections[name] = page, collection
    return Registry(catalog, collections), pages


def start_watch(ctx: Any) -> Any:
    """Watch the corpus folder of a page's collection; each sync rebuilds with the page's engine."""
    import logging

    from ..corpus.watch import FolderWatch

    log = logging.getLogger("parisqa.progress")

    def synced(record: dict[str, Any]) -> None:
        log.info("synced %s: %s", ctx.settings.corpus_dir, record.get("line") or record.get("error"))

    return FolderWatch(ctx.settings.corpus_dir, lambda: ctx.engine.build(lock_wait=0), on_sync=synced).start()


def check_page_auth(catalog: Catalog, credentials: Any) -> None:
    """Refuse a server whose pages could not be protected as its keys say.

    With keys, the pages ask for a key; ``--auth`` (one user and password for every page) can stand in
    for that only when every key may use every collection.

    Raises:
        ConfigError: ``--auth`` together with keys scoped to collections or read-only.
    """
    if credentials and any(g.collections is not None or not g.write for g in catalog.grants):
        raise ConfigError(
            "--auth cannot protect pages whose keys are scoped to collections or read-only; drop --auth "
            "(PARISQA_AUTH): the pages then ask for an API key (any user name, the key as password)"
        )


class PageGate:
    """ASGI middleware: the keys of ``registry`` in front of every page and its Gradio API.

    ``/v1``, ``/api`` and the schema are left to the API's own checks. A page path ``/c/NAME/...``
    belongs to collection NAME, every other path to the default collection.
    """

    def __init__(self, app: Any, registry: Registry, write_events: Mapping[str, tuple[set[int], set[str]]]) -> None:
        self.app = app
        self.registry = registry
        self.write_events = write_events  # per collection: fn ids and api names of the write handlers

    def collection_of(self, path: str) -> str | None:
        if path.startswith(PAGE_PREFIX):
            name = path[len(PAGE_PREFIX) :].partition("/")[0]
            return name if name in self.registry.collections else None
        return self.registry.default.name

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope.get("type") not in ("http", "websocket") or _is_api(path):
            await self.app(scope, receive, send)
            return
        name = self.collection_of(path)
        if name is None and scope["type"] == "http":
            await _refuse(send, Refusal(404, self.registry.unknown(path[len(PAGE_PREFIX) :].partition("/")[0])))
            return
        if name is None:
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        refusal = self.registry.check(headers, name)
        if refusal is None and scope.get("method") == "POST" and _runs_event(path):
            body, receive = await _read_body(receive)
            if self._writes(name, path, body):
                refusal = self.registry.check(headers, name, write=True)
        if refusal is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008, "reason": refusal.message})
            else:
                await _refuse(send, refusal)
            return
        await self.app(scope, receive, send)

    def _writes(self, name: str, path: str, body: bytes) -> bool:
        ids, api_names = self.write_events.get(name, (set(), set()))
        if path.rstrip("/").rpartition("/")[2] in api_names:
            return True
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return False
        return isinstance(data, dict) and data.get("fn_index") in ids


def write_events(page: Any) -> tuple[set[int], set[str]]:
    """The event ids and api names of a page's handlers that change its collection (:data:`WRITE_HANDLERS`)."""
    ids, names = set(), set()
    for fn_id, block_fn in page.fns.items():
        if getattr(block_fn.fn, "__name__", "") in WRITE_HANDLERS:
            ids.add(fn_id)
            if block_fn.api_name:
                names.add(str(block_fn.api_name))
    return ids, names


def _is_api(path: str) -> bool:
    """Whether ``path`` is one of the API's own routes (``/api/...``, not ``/apiary``)."""
    return any(path == p or path.startswith(p + "/") for p in API_PATHS)


def _runs_event(path: str) -> bool:
    inner = path[len(PAGE_PREFIX) :].partition("/")[2] if path.startswith(PAGE_PREFIX) else path.lstrip("/")
    return ("/" + inner).startswith(_RUN_ROUTES)


async def _read_body(receive: Any) -> tuple[bytes, Any]:
    """The request body (its first 8 MB: an event's JSON is smaller) and a ``receive`` that replays it."""
    chunks, more, size = [], True, 0
    while more and size <= _MAX_EVENT_BODY:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = bool(message.get("more_body", False))
    body = b"".join(chunks)
    replayed = False

    async def replay() -> dict:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": more}
        return await receive()

    return body, replay


async def _refuse(send: Any, refusal: Refusal) -> None:
    body = json.dumps({"detail": refusal.message}).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if refusal.status == 401:  # the browser's sign-in box: any user name, the key as password
        headers.append((b"www-authenticate", b'Basic realm="parisqa", charset="UTF-8"'))
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
