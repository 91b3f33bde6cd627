"""The Python API: an :class:`Engine` that keeps the model and index loaded, and one-shot helpers."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .answer.compose import READ_DEPTH, compose
from .answer.search import MODES, search
from .config import Settings
from .corpus.formats import Extracted
from .corpus.language import analysed, detect_language
from .corpus.terms import terms, terms_any
from .embed.choice import embedder_for
from .embed.encoder import Embedder
from .embed.model import model_cache_dir
from .errors import ConfigError, CorpusError, IndexBusyError, IndexMissingError, QuestionError
from .index.backend import ServedIndex
from .index.backend import load as load_index
from .index.build import build_index as _build_index
from .index.build import expected_manifest, is_stale
from .index.layout import MANIFEST
from .index.store import known_model, mismatches, read_manifest
from .records import Answer, BuildSummary

RETRIEVAL_MODES = MODES
_CONTROL = {c: " " for c in range(32) if c not in (9, 10)} | {0x7F: " "}
# Lone surrogates: what undecodable bytes become in a command-line argument or a JSON "\\udc80".
# They cannot be encoded as UTF-8, so the tokenizer and every printer would fail on them.
_SURROGATE = re.compile("[\ud800-\udfff]")
# How long asking waits for another process's first build when there is no index to answer from.
FIRST_BUILD_WAIT_SECONDS = 600.0

log = logging.getLogger(__name__)


def _encodable(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def clean_question(question: str, max_chars: int) -> str:
    """Validate a question and return it stripped.

    Raises:
        QuestionError: the question is empty or longer than ``max_chars``.
    """
    if not isinstance(question, str):
        raise QuestionError(f"the question must be text, got {type(question).__name__}")
    cleaned = _encodable(question).translate(_CONTROL).strip()
    if not cleaned:
        raise QuestionError('the question is empty; ask something, e.g. parisqa ask "What is the FAQ about?"')
    if len(cleaned) > max_chars:
        raise QuestionError(
            f"the question is {len(cleaned):,} characters long, over the {max_chars:,}-character limit; "
            "shorten it (or raise PARISQA_MAX_QUESTION_CHARS)"
        )
    return cleaned


def question_language(question: str) -> str:
    """The language a question is analysed in: ``fr`` for French, else ``en``.

    A question in a third language (Spanish, Arabic, Chinese ...) is analysed as English, as every
    question was before languages were detected; the multilingual model still reads its meaning.
    """
    return analysed(detect_language(question))


class Engine:
    """Answers questions over one index, loading the model and the index once.

    Construction is cheap. The index is loaded (and built first when it is missing or stale and
    ``auto_build`` is true) on first use, and reloaded when another process swaps in a new one.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        auto_build: bool = True,
        on_warning: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.embedder = embedder or embedder_for(self.settings.model)
        # Queries run on the user's cached ONNX export, once there is one (no torch import).
        self.embedder.offer_cache_dir(model_cache_dir(), lambda: known_model(self.settings.index_dir))
        self.auto_build = auto_build
        self.on_warning = on_warning
        self._index: ServedIndex | None = None
        self._manifest_stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()

    @property
    def index_dir(self) -> Path:
        return self.settings.index_dir

    def _stamp(self) -> tuple[int, int] | None:
        try:
            st = (self.index_dir / MANIFEST).stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_ino)

    def build(self, *, progress: bool = False, lock_wait: float = 0.0) -> BuildSummary:
        """Build or update the index now, then serve the new one."""
        summary = _build_index(
            self.settings, embedder=self.embedder, progress=progress, on_warning=self.on_warning, lock_wait=lock_wait
        )
        with self._lock:
            self._index = None
        return summary

    def index(self) -> ServedIndex:
        """The index being served, loading (or building) it when needed."""
        stamp = self._stamp()
        current = self._index
        if current is not None and stamp == self._manifest_stamp:
            return current
        with self._lock:
            if self._index is not None and self._stamp() == self._manifest_stamp:
                return self._index
            if current is None and self.auto_build:
                self._build_if_needed()
            stamp = self._stamp()
            # A damaged index is reported, not silently rebuilt: the message names the damaged file
            # and says to run `parisqa index`, which rebuilds it.
            self._index = self._load()
            self._manifest_stamp = stamp
            return self._index

    def _load(self) -> ServedIndex:
        manifest = read_manifest(self.index_dir)
        expected = expected_manifest(self.settings, manifest.get("model") if manifest else None)
        return load_index(self.index_dir, expected, token=self.settings.milvus_token)

    def _build_if_needed(self) -> None:
        """Build a missing or stale index before first use.

        When another process is already rebuilding: with an index to answer from, answer from it
        now (it is reloaded when the new one is swapped in) rather than keep the user waiting;
        with none, wait for that build (up to :data:`FIRST_BUILD_WAIT_SECONDS`).
        """
        manifest = read_manifest(self.index_dir)
        usable = False
        if manifest is not None:
            expected = expected_manifest(self.settings, manifest.get("model"))
            if not mismatches(manifest, expected):
                if not is_stale(self.settings, manifest):
                    return
                usable = True
        try:
            _build_index(
                self.settings,
                embedder=self.embedder,
                on_warning=self.on_warning,
                lock_wait=0.0 if usable else FIRST_BUILD_WAIT_SECONDS,
            )
        except IndexBusyError as exc:
            if not usable:
                raise
            self._warn(f"{exc}; answering from the current index until the new one is ready")

    def _warn(self, message: str) -> None:
        if self.on_warning:
            self.on_warning(message)
        else:
            log.warning(message)

    def ask(
        self,
        question: str,
        *,
        k: int | None = None,
        query: str | None = None,
        mode: str = "hybrid",
        min_confidence: float | None = None,
    ) -> Answer:
        """Answer one question from the corpus.

        Args:
            question: what the user asked.
            k: passages to retrieve (default: ``settings.top_k``).
            query: the text to search with, when it differs from the question (e.g. a follow-up
                question expanded with the conversation); reported in ``Answer.query``.
            mode: retrieval mode, one of :data:`RETRIEVAL_MODES`: ``"hybrid"`` (the default, what
                users get), ``"dense"`` or ``"bm25"`` (the baselines evaluation compares against).
            min_confidence: decline when the answer's confidence is below this (default:
                ``settings.min_confidence``; the fitted threshold applies in any case).

        Raises:
            QuestionError: the question is empty or too long.
            IndexMissingError, IndexCorruptError, IndexMismatchError: the index cannot be used.
        """
        if mode not in RETRIEVAL_MODES:
            raise ConfigError(f"mode must be one of {', '.join(RETRIEVAL_MODES)}, got {mode!r}")
        cleaned = clean_question(question, self.settings.max_question_chars)
        search_text = clean_question(query, self.settings.max_question_chars) if query else cleaned
        index = self.index()
        if index is None:  # pragma: no cover - index() raises instead
            raise IndexMissingError(f"no index in '{self.index_dir}'", remedy="build")
        data = self.search_data(index)
        self.embedder.warm_up()
        started = time.perf_counter()
        query_vector = self.embedder.encode_queries([search_text])[0]
        language = question_language(search_text)
        query_terms = (
            terms(search_text, language)
            if data.languages == [language]
            else terms_any(search_text, [language, *data.languages])
        )
        embedded = time.perf_counter()
        depth = k or self.settings.top_k
        hits = search(data, query_vector, query_terms, max(depth, READ_DEPTH), mode)
        searched = time.perf_counter()
        floor = self.settings.min_confidence if min_confidence is None else min_confidence
        composed = compose(
            search_text,
            query_vector,
            query_terms,
            hits,
            data,
            k=depth,
            mode=mode,
            language=language,
            min_confidence=float(floor or 0.0),
        )
        done = time.perf_counter()
        return Answer(
            question=_encodable(question),
            answer=composed.answer,
            abstained=composed.abstained,
            confidence=composed.confidence,
            citations=tuple(composed.citations),
            related=tuple(composed.related),
            short=composed.short,
            query=search_text if query else None,
            timings_ms={
                "total": (done - started) * 1000,
                "embed": (embedded - started) * 1000,
                "search": (searched - embedded) * 1000,
                "answer": (done - searched) * 1000,
            },
        )

    def search_data(self, index: ServedIndex | None = None) -> ServedIndex:
        """The served index with its query-time parts (BM25, sentences) read, once per generation."""
        return (index or self.index()).load_search()


