"""The Milvus store against real milvus-lite in a temporary folder, with the real model and seed index."""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # benchmarks/ (the seed questions)

from benchmarks.questions import SEED as SEED_QUESTIONS  # noqa: E402

from parisqa.errors import IndexMismatchError, IndexMissingError, StoreError  # noqa: E402
from parisqa.index.milvus import (  # noqa: E402
    MilvusStore,
    StoreMeta,
    alias_name,
    collection_name,
    parse_uri,
)
from parisqa.records import Chunk  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def local(seed_index: Path):
    """The seed corpus's local index: chunks, vectors, sentences, and the search data to compare with."""
    from parisqa.index.store import load_index

    data = load_index(seed_index / "index").load_search()
    chunks = list(data.chunks)
    vectors = data.vectors.reconstruct_n(0, len(chunks))
    table = data.sentences
    per_chunk = []
    for row in range(len(chunks)):
        rows = table.rows_for(row)
        per_chunk.append([_Unit(int(table.start[i]), int(table.end[i]), bool(table.question[i])) for i in rows])
    sentence_vectors = table.vectors.astype("float32")
    meta = StoreMeta(data.manifest["model"]["name"], int(vectors.shape[1]))
    return data, chunks, vectors, per_chunk, sentence_vectors, meta


class _Unit:
    def __init__(self, start: int, end: int, question: bool) -> None:
        self.start, self.end, self.question = start, end, question


def _sentence_slice(per_chunk, sentence_vectors, rows):
    """Sentences and their vectors for a subset of chunk rows."""
    offsets = [0]
    for units in per_chunk:
        offsets.append(offsets[-1] + len(units))
    units = [per_chunk[r] for r in rows]
    vecs = [sentence_vectors[offsets[r] : offsets[r + 1]] for r in rows]
    import numpy as np

    return units, (np.concatenate(vecs) if vecs else np.zeros((0, sentence_vectors.shape[1]), "float32"))


@pytest.fixture(scope="module")
def built(tmp_path_factory, local):
    """A milvus-lite file holding one complete generation of the seed index."""
    _, chunks, vectors, per_chunk, sentence_vectors, meta = local
    uri = str(tmp_path_factory.mktemp("milvus") / "parisqa.db")
    store = MilvusStore(uri)
    writer = store.begin("seed", "gen-1", meta)
    writer.add(chunks, vectors, per_chunk, sentence_vectors)
    name = writer.finish()
    store.commit("seed", name)
    return store, name


def test_uri_forms_are_checked_and_named():
    assert parse_uri("/tmp/x/parisqa.db") == "lite"
    assert parse_uri("http://milvus:19530") == "server"
    assert parse_uri("https://x.example.com") == "server"
    for bad in ("/tmp/x/index", "ftp://host", "", "grpc://h:1"):
        with pytest.raises(ValueError, match="http\\(s\\)://host:port") as info:
            MilvusStore(bad)
        assert repr(bad) in str(info.value)
    assert collection_name("seed", "gen-20261201T1-ab") == "parisqa_seed_gen_20261201T1_ab"
    for bad in ("../x", "a_b", ""):
        with pytest.raises(ValueError, match="index name must be 1-64 letters or digits"):
            alias_name(bad)
    with pytest.raises(ValueError, match="generation must be 'gen-'"):
        collection_name("seed", "x-1")


def test_fusion_constant_is_parisqa_s():
    from parisqa.answer import search as retrieval
    from parisqa.index import milvus

    assert milvus.RRF_K == retrieval.RRF_K


def test_every_chunk_and_sentence_comes_back_exact(built, local, seed_text):
    store, name = built
    _, chunks, vectors, per_chunk, _, meta = local
    gen = store.open(name, meta)
    assert len(gen) == len(chunks)
    assert sorted(gen.chunk_ids()) == sorted(c.id for c in chunks)
    stored = gen.chunks([c.id for c in chunks])
    assert [stored[c.id] for c in chunks] == chunks  # every field, FAQ spans and headings included
    for c in chunks:
        assert seed_text[c.start : c.end] == stored[c.id].text
    stored_vectors = gen.vectors([c.id for c in chunks[:5]])
    for row, c in enumerate(chunks[:5]):
        assert stored_vectors[c.id] == pytest.approx(vectors[row], abs=1e-6)
    sentences = gen.sentences([c.id for c in chunks])
    for c, units in zip(chunks, per_chunk):
        assert [(s.start, s.end, s.question) for s in sentences[c.id]] == [(u.start, u.end, u.question) for u in units]


