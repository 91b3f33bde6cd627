"""The Python API: an :class:`Engine` that keeps the model and index loaded, and one-shot helpers.

The engine owns the ask pipeline (:meth:`Engine.answer`: follow-up resolution, retrieval, the quoted
answer, optional generation with its checker); the CLI, the web chat, the HTTP API and the
evaluation call it and none re-assembles it, so a fix lands everywhere at once.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .answer.compose import READ_DEPTH, Composed, compose
from .answer.search import MODES, Fusion, Hit, search
from .config import Settings
from .corpus.formats import Extracted
from .corpus.language import analysed, detect_language
from .corpus.terms import terms, terms_any
from .embed.base import Embedder
from .embed.choice import embedder_for
from .embed.model import model_cache_dir
from .errors import ConfigError, CorpusError, IndexBusyError, IndexMissingError, QuestionError
from .index.backend import ServedIndex
from .index.backend import load as load_index
from .index.build import build_index as _build_index
from .index.build import expected_manifest, is_stale
from .index.layout import MANIFEST
from .index.manifest import known_model, mismatches, read_manifest
from .index.recorded import adopt
from .records import Answer, BuildSummary

if TYPE_CHECKING:  # pragma: no cover
    from .answer.followup import PreviousTurn
    from .answer.generate import LLMConfig
    from .answer.grounded import GroundedAnswer
    from .answer.verify import Checker

RETRIEVAL_MODES = MODES
_CONTROL = {c: " " for c in range(32) if c not in (9, 10)} | {0x7F: " "}
# Lone surrogates: what undecodable bytes become in a command-line argument or a JSON "\\udc80".
# They cannot be encoded as UTF-8, so the tokenizer and every printer would fail on them.
_SURROGATE = re.compile("[\ud800-\udfff]")
# How long asking waits for another process's first build when there is no index to answer from.
FIRST_BUILD_WAIT_SECONDS = 600.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Retrieval:
    """One question retrieved, as :meth:`Engine.retrieve` leaves it for :meth:`Engine.compose`.

    Attributes:
        text: what was searched (the question, or its follow-up rewrite).
        query_vector: its embedding as a question.
        terms: its content terms, analysed in its language and the index's.
        language: the question's language (``en``/``fr``).
        hits: the passages found, best first (at least the answer step's reading depth).
        data: the served index.
        k: how many citations the answer gives at most.
        mode: the retrieval mode.
        load_ms, embed_ms: milliseconds spent loading the index and embedding the question.
    """

    text: str
    query_vector: Any
    terms: list[str]
    language: str
    hits: list[Hit]
    data: Any
    k: int
    mode: str
    load_ms: float = 0.0
    embed_ms: float = 0.0


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
        rebuild: bool = False,
    ) -> None:
        # An index setting not given is the one the index was built with (never a silent rebuild).
        self.settings = adopt(settings or Settings.from_env())
        self.rebuild = rebuild
        self.embedder = embedder or embedder_for(self.settings.model)
        # Queries run on the user's cached ONNX export, once there is one (no torch import).
        self.embedder.offer_cache_dir(model_cache_dir(), lambda: known_model(self.settings.index_dir))
        self.auto_build = auto_build
        self.on_warning = on_warning
        self._index: ServedIndex | None = None
        self._manifest_stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self._checker: Checker | None = None

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
            self.settings,
            embedder=self.embedder,
            progress=progress,
            on_warning=self.on_warning,
            lock_wait=lock_wait,
            rebuild=self.rebuild,
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
                rebuild=self.rebuild,
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
        started = time.perf_counter()
        found = self.retrieve(question, k=k, query=query, mode=mode)
        searched = time.perf_counter()
        floor = self.settings.min_confidence if min_confidence is None else min_confidence
        composed = self.compose(found, min_confidence=float(floor or 0.0))
        done = time.perf_counter()
        return Answer(
            question=_encodable(question),
            answer=composed.answer,
            abstained=composed.abstained,
            confidence=composed.confidence,
            citations=tuple(composed.citations),
            related=tuple(composed.related),
            short=composed.short,
            query=found.text if query else None,
            timings_ms={
                "total": (done - started) * 1000 - found.load_ms,
                "embed": found.embed_ms,
                "search": (searched - started) * 1000 - found.load_ms - found.embed_ms,
                "answer": (done - searched) * 1000,
            },
        )

    def retrieve(
        self,
        question: str,
        *,
        k: int | None = None,
        query: str | None = None,
        mode: str = "hybrid",
        fusion: Fusion | None = None,
    ) -> Retrieval:
        """The first half of :meth:`ask`: the question embedded (as a question), analysed, and searched.

        Evaluation calls this and :meth:`compose` to try variants (a fusion, an abstention model) on
        exactly the pipeline users get. Arguments as for :meth:`ask`; ``fusion`` overrides
        :data:`parisqa.answer.search.DEFAULT_FUSION`.

        Raises:
            ConfigError: an unknown mode.
            QuestionError: the question is empty or too long.
            IndexMissingError, IndexCorruptError, IndexMismatchError: the index cannot be used.
        """
        if mode not in RETRIEVAL_MODES:
            raise ConfigError(f"mode must be one of {', '.join(RETRIEVAL_MODES)}, got {mode!r}")
        cleaned = clean_question(question, self.settings.max_question_chars)
        search_text = clean_question(query, self.settings.max_question_chars) if query else cleaned
        loading = time.perf_counter()
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
        hits = search(data, query_vector, query_terms, max(depth, READ_DEPTH), mode, fusion)
        return Retrieval(
            search_text,
            query_vector,
            query_terms,
            language,
            hits,
            data,
            depth,
            mode,
            load_ms=(started - loading) * 1000,
            embed_ms=(embedded - started) * 1000,
        )

    def compose(self, found: Retrieval, *, model: dict | None = None, min_confidence: float = 0.0) -> Composed:
        """The second half of :meth:`ask`: the answer sentences, citations and decision for ``found``.

        ``model`` overrides the shipped ranking and abstention model (``answer_model.json``);
        ``min_confidence`` declines an answer less confident than it (on top of the fitted threshold).
        """
        return compose(
            found.text,
            found.query_vector,
            found.terms,
            found.hits,
            found.data,
            k=found.k,
            mode=found.mode,
            language=found.language,
            min_confidence=min_confidence,
            **({"model": model} if model is not None else {}),
        )

    def answer(
        self,
        question: str,
        *,
        query: str | None = None,
        previous: PreviousTurn | None = None,
        llm: LLMConfig | None = None,
        k: int | None = None,
        mode: str = "hybrid",
        min_confidence: float | None = None,
    ) -> Answer | GroundedAnswer:
        """The whole ask pipeline, the one every front end calls: follow-up, retrieval, answer, generation.

        Args:
            question: what the user asked.
            query: the text to search with, when the caller already resolved it (see :meth:`ask`).
            previous: the conversation's last turn: a question that leans on it (``"and in winter?"``)
                is searched with the topic it leans on (:func:`parisqa.answer.followup.resolve`).
            llm: the server that writes the answer from the cited passages; each of its sentences is
                checked against them and only supported ones kept (:meth:`generate`). None: quoted.
            k, mode, min_confidence: as for :meth:`ask`.

        Returns:
            The quoted :class:`Answer`, or with ``llm`` the :class:`GroundedAnswer` around it.

        Raises:
            QuestionError: the question is empty or too long.
            IndexMissingError, IndexCorruptError, IndexMismatchError: the index cannot be used.
        """
        if query is None and previous is not None:
            from .answer.followup import resolve

            query = resolve(question, previous).query
        answer = self.ask(question, query=query, k=k, mode=mode, min_confidence=min_confidence)
        return self.generate(answer, llm) if llm is not None else answer

    def checker(self) -> Checker:
        """The checker of generated sentences, made once with the engine's embedding model."""
        from .answer.verify import Checker

        with self._lock:
            if self._checker is None:
                self._checker = Checker(self.embedder)
            return self._checker

    def generate(self, answer: Answer, llm: LLMConfig) -> GroundedAnswer:
        """Have ``llm`` write ``answer`` from its cited passages, keeping only supported sentences.

        Never raises for the server: a failure gives the quoted answer with a warning.
        """
        from .answer.grounded import grounded_answer

        return grounded_answer(answer, llm, self.checker())

    def generate_stream(self, answer: Answer, llm: LLMConfig) -> Iterator[str | GroundedAnswer]:
        """As :meth:`generate`, streamed: verified text pieces, then the :class:`GroundedAnswer` last."""
        from .answer.grounded import stream_grounded

        return stream_grounded(answer, llm, self.checker())

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
    from .index.sources import indexed_document

    try:
        return indexed_document(settings, source)
    except Unreadable as exc:
        raise CorpusError(str(exc)) from None
