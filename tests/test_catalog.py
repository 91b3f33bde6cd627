"""Collections and scoped keys read from flags, the environment and parisqa.toml (parisqa.catalog)."""

from __future__ import annotations

import pytest

from parisqa.catalog import Catalog, Grant, catalog, parse_collection, parse_key, watch_flag
from parisqa.config import Settings
from parisqa.errors import ConfigError


def test_key_forms():
    assert parse_key("abc") == Grant("abc", None, True)
    assert parse_key("abc:docs") == Grant("abc", frozenset({"docs"}), True)
    assert parse_key("abc:docs,hr:read") == Grant("abc", frozenset({"docs", "hr"}), False)
    assert parse_key("abc:*:read") == Grant("abc", None, False)
    grant = parse_key("abc:docs:read")
    assert grant.allows("docs") and not grant.allows("docs", write=True) and not grant.allows("hr")
    assert grant.matches("abc") and not grant.matches("abd") and "abc" not in repr(grant)
    for bad, words in (("", "key part is empty"), ("k:", "at least one collection"), ("k:Docs", "collection name")):
        with pytest.raises(ConfigError, match=words):
            parse_key(bad)


def test_collection_forms(tmp_path):
    assert parse_collection("docs=./d") == ("docs", __import__("pathlib").Path("d"))
    for bad in ("docs", "=d", "docs=", "a b=d", "-x=d"):
        with pytest.raises(ConfigError):
            parse_collection(bad)


def test_flags_env_and_toml_make_one_catalog(tmp_path, monkeypatch):
    (tmp_path / "conf").mkdir()
    toml = tmp_path / "conf" / "parisqa.toml"
    toml.write_text(
        "[collections.docs]\n"
        'corpus = "docs"\nmodel = "multilingual"\n\n'
        "[[keys]]\n"
        'key_env = "DOCS_KEY"\ncollections = ["docs"]\naccess = "read"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("DOCS_KEY", "from-env")
    monkeypatch.setenv("PARISQA_API_KEYS", "one:hr;two")
    base = Settings(index_dir=tmp_path / "idx")
    chosen = catalog(base, collections=[f"hr={tmp_path / 'hr'}"], config=str(toml))
    assert list(chosen.collections) == ["docs", "hr"] and chosen.default == "docs" and chosen.named
    docs = chosen.collections["docs"]
    assert docs.corpus_dir == tmp_path / "conf" / "docs" and docs.index_dir == tmp_path / "conf" / "index" / "docs"
    assert docs.model == "multilingual" and chosen.collections["hr"].index_dir == tmp_path / "idx" / "hr"
    assert chosen.grant_for("one").collections == frozenset({"hr"}) and chosen.grant_for("two").collections is None
    assert chosen.grant_for("from-env").write is False and chosen.grant_for("nope") is None
    # --api-key values replace PARISQA_API_KEYS; the toml's keys are kept.
    flagged = catalog(base, collections=[f"hr={tmp_path / 'hr'}"], api_keys=["three:hr"], config=str(toml))
    assert flagged.grant_for("one") is None and flagged.grant_for("three") and flagged.grant_for("from-env")


def test_no_collection_is_todays_single_collection(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no parisqa.toml here
    monkeypatch.setenv("PARISQA_API_KEY", "legacy")
    settings = Settings(corpus_dir=tmp_path / "c", index_dir=tmp_path / "i")
    chosen = catalog(settings)
    assert dict(chosen.collections) == {"default": settings} and not chosen.named
    assert chosen.grant_for("legacy") == Grant("legacy")


def test_bad_catalogs_are_refused_with_the_value(tmp_path):
    settings = Settings(index_dir=tmp_path / "i")
    with pytest.raises(ConfigError, match="'nope', which is not served"):
        Catalog({"a": settings}, (parse_key("k:nope"),))
    with pytest.raises(ConfigError, match="share the index folder"):
        Catalog({"a": settings, "b": settings})
    with pytest.raises(ConfigError, match="given twice"):
        catalog(settings, collections=["a=x", "a=y"])
    bad = tmp_path / "bad.toml"
    bad.write_text("[collections.a]\ncorpus = 3\nwhat = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting 'what'"):
        catalog(settings, config=str(bad))
    bad.write_text("[collections.a\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        catalog(settings, config=str(bad))


def test_watch_flag(monkeypatch):
    assert watch_flag(True) and not watch_flag(None)
    monkeypatch.setenv("PARISQA_WATCH", "yes")
    assert watch_flag(None)
    monkeypatch.setenv("PARISQA_WATCH", "2")
    with pytest.raises(ConfigError, match="'2'"):
        watch_flag(None)