def test_bm25_finds_a_rare_word_and_dense_a_paraphrase(built, local, embedder, seed_text):
    store, name = built
    data, chunks, *_, meta = local
    gen = store.open(name, meta)
    rare = "Viva"  # one event name, in few chunks
    holders = {c.id for c in chunks if rare.lower() in c.text.lower()}
    assert 0 < len(holders) < len(chunks) / 4
    hits = gen.search(embedder.encode(["zzz"])[0], "Viva", 5, mode="bm25")
    assert hits and hits[0].chunk.id in holders and hits[0].bm25 > 0
    for h in hits:
        assert seed_text[h.chunk.start : h.chunk.end] == h.chunk.text

    # No term of the question is in the chunk it should find: only the dense half can find it.
    from parisqa.corpus.terms import terms

    question = "Which firm makes speech software that guards confidentiality?"
    target = next(c for c in chunks if "Snips" in c.text)
    assert not set(terms(question)) & set(terms(target.embed_text))
    qv = embedder.encode([question])[0]
    assert target.id in {h.chunk.id for h in gen.search(qv, question, 3, mode="dense")}
    assert target.id not in {h.chunk.id for h in gen.search(qv, question, 40, mode="bm25")}
    assert target.id in {h.chunk.id for h in gen.search(qv, question, 5)}


def test_hybrid_matches_the_local_store_on_the_seed_questions(built, local, embedder):
    """Parity: same citation [1] (first hit) on every seed question; top-5 overlap reported."""
    from parisqa.answer.search import Fusion, search

    rrf = Fusion("rrf")  # the Milvus store fuses by reciprocal rank; compare like with like
    from parisqa.corpus.terms import terms

    store, name = built
    data, *_, meta = local
    gen = store.open(name, meta)
    overlaps = []
    same_order = 0
    for question in SEED_QUESTIONS:
        qv = embedder.encode([question])[0]
        mine = gen.search(qv, question, 5)
        theirs = search(data, qv, terms(question), 5, fusion=rrf)
        assert mine[0].chunk.id == theirs[0].chunk.id, question
        assert mine[0].dense == pytest.approx(theirs[0].scores["dense"], abs=1e-4)
        assert mine[0].bm25 == pytest.approx(theirs[0].scores["bm25"], rel=1e-3, abs=1e-4)
        assert mine[0].fused == pytest.approx(theirs[0].scores["fused"], abs=1e-9)
        for m, t in zip(mine, theirs):  # every hit's scores, also those only one half ranked
            assert m.scores == pytest.approx(t.scores, rel=1e-3, abs=1e-4), question
        for m, t in zip(gen.search(qv, question, 5, mode="dense"), search(data, qv, terms(question), 5, "dense")):
            assert (m.chunk.id, m.scores) == (t.chunk.id, pytest.approx(t.scores, rel=1e-3, abs=1e-4)), question
        overlaps.append(len({h.chunk.id for h in mine} & {h.chunk.id for h in theirs}) / 5)
        engine = gen.search(qv, question, 5, fusion="engine")
        assert [h.chunk.id for h in engine][:1] == [mine[0].chunk.id], question
        same_order += [h.chunk.id for h in engine] == [h.chunk.id for h in mine]
    print(f"top-5 overlap milvus-lite vs local: {sum(overlaps) / len(overlaps):.2f} (per question {overlaps})")
    print(f"engine fusion (hybrid_search + RRFRanker) gives the same top 5 in the same order: {same_order}/10")
    assert sum(overlaps) / len(overlaps) >= 0.9


def _chunk(cid: str, text: str, start: int = 0) -> Chunk:
    return Chunk(id=cid, source="doc.txt", start=start, end=start + len(text), text=text, heading_path=("Doc",))


def _unit(dim: int, seed: int):
    import numpy as np

    v = np.random.default_rng(seed).standard_normal(dim).astype("float32")
    return v / np.linalg.norm(v)


