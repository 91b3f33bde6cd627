"""The OpenAI chat-completions protocol, so chat front-ends, notebooks and agents can ask parisqa.

``POST /v1/chat/completions`` (streamed as server-sent events with ``"stream": true``) and
``GET /v1/models`` (one model, ``parisqa``; with named collections ``parisqa/NAME`` each, the
request's ``model`` choosing the collection). The last user message is the question; the earlier
turns feed the follow-up handling of :mod:`parisqa.answer.followup` (a short "and its tax incentives?" is
searched with the words of the turn before). The reply's ``content`` is the answer text with its
``[n]`` markers; the full ``ask --json`` object (citations, ``abstained``, ``confidence``, and
``mode``/``sentences``/``warnings`` for generated answers) travels in the extra field ``parisqa`` of
the response, or of the last chunk of a stream. Send ``{"parisqa": {"generate": false}}`` in the
request body to turn generation off for one request (``extra_body`` in the ``openai`` client).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from ..errors import ParisqaError, QuestionError
from .service import Service, http_error

MODEL_ID = "parisqa"


def _text(content: Any) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def conversation(messages: list[dict[str, Any]]) -> tuple[str, str | None]:
    """The question (last user message) and the text to search it with, given the earlier turns.

    Each earlier user turn is resolved in order, as the web chat does, so a chain of follow-ups keeps
    its topic; an assistant turn is the answer its user turn got.

    Raises:
        QuestionError: there is no user message.
    """
    from ..answer.compose import ABSTAIN_TEXT
    from ..answer.followup import PreviousTurn, rewrite_query

    turns: list[tuple[str, str]] = []  # (user question, assistant answer)
    for message in messages:
        role, text = message.get("role"), _text(message.get("content"))
        if role == "user":
            turns.append((text, ""))
        elif role == "assistant" and turns:
            turns[-1] = (turns[-1][0], text)
    if not turns:
        raise QuestionError("the messages hold no user message; send the question as the last user message")
    previous: PreviousTurn | None = None
    for question, answer in turns[:-1]:
        query = rewrite_query(question, previous)
        previous = PreviousTurn(question, query, answer, abstained=answer.strip().startswith(ABSTAIN_TEXT))
    question = turns[-1][0]
    return question, rewrite_query(question, previous)


def error_body(message: str, status: int = 400) -> dict[str, Any]:
    """OpenAI's error shape, so OpenAI clients show the message."""
    kind = "invalid_request_error" if status < 500 else "server_error"
    return {"error": {"message": message, "type": kind, "code": None, "param": None}}


def _envelope(kind: str, ident: str, created: int, model: str = MODEL_ID) -> dict[str, Any]:
    return {"id": ident, "object": kind, "created": created, "model": model}


def _sse(data: dict[str, Any] | str) -> str:
    return f"data: {data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)}\n\n"


def router(service: Service, *, choose: Any = None) -> Any:
    """The ``/v1`` routes over ``service`` (authenticated when it has an API key).

    Args:
        choose: a :class:`parisqa.httpapi.collections.Registry` when the server holds collections:
            it checks the key and the request's ``model`` chooses the collection (``parisqa/NAME``).
    """
    from fastapi import APIRouter, Body, Depends, HTTPException, Request
    from fastapi.responses import JSONResponse, StreamingResponse

    from .auth import bearer_auth

    checks = [Depends(choose.signed_in())] if choose is not None else [Depends(bearer_auth(service.api_key))]
    api = APIRouter(prefix="/v1", tags=["OpenAI-compatible"], dependencies=checks)

    @api.get("/models")
    def models(request: Request) -> dict[str, Any]:
        """The models this server offers: ``parisqa``, or ``parisqa/NAME`` per collection the key may read."""
        ids = choose.model_ids(choose.readable(request.headers)) if choose is not None else [MODEL_ID]
        return {
            "object": "list",
            "data": [{"id": i, "object": "model", "created": 0, "owned_by": "parisqa"} for i in ids],
        }

    # The module postpones annotations and imports FastAPI lazily: FastAPI finds the request
    # parameter by its type, so the annotation is given as the class itself.
    models.__annotations__["request"] = Request

    @api.post("/chat/completions")
    def chat_completions(request: Request, body: dict[str, Any] = Body(...)) -> Any:  # noqa: B008 - FastAPI's idiom
        """Answer the last user message from the corpus, OpenAI style (``stream`` true for SSE).

        The response carries the ``ask --json`` object in the extra field ``parisqa`` (in the last
        chunk when streamed).
        """
        model, chosen = MODEL_ID, service
        if choose is not None:  # the model names the collection: 404 unknown, 403 another collection's key
            try:
                model, chosen = choose.service_for_model(body.get("model"), request.headers)
            except HTTPException as exc:
                codes = {404: "model_not_found", 403: "permission_denied", 401: "invalid_api_key"}
                error = {"message": exc.detail, "type": "invalid_request_error", "code": codes.get(exc.status_code)}
                return JSONResponse(status_code=exc.status_code, content={"error": {**error, "param": "model"}})
        messages = body.get("messages")
        options = body.get("parisqa") if isinstance(body.get("parisqa"), dict) else {}
        generate = options.get("generate")
        try:
            if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
                raise QuestionError("'messages' must be a list of {role, content} objects")
            question, query = conversation(messages)
            ident, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
            if body.get("stream"):
                pieces = chosen.stream(question, query=query, generate=generate)
                return StreamingResponse(_chunks(pieces, ident, created, model), media_type="text/event-stream")
            result = chosen.ask(question, query=query, generate=generate)
        except ParisqaError as exc:
            # OpenAI's error shape, so OpenAI clients show the message.
            error = http_error(exc)
            return JSONResponse(status_code=error.status_code, content=error_body(error.detail, error.status_code))
        return {
            **_envelope("chat.completion", ident, created, model),
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": result["answer"]}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "parisqa": result,
        }

    chat_completions.__annotations__["request"] = Request
    return api


def _chunks(pieces: Iterator[str | dict[str, Any]], ident: str, created: int, model: str = MODEL_ID) -> Iterator[str]:
    """Server-sent events in OpenAI's chunk format, the ``parisqa`` object on the last one, then ``[DONE]``."""
    head = _envelope("chat.completion.chunk", ident, created, model)
    yield _sse(
        {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}
    )
    final: dict[str, Any] = {}
    for piece in pieces:
        if isinstance(piece, dict):
            final = piece
        elif piece:
            yield _sse({**head, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]})
    yield _sse({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "parisqa": final})
    yield _sse("[DONE]")
