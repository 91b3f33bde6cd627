"""Per-model answer settings are data in answer_model.json, one entry per model name parisqa accepts."""

import pytest

from parisqa.answer.compose import (
    EXTRA_SENTENCE_MARGIN,
    FAQ_MATCH_COSINE,
    answer_model,
    cosine_rescaler,
    model_settings,
)
from parisqa.config import MODELS


def test_every_model_has_its_settings():
    assert set(answer_model()["models"]) == set(MODELS)
    for name in MODELS:
        settings = model_settings(name)
        assert 0.5 < settings["faq_match_cosine"] < 1.0
        assert 0.0 < settings["extra_sentence_margin"] <= 0.2


def test_minilm_is_unscaled_and_e5_lands_on_minilm_scale():
    minilm = model_settings("minilm")
    assert minilm["cosine_scale"] is None
    assert (minilm["faq_match_cosine"], minilm["extra_sentence_margin"]) == (FAQ_MATCH_COSINE, EXTRA_SENTENCE_MARGIN)
    assert cosine_rescaler(None)(0.42) == 0.42
    e5 = model_settings("multilingual")
    scale = cosine_rescaler(e5["cosine_scale"])
    (m0, s0), (m1, s1) = e5["cosine_scale"]["from"], e5["cosine_scale"]["to"]
    assert scale(m0) == pytest.approx(m1)
    assert scale(m0 + s0) == pytest.approx(m1 + s1)
    assert scale(0.88) > 0.6  # a good e5 match reads as a good MiniLM match
    assert e5["faq_match_cosine"] > minilm["faq_match_cosine"]  # e5's raw cosines sit higher


def test_a_model_without_an_entry_gets_minilm_values():
    model = {k: v for k, v in answer_model().items() if k != "models"}
    assert model_settings("multilingual", model) == model_settings("minilm", model)
