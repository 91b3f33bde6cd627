"""Errors raised by the library.

Only ``cli.py`` and ``web.py`` turn these into one-line messages and exit codes; every message names
the bad value and says how to fix it.
"""

from __future__ import annotations


class ParisqaError(Exception):
    """Base class for every error parisqa raises on purpose."""


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
