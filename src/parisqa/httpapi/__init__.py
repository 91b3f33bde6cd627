"""parisqa over HTTP: an OpenAI-compatible ``/v1`` and a REST ``/api``, as FastAPI routers.

``parisqa serve`` mounts them on the FastAPI app that also serves the web chat (one process, one
port); :func:`create_app` makes a FastAPI app with only them (tests, embedding in another server).
OpenAPI docs come with FastAPI at ``/docs``. Several collections and keys scoped to them go through
:mod:`parisqa.httpapi.collections` (``include_collections``).

    from parisqa.httpapi import Service, include
    include(app, Service(engine=lambda: engine, settings=settings, api_key="s3cret"))
"""

from __future__ import annotations

from typing import Any

from .service import Service

__all__ = ["Service", "create_app", "include"]


def include(app: Any, service: Service) -> Any:
    """Add the ``/v1`` and ``/api`` routes of ``service`` to the FastAPI ``app``; returns ``app``."""
    from . import openai_compat, rest

    app.include_router(openai_compat.router(service))
    app.include_router(rest.router(service))
    return app


def create_app(service: Service) -> Any:
    """A FastAPI app serving only the ``/v1`` and ``/api`` routes of ``service``."""
    from fastapi import FastAPI

    from .._version import __version__

    app = FastAPI(title="parisqa", version=__version__, description=__doc__.split("\n")[0])
    return include(app, service)
