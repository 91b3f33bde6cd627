"""One conformance suite, run over every index backend: the local folder and a real milvus-lite store.

Each test takes ``backend`` (``local`` or ``milvus``) and holds that backend to the same contract:
the build records every file (pages, extraction, languages, null scores, term statistics), an
incremental build adds, changes and deletes without duplicates or orphans, spans slice the source
text, PDF passages give their page, hits carry the fused scores the local store computes, and the
decision to decline and the confidence are the local store's. The local store is the reference the
others are compared with (for it those comparisons hold trivially; the rest of each test does not).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from parisqa.api import Engine, source_text
from parisqa.config import Settings
from parisqa.index.backend import IndexBackend

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "paris-ai-city.txt"
sys.path.insert(0, str(ROOT / "tests" / "system"))
import docmaker  # noqa: E402

BACKENDS = ["local", "milvus"]
QUESTIONS = {
    docmaker.PDF_QUESTION: "observatories.pdf",
    docmaker.DOCX_QUESTION: "cycling.docx",
    docmaker.HTML_QUESTION: "bakeries.html",
    docmaker.MD_QUESTION: "bees.md",
    docmaker.TXT_QUESTION: "paris-ai-city.txt",
}
OFF_TOPIC = "What is the best recipe for a lemon meringue pie?"


def _settings(base: Path, backend: str, corpus: Path) -> Settings:
    store = "local" if backend == "local" else str(base / f"{backend}.db")
    return Settings(corpus_dir=corpus, index_dir=base / f"index-{backend}", store=store)


def _stored_ids(served: IndexBackend) -> list[str]:
    """Every chunk id the backend serves (read from the backend itself, not from the manifest)."""
    if served.kind == "local":
        return [c.id for c in served.chunks]  # type: ignore[attr-defined]
    return served.store.chunk_ids()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def built(tmp_path_factory, embedder) -> dict[str, tuple[Engine, object]]:
    """The mixed-format corpus (PDF, DOCX, HTML, Markdown, text) built once into each backend."""
    pytest.importorskip("milvus_lite")
    base = tmp_path_factory.mktemp("conformance")
    docmaker.write_corpus(base / "corpus", SEED)
    out = {}
    for backend in BACKENDS:
        engine = Engine(_settings(base, backend, base / "corpus"), embedder=embedder, auto_build=False)
        out[backend] = (engine, engine.build())
    return out


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def test_the_build_records_every_file_and_the_statistics(built, backend):
    engine, summary = built[backend]
    assert summary.added == 5 and summary.embedded == summary.chunks > 0
    served = engine.search_data()
    assert isinstance(served, IndexBackend) and served.kind == backend
    assert served.size == summary.chunks == len(_stored_ids(served))
    files = served.manifest["files"]
    assert set(files) == set(QUESTIONS.values())
    assert all(entry["language"] == "en" for entry in files.values())
    assert files["observatories.pdf"]["extractor"] and files["observatories.pdf"]["extracted"]
    nulls = served.null_scores
    assert nulls is not None and {"dense", "sentence", "bm25"} <= set(nulls)
    assert nulls == built["local"][0].search_data().null_scores
    local_stats = built["local"][0].search_data().bm25
    assert (served.bm25.num_docs, served.bm25.doc_freq) == (local_stats.num_docs, local_stats.doc_freq)


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_answers_cite_exact_spans_with_pages_and_the_local_scores(built, backend, question):
    engine, _ = built[backend]
    answer = engine.ask(question).to_dict()
    reference = built["local"][0].ask(question).to_dict()
    assert not answer["abstained"]
    first = answer["citations"][0]
    assert first["source"] == QUESTIONS[question]
    for c in answer["citations"]:
        assert source_text(engine.settings, c["source"])[c["start"] : c["end"]] == c["text"]
        assert set(c["scores"]) == {"dense", "bm25", "fused"}
    if first["source"].endswith(".pdf"):
        assert first["page"] == 2  # docmaker puts the observatory fact on page 2
    where = lambda c: (c["source"], c["start"], c["end"], c.get("page"))  # noqa: E731
    assert [where(c) for c in answer["citations"]] == [where(c) for c in reference["citations"]]
    for mine, theirs in zip(answer["citations"], reference["citations"]):
        assert mine["scores"] == pytest.approx(theirs["scores"], abs=1e-4)
    assert abs(answer["confidence"] - reference["confidence"]) <= 0.01


def test_an_off_topic_question_is_declined_with_the_local_confidence(built, backend):
    engine, _ = built[backend]
    answer = engine.ask(OFF_TOPIC)
    reference = built["local"][0].ask(OFF_TOPIC)
    assert answer.abstained and not answer.citations and answer.related
    assert abs(answer.confidence - reference.confidence) <= 0.01
    on_topic = engine.ask(docmaker.MD_QUESTION)
    assert not on_topic.abstained and on_topic.confidence > answer.confidence


def test_incremental_add_change_delete(tmp_path, backend, embedder):
    pytest.importorskip("milvus_lite")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    engine = Engine(_settings(tmp_path, backend, corpus), embedder=embedder, auto_build=False)
    first = engine.build()

    def served_ids() -> list[str]:
        served = engine.search_data()
        ids = _stored_ids(served)
        listed = [i for entry in served.manifest["files"].values() for i in entry["chunks"]]
        assert sorted(ids) == sorted(listed) and len(ids) == len(set(ids))  # no duplicates, no orphans
        return ids

    before = served_ids()
    (corpus / "lyon.md").write_text("# Lyon\n\nLyon hosts the Zorblax robotics fair every spring.\n", encoding="utf-8")
    added = engine.build()
    assert (added.added, added.unchanged, added.embedded) == (1, 1, added.chunks - first.chunks)
    assert set(before) < set(served_ids())
    assert engine.ask("Where is the Zorblax robotics fair held?").citations[0].source == "lyon.md"

    (corpus / "lyon.md").write_text("# Lyon\n\nLyon hosts the Quixotl drone race every autumn.\n", encoding="utf-8")
    changed = engine.build()
    assert (changed.changed, changed.unchanged) == (1, 1)
    cited = engine.ask("What does Lyon host every autumn?").citations[0]
    assert cited.source == "lyon.md" and "Quixotl" in cited.text

    (corpus / "lyon.md").unlink()
    removed = engine.build()
    assert (removed.removed, removed.embedded) == (1, 0)
    assert sorted(served_ids()) == sorted(before)
    answer = engine.ask("What does Lyon host every autumn?")
    assert all(c.source != "lyon.md" for c in answer.citations + answer.related)
    assert not engine.build().rebuilt  # nothing changed: nothing written
