"""The Milvus backend end to end: settings, builds, ``ask`` and the CLI against real milvus-lite.

The same contract as the local store: ``parisqa index --store FILE.db`` then ``parisqa ask --store
FILE.db --json`` answer like the local index (citation [1] on the development questions), adding,
changing and deleting files leave no duplicates and no orphans, and store faults are one line.
"""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

from parisqa.cli import EXIT_STORE, main
from parisqa.config import Settings
from parisqa.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_store_setting_forms_are_checked_and_named(tmp_path, monkeypatch):
    assert Settings().store == "local"
    assert Settings(store="http://milvus:19530").store == "http://milvus:19530"
    monkeypatch.chdir(tmp_path)
    assert Settings(store="x/parisqa.db").store == str(tmp_path / "x" / "parisqa.db")  # absolute: cwd-proof
    monkeypatch.setenv("PARISQA_STORE", "https://milvus.example.com")
    monkeypatch.setenv("PARISQA_MILVUS_TOKEN", "root:s3cret")
    settings = Settings.from_env()
    assert settings.store == "https://milvus.example.com" and settings.milvus_token == "root:s3cret"
    assert "s3cret" not in repr(settings)
    for bad in ("milvus", "/data/index", "grpc://h:19530", "ftp://h"):
        with pytest.raises(ConfigError, match="'local'.*'.db'.*http\\(s\\)://host:port") as info:
            Settings(store=bad)
        assert repr(bad) in str(info.value)


pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _first(out: str) -> dict:
    """The first passage of an ``ask --json`` reply: citation [1], or the closest one when it declined."""
    answer = json.loads(out)
    return (answer["citations"] or answer["related"])[0]


def _dev_questions() -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    return [r["question"] for r in rows if r.get("answerable", True)]


@pytest.fixture(scope="module")
def milvus_seed(tmp_path_factory, embedder):
    """The seed corpus indexed into a milvus-lite file by the real build."""
    from parisqa.api import Engine

    base = tmp_path_factory.mktemp("mseed")
    shutil.copytree(ROOT / "corpus", base / "corpus")
    settings = Settings(corpus_dir=base / "corpus", index_dir=base / "index", store=str(base / "m" / "parisqa.db"))
    engine = Engine(settings, embedder=embedder, auto_build=False)
    summary = engine.build()
    assert summary.added == 1 and summary.embedded == summary.chunks
    return engine


@pytest.mark.slow
def test_ask_gives_the_local_citation_1_on_the_development_questions(milvus_seed, seed_engine):
    """Parity at the ``ask --json`` level: same citation [1] on every question; top-5 overlap printed.

    Both stores' hybrid hits go through the one fusion (``answer.search.DEFAULT_FUSION``), so the
    retrieved hits themselves are compared too, in order.
    """
    from parisqa.answer.search import search
    from parisqa.corpus.terms import terms

    same_first = same_hits = same_abstained = overlap = 0
    questions = _dev_questions()
    differ, abstain_differ = [], []
    mine_data, theirs_data = milvus_seed.search_data(), seed_engine.search_data()
    for question in questions:
        mine, theirs = milvus_seed.ask(question).to_dict(), seed_engine.ask(question).to_dict()
        key = lambda c: (c["source"], c["start"], c["end"])  # noqa: E731
        mine_c = mine["citations"] or mine.get("related", [])
        theirs_c = theirs["citations"] or theirs.get("related", [])
        if mine_c[:1] and theirs_c[:1] and key(mine_c[0]) == key(theirs_c[0]):
            same_first += 1
        else:
            differ.append(question)
        assert abs(mine["confidence"] - theirs["confidence"]) <= 0.01, question
        if mine["abstained"] == theirs["abstained"]:
            same_abstained += 1
        else:
            abstain_differ.append(question)
        overlap += len({key(c) for c in mine_c[:5]} & {key(c) for c in theirs_c[:5]}) / 5
        for c in mine_c:
            source = (milvus_seed.settings.corpus_dir / c["source"]).read_text(encoding="utf-8")
            assert source[c["start"] : c["end"]] == c["text"]
            assert set(c["scores"]) == {"dense", "bm25", "fused"}
        qv, qt = milvus_seed.embedder.encode_queries([question])[0], terms(question)
        hits = [(h.chunk.id, h.chunk.start, h.chunk.end) for h in search(mine_data, qv, qt, 6)]
        same_hits += hits == [(h.chunk.id, h.chunk.start, h.chunk.end) for h in search(theirs_data, qv, qt, 6)]
    n = len(questions)
    print(
        f"milvus-lite vs local on {n} answerable development questions: same citation [1] {same_first}/{n}, "
        f"mean top-5 overlap {overlap / n:.3f}, same 6 hits in the same order {same_hits}/{n}, "
        f"same abstention {same_abstained}/{n} (differing: {abstain_differ})"
    )
    assert same_first == n, differ
    assert same_hits == n
    assert overlap / n >= 0.75
    # Both stores are written by one build with the same null score statistics: the same decisions.
    assert same_abstained == n, abstain_differ


