"""One conformance suite, run over both embedding models: all-MiniLM-L6-v2 and multilingual-e5-small.

Each model implements :class:`parisqa.embed.base.Embedder`; the suite holds both to the same
contract: cheap construction, unit-length float32 rows of the dimension the manifest records,
deterministic, the same text the same vector whatever the batch, questions embedded as questions,
and a token counter that the chunker can hold chunks under the model's input limit with.
"""

from __future__ import annotations

import numpy as np
import pytest

from parisqa.embed.base import Embedder
from parisqa.embed.choice import embedder_for, info_for, is_embedder_for, token_counter

MODELS = ["minilm", "multilingual"]
TEXTS = [
    "Paris hosts Europe's largest startup campus.",
    "La tour Eiffel mesure 330 mètres.",
    "",
    "Bees keep a space of about 9.5 millimetres between frames.",
]


@pytest.fixture(scope="module", params=MODELS)
def model(request) -> tuple[str, Embedder]:
    embedder = embedder_for(request.param)
    embedder.warm_up()
    return request.param, embedder


def test_it_implements_the_protocol_and_is_the_models(model):
    name, embedder = model
    assert isinstance(embedder, Embedder) and embedder.loaded and embedder.backend
    assert is_embedder_for(embedder, name)
    assert not is_embedder_for(embedder, next(m for m in MODELS if m != name))


def test_rows_are_unit_float32_of_the_recorded_dimension_and_deterministic(model):
    name, embedder = model
    dim = info_for(name).to_dict()["dimension"]
    vectors = embedder.encode(TEXTS)
    assert vectors.dtype == np.float32 and vectors.shape == (len(TEXTS), dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert np.allclose(embedder.encode(TEXTS), vectors, atol=1e-6)
    alone = embedder.encode([TEXTS[3]])[0]
    assert float(alone @ vectors[3]) > 0.9999  # batching does not change a text's vector


def test_questions_are_embedded_as_questions_and_find_their_answer(model):
    _, embedder = model
    queries = embedder.encode_queries(["How tall is the Eiffel tower?", "How wide is the bee space?"])
    assert queries.dtype == np.float32 and queries.shape[1] == embedder.encode(TEXTS[:1]).shape[1]
    scores = queries @ embedder.encode([TEXTS[1], TEXTS[3]]).T
    assert scores[1, 1] > scores[1, 0]  # the bee question is closer to the bee passage


def test_the_token_counter_counts_the_models_tokens(model):
    name, embedder = model
    counts = token_counter(name, embedder)(["short", "a much longer text " * 50])
    assert 0 < counts[0] < 10 and counts[1] >= 200  # 200 words, special tokens (and e5's prefix) included
    assert info_for(name).to_dict()["max_seq_length"] in (256, 512)
