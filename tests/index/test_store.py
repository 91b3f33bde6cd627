"""The index folder: manifest checks, damage detection, atomic writes, the write lock."""

import json
import threading

import numpy as np
import pytest

from parisqa.errors import IndexBusyError, IndexCorruptError, IndexMismatchError, IndexMissingError, ParisqaError
from parisqa.index import generations, store
from parisqa.index.build import build_index, expected_manifest
from parisqa.index.store import load_index, write_index, write_lock
from parisqa.records import Chunk


def _tiny_index(index_dir, texts=("alpha", "beta")):
    from parisqa.index import vectors

    chunks = [Chunk(id=f"id{i}", source="a.txt", start=0, end=len(t), text=t) for i, t in enumerate(texts)]
    vecs = np.eye(len(texts), 4, dtype=np.float32)
    index, info = vectors.build(vecs)
    manifest = {"schema_version": 1, "files": {"a.txt": {}}, "faiss": info}
    return write_index(index_dir, manifest, chunks, index)


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexMissingError, match="no index in") as err:
        load_index(tmp_path / "none")
    assert err.value.remedy == "build"


def test_round_trip_and_generation_swap(tmp_path):
    first = _tiny_index(tmp_path)
    second = _tiny_index(tmp_path, ("gamma", "delta", "epsilon"))
    assert first != second
    loaded = load_index(tmp_path)
    assert loaded.generation == second
    assert [c.text for c in loaded.chunks] == ["gamma", "delta", "epsilon"]


@pytest.mark.parametrize("victim", ["chunks.jsonl", "faiss.index"])
def test_deleted_or_truncated_file_is_reported_not_crashed(tmp_path, victim):
    gen = _tiny_index(tmp_path)
    path = tmp_path / gen / victim
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(IndexCorruptError, match=f"{victim} does not match its manifest") as err:
        load_index(tmp_path)
    assert err.value.remedy == "rebuild"
    path.unlink()
    with pytest.raises(IndexCorruptError, match=f"{victim} is missing"):
        load_index(tmp_path)


def test_garbage_manifest_is_reported(tmp_path):
    _tiny_index(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(IndexCorruptError, match="manifest.*damaged"):
        load_index(tmp_path)


def test_manifest_mismatch_gives_a_message_not_a_faiss_assert(settings, embedder):
    build_index(settings, embedder=embedder)
    manifest_path = settings.index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"]["dimension"] = 768
    manifest["chunking"]["max_tokens"] = 200
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError) as err:
        load_index(settings.index_dir, expected_manifest(settings))
    message = str(err.value)
    assert "dimension is 768 in the index but 384 now" in message
    assert "max_tokens" in message and err.value.remedy == "rebuild"


def test_failed_write_leaves_previous_index_intact(tmp_path, monkeypatch):
    _tiny_index(tmp_path)
    before = (tmp_path / "manifest.json").read_bytes()
    real_write = generations._write_file
    calls = {"n": 0}

    def failing(path, data):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real_write(path, data)

    monkeypatch.setattr(generations, "_write_file", failing)
    with pytest.raises(ParisqaError, match="No space left on device.*free some disk space.*previous index is intact"):
        _tiny_index(tmp_path, ("new",))
    assert (tmp_path / "manifest.json").read_bytes() == before
    assert [c.text for c in load_index(tmp_path).chunks] == ["alpha", "beta"]
    assert not list(tmp_path.glob(".build-*"))


def test_second_writer_is_refused_with_a_clear_message(tmp_path):
    holding = threading.Event()
    release = threading.Event()

    def hold():
        with write_lock(tmp_path):
            holding.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(5)
    try:
        with pytest.raises(IndexBusyError, match=r"another parisqa process \(pid \d+\) is rebuilding"):
            with write_lock(tmp_path, wait=0.2):
                pass
    finally:
        release.set()
        thread.join()
    with write_lock(tmp_path):
        pass


def test_chunk_records_decode_lazily_but_read_like_a_list():
    chunks = [Chunk(id=f"id{i}", source="a.txt", start=i, end=i + 1, text=f"é{i}") for i in range(5)]
    data = "".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in chunks).encode()
    parsed = store.parse_chunks(data)
    assert len(parsed) == 5 and parsed[2] == chunks[2] and parsed[-1] == chunks[-1]
    assert parsed[1:3] == chunks[1:3] and list(parsed) == chunks and parsed == chunks
    # No final newline, blank lines: still the same records.
    assert list(store.parse_chunks(data.rstrip(b"\n").replace(b"\n", b"\n\n"))) == chunks
    assert len(store.parse_chunks(b"")) == 0


def test_chunk_records_in_a_wrong_format_fail_at_load(tmp_path):
    gen = _tiny_index(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    bad = b'{"not": "a chunk"}\n{"id": "x"}\n'
    (tmp_path / gen / "chunks.jsonl").write_bytes(bad)
    import hashlib

    manifest["data"]["chunks.jsonl"] = {"size": len(bad), "sha256": hashlib.sha256(bad).hexdigest()}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexCorruptError, match="cannot be read"):
        load_index(tmp_path)


def test_chunk_text_with_any_line_breaking_character_round_trips(tmp_path):
    """JSON leaves U+0085, U+2028 and U+2029 unescaped: the chunk file must not split lines on them."""
    texts = ["a\x85b", "c\u2028d", "e\u2029f", "g\x1c\x1d\x1e\x0b\x0ch", "i\r\nj\rk\nl"]
    _tiny_index(tmp_path, texts)
    assert [c.text for c in load_index(tmp_path).chunks] == texts
