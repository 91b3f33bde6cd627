"""Crash consistency: `parisqa index` is SIGKILLed at random moments of real rebuilds.

Two corpus states, A and B, differ in a few files (changed, one removed, one added), so every
rebuild from one to the other re-chunks and re-embeds something with the real model. Each round
starts a real `parisqa index` subprocess and kills it at a random moment of one of three phases:
start-up (reading, chunking, importing the model), embedding, or writing (new generation, manifest
swap, clean-up). After every kill the index must load with its manifest check, be exactly state A
or state B (file hashes, chunk ids, vectors), and answer probe questions exactly as the reference
index of that state does. The next run must clean up whatever the kill left behind.

The phases are observed, not guessed: a ``sitecustomize`` shim in the child only reports (through
a pipe) when the model has loaded and when writing starts; it changes nothing the build does.
"""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from parisqa.api import Engine
from parisqa.config import Settings
from parisqa.index.build import build_index, expected_manifest
from parisqa.index.store import load_index, read_manifest
from parisqa.index.vectors import all_vectors
from textgen import document

ROOT = Path(__file__).resolve().parents[2]
KILLS = 30
MAX_ROUNDS = 60
# Where kills are aimed, with weights: before the model is loaded (reading, chunking, importing),
# while embedding, while writing the new generation and swapping the manifest, and after the swap
# (removing old generations, exiting).
PHASES = {"startup": 0.2, "embedding": 0.45, "writing": 0.2, "finishing": 0.15}
PHASE_AFTER_MARK = (("written", "finishing"), ("write", "writing"), ("loaded", "embedding"))

SHIM = textwrap.dedent(
    """
    import os, parisqa.embed.encoder as _e, parisqa.index.sinks as _i

    _fd = int(os.environ["PARISQA_TEST_MARK_FD"])

    def _mark(name):
        os.write(_fd, (name + "\\n").encode())

    _warm_up = _e.Embedder.warm_up

    def warm_up(self):
        loaded = self.loaded
        _warm_up(self)
        if not loaded:
            _mark("loaded")

    _e.Embedder.warm_up = warm_up
    _write_index = _i.write_index

    def write_index(*args, **kwargs):
        _mark("write")
        generation = _write_index(*args, **kwargs)
        _mark("written")
        return generation

    _i.write_index = write_index
    """
)

PROBES = ("What did report 2001 say about funding?", "How many engineers were trained in report 1000?")


def _states() -> dict[str, dict[str, str]]:
    base = {f"doc{i:02d}.txt": document(i, paragraphs=4) for i in range(24)}
    a = dict(base)
    b = dict(base)
    for i in range(2):
        a[f"doc{i:02d}.txt"] = document(1000 + i, paragraphs=4)
        b[f"doc{i:02d}.txt"] = document(2000 + i, paragraphs=4)
    del b["doc23.txt"]
    b["extra.txt"] = document(3000, paragraphs=4)
    return {"A": a, "B": b}


