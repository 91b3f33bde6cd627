"""Several collections behind one server, and API keys scoped to them.

A :class:`Registry` holds the served collections (each a :class:`Collection`: its settings, engine,
:class:`~parisqa.httpapi.service.Service` and, when watched, its folder watch) and the keys of a
:class:`~parisqa.catalog.Catalog`. It decides every request's access in one place:

- no key configured: every request is let through (the server binds to 127.0.0.1 by default);
- no key or an unknown key sent: 401; a known key that does not cover the collection, or a
  read-only key asking to change it (upload, delete, rebuild): 403.

The key travels as ``Authorization: Bearer KEY`` (the API, ``gradio_client(headers=...)``) or as the
password of HTTP basic authentication (a browser's sign-in box, any user name). Keys are compared in
constant time (:meth:`parisqa.catalog.Catalog.grant_for`) and never logged or shown.

Routes: ``/api/...`` and ``/v1`` with ``model`` ``parisqa`` are the first (default) collection, as
before collections existed; ``/api/collections/{name}/...`` and ``model`` ``parisqa/{name}`` choose one;
``GET /api/collections`` lists those the key may read.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..catalog import Catalog, Grant
from .auth import key_of
from .openai_compat import MODEL_ID
from .service import Service

MODEL_PREFIX = "parisqa/"
# REST calls that change a collection; every other request only reads it.
WRITE_METHODS = ("DELETE", "PUT", "PATCH")
READ_POSTS = ("/ask",)


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: an HTTP status (401 or 403) and a message that never shows a key."""

    status: int
    message: str


@dataclass
class Collection:
    """One served collection: its name, its service (engine, settings, LLM) and its folder watch, if any."""

    name: str
    service: Service
    watch: Any = None  # a parisqa.corpus.watch.FolderWatch when the folder is watched

    @property
    def settings(self) -> Any:
        return self.service.settings


def is_write(method: str, path: str) -> bool:
    """Whether a REST call changes its collection: uploads, deletes and rebuilds (not asking)."""
    method = method.upper()
    return method in WRITE_METHODS or (method == "POST" and not path.rstrip("/").endswith(READ_POSTS))


class Registry:
    """The collections of one server and the rule deciding who may use which."""

    def __init__(self, catalog: Catalog, collections: Mapping[str, Collection]) -> None:
        self.catalog = catalog
        self.collections = dict(collections)

    def __iter__(self) -> Iterator[Collection]:
        return iter(self.collections.values())

    def __len__(self) -> int:
        return len(self.collections)

    @property
    def default(self) -> Collection:
        return self.collections[self.catalog.default]

    @property
    def protected(self) -> bool:
        """Whether keys are required."""
        return bool(self.catalog.grants)

    def get(self, name: str) -> Collection | None:
        return self.collections.get(name)

    def unknown(self, name: str) -> str:
        return f"no collection {name!r}; the collections are: {', '.join(self.collections)}"

    # -- access ---------------------------------------------------------------------------------

    def grant(self, headers: Mapping[str, str]) -> Grant | Refusal | None:
        """The grant of the key a request sends; a 401 :class:`Refusal` when keys are required and it
        sends none or an unknown one; ``None`` when no key is required."""
        if not self.protected:
            return None
        key = key_of(headers)
        grant = self.catalog.grant_for(key) if key else None
        if grant is None:
            sent = "a wrong API key" if key else "no API key"
            return Refusal(401, f"{sent}; send the header 'Authorization: Bearer <key>'")
        return grant

    def check(self, headers: Mapping[str, str], name: str, *, write: bool = False) -> Refusal | None:
        """``None`` when the request may read (or, with ``write``, change) collection ``name``."""
        grant = self.grant(headers)
        if grant is None:
            return None
        if isinstance(grant, Refusal):
            return grant
        if not grant.allows(name, write=False):
            return Refusal(403, f"this API key does not give access to collection {name!r}")
        if write and not grant.allows(name, write=True):
            message = f"this API key may only read collection {name!r}; uploads, deletes and rebuilds need a write key"
            return Refusal(403, message)
        return None

    def readable(self, headers: Mapping[str, str]) -> list[str]:
        """The collections the request's key may read (all of them when no key is required)."""
        grant = self.grant(headers)
        if isinstance(grant, Refusal):
            return []
        return [n for n in self.collections if grant is None or grant.allows(n)]

    # -- FastAPI glue ---------------------------------------------------------------------------

    def requires(self, name: str) -> Any:
        """A FastAPI dependency: the request may use collection ``name`` (write for uploads, deletes, rebuilds)."""
        from fastapi import Request

        def check(request: Request) -> None:
            refusal = self.check(request.headers, name, write=is_write(request.method, request.url.path))
            if refusal is not None:
                raise http_refusal(refusal)

        return check

    def signed_in(self) -> Any:
        """A FastAPI dependency: the request sends a known key (any collection), when keys are required."""
        from fastapi import Request

        def check(request: Request) -> None:
            grant = self.grant(request.headers)
            if isinstance(grant, Refusal):
                raise http_refusal(grant)

        return check

    def service_for_model(self, model: object, headers: Mapping[str, str]) -> tuple[str, Service]:
        """The model id and the service a ``/v1`` request's ``model`` chooses: ``parisqa`` (or none) is
        the default collection, ``parisqa/NAME`` the collection NAME.

        Raises:
            HTTPException: 404 for an unknown model, 401/403 for a key that may not read it.
        """
        from fastapi import HTTPException

        wanted = model[len(MODEL_PREFIX) :] if isinstance(model, str) and model.startswith(MODEL_PREFIX) else None
        if wanted in self.collections:
            name = wanted
        elif model in (None, "", MODEL_ID) or not self.catalog.named:
            # One unnamed collection answers whatever model a client sends, as before collections.
            name, model = self.default.name, MODEL_ID
        else:
            raise HTTPException(404, f"no model {model!r}; the models are: {', '.join(self.model_ids())}")
        refusal = self.check(headers, name)
        if refusal is not None:
            raise http_refusal(refusal)
        return str(model), self.collections[name].service

    def model_ids(self, names: list[str] | None = None) -> list[str]:
        """``/v1/models``: ``parisqa`` alone for one unnamed collection (as before), else ``parisqa/NAME`` each."""
        names = list(self.collections) if names is None else names
        if not self.catalog.named:
            return [MODEL_ID] if names else []
        return [MODEL_PREFIX + n for n in names]


