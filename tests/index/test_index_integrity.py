"""The index folder is data, checked on load: tampering, truncation, hostile manifests, write failures."""

from __future__ import annotations

import ast
import errno
import json
import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parisqa.cli import main
from parisqa.config import Settings
from parisqa.errors import IndexCorruptError, IndexMismatchError, ParisqaError
from parisqa.index import generations
from parisqa.index.build import build_index, expected_manifest, is_stale
from parisqa.index.layout import CHUNKS, MANIFEST, VECTORS
from parisqa.index.store import load_index, read_manifest

SRC = Path(__file__).resolve().parents[2] / "src" / "parisqa"


@pytest.fixture
def index_copy(seed_index: Path, tmp_path: Path) -> Settings:
    """A private copy of the session's seed index, free to damage."""
    shutil.copytree(seed_index / "corpus", tmp_path / "corpus", dirs_exist_ok=True)
    shutil.copytree(seed_index / "index", tmp_path / "index")
    return Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")


def _load_everything(settings: Settings) -> None:
    """Load the index and read every data file its manifest lists, as answering does."""
    index = load_index(settings.index_dir, expected_manifest(settings))
    for name in index.manifest["data"]:
        if name not in (CHUNKS, VECTORS):
            index.read_extra(name)


def test_every_data_file_is_listed_with_its_hash_and_size(index_copy):
    manifest = read_manifest(index_copy.index_dir)
    gen = index_copy.index_dir / manifest["generation"]
    assert {CHUNKS, VECTORS} <= set(manifest["data"])
    assert {p.name for p in gen.iterdir()} == set(manifest["data"]), "a data file the manifest does not check"
    for name, entry in manifest["data"].items():
        assert entry["size"] == (gen / name).stat().st_size and len(entry["sha256"]) == 64


