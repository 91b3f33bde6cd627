"""What the command line prints for people: the page of a PDF citation, the interrupt message, the help."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from parisqa.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
from docmaker import PDF_QUESTION, pdf_bytes  # noqa: E402


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plain_answer_gives_the_page_of_a_pdf_citation(capsys, corpus, embedder):
    (corpus / "observatories.pdf").write_bytes(pdf_bytes())
    code, out, _ = run(capsys, "ask", PDF_QUESTION)
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("[1] "))
    # The fact is on page 2 of the PDF; the plain output says so, as --json's "page" does.
    assert line.startswith("[1] observatories.pdf > Observing season  (page 2, chars "), line


def _locked(lock: Path) -> bool:
    """Whether another process holds the build lock ``lock`` (flock, as the build takes it)."""
    import fcntl

    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def _interrupt_build(tmp_path: Path, index: Path) -> subprocess.CompletedProcess:
    """Run ``parisqa index`` in a real process and press Ctrl-C (SIGINT) once it holds the build lock.

    ``--wait``: the probe below takes the lock for an instant, which must not make the build refuse.
    """
    env = dict(os.environ, PARISQA_INDEX=str(index), PYTHONPATH=os.pathsep.join(sys.path))
    process = subprocess.Popen(
        [sys.executable, "-m", "parisqa", "index", "--wait", "60"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not _locked(index / ".lock") and process.poll() is None:
        assert time.monotonic() < deadline, "the build never started"
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_ctrl_c_on_a_fresh_index_folder_does_not_claim_an_index_was_kept(corpus, tmp_path):
    index = tmp_path / "fresh-index"
    result = _interrupt_build(tmp_path, index)
    assert result.returncode == 130, result.stderr
    assert not (index / "manifest.json").exists()
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "interrupted; no index was built (there was none before); run `parisqa index` to build it"
    assert "intact" not in result.stderr and "Traceback" not in result.stderr


def test_ctrl_c_during_a_rebuild_says_the_previous_index_is_intact(capsys, corpus, embedder, tmp_path):
    index = tmp_path / "index"
    assert main(["index", "--index", str(index)]) == 0
    (corpus / "more.txt").write_text("Lyon notes\nThe Lyon robotics fair takes place every March.\n")
    result = _interrupt_build(tmp_path, index)
    if result.returncode == 0:  # the rebuild finished before the signal: nothing to say about an interrupt
        return
    assert result.returncode == 130
    assert result.stderr.strip().splitlines()[-1] == "interrupted; the index in place before this command is intact"
