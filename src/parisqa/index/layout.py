"""The index folder's layout: every file name and format version of the index, in one place.

Layout of the index folder::

    manifest.json          the commit point: settings, model, per-file hashes, data-file hashes
    gen-<time>-<rand>/     one generation of data, named by the manifest
        chunks.jsonl       one chunk record per line, in vector order
        faiss.index        the FAISS index over the chunk embeddings
        bm25.npz           the BM25 matrix (see :mod:`parisqa.index.lexical`)
        bm25_vocab.json    the BM25 vocabulary
        sentences.npz      the chunks' sentences and their embeddings (see :mod:`parisqa.corpus.sentences`)
        null_scores.json   the scores unrelated questions get in this corpus (see :mod:`parisqa.index.nullscores`)
        extracted-<sha256>.json   the extracted text of one PDF, HTML or DOCX file (its pages and
                           character map for a PDF), named by the hash of the original file's bytes
        term_stats.json    with a Milvus store (see :mod:`parisqa.index.milvus_index`) the generation holds
                           only this and the extracted texts: each term's document frequency, for IDF
                           weights; chunks, vectors, BM25 and sentences are in the Milvus collections the
                           manifest names
    .build-<pid>-<rand>/   a generation being written (left over only by a crash; removed next run)
    .manifest.json.*.tmp   a manifest being written (likewise)
    .lock                  held by the one process allowed to write

The ONNX export of the model is not here: it is cached once per user (:func:`parisqa.embed.model.model_cache_dir`).

Only this module names them (as bm25s's ``BM25.save``/``load`` and txtai's index configuration do),
so a reader, a writer and a cleaner of the folder cannot disagree.
"""

from __future__ import annotations

import re

# Bumped when the manifest or a data file changes format.
SCHEMA_VERSION = 1
# Bumped whenever chunking changes in a way that changes chunks for the same settings, or the
# splitting of chunks into answer units (sentences) changes: unchanged files keep both from the old
# index. 3: CRLF and CR-only files split into sentences like LF files. 4: numbered and bold FAQ
# questions; "Q:"/"A:" and emphasis kept out of answer sentences. 5: each file's language is
# detected and recorded; French files get French sentence rules and BM25 analysis. 6: table rows and
# ``label: value`` lines are answer units of their own (parisqa.corpus.sentences).
CHUNKER_VERSION = 6

MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
VECTORS = "faiss.index"
# Extra data files of each index generation (see parisqa.index.store.write_index and parisqa.index.sinks).
BM25_MATRIX = "bm25.npz"
BM25_VOCAB = "bm25_vocab.json"
SENTENCES = "sentences.npz"
# With the extracted texts, the only data file of a generation whose chunks live in a Milvus store.
TERM_STATS = "term_stats.json"
# Null score statistics: how high the corpus scores questions it cannot answer (parisqa.index.nullscores).
NULL_SCORES = "null_scores.json"
EXTRACTED_PREFIX = "extracted-"


def extracted_name(sha256: str) -> str:
    """The data file holding the extraction of the converted file whose bytes hash to ``sha256``."""
    return f"{EXTRACTED_PREFIX}{sha256[:40]}.json"


LOCK = ".lock"
GEN_PREFIX = "gen-"
BUILD_PREFIX = ".build-"
MANIFEST_TMP_GLOB = f".{MANIFEST}.*.tmp"
# What a generation folder may be called: letters, digits, '-' and '_' after "gen-", so a manifest
# cannot name a path outside the index folder ("../x", "/etc", "gen-/../..").
GEN_NAME = re.compile(r"gen-[A-Za-z0-9_-]{1,64}")
EXTRA_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}")


def manifest_tmp_name(token: str) -> str:
    """The name a new manifest is written under before its rename to :data:`MANIFEST`."""
    return f".{MANIFEST}.{token}.tmp"
