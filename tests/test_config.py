"""The one settings object: arguments, else PARISQA_* variables, else defaults; serving options checked when serving."""

from __future__ import annotations

import pytest

from parisqa.config import DEFAULT_MAX_UPLOAD_BYTES, Settings
from parisqa.errors import ConfigError


def test_serving_options_default_to_loopback_without_a_password(monkeypatch):
    for name in ("PARISQA_HOST", "PARISQA_PORT", "PARISQA_AUTH", "PARISQA_MAX_UPLOAD_BYTES"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.server_options() == ("127.0.0.1", 7860, None)
    assert settings.upload_limit() == DEFAULT_MAX_UPLOAD_BYTES


def test_serving_options_come_from_the_environment_and_arguments_win(monkeypatch):
    monkeypatch.setenv("PARISQA_HOST", "0.0.0.0")
    monkeypatch.setenv("PARISQA_PORT", "8080")
    monkeypatch.setenv("PARISQA_AUTH", "alice:s3cret")
    monkeypatch.setenv("PARISQA_MAX_UPLOAD_BYTES", "1234")
    from_env = Settings.from_env()
    assert from_env.server_options() == ("0.0.0.0", 8080, ("alice", "s3cret"))
    assert from_env.upload_limit() == 1234
    given = Settings.from_env(host="127.0.0.1", port=9000, auth="", max_upload_bytes=99)
    assert given.server_options() == ("127.0.0.1", 9000, None)  # an empty --auth turns the password off
    assert given.upload_limit() == 99
    # Settings made in code still see the environment for what they leave unset.
    assert Settings().server_options() == ("0.0.0.0", 8080, ("alice", "s3cret"))


def test_a_bad_serving_option_stops_serving_only(monkeypatch):
    monkeypatch.setenv("PARISQA_PORT", "eighty")
    monkeypatch.setenv("PARISQA_AUTH", "nopassword")
    settings = Settings.from_env()  # `parisqa ask` and `index` still work
    with pytest.raises(ConfigError, match="port must be a whole number, got 'eighty'"):
        settings.server_options()
    with pytest.raises(ConfigError, match="USER:PASSWORD"):
        settings.with_(port=8080).server_options()
    with pytest.raises(ConfigError, match="between 1 and 65535, got 70000"):
        Settings(port=70000, auth="").server_options()
    with pytest.raises(ConfigError, match="PARISQA_MAX_UPLOAD_BYTES must be at least 1, got 0"):
        Settings(max_upload_bytes=0).upload_limit()


def test_the_password_stays_out_of_the_repr():
    assert "s3cret" not in repr(Settings(auth="alice:s3cret"))


def test_llm_and_api_key_settings_come_from_the_environment_and_stay_out_of_the_repr(monkeypatch):
    from parisqa.answer.generate import LLMConfig

    monkeypatch.setenv("PARISQA_LLM_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("PARISQA_LLM_MODEL", "llama3.2")
    monkeypatch.setenv("PARISQA_LLM_KEY", "llm-secret")
    monkeypatch.setenv("PARISQA_LLM_TIMEOUT", "12.5")
    monkeypatch.setenv("PARISQA_API_KEY", "api-secret")
    settings = Settings.from_env()
    assert (settings.llm_url, settings.llm_model, settings.api_key) == (
        "http://127.0.0.1:11434/v1",
        "llama3.2",
        "api-secret",
    )
    assert "llm-secret" not in repr(settings) and "api-secret" not in repr(settings)
    config = LLMConfig.from_settings(settings)
    assert (config.endpoint, config.model, config.key, config.timeout) == (
        "http://127.0.0.1:11434/v1/chat/completions",
        "llama3.2",
        "llm-secret",
        12.5,
    )
    assert LLMConfig.from_settings(settings, model="other", timeout=3).model == "other"
    assert LLMConfig.from_settings(Settings()) is None  # no URL: quoted answers only
    with pytest.raises(ConfigError, match="PARISQA_LLM_TIMEOUT.*'soon'"):
        LLMConfig.from_settings(settings.with_(llm_timeout="soon"))


def test_min_confidence_from_the_environment_and_checked(monkeypatch):
    from parisqa.config import Settings
    from parisqa.errors import ConfigError

    monkeypatch.setenv("PARISQA_MIN_CONFIDENCE", "0.7")
    assert Settings.from_env().min_confidence == 0.7
    assert Settings.from_env(min_confidence="0.2").min_confidence == 0.2
    monkeypatch.delenv("PARISQA_MIN_CONFIDENCE")
    assert Settings.from_env().min_confidence is None
    with pytest.raises(ConfigError, match=r"min_confidence must be between 0 and 1, got 1\.5"):
        Settings(min_confidence=1.5)
    with pytest.raises(ConfigError, match="min_confidence must be a number between 0 and 1, got 'high'"):
        Settings(min_confidence="high")
