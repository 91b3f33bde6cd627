"""Bearer-key authentication for the ``/v1`` and ``/api`` routes.

With a key set, every request must send ``Authorization: Bearer <key>``; the comparison takes the same
time whatever the key sent (``hmac.compare_digest``), so a wrong key reveals nothing about the right
one. Without a key the routes are open, which is why ``parisqa serve`` binds to 127.0.0.1 by default.
"""

import hmac
from collections.abc import Callable
from typing import Any


def bearer_auth(api_key: str | None) -> Callable[..., Any]:
    """A FastAPI dependency refusing requests without ``Authorization: Bearer <api_key>`` (401).

    Args:
        api_key: the key; ``None`` or empty: every request is let through.
    """
    from fastapi import HTTPException, Request

    expected = (api_key or "").encode("utf-8")

    def check(request: Request) -> None:
        if not expected:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode("utf-8"), expected):
            raise HTTPException(
                status_code=401,
                detail="missing or wrong API key; send the header 'Authorization: Bearer <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return check