def http_refusal(refusal: Refusal) -> Any:
    from fastapi import HTTPException

    headers = {"WWW-Authenticate": "Bearer"} if refusal.status == 401 else None
    return HTTPException(status_code=refusal.status, detail=refusal.message, headers=headers)


def collections_router(registry: Registry) -> Any:
    """``GET /api/collections`` and a clear 404 for a collection that is not served."""
    from fastapi import APIRouter, Depends, HTTPException, Request

    api = APIRouter(prefix="/api/collections", tags=["collections"], dependencies=[Depends(registry.signed_in())])

    @api.get("")
    def collections(request: Request) -> dict[str, Any]:
        """The collections this key may read: name, ``/v1`` model id, corpus folder, model, whether watched."""
        rows = []
        for name in registry.readable(request.headers):
            c = registry.collections[name]
            rows.append(
                {
                    "name": name,
                    "model_id": registry.model_ids([name])[0],
                    "corpus": str(c.settings.corpus_dir),
                    "embedding_model": c.settings.model,
                    "watched": c.watch is not None,
                    "default": name == registry.default.name,
                }
            )
        return {"collections": rows}

    @api.api_route("/{name}/{rest:path}", methods=["GET", "POST", "DELETE"], include_in_schema=False)
    def not_served(name: str, rest: str) -> None:
        if name in registry.collections:
            raise HTTPException(404, f"no route /api/collections/{name}/{rest}")
        raise HTTPException(404, registry.unknown(name))

    return api


def include_collections(app: Any, registry: Registry) -> Any:
    """Add ``/v1``, ``/api`` (the default collection), ``/api/collections/{name}/...`` and
    ``GET /api/collections`` to the FastAPI ``app``, every route checked by ``registry``; returns ``app``."""
    from fastapi import Depends

    from . import openai_compat, rest

    default = registry.default
    app.include_router(openai_compat.router(default.service, choose=registry))
    app.include_router(rest.router(default.service, dependencies=[Depends(registry.requires(default.name))]))
    for c in registry:
        prefix = f"/api/collections/{c.name}"
        app.include_router(rest.router(c.service, prefix=prefix, dependencies=[Depends(registry.requires(c.name))]))
    app.include_router(collections_router(registry))
    return app