def _write_corpus(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


@dataclass
class Reference:
    hashes: dict[str, str]
    chunk_ids: list[str]
    vectors: np.ndarray
    answers: list[tuple]


def _answers(settings: Settings, embedder) -> list[tuple]:
    engine = Engine(settings, embedder=embedder, auto_build=False)
    out = []
    for question in PROBES:
        answer = engine.ask(question)
        out.append(
            (answer.answer, answer.abstained, tuple((c.source, c.start, c.end, c.text) for c in answer.citations))
        )
    return out


def _snapshot(settings: Settings, embedder) -> Reference:
    index = load_index(settings.index_dir, expected_manifest(settings))
    hashes = {source: entry["sha256"] for source, entry in index.manifest["files"].items()}
    return Reference(hashes, [c.id for c in index.chunks], all_vectors(index.vectors), _answers(settings, embedder))


def _state_of(settings: Settings, refs: dict[str, Reference], embedder) -> str:
    """Which reference state the index is in; fails unless it is exactly one of them."""
    manifest = read_manifest(settings.index_dir)
    assert manifest is not None, "the kill left no manifest"
    hashes = {source: entry["sha256"] for source, entry in manifest["files"].items()}
    matches = [name for name, ref in refs.items() if ref.hashes == hashes]
    assert len(matches) == 1, f"the index holds neither corpus state: {sorted(hashes)}"
    name = matches[0]
    ref = refs[name]
    index = load_index(settings.index_dir, expected_manifest(settings))  # data files match the manifest
    assert [c.id for c in index.chunks] == ref.chunk_ids
    assert np.allclose(all_vectors(index.vectors), ref.vectors, atol=1e-5)
    assert _answers(settings, embedder) == ref.answers
    return name


def _leftovers(index_dir: Path) -> dict[str, int]:
    """Temporary files, and generations beyond the current one and the one before it (kept for readers)."""
    return {
        "build_dirs": len(list(index_dir.glob(".build-*"))),
        "manifest_tmp": len(list(index_dir.glob(".manifest.json.*.tmp"))),
        "extra_generations": max(0, len(list(index_dir.glob("gen-*"))) - 2),
    }


class Run:
    """One `parisqa index` subprocess whose phase marks arrive through a pipe."""

    def __init__(self, env: dict[str, str]) -> None:
        read_fd, write_fd = os.pipe()
        self.marks_fd = read_fd
        self.started = time.monotonic()
        self.marks: dict[str, float] = {}
        self._buffer = b""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "parisqa", "index"],
            env=dict(env, PARISQA_TEST_MARK_FD=str(write_fd)),
            pass_fds=(write_fd,),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        os.close(write_fd)

    def _read(self, timeout: float) -> bool:
        """Take in marks arriving within ``timeout``; False once the child has closed the pipe."""
        if not select.select([self.marks_fd], [], [], timeout)[0]:
            return True
        data = os.read(self.marks_fd, 4096)
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            self.marks.setdefault(line.decode(), time.monotonic())
        return bool(data)

    def wait_for(self, mark: str | None, deadline: float) -> bool:
        """Read marks until ``mark`` arrives (True), the deadline passes or the process ends (False)."""
        while mark is None or mark not in self.marks:
            timeout = deadline - time.monotonic()
            if timeout <= 0 or not self._read(min(timeout, 0.5)):
                return False
        return True

    def drain(self) -> None:
        """Take in the marks already sent, without waiting."""
        while select.select([self.marks_fd], [], [], 0)[0] and self._read(0):
            pass

    def kill(self) -> bool:
        """SIGKILL the process; True when it was still running (a real kill)."""
        self.proc.send_signal(signal.SIGKILL)  # a no-op when it has already exited
        return self.finish() == -signal.SIGKILL

    def finish(self) -> int:
        self.proc.communicate(timeout=600)
        os.close(self.marks_fd)
        return self.proc.returncode


