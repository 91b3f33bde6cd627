"""Never two writers: concurrent rebuilds in real processes, and asking while another process builds."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from parisqa.api import Engine
from parisqa.cli import main
from parisqa.config import Settings
from parisqa.index.build import build_index
from parisqa.index.layout import LOCK
from parisqa.index.store import read_manifest
from textgen import document

LYON = "Lyon Notes\nThe Lyon robotics cluster received forty million euros from the regional council.\n"


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARISQA_")}
    return dict(env, PARISQA_CORPUS=str(settings.corpus_dir), PARISQA_INDEX=str(settings.index_dir))


def _index(settings: Settings, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "parisqa", "index", *args],
        env=_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_lock_holder(index_dir: Path, pid: int, proc: subprocess.Popen, timeout: float = 300) -> None:
    """Wait until ``pid`` holds the write lock (it writes its pid into the lock file once it does)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if (index_dir / LOCK).read_text().strip() == str(pid):
                return
        except FileNotFoundError:
            pass
        assert proc.poll() is None, f"the first build ended before taking the lock: {proc.communicate()}"
        time.sleep(0.01)
    raise AssertionError("the first build never took the lock")


@pytest.mark.slow
def test_two_rebuilds_at_once_the_second_refuses_or_waits_and_sees_the_first(tmp_path):
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    settings.corpus_dir.mkdir()
    for i in range(10):  # enough text that the first build is still embedding while we probe it
        (settings.corpus_dir / f"doc{i:02d}.txt").write_text(document(i, paragraphs=6), encoding="utf-8")
    builds: list[int] = []
    stop = threading.Event()

    def watch_build_folders() -> None:  # never two generations being written at once
        while not stop.is_set():
            builds.append(len(list(settings.index_dir.glob(".build-*"))))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch_build_folders)
    watcher.start()
    try:
        first = _index(settings)
        _wait_for_lock_holder(settings.index_dir, first.pid, first)

        refused = subprocess.run(
            [sys.executable, "-m", "parisqa", "index"], env=_env(settings), capture_output=True, text=True, timeout=300
        )
        assert first.poll() is None, "the first build must still be running for this to test anything"
        assert refused.returncode == 1
        assert refused.stderr.strip() == (
            f"error: another parisqa process (pid {first.pid}) is rebuilding the index in "
            f"'{settings.index_dir}'; wait for it to finish and try again"
        )

        waiting = _index(settings, "--wait", "600")
        # It says it waits, at once, on stderr.
        line = waiting.stderr.readline()
        assert line.startswith(f"warning: another parisqa process (pid {first.pid}) is rebuilding") and (
            "waiting for it to finish" in line
        )
        # A file added while it waits is indexed: it reads the corpus once it holds the lock.
        (settings.corpus_dir / "lyon.txt").write_text(LYON, encoding="utf-8")
        out, err = first.communicate(timeout=600)
        assert first.returncode == 0, err
        assert out.startswith("indexed: 10 added")
        assert waiting.poll() is None or waiting.returncode == 0
        out, err = waiting.communicate(timeout=600)
        assert waiting.returncode == 0, err
        assert out.startswith("indexed: 1 added, 0 changed, 0 removed, 10 unchanged"), out
    finally:
        stop.set()
        watcher.join()
    assert max(builds) <= 1
    assert "lyon.txt" in read_manifest(settings.index_dir)["files"]


HOLDER = textwrap.dedent(
    """
    import sys, time
    from parisqa.index.store import write_lock
    with write_lock(sys.argv[1]):
        print("held", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def _hold_lock(index_dir: Path, seconds: float) -> subprocess.Popen:
    """Another real process holding the index's write lock for ``seconds``."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(index_dir), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_ask_answers_from_the_current_index_while_another_process_rebuilds(settings, corpus, embedder):
    build_index(settings, embedder=embedder)
    (corpus / "lyon.txt").write_text(LYON, encoding="utf-8")  # the index is now stale
    holder = _hold_lock(settings.index_dir, 120)
    try:
        warnings: list[str] = []
        engine = Engine(settings, embedder=embedder, on_warning=warnings.append)
        started = time.monotonic()
        answer = engine.ask("Why is ethical AI important?")
        assert time.monotonic() - started < 60, "it must not wait for the other build"
        assert answer.citations and {c.source for c in answer.citations} == {"paris-ai-city.txt"}
        assert any(f"(pid {holder.pid}) is rebuilding" in w and "from the current index" in w for w in warnings)
    finally:
        holder.kill()
        holder.wait()
    # When the other process's build lands, the engine serves it without being told.
    build_index(settings, embedder=embedder)
    answer = engine.ask("How much did the Lyon robotics cluster receive?")
    assert answer.citations[0].source == "lyon.txt"


def test_cli_ask_does_not_block_on_a_running_build(capsys, settings, corpus, embedder, monkeypatch):
    build_index(settings, embedder=embedder)
    (corpus / "lyon.txt").write_text(LYON, encoding="utf-8")
    holder = _hold_lock(settings.index_dir, 120)
    try:
        assert main(["ask", "--json", "What is Viva Tech?"]) == 0
    finally:
        holder.kill()
        holder.wait()
    out, err = capsys.readouterr()
    assert '"citations"' in out and "answering from the current index until the new one is ready" in err


def test_ask_with_no_index_waits_for_the_running_first_build(settings, embedder):
    holder = _hold_lock(settings.index_dir, 3)
    warnings: list[str] = []
    started = time.monotonic()
    answer = Engine(settings, embedder=embedder, on_warning=warnings.append).ask("What is Viva Tech?")
    assert time.monotonic() - started >= 2, "with nothing to answer from, it waits for the lock"
    holder.wait(timeout=60)
    assert answer.citations
    assert any("waiting for it to finish" in w for w in warnings)
