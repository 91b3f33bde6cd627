"""Serving the web page: host, port and password options, the HTML filter, launch and serve.

Options come from the arguments, else ``PARISQA_HOST``/``PARISQA_PORT``/``PARISQA_AUTH``, else
127.0.0.1:7860 with no password.
"""

from __future__ import annotations

import re
from typing import Any

from ..config import Settings
from ..errors import ConfigError
from .context import WebContext

# Fonts the browser already has: the page never fetches a font (or anything else) from elsewhere.
SYSTEM_FONTS = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif")
SYSTEM_MONO = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Liberation Mono", "monospace")


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

    from .render import static_text

    ctx: WebContext = app.parisqa
    host, port, credentials = server_options(host, port, auth, ctx.settings)
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
            css=static_text("app.css"),
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
    from .app import build_app

    host, port, credentials = server_options(host, port, auth, settings)
    launch(build_app(settings), host=host, port=port, auth=":".join(credentials) if credentials else "", block=True)