@pytest.mark.slow
def test_cli_index_and_ask_with_a_milvus_lite_file_then_add_change_delete(tmp_path, capsys, embedder):
    from parisqa.index.milvus_index import load_milvus_index
    from parisqa.index.store import read_manifest

    corpus, index, db = tmp_path / "corpus", tmp_path / "index", str(tmp_path / "x" / "parisqa.db")
    shutil.copytree(ROOT / "corpus", corpus)
    where = ["--corpus", str(corpus), "--index", str(index), "--store", db]
    code, out, err = _run(capsys, "index", "--json", *where)
    assert code == 0, err
    assert json.loads(out)["added"] == 1

    code, out, err = _run(capsys, "ask", "--json", *where, "What challenges does Paris face in becoming an AI leader?")
    assert code == 0, err
    answer = json.loads(out)
    assert not answer["abstained"] and "talent retention" in answer["answer"]
    assert len(answer["citations"]) == 5

    # Issue 21: forgetting --store once rebuilt a Milvus index as a local one. Without it, the
    # recorded store is used; another store given is refused in one line until --rebuild.
    manifest = (index / "manifest.json").read_bytes()
    plain = ["--corpus", str(corpus), "--index", str(index)]
    code, out, err = _run(capsys, "index", "--json", *plain)
    assert code == 0 and json.loads(out)["embedded"] == 0 and json.loads(out)["unchanged"] == 1, err
    assert (index / "manifest.json").read_bytes() == manifest  # nothing changed: not even rewritten
    code, out, err = _run(capsys, "ask", "--json", *plain, "What challenges does Paris face in becoming an AI leader?")
    assert code == 0 and json.loads(out)["citations"] == answer["citations"], err
    code, out, err = _run(capsys, "index", *plain, "--store", "local")
    assert code == 2 and not out
    (line,) = err.strip().splitlines()
    assert f"its chunks are in the Milvus store '{db}'; rebuilding it in the index folder" in line
    assert "--rebuild" in line
    assert (index / "manifest.json").read_bytes() == manifest

    def stored_ids() -> list[str]:
        manifest = read_manifest(index)
        served = load_milvus_index(index, manifest)
        ids = served.store.chunk_ids()
        expected = [i for entry in manifest["files"].values() for i in entry["chunks"]]
        assert sorted(ids) == sorted(expected)  # no duplicates, no orphans
        assert len(ids) == len(set(ids)) == manifest["chunks"]
        return ids

    first = stored_ids()
    (corpus / "lyon.txt").write_text("Lyon\n\nLyon hosts the Zorblax robotics fair every spring.\n", encoding="utf-8")
    code, out, _ = _run(capsys, "index", "--json", *where)
    summary = json.loads(out)
    assert (summary["added"], summary["unchanged"]) == (1, 1)
    assert summary["embedded"] == summary["chunks"] - len(first)  # the seed file is copied, not re-embedded
    second = stored_ids()
    assert set(first) < set(second)
    code, out, _ = _run(capsys, "ask", "--json", *where, "Where is the Zorblax robotics fair held?")
    assert _first(out)["source"] == "lyon.txt"

    (corpus / "lyon.txt").write_text("Lyon\n\nLyon hosts the Quixotl drone race every autumn.\n", encoding="utf-8")
    code, out, _ = _run(capsys, "index", "--json", *where)
    assert (json.loads(out)["changed"], json.loads(out)["unchanged"]) == (1, 1)
    third = stored_ids()
    assert len(third) == len(second)
    code, out, _ = _run(capsys, "ask", "--json", *where, "What does Lyon host every autumn?")
    cited = _first(out)
    assert cited["source"] == "lyon.txt" and "Quixotl" in cited["text"]

    (corpus / "lyon.txt").unlink()
    code, out, _ = _run(capsys, "index", "--json", *where)
    assert json.loads(out)["removed"] == 1
    assert sorted(stored_ids()) == sorted(first)
    code, out, _ = _run(capsys, "ask", "--json", *where, "What does Lyon host every autumn?")
    answer = json.loads(out)
    assert all(c["source"] != "lyon.txt" for c in answer["citations"] + answer.get("related", []))
    # Only the committed generation and the one before it remain in the store.
    manifest = read_manifest(index)
    served = load_milvus_index(index, manifest)
    assert len(served.store.store.generations(manifest["store"]["index_name"])) == 2