def test_one_flipped_byte_anywhere_in_any_data_file_is_detected(index_copy):
    manifest = read_manifest(index_copy.index_dir)
    gen = index_copy.index_dir / manifest["generation"]
    checked = 0
    for name in manifest["data"]:
        path = gen / name
        original = path.read_bytes()
        for offset in sorted({0, 1, len(original) // 3, len(original) // 2, len(original) - 1}):
            damaged = bytearray(original)
            damaged[offset] ^= 0x01
            path.write_bytes(bytes(damaged))
            with pytest.raises(IndexCorruptError, match=rf"{name} does not match its manifest") as err:
                _load_everything(index_copy)
            assert err.value.remedy == "rebuild"
            checked += 1
        for damaged in (original[:-1], original + b"\n", b""):  # truncated, extended, emptied
            path.write_bytes(damaged)
            with pytest.raises(IndexCorruptError, match="does not match its manifest"):
                _load_everything(index_copy)
        path.write_bytes(original)
    _load_everything(index_copy)
    assert checked >= 10


@pytest.mark.parametrize(
    "generation",
    ["../x", "/etc", "gen-/../../x", "gen-..", "gen-a/../../x", "gen-a\x00b", "gen-a\nb", "", "..", 7, None, ["gen-a"]],
)
def test_a_manifest_naming_a_folder_outside_the_index_is_refused(index_copy, tmp_path, generation):
    manifest_path = index_copy.index_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    # A complete, valid copy of the data where "../x" points: refused by its name, not by chance.
    shutil.copytree(index_copy.index_dir / manifest["generation"], tmp_path / "x")
    manifest["generation"] = generation
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexCorruptError, match=r"manifest .* is damaged") as err:
        load_index(index_copy.index_dir)
    assert err.value.remedy == "rebuild"


def test_a_tampered_index_is_reported_by_the_cli_and_repaired_by_index(capsys, index_copy, embedder, monkeypatch):
    monkeypatch.setenv("PARISQA_CORPUS", str(index_copy.corpus_dir))
    monkeypatch.setenv("PARISQA_INDEX", str(index_copy.index_dir))
    manifest = read_manifest(index_copy.index_dir)
    path = index_copy.index_dir / manifest["generation"] / CHUNKS
    path.write_bytes(path.read_bytes().replace(b"Paris", b"Pxris", 1))
    assert main(["ask", "--no-build", "What is Viva Tech?"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "chunks.jsonl does not match its manifest" in err and "parisqa index" in err
    assert main(["index"]) == 0
    assert "rebuilding it from scratch" in capsys.readouterr().err
    _load_everything(index_copy)


# --- hostile manifests: any JSON at all gives a clear error or loads, never a crash ---------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _paths(value, (*prefix, key))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_tampered_manifest_is_refused_with_a_message_or_still_loads(index_copy, data):
    manifest_path = index_copy.index_dir / MANIFEST
    original = manifest_path.read_bytes()
    manifest = json.loads(original)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from([p for p in _paths(manifest) if p]))
        parent = manifest
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(json_values)
    manifest_path.write_text(json.dumps(manifest))
    try:
        for step in (
            lambda: read_manifest(index_copy.index_dir),
            lambda: _load_everything(index_copy),
            lambda: is_stale(index_copy, read_manifest(index_copy.index_dir)),
        ):
            try:
                step()
            except (IndexCorruptError, IndexMismatchError) as exc:
                assert exc.remedy == "rebuild", exc
                break
    finally:
        manifest_path.write_bytes(original)


@pytest.mark.parametrize(
    "raw",
    [b"", b"null", b"[]", b'"gen-x"', b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe", b'{"generation": "gen-a"}'],
)
def test_garbage_manifests_are_damaged_not_crashes(index_copy, raw):
    (index_copy.index_dir / MANIFEST).write_bytes(raw)
    with pytest.raises(IndexCorruptError, match="damaged"):
        load_index(index_copy.index_dir)


def test_a_build_over_a_damaged_manifest_starts_again(index_copy, embedder):
    (index_copy.index_dir / MANIFEST).write_text('{"generation": "../../etc", "files": []}')
    warnings = []
    summary = build_index(index_copy, embedder=embedder, on_warning=warnings.append)
    assert summary.added == 1 and any("damaged" in w and "from scratch" in w for w in warnings)
    _load_everything(index_copy)


@pytest.mark.parametrize(
    ("where", "value"),
    [(("files", "*", "chunks"), 5), (("model", "weights_stat"), "x"), (("model", "weights_stat"), [1, "2"])],
)
def test_a_build_over_a_manifest_with_bad_nested_fields_does_not_crash(index_copy, embedder, where, value):
    path = index_copy.index_dir / MANIFEST
    manifest = json.loads(path.read_bytes())
    parent = manifest
    for key in where[:-1]:
        parent = parent[next(iter(parent))] if key == "*" else parent[key]
    parent[where[-1]] = value
    path.write_text(json.dumps(manifest))
    warnings = []
    summary = build_index(index_copy, embedder=embedder, on_warning=warnings.append)
    assert summary.chunks > 10
    _load_everything(index_copy)


# --- nothing loaded can be code ------------------------------------------------------------------

PICKLING_MODULES = {"pickle", "cPickle", "_pickle", "joblib", "dill", "cloudpickle", "shelve", "marshal"}


def _dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def _calls(tree):
    """Every call with its dotted name split into owner and name: ``np.load`` -> ("np", "load")."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            owner, _, name = _dotted(node.func).rpartition(".")
            yield node, owner, name


def _pickle_problems(src: Path) -> list[str]:
    problems = []
    for path in sorted(src.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [(node.module or "").split(".")[0]]
            else:
                continue
            problems += [f"{path.name}: imports {n}" for n in names if n in PICKLING_MODULES]
        for node, owner, name in _calls(tree):
            kwargs = {k.arg: k.value for k in node.keywords}
            if owner in ("np", "numpy") and name == "load":
                flag = kwargs.get("allow_pickle")
                if not (isinstance(flag, ast.Constant) and flag.value is False):
                    problems.append(f"{path.name}:{node.lineno}: np.load without allow_pickle=False")
            # torch is imported only to export the model to ONNX; torch.load would unpickle.
            if owner.split(".")[0] == "torch" and name == "load":
                problems.append(f"{path.name}:{node.lineno}: {owner}.load unpickles")
            if name in ("read_pickle", "from_pickle") or (owner == "" and name in ("eval", "exec")):
                problems.append(f"{path.name}:{node.lineno}: calls {name}")
            if name == "load" and ("bm25" in owner.lower()):
                # bm25s.BM25.load reads a folder by path, outside the manifest's hash check; the
                # index stores bm25s's arrays as verified extra files read with np.load instead.
                problems.append(f"{path.name}:{node.lineno}: {owner}.load bypasses the manifest check")
    return problems


def test_source_never_loads_pickles():
    assert _pickle_problems(SRC) == []


def test_source_never_loads_pickles_catches_what_it_should(tmp_path):
    """The scan above is only worth something if it flags the calls it looks for, and only those."""
    (tmp_path / "bad.py").write_text(
        "import pickle\nimport numpy as np\nimport bm25s\nnp.load('x.npy')\nnp.load('y.npy', allow_pickle=True)\n"
        "eval('1')\nbm25s.BM25.load('dir')\nnp.load(io.BytesIO(b''), allow_pickle=False)\nbm25s.BM25(k1=1.2)\n"
        "import torch\ntorch.load('m.pt')\ntorch.onnx.export(m, x, 'm.onnx')\n"
    )
    assert _pickle_problems(tmp_path) == [
        "bad.py: imports pickle",
        "bad.py:4: np.load without allow_pickle=False",
        "bad.py:5: np.load without allow_pickle=False",
        "bad.py:6: calls eval",
        "bad.py:7: bm25s.BM25.load bypasses the manifest check",
        "bad.py:11: torch.load unpickles",
    ]


def test_index_folder_holds_only_json_and_data_formats(index_copy):
    manifest = read_manifest(index_copy.index_dir)
    gen = index_copy.index_dir / manifest["generation"]
    for path in gen.iterdir():
        head = path.read_bytes()[:4]
        assert not head.startswith(b"\x80"), f"{path.name} looks like a pickle"
        assert path.suffix in (".jsonl", ".json", ".index", ".npz", ".npy"), path.name


# --- write failures mid-build ----------------------------------------------------------------------


def _fail_on(monkeypatch, target, name, nth, err=errno.ENOSPC):
    real = getattr(target, name)
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == nth:
            raise OSError(err, os.strerror(err))
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, failing)


@pytest.mark.parametrize(
    ("target", "name", "nth", "err", "message"),
    [
        (generations, "_write_file", 1, errno.ENOSPC, "free some disk space"),
        (generations, "_write_file", 2, errno.EDQUOT, "free some disk space"),
        (generations, "_write_file", 3, errno.EIO, "check the disk"),
        (generations.os, "rename", 1, errno.EACCES, "check the folder's permissions"),
        (generations.os, "replace", 1, errno.EROFS, "check the folder's permissions"),
        (generations, "_fsync_dir", 1, errno.EIO, "check the disk"),
    ],
)
def test_a_write_failing_at_any_step_leaves_the_old_index_answering(
    index_copy, embedder, monkeypatch, target, name, nth, err, message
):
    from parisqa.api import Engine

    before = (index_copy.index_dir / MANIFEST).read_bytes()
    generations = sorted(p.name for p in index_copy.index_dir.iterdir())
    question = "What is Viva Tech?"
    expected = Engine(index_copy, embedder=embedder, auto_build=False).ask(question).citations
    (index_copy.corpus_dir / "lyon.txt").write_text("Lyon Notes\nLyon funds a robotics cluster.\n", encoding="utf-8")
    _fail_on(monkeypatch, target, name, nth, err)
    with pytest.raises(ParisqaError, match=rf"could not write the index .*{message}.*previous index is intact"):
        build_index(index_copy, embedder=embedder)
    monkeypatch.undo()
    assert (index_copy.index_dir / MANIFEST).read_bytes() == before
    assert sorted(p.name for p in index_copy.index_dir.iterdir()) == generations, "debris left behind"
    assert Engine(index_copy, embedder=embedder, auto_build=False).ask(question).citations == expected
    build_index(index_copy, embedder=embedder)  # and the next build goes through
    assert "lyon.txt" in read_manifest(index_copy.index_dir)["files"]


def test_a_failure_after_the_swap_says_the_new_index_is_in_place(index_copy, embedder, monkeypatch):
    (index_copy.corpus_dir / "lyon.txt").write_text("Lyon Notes\nLyon funds a robotics cluster.\n", encoding="utf-8")
    _fail_on(monkeypatch, generations, "_fsync_dir", 3, errno.EIO)  # the flush after the swap
    with pytest.raises(ParisqaError, match="new index .* is in place but could not be flushed"):
        build_index(index_copy, embedder=embedder)
    monkeypatch.undo()
    assert "lyon.txt" in load_index(index_copy.index_dir).manifest["files"]


def test_file_size_limit_in_a_real_process_gives_a_clear_error_and_keeps_the_index(index_copy):
    """`parisqa index` under `ulimit -f`: the kernel refuses the write mid-file (EFBIG)."""
    before = (index_copy.index_dir / MANIFEST).read_bytes()
    vectors = (index_copy.index_dir / read_manifest(index_copy.index_dir)["generation"] / VECTORS).stat().st_size
    shutil.copy(index_copy.corpus_dir / "paris-ai-city.txt", index_copy.corpus_dir / "copy.txt")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (vectors // 2, vectors // 2))

    env = dict(os.environ, PARISQA_CORPUS=str(index_copy.corpus_dir), PARISQA_INDEX=str(index_copy.index_dir))
    result = subprocess.run(
        [sys.executable, "-m", "parisqa", "index"],
        env=env,
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "File too large" in result.stderr and "previous index is intact" in result.stderr
    assert (index_copy.index_dir / MANIFEST).read_bytes() == before
    load_index(index_copy.index_dir)
    assert not list(index_copy.index_dir.glob(".build-*"))


@pytest.mark.parametrize("damage", ["data file", "manifest"])
def test_asking_with_a_damaged_index_reports_it_and_index_repairs_it(index_copy, embedder, damage):
    from parisqa.api import Engine
    from parisqa.errors import IndexCorruptError

    manifest = read_manifest(index_copy.index_dir)
    if damage == "manifest":
        (index_copy.index_dir / MANIFEST).write_text("{truncated")
    else:
        path = index_copy.index_dir / manifest["generation"] / VECTORS
        path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(IndexCorruptError) as err:
        Engine(index_copy, embedder=embedder).ask("What is Viva Tech?")
    assert err.value.remedy == "rebuild"
    warnings: list[str] = []
    build_index(index_copy, embedder=embedder, on_warning=warnings.append)
    assert any("damaged" in w and "rebuilding it from scratch" in w for w in warnings), warnings
    answer = Engine(index_copy, embedder=embedder).ask("What is Viva Tech?")
    assert answer.citations and not answer.abstained
    _load_everything(index_copy)
