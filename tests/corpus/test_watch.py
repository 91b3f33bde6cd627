"""The folder watcher on a real folder with real file events: debounce, coalescing, editors' files, moves.

The rebuild here is a recorder (the subject is when and how often a sync runs, not the index); the
tests with the real engine and server are in tests/httpapi/test_watch_serve.py.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from parisqa.corpus.watch import FolderWatch, relevant
from parisqa.errors import IndexBusyError
from parisqa.records import BuildSummary


class Recorder:
    """Counts rebuilds; each takes ``seconds``; the first ``busy`` calls find the index busy."""

    def __init__(self, seconds: float = 0.0, busy: int = 0) -> None:
        self.calls: list[float] = []
        self.seconds = seconds
        self.busy = busy
        self.running = 0
        self.overlapped = False
        self.lock = threading.Lock()

    def __call__(self) -> BuildSummary:
        with self.lock:
            self.running += 1
            self.overlapped |= self.running > 1
        try:
            if self.busy:
                self.busy -= 1
                raise IndexBusyError("another build holds the index")
            self.calls.append(time.monotonic())
            time.sleep(self.seconds)
            return BuildSummary(added=1, changed=0, removed=0, unchanged=0, chunks=1, embedded=1, seconds=0.0)
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def watched(tmp_path):
    started: list[FolderWatch] = []

    def start(recorder: Recorder, **options) -> tuple[Path, FolderWatch]:
        folder = tmp_path / "watched"
        watch = FolderWatch(folder, recorder, **{"quiet": 0.3, "max_delay": 5.0, **options}).start()
        started.append(watch)
        return folder, watch

    yield start
    for watch in started:
        watch.stop()


def test_a_burst_of_1000_writes_makes_a_few_rebuilds(watched):
    recorder = Recorder()
    folder, watch = watched(recorder)
    for n in range(1000):
        (folder / f"doc-{n:04d}.txt").write_text(f"Document {n}.\n", encoding="utf-8")
    wrote = time.monotonic()
    assert watch.wait_idle(30)
    assert 1 <= len(recorder.calls) <= 5, recorder.calls
    assert recorder.calls[-1] >= wrote  # the last sync came after the last write
    added = sum(1 for _ in folder.iterdir())
    assert added == 1000 and watch.syncs == len(recorder.calls)


def test_a_running_rebuild_is_followed_by_at_most_one_more(watched):
    recorder = Recorder(seconds=1.5)
    folder, watch = watched(recorder, quiet=0.1)
    (folder / "first.txt").write_text("one\n", encoding="utf-8")
    deadline = time.monotonic() + 10
    while not recorder.calls and time.monotonic() < deadline:
        time.sleep(0.02)
    assert recorder.calls, "no sync started"
    for n in range(20):  # while the first rebuild runs, spread out beyond the quiet period
        (folder / f"during-{n}.txt").write_text("more\n", encoding="utf-8")
        time.sleep(0.05)
    assert watch.wait_idle(30)
    assert len(recorder.calls) == 2 and not recorder.overlapped
    assert watch.last()["events"]["added_count"] == 20


def test_editor_files_are_ignored_and_a_save_by_rename_is_a_change(watched):
    recorder = Recorder()
    folder, watch = watched(recorder)
    (folder / "notes.md").write_text("# Notes\n", encoding="utf-8")
    assert watch.wait_idle(10) and len(recorder.calls) == 1
    # vim's swap file and backup, emacs's lock, Word's owner file, a hidden folder: never a sync.
    (folder / ".notes.md.swp").write_bytes(b"\0swap")
    (folder / "notes.md~").write_text("old\n", encoding="utf-8")
    (folder / "~$report.docx").write_bytes(b"owner")
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD.txt").write_text("x", encoding="utf-8")
    time.sleep(1.0)
    assert watch.wait_idle(10) and len(recorder.calls) == 1
    # An editor's save: write a hidden temporary file, then rename it over the document.
    temp = folder / ".notes.md.tmp-4821"
    temp.write_text("# Notes\n\nA second paragraph.\n", encoding="utf-8")
    os.replace(temp, folder / "notes.md")
    assert watch.wait_idle(10) and len(recorder.calls) == 2
    events = watch.last()["events"]
    assert events["changed"] + events["added"] == ["notes.md"] and events["deleted"] == []
    assert ".notes.md.tmp-4821" in events["ignored"]


def test_moves_in_out_and_renames_are_seen(watched, tmp_path):
    recorder = Recorder()
    folder, watch = watched(recorder)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "incoming.txt").write_text("moved in\n", encoding="utf-8")
    os.rename(outside / "incoming.txt", folder / "incoming.txt")
    assert watch.wait_idle(10)
    assert watch.last()["events"]["added"] == ["incoming.txt"]
    os.rename(folder / "incoming.txt", folder / "renamed.txt")
    assert watch.wait_idle(10)
    events = watch.last()["events"]
    assert events["deleted"] == ["incoming.txt"] and events["added"] == ["renamed.txt"]
    os.rename(folder / "renamed.txt", outside / "gone.txt")
    assert watch.wait_idle(10)
    assert watch.last()["events"]["deleted"] == ["renamed.txt"]
    sub = outside / "chapter"
    sub.mkdir()
    (sub / "one.md").write_text("# One\n", encoding="utf-8")
    os.rename(sub, folder / "chapter")  # a folder moved in carries its files
    assert watch.wait_idle(10)
    assert len(recorder.calls) == 4


def test_changes_wait_for_another_build_holding_the_index(watched):
    recorder = Recorder(busy=2)
    folder, watch = watched(recorder)
    (folder / "a.txt").write_text("a\n", encoding="utf-8")
    assert watch.wait_idle(20)
    assert len(recorder.calls) == 1 and watch.last()["events"]["added"] == ["a.txt"]


def test_a_file_written_in_pieces_is_synced_once_when_complete(watched):
    recorder = Recorder()
    folder, watch = watched(recorder, quiet=0.6)
    with open(folder / "report.txt", "w", encoding="utf-8") as fh:
        for n in range(6):  # pauses shorter than the quiet period: one write in progress
            fh.write(f"Paragraph {n} of a report still being written.\n")
            fh.flush()
            time.sleep(0.15)
    finished = time.monotonic()
    assert watch.wait_idle(10)
    assert len(recorder.calls) == 1 and recorder.calls[0] >= finished


def test_a_folder_that_never_goes_quiet_is_still_synced(watched):
    recorder = Recorder()
    folder, watch = watched(recorder, quiet=0.5, max_delay=1.0)
    deadline = time.monotonic() + 3.5
    n = 0
    while time.monotonic() < deadline:  # a write every 0.1 s: never quiet for 0.5 s
        (folder / f"log-{n}.txt").write_text("tick\n", encoding="utf-8")
        n += 1
        time.sleep(0.1)
    assert len(recorder.calls) >= 2  # synced every max_delay meanwhile
    assert watch.wait_idle(10)


def test_a_folder_removed_and_made_again_is_watched_and_synced_whole(watched):
    import shutil

    recorder = Recorder()
    folder, watch = watched(recorder)
    (folder / "a.txt").write_text("a\n", encoding="utf-8")
    assert watch.wait_idle(10)
    shutil.rmtree(folder)
    deadline = time.monotonic() + 10
    while watch.state()["error"] is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "removed" in watch.state()["error"] or "cannot watch" in watch.state()["error"]
    folder.mkdir()
    (folder / "b.txt").write_text("b\n", encoding="utf-8")  # written before the watch is back
    assert watch.wait_idle(20)
    assert watch.state()["error"] is None and watch.last()["events"]["rescan"] is True


def test_relevance_of_names(tmp_path):
    (tmp_path / "sub").mkdir()
    assert relevant(tmp_path, tmp_path / "a.txt") and relevant(tmp_path, tmp_path / "sub" / "b.PDF")
    assert relevant(tmp_path, tmp_path / "sub")  # a folder
    assert relevant(tmp_path, tmp_path / "gone-folder")  # deleted, no suffix: may have been a folder
    for name in (".a.txt.swp", "a.txt~", "~$a.docx", ".#a.md", "a.py", "4913.tmp", ".hidden/b.txt"):
        assert not relevant(tmp_path, tmp_path / name), name
    assert not relevant(tmp_path, tmp_path.parent / "elsewhere.txt")