def test_an_unreachable_server_is_one_line_with_its_own_exit_code_and_the_index_untouched(tmp_path, capsys, seed_index):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uri = f"http://127.0.0.1:{port}"
    index = tmp_path / "index"
    shutil.copytree(seed_index / "index", index)
    before = (index / "manifest.json").read_bytes()
    where = ["--corpus", str(seed_index / "corpus"), "--index", str(index), "--store", uri]
    code, out, err = _run(capsys, "index", *where)
    assert code == EXIT_STORE
    assert err.count("\n") == 1 and uri in err and "Traceback" not in err
    assert (index / "manifest.json").read_bytes() == before
    code, out, err = _run(capsys, "ask", "--json", "--no-build", *where, "Why is ethical AI important?")
    assert code != 0 and "store is 'local' in the index but" in err
    code, out, err = _run(capsys, "ask", "--json", "--index", str(index), "--corpus", str(seed_index / "corpus"), "x?")
    assert code == 0  # the local index still answers


@pytest.mark.slow
def test_a_collection_of_another_model_is_refused_with_the_reason(tmp_path, capsys, milvus_seed):
    import numpy as np

    from parisqa.index.milvus import StoreMeta
    from parisqa.index.milvus_index import open_store
    from parisqa.records import Chunk

    settings = milvus_seed.settings
    index = tmp_path / "index"
    shutil.copytree(settings.index_dir, index)
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    store = open_store(settings.store)
    writer = store.begin("other", "gen-1", StoreMeta("another-model", 384))
    writer.add([Chunk("aaaa", "a.txt", 0, 1, "a")], np.ones((1, 384), dtype="float32") / 384**0.5)
    manifest["store"]["collection"] = writer.finish()
    (index / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    where = ["--corpus", str(settings.corpus_dir), "--index", str(index), "--store", settings.store]
    code, _, err = _run(capsys, "ask", "--no-build", *where, "Why is ethical AI important?")
    assert code == 1
    assert "model is 'another-model', expected 'sentence-transformers/all-MiniLM-L6-v2'" in err
    assert err.count("\n") == 1


@pytest.mark.slow
def test_a_french_file_in_a_milvus_store_is_analysed_as_french(tmp_path, embedder):
    """The manifest records each file's language; BM25 terms and term statistics are in that language."""
    from parisqa.api import Engine
    from parisqa.corpus.terms import terms
    from parisqa.index.milvus import bm25_text

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "eval" / "fr" / "corpus" / "arc-de-triomphe.txt", corpus)
    shutil.copy(ROOT / "corpus" / next(p.name for p in (ROOT / "corpus").iterdir() if p.is_file()), corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store=str(tmp_path / "m" / "parisqa.db"))
    engine = Engine(settings, embedder=embedder, auto_build=False)
    engine.build()
    index = engine.search_data()
    assert index.language_of("arc-de-triomphe.txt") == "fr"
    assert index.languages == ["en", "fr"]
    manifest = json.loads((settings.index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["arc-de-triomphe.txt"]["language"] == "fr"
    entry = manifest["files"]["arc-de-triomphe.txt"]
    chunk = index.store.chunks(entry["chunks"][:1])[entry["chunks"][0]]
    french = set(terms(chunk.embed_text, "fr"))
    assert french != set(terms(chunk.embed_text, "en"))  # the analysers differ on this text
    assert all(index.bm25.doc_freq.get(t, 0) > 0 for t in french)
    rows = index.store.store.client.query(index.store.name, filter=f'id == "{chunk.id}"', output_fields=["terms"])
    assert rows[0]["terms"] == bm25_text(chunk.embed_text, "fr")


@pytest.mark.slow
def test_a_generation_missing_rows_is_rebuilt_from_scratch(tmp_path, embedder):
    """A collection lacking a chunk its manifest names is not reused (nor copied): the build starts over."""
    from parisqa.api import Engine

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store=str(tmp_path / "m" / "parisqa.db"))
    warnings: list[str] = []
    engine = Engine(settings, embedder=embedder, auto_build=False, on_warning=warnings.append)
    first = engine.build()
    served = engine.search_data()
    victim = served.manifest["files"]["paris-ai-city.txt"]["chunks"][0]
    served.store.store.client.delete(served.store.name, filter=f'id == "{victim}"')
    (corpus / "lyon.md").write_text("# Lyon\n\nLyon hosts the Zorblax robotics fair.\n", encoding="utf-8")
    summary = engine.build()
    assert any(f"lacks chunk {victim}" in w and "from scratch" in w for w in warnings), warnings
    assert summary.embedded == summary.chunks > first.chunks  # nothing was taken from the damaged generation
    ids = engine.search_data().store.chunk_ids()
    assert victim in ids and len(ids) == summary.chunks
