"""Reading the API key a request sends, and the one-key check of ``Service(api_key=...)``.

The key travels as ``Authorization: Bearer <key>``, or as the password of HTTP basic authentication
(what a browser's sign-in box sends). It is compared in constant time (``hmac.compare_digest``, in
:meth:`parisqa.catalog.Grant.matches`), so a wrong key reveals nothing about the right one. Without a
key the routes are open, which is why ``parisqa serve`` binds to 127.0.0.1 by default. Several keys
scoped to collections are checked by :class:`parisqa.httpapi.collections.Registry`.
"""

import base64
import binascii
from collections.abc import Callable, Mapping
from typing import Any

from ..catalog import Grant


def key_of(headers: Mapping[str, str]) -> str | None:
    """The key a request sends: ``Authorization: Bearer KEY``, or the password of ``Basic`` auth."""
    scheme, _, value = (headers.get("authorization") or "").strip().partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme == "bearer" and value:
        return value
    if scheme == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


def bearer_auth(api_key: str | None) -> Callable[..., Any]:
    """A FastAPI dependency refusing requests without ``Authorization: Bearer <api_key>`` (401).

    Args:
        api_key: the key; ``None`` or empty: every request is let through.
    """
    from fastapi import HTTPException, Request

    grant = Grant(api_key) if api_key else None

    def check(request: Request) -> None:
        if grant is None:
            return
        given = key_of(request.headers)
        if given is None or not grant.matches(given):
            raise HTTPException(
                status_code=401,
                detail="missing or wrong API key; send the header 'Authorization: Bearer <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return check
