"""Serving the web page and the HTTP API from one server: host, port and password options, the HTML
filter, launch and serve.

Options come from the arguments, else ``PARISQA_HOST``/``PARISQA_PORT``/``PARISQA_AUTH``, else
127.0.0.1:7860 with no password.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..config import Settings
from ..errors import ConfigError
from .context import WebContext

# Fonts the browser already has: the page never fetches a font (or anything else) from elsewhere.
SYSTEM_FONTS = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif")
SYSTEM_MONO = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace")
# Gradio's screen-reader announcer reads the key "common.complete" when an event with a progress
# display ends, and its English strings lack that key, so the raw key was read out. The page's own
# words for the keys it announces; any locale without them falls back to English.
ANNOUNCEMENTS = {"common": {"complete": "Done."}}


def server_options(
    host: str | None = None, port: object = None, auth: str | None = None, settings: Settings | None = None
) -> tuple[str, int, tuple[str, str] | None]:
    """Address, port and credentials: the arguments, else ``settings``, else ``PARISQA_HOST``/``PORT``/``AUTH``,
    else the defaults (see :meth:`parisqa.config.Settings.server_options`).

    Raises:
        ConfigError: a bad port or auth value.
    """
    base = settings or Settings()
    given = {"host": host or base.host, "port": port or base.port, "auth": auth if auth is not None else base.auth}
    return base.with_(**given).server_options()


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


def _bind(host: str, port: int) -> Any:
    """A listening socket on ``host:port``.

    Raises:
        ConfigError: the address cannot be bound (port taken, unknown host).
    """
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
        sock.set_inheritable(True)
    except OSError as exc:
        raise ConfigError(f"cannot serve on {host}:{port} ({exc}); pass another --port (or set PARISQA_PORT)") from None
    return sock


def server_app(
    app: Any,
    *,
    credentials: tuple[str, str] | None = None,
    api_key: str | None = None,
    registry: Any = None,
    pages: dict[str, Any] | None = None,
) -> Any:
    """The one FastAPI app served: the HTTP API (``/v1``, ``/api``, ``/docs``) with the page mounted at ``/``.

    Args:
        app: the page, from :func:`build_app`.
        credentials: the page's user and password (the API asks for ``api_key`` instead).
        api_key: bearer key every ``/v1`` and ``/api`` route requires (else ``PARISQA_API_KEYS``, else
            ``settings.api_key``, else ``PARISQA_API_KEY``; none by default). With a key and no
            ``credentials``, the page and its Gradio API ask for the key too.
        registry, pages: several collections (:func:`parisqa.web.collections.open_collections`):
            ``app`` is then the default collection's page, and the others are mounted at ``/c/NAME/``.

    Raises:
        ConfigError: a bad key, or ``credentials`` with keys scoped to collections.
    """
    import gradio as gr
    from fastapi import FastAPI
    from starlette.middleware import Middleware

    from .._version import __version__
    from ..catalog import DEFAULT_COLLECTION, Catalog, grants_of
    from ..httpapi.collections import Collection, Registry, include_collections
    from ..httpapi.service import Service
    from .collections import PageGate, check_page_auth, write_events
    from .render import static_text

    ctx: WebContext = app.parisqa
    if registry is None:  # one page, one collection: today's server
        grants = grants_of(ctx.settings, [api_key] if api_key else ())
        catalog = Catalog({DEFAULT_COLLECTION: ctx.settings}, grants)
        service = Service(engine=lambda: ctx.engine, settings=ctx.settings, llm=ctx.llm, watch=ctx.watch)
        registry = Registry(catalog, {DEFAULT_COLLECTION: Collection(DEFAULT_COLLECTION, service, ctx.watch)})
        pages = {DEFAULT_COLLECTION: app}
    pages = pages or {registry.default.name: app}
    check_page_auth(registry.catalog, credentials)
    middleware = [Middleware(_StripSocialMeta)]
    if registry.protected and not credentials:
        gated = {name: write_events(page) for name, page in pages.items()}
        middleware.append(Middleware(PageGate, registry=registry, write_events=gated))
    api = FastAPI(
        title="parisqa",
        version=__version__,
        description="Answers quoted from your documents: an OpenAI-compatible /v1 and a REST /api.",
        middleware=middleware,
    )
    include_collections(api, registry)
    theme = gr.themes.Default(
        primary_hue="blue", neutral_hue="slate", font=list(SYSTEM_FONTS), font_mono=list(SYSTEM_MONO)
    )
    app.parisqa_registry = registry  # launch() stops the folder watches with the server

    def mount(page: Any, path: str) -> Any:
        page.queue(default_concurrency_limit=1)
        limit = page.parisqa.max_upload_bytes
        return gr.mount_gradio_app(
            api,
            page,
            path=path,
            auth=credentials,
            auth_message="parisqa: sign in with the user and password given to --auth / PARISQA_AUTH",
            theme=theme,
            css=static_text("app.css"),
            footer_links=["api"],
            ssr_mode=False,
            pwa=False,
            mcp_server=False,
            max_file_size=max(2 * limit, limit + 1024 * 1024),
            show_error=True,
            i18n=gr.I18n(en=ANNOUNCEMENTS),
            enable_monitoring=False,
        )

    # The other collections' pages first: the default page, mounted at the root, matches every path.
    for name, page in pages.items():
        if name != registry.default.name:
            mount(page, f"/c/{name}")
    return mount(pages[registry.default.name], "")


def launch(
    app: Any,
    *,
    host: str | None = None,
    port: int | None = None,
    auth: str | None = None,
    block: bool = True,
    quiet: bool = False,
    api_key: str | None = None,
    registry: Any = None,
    pages: dict[str, Any] | None = None,
) -> Any:
    """Start the one web server of ``parisqa serve`` (on 127.0.0.1:7860 unless told otherwise).

    One process, one port: the page at ``/``, the OpenAI-compatible API at ``/v1``, the REST API at
    ``/api`` and its schema at ``/docs`` (see :func:`server_app`).

    Args:
        app: from :func:`build_app`.
        host: address to bind (else ``PARISQA_HOST``, else 127.0.0.1).
        port: port (else ``PARISQA_PORT``, else 7860).
        auth: ``USER:PASSWORD`` for the page's sign-in (else ``PARISQA_AUTH``; none by default).
        block: serve until interrupted; with ``False``, return once the server is up (``app.close()``
            stops it).
        quiet: do not print the address.
        api_key: bearer key for ``/v1``, ``/api`` and, without ``auth``, the page (else
            ``PARISQA_API_KEYS``/``PARISQA_API_KEY``; none by default).
        registry, pages: several collections (see :func:`server_app`).

    Raises:
        ConfigError: a bad port or auth value, or the port is taken.
    """
    import threading
    import time

    import uvicorn

    ctx: WebContext = app.parisqa
    host, port, credentials = server_options(host, port, auth, ctx.settings)
    asgi = server_app(app, credentials=credentials, api_key=api_key, registry=registry, pages=pages)
    sock = _bind(host, port)
    server = uvicorn.Server(uvicorn.Config(asgi, log_level="warning", access_log=False, timeout_graceful_shutdown=5))
    if not quiet:
        shown = f"[{host}]" if ":" in host else host
        print(f"parisqa: web chat on http://{shown}:{port}/ (API: /v1, /api; schema: /docs)", flush=True)
    if block:
        try:
            server.run(sockets=[sock])
        finally:
            sock.close()
        return app
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="parisqa-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        server.should_exit = True
        sock.close()
        raise ConfigError(f"the server on {host}:{port} did not start; see the messages above")
    close_page = app.close

    def close(verbose: bool = False) -> None:
        """Stop the server and the folder watches, and free the port."""
        server.should_exit = True
        thread.join(15)
        sock.close()
        for collection in app.parisqa_registry:
            if collection.watch is not None:
                collection.watch.stop()
        try:
            close_page(verbose=False)
        except Exception:  # noqa: BLE001 - the page was never launched on its own; nothing else to free
            pass

    app.close = close
    return app


def serve(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    auth: str | None = None,
    api_key: str | None = None,
    api_keys: Sequence[str] = (),
    collections: Sequence[str] = (),
    config: str | None = None,
    watch: bool = False,
) -> None:
    """Build the pages and the API and serve them until interrupted (bad options are refused before anything loads).

    Args:
        api_keys: ``--api-key`` values, ``KEY`` or ``KEY:NAME[,NAME...][:read|:write]`` (see
            :mod:`parisqa.catalog`); ``api_key`` is one more.
        collections: ``--collection NAME=DIR`` values; with ``config`` (else ``PARISQA_CONFIG``, else
            ``./parisqa.toml``), the collections served. None: the one collection of ``settings``.
        watch: keep each index in step with its corpus folder.
    """
    from ..answer.generate import LLMConfig
    from ..catalog import catalog as read_catalog
    from .collections import check_page_auth, open_collections

    host, port, credentials = server_options(host, port, auth, settings)
    LLMConfig.from_settings(settings)  # a bad PARISQA_LLM_URL or timeout is refused now
    keys = [*([api_key] if api_key else []), *api_keys]
    chosen = read_catalog(settings, collections=collections, api_keys=keys, config=config)
    check_page_auth(chosen, credentials)  # refused in one line before anything loads
    registry, pages = open_collections(chosen, watch=watch)
    launch(
        pages[chosen.default],
        host=host,
        port=port,
        auth=":".join(credentials) if credentials else "",
        block=True,
        registry=registry,
        pages=pages,
    )
