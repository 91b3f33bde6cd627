"""Ask a language model to write the answer from the retrieved passages, through any OpenAI-compatible server.

Generation is optional and never trusted on its own: this module only builds the prompt, talks to the
server and cuts the reply into sentences with their ``[n]`` markers; :mod:`parisqa.answer.verify`
decides which sentences stand. The server is reached over plain HTTP (``httpx``) at
``/v1/chat/completions``, the protocol Ollama, llama.cpp's server, vLLM and hosted APIs all speak, so
no vendor library is needed. Every request has a timeout: a dead server costs at most that long.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ParisqaError

DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_TOKENS = 160
# Passages longer than this are cut in the prompt: small models have small windows and copy better
# from short text (the checker still reads each passage whole).
MAX_PASSAGE_CHARS = 700

# The model is asked to reuse the passages' own sentences: a copied sentence is what the checker can
# verify, and what a small model (SmolLM2-135M) can write without drifting. The prompt is short and
# holds no sample sentence and no stock reply: a small model repeats the instructions' own sentences.
# (A question the passages do not answer never gets here: it is declined before generation.)
SYSTEM_PROMPT = (
    "Answer the question by copying the sentence of the passages that answers it, word for word. "
    "End the sentence with the passage number in square brackets, like [1]. Write nothing else."
)

_MARKERS = re.compile(r"\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]")
# A sentence ends at . ! ? (then closing quotes/brackets) before whitespace; its markers may follow
# the full stop ("... in 2025. [1]") and are then part of it.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*(?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])*(?=\s|$)")


class LLMError(ParisqaError):
    """The language-model server could not be reached or gave no usable reply."""


@dataclass(frozen=True)
class LLMConfig:
    """Where the OpenAI-compatible server is and how to ask it.

    Attributes:
        url: the server's base URL, e.g. ``http://127.0.0.1:11434/v1`` (Ollama) or
            ``http://127.0.0.1:8080`` (``/v1`` is added when missing); a URL ending in
            ``/chat/completions`` is used as is.
        model: the model name the server knows (``llama3.2``, ``gpt-4o-mini``...).
        key: sent as ``Authorization: Bearer <key>`` when given.
        timeout: seconds to wait for the server (connecting, and between streamed pieces).
        max_tokens: longest reply asked for.
        temperature: sampling temperature (0: the most likely words, same reply each time).
    """

    url: str
    model: str = "default"
    key: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_tokens: int = DEFAULT_MAX_TOKENS
    temperature: float = 0.0

    def __post_init__(self) -> None:
        from ..errors import ConfigError

        if not str(self.url or "").startswith(("http://", "https://")):
            raise ConfigError(f"the LLM URL must start with http:// or https://, got {self.url!r}")
        if not self.timeout or float(self.timeout) <= 0:
            raise ConfigError(f"the LLM timeout must be a positive number of seconds, got {self.timeout!r}")

    @classmethod
    def from_settings(
        cls,
        settings: Any,
        *,
        url: str | None = None,
        model: str | None = None,
        key: str | None = None,
        timeout: float | str | None = None,
    ) -> LLMConfig | None:
        """The server named by the arguments, else by ``settings`` (``PARISQA_LLM_*``); ``None`` when no URL.

        Raises:
            ConfigError: a bad URL or timeout.
        """
        from ..errors import ConfigError

        url = url or settings.llm_url
        if not url:
            return None
        raw = timeout if timeout is not None else settings.llm_timeout
        try:
            seconds = float(raw) if raw not in (None, "") else DEFAULT_TIMEOUT
        except (TypeError, ValueError):
            raise ConfigError(
                f"the LLM timeout (--llm-timeout or PARISQA_LLM_TIMEOUT) must be a number of seconds, got {raw!r}"
            ) from None
        return cls(url, model=model or settings.llm_model or "default", key=key or settings.llm_key, timeout=seconds)

    @property
    def endpoint(self) -> str:
        """The full chat-completions URL."""
        base = self.url.rstrip("/")
        if base.endswith("/chat/completions"):
            return base
        if not re.search(r"/v\d+$", base):
            base += "/v1"
        return base + "/chat/completions"


@dataclass(frozen=True)
class Passage:
    """One numbered passage given to the model; ``text`` is ``source_text[start:end]``."""

    n: int
    source: str
    start: int
    end: int
    text: str
    heading: str | None = None


@dataclass(frozen=True)
class ReplySentence:
    """One sentence of the model's reply: its text (markers included) and the passage numbers it cites."""

    text: str
    citations: tuple[int, ...]

    @property
    def claim(self) -> str:
        """The sentence without its ``[n]`` markers."""
        return " ".join(_MARKERS.sub(" ", self.text).split())


