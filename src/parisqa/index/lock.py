"""The index's write lock: one process builds an index at a time; others wait or are told who holds it."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import IndexBusyError, ParisqaError
from .layout import LOCK


@contextmanager
def write_lock(index_dir: Path, *, wait: float = 0.0, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the index's write lock; only one process may build an index at a time.

    Args:
        index_dir: the index folder (created when missing).
        wait: seconds to wait for a lock held by someone else before giving up.
        on_wait: told once, with a message, when we have to wait.

    Raises:
        IndexBusyError: the lock is still held after ``wait`` seconds.
    """
    index_dir = Path(index_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise ParisqaError(
            f"cannot create the index folder '{index_dir}' ({exc.strerror}); pass a writable --index DIR"
        ) from None
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _lock_holder(fd)
                message = f"another parisqa process{holder} is rebuilding the index in '{index_dir}'"
                if time.monotonic() >= deadline:
                    raise IndexBusyError(message, remedy="wait") from None
                if on_wait and not told:
                    on_wait(f"{message}; waiting for it to finish")
                    told = True
                time.sleep(0.1)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        except OSError:
            pass  # the pid only makes the "busy" message friendlier; a full disk must not stop here
        yield
    finally:
        os.close(fd)


def _lock_holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""
