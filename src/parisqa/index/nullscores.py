"""How high a corpus scores questions it cannot answer: the null distribution of retrieval scores.

Why: a dense similarity of 0.45 means "on topic" in one corpus and "anything at all" in another
(abstracts of one field are all close to any question in that field). An abstention model fitted on
raw scores in one corpus therefore does not transfer. At index time this module asks the corpus a
fixed set of unrelated questions (generic off-topic ones, and nonsense questions built from random
samples of the corpus's own words) and records the distribution of the scores they get: the best
chunk's dense similarity, the best sentence's similarity among the best chunks, and the best BM25
score. The answering step then expresses a real question's scores as z-scores against that
distribution, which mean the same thing in every corpus.

The statistics are a small JSON object stored next to the index data (``parisqa.index.layout.NULL_SCORES``).
Only numpy and the base layer are imported; the caller passes the arrays and the encoder.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

VERSION = 1
# How many sentences-bearing chunks are read for the best sentence (the answering step's READ_DEPTH).
READ_DEPTH = 6
RANDOM_QUERIES = 40
RANDOM_WORDS = (4, 8)
SEED = 13

# Questions about nothing a document collection is likely to hold, across everyday topics.
OFF_TOPIC = (
    "What is the best recipe for chocolate chip cookies?",
    "Who won the football world cup final?",
    "How do I treat a sore throat at home?",
    "What will the weather be like tomorrow?",
    "Which actor played the lead in the most famous film of last year?",
    "How many calories are in a banana?",
    "What time does the supermarket close on Sundays?",
    "How do I fix a flat bicycle tyre?",
    "What is the capital of Australia?",
    "Who wrote the novel about a white whale?",
    "How long should I boil an egg?",
    "What are the rules of cricket?",
    "Where can I buy cheap flights to Thailand?",
    "How do you train a puppy to sit?",
    "What is the tallest mountain in Africa?",
    "Which planet has the most moons?",
    "How do I knit a scarf?",
    "What is a good name for a goldfish?",
    "Who is the lead singer of the band?",
    "How much does a new car cost?",
    "What is the best way to learn the guitar?",
    "When does the summer sale start?",
    "How do I get red wine out of a carpet?",
    "What should I pack for a beach holiday?",
    "Which wine goes well with fish?",
    "How tall is the average giraffe?",
    "What causes hiccups?",
    "How do I plant tomatoes?",
    "Who painted the ceiling of the chapel?",
    "What is the plot of the latest superhero movie?",
    "How many players are on a basketball team?",
    "What is the score of yesterday's tennis match?",
)
_WORD = re.compile(r"[A-Za-z][a-z]{3,}")


def null_queries(texts: Sequence[str], n_random: int = RANDOM_QUERIES, seed: int = SEED) -> list[str]:
    """The off-topic questions, then ``n_random`` nonsense questions from random words of ``texts``."""
    rng = random.Random(seed)
    vocabulary = sorted({w.lower() for text in texts for w in _WORD.findall(text)})
    queries = list(OFF_TOPIC)
    if vocabulary:
        for _ in range(n_random):
            sample = [rng.choice(vocabulary) for _ in range(rng.randint(*RANDOM_WORDS))]
            queries.append("What about " + " ".join(sample) + "?")
    return queries


def _summary(values: Sequence[float]) -> dict[str, float]:
    import numpy as np

    x = np.asarray(values, dtype=np.float64)
    if not len(x):
        return {"mean": 0.0, "std": 1.0, "p50": 0.0, "p90": 0.0, "max": 0.0}
    return {
        "mean": round(float(x.mean()), 6),
        "std": round(max(float(x.std()), 1e-3), 6),
        "p50": round(float(np.percentile(x, 50)), 6),
        "p90": round(float(np.percentile(x, 90)), 6),
        "max": round(float(x.max()), 6),
    }


def compute_null_scores(
    chunk_vectors: np.ndarray,
    sentence_chunks: np.ndarray,
    sentence_vectors: np.ndarray,
    sentence_is_question: np.ndarray,
    texts: Sequence[str],
    encode: Callable[[list[str]], np.ndarray],
    bm25_scores: Callable[[str], np.ndarray] | None = None,
) -> dict[str, Any]:
    """The null score statistics of one corpus.

    Args:
        chunk_vectors: unit embeddings of the chunks, one row each.
        sentence_chunks: chunk row of each sentence (non-decreasing).
        sentence_vectors: unit embeddings of the sentences.
        sentence_is_question: whether each sentence is an FAQ question (not an answer sentence).
        texts: the chunks' texts (the random questions draw their words from them).
        encode: the embedding function (a list of texts to unit vectors).
        bm25_scores: BM25 score of every chunk for a query text, when BM25 statistics are wanted.

    Returns:
        ``{"version", "queries", "dense", "sentence", "bm25"}``; each signal is summarised by its
        mean, standard deviation, median, 90th percentile and maximum over the null questions.
    """
    import numpy as np

    queries = null_queries(texts)
    if not len(chunk_vectors):
        return {"version": VERSION, "queries": 0}
    q = np.asarray(encode(queries), dtype=np.float32)
    chunks = np.asarray(chunk_vectors, dtype=np.float32)
    sims = q @ chunks.T  # (queries, chunks)
    offsets = np.searchsorted(np.asarray(sentence_chunks), np.arange(len(chunks) + 1))
    dense, sentence, bm25 = [], [], []
    for i in range(len(queries)):
        top = np.argsort(-sims[i])[:READ_DEPTH]
        dense.append(float(sims[i, top[0]]))
        best = -1.0
        for row in top:
            lo, hi = int(offsets[row]), int(offsets[row + 1])
            if hi > lo:
                keep = ~np.asarray(sentence_is_question[lo:hi], dtype=bool)
                if keep.any():
                    cos = np.asarray(sentence_vectors[lo:hi], dtype=np.float32)[keep] @ q[i]
                    best = max(best, float(cos.max()))
        sentence.append(best if best > -1.0 else dense[-1])
        if bm25_scores is not None:
            scores = bm25_scores(queries[i])
            bm25.append(float(scores.max()) if len(scores) else 0.0)
    out: dict[str, Any] = {
        "version": VERSION,
        "queries": len(queries),
        "dense": _summary(dense),
        "sentence": _summary(sentence),
    }
    if bm25_scores is not None:
        out["bm25"] = _summary(bm25)
    return out


def to_bytes(stats: dict[str, Any]) -> bytes:
    return (json.dumps(stats, indent=1, sort_keys=True) + "\n").encode("utf-8")


def from_bytes(data: bytes) -> dict[str, Any]:
    """Parse stored statistics; raises ValueError when they are not of this version."""
    stats = json.loads(data.decode("utf-8"))
    if not isinstance(stats, dict) or stats.get("version") != VERSION:
        raise ValueError(f"null score statistics of version {stats.get('version') if isinstance(stats, dict) else '?'}")
    return stats


def z_score(value: float, stats: dict[str, Any] | None, signal: str, default: tuple[float, float]) -> float:
    """``value`` in standard deviations above the null mean of ``signal`` (``default`` = (mean, std))."""
    entry = (stats or {}).get(signal)
    mean, std = (entry["mean"], entry["std"]) if entry else default
    return (value - mean) / max(std, 1e-3)