def test_incremental_build_copies_unchanged_inserts_changed_drops_removed(tmp_path):
    import numpy as np

    dim = 8
    meta = StoreMeta("test-model", dim)
    store = MilvusStore(str(tmp_path / "s.db"))
    a, b, c = _chunk("aaaa", "alpha apples"), _chunk("bbbb", "bravo bananas"), _chunk("cccc", "charlie cherries")
    w = store.begin("t", "gen-1", meta)
    w.add(
        [a, b, c],
        np.stack([_unit(dim, i) for i in range(3)]),
        [[_Unit(0, 5, False)], [], [_Unit(0, 5, True)]],
        np.stack([_unit(dim, 9), _unit(dim, 10)]),
    )
    first = w.finish()
    store.commit("t", first)

    # b changed (new id), c removed, d added, a unchanged.
    b2, d = _chunk("bbb2", "bravo blueberries"), _chunk("dddd", "delta dates")
    w = store.begin("t", "gen-2", meta)
    assert w.copy_from(first, ["aaaa"]) == 1
    w.add([b2, d], np.stack([_unit(dim, 4), _unit(dim, 5)]))
    with pytest.raises(ValueError, match="aaaa"):
        w.add([a], np.stack([_unit(dim, 0)]))  # a duplicate is refused, not stored twice
    second = w.finish()

    # Until the commit the first generation still answers, unchanged.
    old = store.open(first, meta)
    assert sorted(old.chunk_ids()) == ["aaaa", "bbbb", "cccc"]
    store.commit("t", second, keep=[first])
    new = store.open(second, meta)
    assert sorted(new.chunk_ids()) == ["aaaa", "bbb2", "dddd"]
    assert [s.start for s in new.sentences(["aaaa"])["aaaa"]] == [0]
    assert new.sentences(["cccc"]) == {"cccc": []}
    assert [h.chunk.id for h in new.search(_unit(dim, 5), "dates", 3, mode="bm25")] == ["dddd"]
    assert not new.search(_unit(dim, 5), "cherries", 3, mode="bm25") or all(
        h.chunk.id != "cccc" for h in new.search(_unit(dim, 5), "cherries", 3)
    )
    assert store.client.describe_alias("parisqa_t")["collection_name"] == second

    # A third generation drops the first (only the previous one is kept), sentence collections too.
    w = store.begin("t", "gen-3", meta)
    w.copy_from(second, ["aaaa", "bbb2", "dddd"])
    third = w.finish()
    other = store.begin("t2", "gen-1", meta)  # another index in the same store, its name starting alike
    other.add([a], np.stack([_unit(dim, 0)]))
    other_name = other.finish()
    dropped = store.commit("t", third, keep=[second])
    assert dropped == [first, first + "_s"]
    assert store.generations("t") == [second, third]
    assert store.generations("t2") == [other_name]


def test_a_killed_build_leaves_the_previous_generation_answering_and_is_cleaned_up(tmp_path):
    import numpy as np

    dim = 8
    meta = StoreMeta("test-model", dim)
    uri = str(tmp_path / "s.db")
    store = MilvusStore(uri)
    w = store.begin("t", "gen-1", meta)
    w.add([_chunk("aaaa", "alpha apples")], np.stack([_unit(dim, 0)]))
    first = w.finish()
    store.commit("t", first)
    # A build that dies after inserting rows, before finish() and before the manifest swap.
    w = store.begin("t", "gen-2", meta)
    w.copy_from(first, ["aaaa"])
    w.add([_chunk("eeee", "echo eggs")], np.stack([_unit(dim, 1)]))
    store.close()

    reopened = MilvusStore(uri)  # a new process: the manifest still names the first generation
    gen = reopened.open(first, meta)
    assert [h.chunk.id for h in gen.search(_unit(dim, 0), "apples", 3)] == ["aaaa"]
    with pytest.raises(IndexMismatchError, match="did not finish"):
        reopened.open(collection_name("t", "gen-2"), meta)
    # The next build's commit removes what the killed one left.
    w = reopened.begin("t", "gen-3", meta)
    w.copy_from(first, ["aaaa"])
    third = w.finish()
    assert collection_name("t", "gen-2") in reopened.commit("t", third, keep=[first])
    assert reopened.generations("t") == [first, third]