@pytest.mark.slow
def test_sigkill_at_any_moment_of_a_rebuild_leaves_a_working_old_or_new_index(tmp_path, embedder):
    rng = random.Random(int(os.environ.get("PARISQA_CRASH_SEED", "7")))
    states = _states()
    corpus, work = tmp_path / "corpus", tmp_path / "index"
    settings = Settings(corpus_dir=corpus, index_dir=work)

    # Reference indexes of both states, built in this process with the same code and model.
    refs: dict[str, Reference] = {}
    for name, previous in (("A", None), ("B", "A")):
        ref_settings = Settings(corpus_dir=tmp_path / f"corpus-{name}", index_dir=tmp_path / f"ref-{name}")
        _write_corpus(ref_settings.corpus_dir, states[name])
        if previous:  # build B incrementally from A, as the rounds do
            shutil.copytree(tmp_path / f"ref-{previous}", ref_settings.index_dir)
        build_index(ref_settings, embedder=embedder)
        refs[name] = _snapshot(ref_settings, embedder)
    assert refs["A"].answers != refs["B"].answers, "the probes must tell the two states apart"

    # The working index starts as state A; the site shim reports the child's phases.
    shutil.copytree(tmp_path / "ref-A", work)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(SHIM)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARISQA_")}
    env.update(PYTHONPATH=str(tmp_path / "site"), PARISQA_CORPUS=str(corpus), PARISQA_INDEX=str(work))
    state = "A"

    def target_of(current: str) -> str:
        return "B" if current == "A" else "A"

    # A first uninterrupted rebuild leaves the ONNX model cache in place (its one-time export would
    # make the calibrated start-up far longer than any later run's).
    _write_corpus(corpus, states[target_of(state)])
    first = subprocess.run(
        [sys.executable, "-m", "parisqa", "index"], env=env, capture_output=True, text=True, timeout=600
    )
    assert first.returncode == 0, first.stderr
    state = target_of(state)
    # Calibration: one uninterrupted rebuild measures how long each phase takes here, now.
    calibrated = target_of(state)
    _write_corpus(corpus, states[calibrated])
    run = Run(env)
    run.wait_for("never", time.monotonic() + 600)
    exited = time.monotonic()
    assert run.finish() == 0, run.proc.stderr.read() if run.proc.stderr else ""
    assert {"loaded", "write", "written"} <= set(run.marks), run.marks
    startup = run.marks["loaded"] - run.started
    embedding = run.marks["write"] - run.marks["loaded"]
    writing = run.marks["written"] - run.marks["write"]
    exiting = exited - run.marks["written"]
    state = _state_of(settings, refs, embedder)
    assert state == calibrated

    kills: dict[str, int] = dict.fromkeys(PHASES, 0)
    outcomes = {"old": 0, "new": 0}
    with_leftovers = completed = rounds = 0
    started = time.monotonic()
    while sum(kills.values()) < KILLS:
        rounds += 1
        assert rounds <= MAX_ROUNDS, f"only {sum(kills.values())} kills in {MAX_ROUNDS} rounds: {kills}"
        old, new = state, target_of(state)
        _write_corpus(corpus, states[new])
        aim = rng.choices(list(PHASES), weights=list(PHASES.values()))[0]
        run = Run(env)
        if aim == "startup":
            run.wait_for(None, run.started + rng.uniform(0.05, 1.0) * startup)
        elif aim == "embedding":
            if run.wait_for("loaded", run.started + 600):
                run.wait_for("write", time.monotonic() + rng.uniform(0, 1.0) * embedding)
        elif aim == "writing":
            if run.wait_for("write", run.started + 600):
                time.sleep(rng.uniform(0, 1.0) * writing)
        elif run.wait_for("written", run.started + 600):
            time.sleep(rng.uniform(0, 1.0) * exiting)
        # Name the phase by what the child had reported when it was killed, not by what was aimed at.
        run.drain()
        reported = [p for mark, p in PHASE_AFTER_MARK if mark in run.marks]
        phase = reported[0] if reported else "startup"
        if run.kill():
            kills[phase] += 1
            leftovers = _leftovers(work)
            with_leftovers += any(leftovers.values())
            state = _state_of(settings, refs, embedder)
            outcomes["old" if state == old else "new"] += 1
        else:  # it finished first
            assert run.proc.returncode == 0, run.proc.stderr.read() if run.proc.stderr else ""
            completed += 1
            state = _state_of(settings, refs, embedder)
            assert state == new
    seconds = time.monotonic() - started

    # Leave debris of every kind a kill can leave, then one ordinary run must clear it all.
    _write_corpus(corpus, states[state])  # the corpus the index holds: this run only cleans
    current = read_manifest(work)["generation"]
    (work / ".build-4242-deadbeef").mkdir()
    (work / ".build-4242-deadbeef" / "chunks.jsonl").write_text('{"partial": ')
    (work / ".manifest.json.0badc0de.tmp").write_text("{")
    for n in range(3):
        shutil.copytree(work / current, work / f"gen-20000101T00000{n}-0000000{n}")
    result = subprocess.run(
        [sys.executable, "-m", "parisqa", "index"],
        env={k: v for k, v in env.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert "indexed: 0 added, 0 changed, 0 removed" in result.stdout  # nothing to redo, only cleaning
    assert _leftovers(work) == {"build_dirs": 0, "manifest_tmp": 0, "extra_generations": 0}
    assert _state_of(settings, refs, embedder) == state

    report = {
        "kills": sum(kills.values()),
        "kills_by_phase": kills,
        "index_after_kill": outcomes,
        "kills_that_left_leftovers": with_leftovers,
        "rounds_completed_without_kill": completed,
        "calibration_seconds": {
            "startup": round(startup, 2),
            "embedding": round(embedding, 2),
            "writing": round(writing, 3),
            "exiting": round(exiting, 3),
        },
        "chunks": {name: len(ref.chunk_ids) for name, ref in refs.items()},
        "rounds_seconds": round(seconds, 1),
    }
    print("crash safety:", json.dumps(report))
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "crash-safety.json").write_text(json.dumps(report, indent=1) + "\n")
    assert sum(kills.values()) >= KILLS
    assert kills["startup"] and kills["embedding"] and kills["writing"] + kills["finishing"], kills
    assert outcomes["old"] and outcomes["new"], f"kills must land before and after the swap: {outcomes}"
