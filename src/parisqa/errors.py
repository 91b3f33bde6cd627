"""Errors raised by the library.

Only ``cli.py`` and ``web/`` turn these into one-line messages and exit codes. Every message names
the bad value; a fix that is a front end's action (run a command, press a button) is not in the
message but in :attr:`ParisqaError.remedy`, which each front end words its own way.
"""

from __future__ import annotations

# What the user can do about an error, when that is an action of a front end (the CLI says "run
# `parisqa index`", the web page "press Rebuild index").
REMEDIES = (
    "rebuild",  # rebuild the index from the corpus
    "build",  # build the index (there is none yet)
    "add_files",  # add documents to the corpus, then build
    "wait",  # another process holds the index; wait for it
    "confirm",  # the index would be rebuilt with other settings than it was built with; confirm it
)


class ParisqaError(Exception):
    """Base class for every error parisqa raises on purpose.

    Args:
        message: what is wrong, naming the bad value (no front end's words).
        remedy: what fixes it, one of :data:`REMEDIES`, when that is a front end's action.
    """

    def __init__(self, message: str = "", *, remedy: str | None = None) -> None:
        if remedy is not None and remedy not in REMEDIES:
            raise ValueError(f"remedy must be one of {', '.join(REMEDIES)}, got {remedy!r}")
        super().__init__(message)
        self.remedy = remedy


class ConfigError(ParisqaError, ValueError):
    """A setting has a value parisqa cannot use."""


class CorpusError(ParisqaError):
    """The corpus folder is missing, empty, or holds nothing that can be indexed."""


class UploadRefused(CorpusError, ValueError):
    """A file or text offered for the corpus was refused (type, size, encoding, name)."""


class ExtractionError(CorpusError, ValueError):
    """A PDF, HTML or Word file whose text cannot be extracted; the message names the file and says why.

    Attributes:
        source: the file's name or path as given to the extractor.
        reason: the cause and its fix in a few words ("encrypted; decrypt it first").
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class IndexMissingError(ParisqaError):
    """There is no index where one was expected."""


class IndexCorruptError(ParisqaError):
    """The index folder is damaged: a file is missing, truncated or does not match the manifest."""


class IndexMismatchError(ParisqaError):
    """The index was built with other settings (model, chunking, schema) than the current ones."""


class IndexBusyError(ParisqaError):
    """Another process holds the index write lock."""


class QuestionError(ParisqaError, ValueError):
    """The question cannot be answered as given (empty, too long)."""


class MissingDependencyError(ParisqaError, ImportError):
    """An optional package is needed for this feature and is not installed."""


class DatasetError(ParisqaError, ValueError):
    """An evaluation test set cannot be used: missing, empty, of the wrong shape, or without gold."""


class DistributedBuildError(ParisqaError):
    """A build's Ray stage failed (a worker lost past its retries, the cluster unreachable); nothing was written."""


class StoreError(ParisqaError):
    """An index store outside the index folder (a Milvus server or file) failed or cannot be reached.

    ``uri`` names the store, so the CLI and the web layer can say which one.
    """

    def __init__(self, message: str, *, uri: str | None = None) -> None:
        super().__init__(message)
        self.uri = uri
