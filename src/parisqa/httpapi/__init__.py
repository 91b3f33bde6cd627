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
    """Add the ``/v1`` and ``/api`` routes of ``service`` to the FastAPI ``app``; returns ``app``.

    A request these routes cannot read (a missing or mistyped field, a body that is not JSON) gets 400
    in each API's one error shape, not FastAPI's 422 list: ``{"detail": "message"}`` on ``/api``,
    OpenAI's ``{"error": {"message": ...}}`` on ``/v1``. Other routes of ``app`` keep its own handler.
    """
    from fastapi.exception_handlers import request_validation_exception_handler
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse

    from . import openai_compat, rest
    from .service import validation_message

    app.include_router(openai_compat.router(service))
    app.include_router(rest.router(service))
    previous = app.exception_handlers.get(RequestValidationError, request_validation_exception_handler)

    async def bad_request(request: Any, exc: RequestValidationError) -> Any:
        path = request.url.path
        if path.startswith("/v1/"):
            return JSONResponse(status_code=400, content=openai_compat.error_body(validation_message(exc.errors())))
        if path.startswith("/api/"):
            return JSONResponse(status_code=400, content={"detail": validation_message(exc.errors())})
        return await previous(request, exc)

    app.add_exception_handler(RequestValidationError, bad_request)
    return app


def create_app(service: Service) -> Any:
    """A FastAPI app serving only the ``/v1`` and ``/api`` routes of ``service``."""
    from fastapi import FastAPI

    from .._version import __version__

    app = FastAPI(title="parisqa", version=__version__, description=__doc__.split("\n")[0])
    return include(app, service)