_engines: dict[Settings, Engine] = {}


def open_engine(settings: Settings | None = None, **overrides: object) -> Engine:
    """The shared engine for these settings (created on first use)."""
    settings = settings or Settings.from_env(**overrides)
    if settings not in _engines:
        _engines[settings] = Engine(settings)
    return _engines[settings]


def ask(question: str, *, settings: Settings | None = None, k: int | None = None, **overrides: object) -> Answer:
    """Answer ``question`` from the corpus; see :class:`parisqa.records.Answer`.

    Example:
        >>> import parisqa
        >>> answer = parisqa.ask("Why is ethical AI important?")  # doctest: +SKIP
        >>> answer.citations[0].source  # doctest: +SKIP
        'paris-ai-city.txt'
    """
    return open_engine(settings, **overrides).ask(question, k=k)


def build_index(settings: Settings | None = None, *, progress: bool = False, **overrides: object) -> BuildSummary:
    """Build or update the index (see :func:`parisqa.index.build.build_index`)."""
    return open_engine(settings, **overrides).build(progress=progress)


def source_text(settings: Settings, source: str) -> str:
    """The text of corpus file ``source`` as parisqa indexes it: every citation's ``[start:end]`` slices it.

    For ``.txt``/``.md`` it is the file itself (decoded as UTF-8); for a PDF, HTML or DOCX file, its
    extracted text (the one stored with the index when the file is unchanged).

    Raises:
        CorpusError: the file cannot be read or its text extracted; the message says why.
    """
    return source_document(settings, source)[1]


def source_document(settings: Settings, source: str) -> tuple[bytes, str, Extracted | None]:
    """A corpus file's bytes, its text as parisqa indexes it, and its extraction (None for .txt/.md).

    Raises:
        CorpusError: the file cannot be read or its text extracted; the message says why.
    """
    from .corpus.reader import Unreadable
    from .index.build import indexed_document

    try:
        return indexed_document(settings, source)
    except Unreadable as exc:
        raise CorpusError(str(exc)) from None
