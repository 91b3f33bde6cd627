"""What the HTTP routes share: the engine, the settings, the optional LLM, and error translation.

Answering goes through :class:`Service` so the OpenAI-compatible and REST routes give the same JSON
as ``parisqa ask --json``: the :class:`~parisqa.records.Answer` object, plus ``mode``, ``sentences``
and ``warnings`` when an LLM writes the answer (:mod:`parisqa.answer.grounded`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..answer.generate import LLMConfig
from ..config import Settings
from ..errors import (
    ConfigError,
    CorpusError,
    IndexBusyError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    ParisqaError,
    QuestionError,
    UploadRefused,
)


def status_of(exc: ParisqaError) -> int:
    """The HTTP status for a library error: the client's fault (4xx) or the server's state (503)."""
    if isinstance(exc, QuestionError | ConfigError | UploadRefused):
        return 400
    if isinstance(exc, IndexBusyError):
        return 409
    if isinstance(exc, IndexMissingError | IndexCorruptError | IndexMismatchError):
        return 503
    if isinstance(exc, CorpusError):
        return 404
    return 500


def http_error(exc: ParisqaError) -> Any:
    """The library error as an ``HTTPException`` with its message."""
    from fastapi import HTTPException

    message = str(exc)
    if isinstance(exc, IndexMissingError):
        message += "; add documents, then POST /api/index"
    return HTTPException(status_code=status_of(exc), detail=message)


def validation_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """FastAPI's list of request validation errors as one sentence naming each bad field.

    Example: ``[{"loc": ("body", "question"), "msg": "Field required"}]`` gives
    ``"invalid request: 'question': field required"``.
    """
    parts = []
    for error in errors:
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error")
            parts.append("the body is not valid JSON" + (f" ({reason})" if reason else "") + "; send a JSON object")
            continue
        where = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header")]
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        message = message[:1].lower() + message[1:]
        parts.append(f"'{'.'.join(where)}': {message}" if where else message)
    return "invalid request: " + "; ".join(parts or ["the request does not match the documented form"])


@dataclass
class Service:
    """The engine and settings behind the routes.

    Attributes:
        engine: returns the :class:`parisqa.api.Engine` to answer with (called per request, so the
            web app can hand over the one it warms up).
        settings: corpus and index folders.
        llm: the OpenAI-compatible server that writes generated answers; ``None``: quoted answers only.
        api_key: required as a bearer token on every route when set.
        watch: the folder watch keeping the index in step with the corpus, when there is one.
    """

    engine: Callable[[], Any]
    settings: Settings
    llm: LLMConfig | None = None
    api_key: str | None = None
    watch: Any = None  # the corpus folder's FolderWatch when it is watched (parisqa.corpus.watch)
    rebuild: Any = None  # the REST routes' background Rebuild, shared by every prefix serving this service

    def checker(self) -> Any:
        """The sentence checker: the engine's own (made on first use with its embedding model)."""
        return self.engine().checker()

    def wants_generation(self, generate: bool | None) -> bool:
        """Generate when asked to, else whenever an LLM is configured.

        Raises:
            ConfigError: generation asked for with no LLM configured.
        """
        if generate and self.llm is None:
            raise ConfigError("generation needs an LLM server; set PARISQA_LLM_URL (or --llm-url)")
        return self.llm is not None if generate is None else bool(generate)

    def ask(
        self,
        question: str,
        *,
        query: str | None = None,
        k: int | None = None,
        generate: bool | None = None,
        mode: str = "hybrid",
    ) -> dict[str, Any]:
        """The ``ask --json`` object for ``question`` (generated and verified when asked to).

        Raises:
            ParisqaError: the question or the index cannot be used.
        """
        llm = self.llm if self.wants_generation(generate) else None
        return self.engine().answer(question, query=query, k=k, mode=mode, llm=llm).to_dict()

    def stream(
        self, question: str, *, query: str | None = None, generate: bool | None = None
    ) -> Iterator[str | dict[str, Any]]:
        """Text pieces of the answer, then its ``ask --json`` object last.

        Raises:
            ParisqaError: before the first piece, when the question or the index cannot be used.
        """
        from ..answer.grounded import GroundedAnswer

        use_llm = self.wants_generation(generate)
        engine = self.engine()
        answer = engine.ask(question, query=query)
        if not use_llm:
            return iter([answer.answer, answer.to_dict()])

        def pieces() -> Iterator[str | dict[str, Any]]:
            for item in engine.generate_stream(answer, self.llm):
                yield item.to_dict() if isinstance(item, GroundedAnswer) else item

        return pieces()