def passages_from(items: Sequence[Any]) -> list[Passage]:
    """Passages from parisqa ``Citation``s, ``Chunk``s or their dicts, numbered 1.. unless they carry ``n``."""
    out = []
    for i, item in enumerate(items, start=1):
        get = item.get if isinstance(item, dict) else lambda key, default=None, _i=item: getattr(_i, key, default)
        heading = get("heading")
        out.append(
            Passage(
                n=int(get("n") or i),
                source=str(get("source")),
                start=int(get("start")),
                end=int(get("end")),
                text=str(get("text")),
                heading=str(heading) if heading else None,
            )
        )
    return out


def build_messages(question: str, passages: Sequence[Passage]) -> list[dict[str, str]]:
    """The chat messages asking for a short answer to ``question`` that cites ``passages`` as ``[n]``."""
    blocks = []
    for p in passages:
        text = p.text if len(p.text) <= MAX_PASSAGE_CHARS else p.text[:MAX_PASSAGE_CHARS] + " ..."
        # No "(file > heading)" line: a small model copies it into its answer as if it were text.
        blocks.append(f"[{p.n}] {' '.join(text.split())}")
    user = "Passages:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def split_reply(reply: str) -> list[ReplySentence]:
    """Cut the model's reply into sentences, each with the passage numbers of its markers.

    A marker after the full stop belongs to the sentence before it; a sentence's numbers are kept in
    order without repeats.
    """
    text = " ".join(str(reply or "").split())
    pieces, last = [], 0
    for match in _BOUNDARY.finditer(text):
        pieces.append(text[last : match.end()])
        last = match.end()
    pieces.append(text[last:])
    out = []
    for piece in pieces:
        piece = piece.strip()
        if not piece or not re.search(r"[^\W_]", _MARKERS.sub("", piece)):
            continue
        numbers: list[int] = []
        for marker in _MARKERS.findall(piece):
            for n in re.findall(r"\d+", marker):
                if int(n) not in numbers:
                    numbers.append(int(n))
        out.append(ReplySentence(piece, tuple(numbers)))
    return out


def _headers(config: LLMConfig) -> dict[str, str]:
    headers = {"Content-Type": "application/json"}
    if config.key:
        headers["Authorization"] = f"Bearer {config.key}"
    return headers


def _body(config: LLMConfig, messages: list[dict[str, str]], stream: bool) -> dict[str, Any]:
    return {
        "model": config.model,
        "messages": messages,
        "max_tokens": config.max_tokens,
        "temperature": config.temperature,
        "stream": stream,
    }


def _failure(config: LLMConfig, exc: Exception) -> LLMError:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return LLMError(f"the LLM server at {config.endpoint} did not answer within {config.timeout:g} s")
    if isinstance(exc, httpx.HTTPStatusError):
        try:
            detail = exc.response.read().decode("utf-8", "replace")[:200].strip()
        except httpx.HTTPError:
            detail = ""
        status = exc.response.status_code
        return LLMError(
            f"the LLM server at {config.endpoint} refused the request (HTTP {status}{': ' + detail if detail else ''})"
        )
    if isinstance(exc, httpx.HTTPError):
        return LLMError(f"cannot reach the LLM server at {config.endpoint} ({type(exc).__name__}: {exc})")
    return LLMError(f"the LLM server at {config.endpoint} sent a reply parisqa cannot read ({exc})")


def complete(config: LLMConfig, messages: list[dict[str, str]]) -> str:
    """Send ``messages`` and return the reply's text (not streamed).

    Raises:
        LLMError: the server cannot be reached, times out, refuses, or sends no text.
    """
    import httpx

    try:
        response = httpx.post(
            config.endpoint, json=_body(config, messages, False), headers=_headers(config), timeout=config.timeout
        )
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise _failure(config, exc) from None
    if not isinstance(content, str) or not content.strip():
        raise LLMError(f"the LLM server at {config.endpoint} sent an empty reply")
    return content


def stream(config: LLMConfig, messages: list[dict[str, str]]) -> Iterator[str]:
    """Send ``messages`` and yield the reply's text piece by piece as the server streams it.

    Raises:
        LLMError: as :func:`complete`; raised from the iteration, possibly after some pieces.
    """
    import httpx

    try:
        with httpx.stream(
            "POST",
            config.endpoint,
            json=_body(config, messages, True),
            headers=_headers(config),
            timeout=config.timeout,
        ) as response:
            response.raise_for_status()
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                choices = json.loads(data).get("choices") or []
                piece = (choices[0].get("delta") or {}).get("content") if choices else None
                if piece:
                    yield piece
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise _failure(config, exc) from None


@dataclass(frozen=True)
class Generation:
    """A reply of the model: its text, its sentences and how long it took."""

    text: str
    sentences: tuple[ReplySentence, ...]
    seconds: float


def generate(question: str, passages: Sequence[Passage], config: LLMConfig) -> Generation:
    """Ask the model for a short answer to ``question`` citing ``passages``.

    Raises:
        LLMError: the server failed (see :func:`complete`).
    """
    started = time.perf_counter()
    text = complete(config, build_messages(question, passages))
    return Generation(text, tuple(split_reply(text)), time.perf_counter() - started)