_ENGINE_FAILURE = """
import sys, numpy as np
from parisqa.errors import StoreError
from parisqa.index.milvus import MilvusStore, StoreMeta
from parisqa.records import Chunk

meta = StoreMeta("m", 8)
store = MilvusStore(sys.argv[1])
w = store.begin("t", "gen-1", meta)
w.add([Chunk("aaaa", "doc.txt", 0, 5, "alpha")], np.ones((1, 8), dtype="float32") / 8**0.5)
gen = store.open(w.finish(), meta)
store.client.drop_collection(gen.name)  # another process removed it under us
try:
    gen.search(np.ones(8, dtype="float32") / 8**0.5, "alpha", 3)
except StoreError as exc:
    print(exc)
"""


def test_an_engine_failure_is_one_store_error_without_a_logged_traceback(tmp_path):
    """In a process of its own: pytest's log capture would hide what pymilvus logs on stderr."""
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    uri = str(tmp_path / "s.db")
    done = subprocess.run(
        [sys.executable, "-c", _ENGINE_FAILURE, uri], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Milvus store '{uri}': search failed (")
    assert "parisqa_t_gen_1" in done.stdout
    assert "Traceback" not in done.stderr, done.stderr


def test_a_collection_of_another_model_or_dimension_is_refused_with_the_reason(tmp_path):
    import numpy as np

    store = MilvusStore(str(tmp_path / "s.db"))
    w = store.begin("t", "gen-1", StoreMeta("model-a", 8))
    w.add([_chunk("aaaa", "alpha")], np.stack([_unit(8, 0)]))
    name = w.finish()
    with pytest.raises(IndexMismatchError, match="model is 'model-a', expected 'model-b'"):
        store.open(name, StoreMeta("model-b", 8))
    with pytest.raises(IndexMismatchError, match="dimension is '8', expected '16'"):
        store.open(name, StoreMeta("model-a", 16))
    with pytest.raises(IndexMissingError, match="parisqa_t_gen_9"):
        store.open(collection_name("t", "gen-9"), StoreMeta("model-a", 8))
    with pytest.raises(ValueError, match="dimension 8, got 16"):
        store.begin("t", "gen-2", StoreMeta("model-a", 8)).add([_chunk("bbbb", "b")], np.stack([_unit(16, 0)]))


def test_an_unreachable_server_gives_a_clear_error_fast():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    uri = f"http://127.0.0.1:{port}"
    store = MilvusStore(uri, timeout=2)  # constructing connects to nothing
    started = time.monotonic()
    with pytest.raises(StoreError) as info:
        store.open("parisqa_t_gen_1", StoreMeta("m", 8))
    assert time.monotonic() - started < 10
    message = str(info.value)
    assert uri in message and "Traceback" not in message and "\n" not in message
    assert info.value.uri == uri


_KILLED_BUILD = """
import sys, numpy as np
from parisqa.index.milvus import MilvusStore, StoreMeta
from parisqa.records import Chunk

def unit(seed):
    v = np.random.default_rng(seed).standard_normal(8).astype("float32")
    return v / np.linalg.norm(v)

store = MilvusStore(sys.argv[1])
meta = StoreMeta("test-model", 8)
w = store.begin("t", "gen-1", meta)
w.add([Chunk("aaaa", "doc.txt", 0, 12, "alpha apples")], np.stack([unit(0)]))
store.commit("t", w.finish())
w = store.begin("t", "gen-2", meta)
for i in range(10_000):
    w.add([Chunk(f"n{i}", "doc.txt", 0, 4, "echo")], np.stack([unit(i + 1)]))
    if i == 2:
        print("writing", flush=True)
"""


def test_a_build_killed_with_sigkill_leaves_the_previous_generation_answering(tmp_path):
    """A real ``kill -9`` in the middle of inserting a generation's rows into the milvus-lite file."""
    import os
    import signal
    import subprocess

    uri = str(tmp_path / "s.db")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_BUILD, uri], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline().strip() == "writing"
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    meta = StoreMeta("test-model", 8)
    store = MilvusStore(uri)
    first = collection_name("t", "gen-1")
    assert [h.chunk.id for h in store.open(first, meta).search(_unit(8, 0), "apples", 3)] == ["aaaa"]
    with pytest.raises(IndexMismatchError, match="did not finish"):
        store.open(collection_name("t", "gen-2"), meta)
    w = store.begin("t", "gen-3", meta)
    w.copy_from(first, ["aaaa"])
    third = w.finish()
    assert store.commit("t", third) == sorted(
        [first, first + "_s", collection_name("t", "gen-2"), collection_name("t", "gen-2") + "_s"]
    )
    assert store.generations("t") == [third]
