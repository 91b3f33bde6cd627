"""Keep the index in step with the corpus folder: file events, debounced into incremental rebuilds.

:class:`FolderWatch` watches a corpus folder (recursively) with ``watchfiles``, which batches the
kernel's events in Rust: on a burst of 1,000 writes it wakes Python 2-5 times where ``watchdog``
calls back 7,000 times, for less CPU (``benchmarks/watch_burst.py``). Events only *trigger* a sync;
the rebuild itself rescans the folder and re-embeds only files whose content hash changed, so an
event missed or doubled never makes the index wrong, only late or checked once more.

- Debounce: a sync starts once the folder has been quiet for ``quiet`` seconds (a file still being
  written keeps it waiting), or ``max_delay`` seconds after the first unsynced event, so a folder
  that never stops changing is still synced.
- Coalescing: one sync at a time; events that arrive while one runs are gathered into at most one
  more. A burst of 1,000 writes makes a few rebuilds, not 1,000.
- Noise: names the index never reads (hidden files, editors' swap and backup files, office lock
  files, the hidden temporary name of a write-then-rename save) do not trigger a sync; they are
  counted as ignored. Renames and moves in or out arrive as a delete and an add.
- Another build holding the index (a rebuild asked for by hand): the changes wait and are synced
  after it.

The rebuild is a callable (the engine's, in the API layer), so this module knows nothing above the
corpus. Each sync is recorded (:meth:`FolderWatch.last`): when, what changed, what was skipped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import CORPUS_SUFFIXES
from ..errors import ConfigError, IndexBusyError, MissingDependencyError, ParisqaError
from ..records import BuildSummary
from .reader import indexable_name

log = logging.getLogger(__name__)

DEFAULT_QUIET = 0.5
DEFAULT_MAX_DELAY = 10.0
BUSY_RETRY = 1.0
# Names listed per kind in a sync record; the counts are always whole.
LISTED = 50

ADDED, CHANGED, DELETED = "added", "changed", "deleted"


def relevant(folder: Path, path: Path) -> bool:
    """Whether an event on ``path`` may change what the index reads from ``folder``.

    A file the index would read, or a folder that is not hidden (a folder moved in or out carries
    its files). A name without a suffix that no longer exists may have been a folder: it counts.
    """
    try:
        parts = path.relative_to(folder).parts
    except ValueError:
        return False
    if not parts or any(p.startswith(".") for p in parts[:-1]):
        return False
    name = parts[-1]
    if indexable_name(name):
        return True
    if name.startswith((".", "~$")) or name.endswith("~") or name.lower().endswith(CORPUS_SUFFIXES):
        return False
    if path.is_dir():
        return True
    return not path.exists() and "." not in name


@dataclass
class Pending:
    """Unsynced changes: the last kind seen per relative path, and how many events were ignored."""

    kinds: dict[str, str] = field(default_factory=dict)
    ignored: int = 0
    ignored_names: list[str] = field(default_factory=list)
    first: float | None = None
    last: float | None = None
    rescan: bool = False  # the folder was unwatched for a while: everything may have changed

    def note(self, kind: str, name: str, now: float) -> None:
        before = self.kinds.get(name)
        if before == ADDED and kind == DELETED:
            del self.kinds[name]  # came and went: nothing for the index
        elif before == DELETED and kind == ADDED:
            self.kinds[name] = CHANGED  # replaced in place (a save by rename)
        elif before == ADDED and kind == CHANGED:
            pass
        else:
            self.kinds[name] = kind
        self.first = self.first if self.first is not None else now
        self.last = now

    def ignore(self, name: str) -> None:
        self.ignored += 1
        if len(self.ignored_names) < LISTED and name not in self.ignored_names:
            self.ignored_names.append(name)

    def merge(self, older: Pending) -> None:
        """Put ``older`` changes (from a sync that could not run) back before these."""
        newer = dict(self.kinds)
        self.kinds = dict(older.kinds)
        for name, kind in newer.items():
            self.note(kind, name, self.last if self.last is not None else time.monotonic())
        self.rescan = self.rescan or older.rescan
        self.ignored += older.ignored
        self.ignored_names = (older.ignored_names + self.ignored_names)[:LISTED]
        self.first = older.first if older.first is not None else self.first
        self.last = max(t for t in (older.last, self.last) if t is not None) if older.last or self.last else None

    def to_dict(self) -> dict[str, Any]:
        def of(kind: str) -> list[str]:
            return sorted(n for n, k in self.kinds.items() if k == kind)

        out: dict[str, Any] = {}
        for kind in (ADDED, CHANGED, DELETED):
            names = of(kind)
            out[kind] = names[:LISTED]
            out[f"{kind}_count"] = len(names)
        out["ignored"] = list(self.ignored_names)
        out["ignored_count"] = self.ignored
        out["rescan"] = self.rescan
        return out


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FolderWatch:
    """Watches ``folder`` and calls ``rebuild`` after it changes: debounced, coalesced, one at a time.

    Args:
        folder: the corpus folder (created when missing: there is nothing to watch otherwise).
        rebuild: builds or updates the index and returns its summary; an ``IndexBusyError`` makes the
            changes wait for the other build, any other ``ParisqaError`` is recorded in the sync.
        quiet: seconds without events before a sync starts.
        max_delay: the longest a change waits for the folder to be quiet.
        on_sync: called with each sync's record (see :meth:`last`), e.g. to print it.
        force_polling: poll the folder instead of using the kernel's events (network folders).

    Raises:
        ConfigError: quiet or max_delay is not positive.
    """

    def __init__(
        self,
        folder: Path,
        rebuild: Callable[[], BuildSummary],
        *,
        quiet: float = DEFAULT_QUIET,
        max_delay: float = DEFAULT_MAX_DELAY,
        on_sync: Callable[[dict[str, Any]], None] | None = None,
        force_polling: bool | None = None,
    ) -> None:
        if not quiet > 0 or not max_delay >= quiet:
            raise ConfigError(f"quiet must be > 0 and max_delay >= quiet, got quiet={quiet}, max_delay={max_delay}")
        self.folder = Path(folder)
        self.rebuild = rebuild
        self.quiet = quiet
        self.max_delay = max_delay
        self.on_sync = on_sync
        self.force_polling = force_polling
        self._pending = Pending()
        self._running = False
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._threads: list[threading.Thread] = []
        self._last: dict[str, Any] | None = None
        self._retry_at = 0.0  # after another build held the index: not before then
        self._heard = 0  # times the watch thread has handed over the events read so far
        self.syncs = 0
        self.error: str | None = None  # why watching stopped, if it did

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FolderWatch:
        """Start watching and syncing in background threads; returns once events are being received.

        Raises:
            MissingDependencyError: ``watchfiles`` is not installed.
        """
        try:
            import watchfiles  # noqa: F401 - checked here, used in the thread
        except ImportError:
            raise MissingDependencyError(
                "watching the corpus folder needs the watchfiles package; pip install watchfiles"
            ) from None
        self.folder.mkdir(parents=True, exist_ok=True)
        for target, name in ((self._watch, "parisqa-watch"), (self._sync_loop, "parisqa-sync")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        """Stop watching; a sync under way finishes first."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(30)

    def _watch(self) -> None:
        """Hand the folder's events over until stopped; a folder deleted (or never there) is watched
        again once it is back, and then synced whole, since what happened meanwhile was not seen."""
        import watchfiles

        folder = self.folder.absolute()
        change = watchfiles.Change
        kinds = {change.added: ADDED, change.modified: CHANGED, change.deleted: DELETED}
        lost = False
        while not self._stop.is_set():
            try:
                for changes in watchfiles.watch(
                    folder,
                    watch_filter=None,  # every event: the names ignored are counted in the sync record
                    stop_event=self._stop,
                    debounce=100,
                    step=20,
                    rust_timeout=200,
                    yield_on_timeout=True,
                    force_polling=self.force_polling,
                    raise_interrupt=False,
                ):
                    if changes:
                        self.note((kinds[c], Path(p)) for c, p in changes)
                    if lost:
                        self._rescan()
                        lost, self.error = False, None
                    with self._cond:
                        self._heard += 1  # every event up to now is noted (see wait_idle)
                        self._cond.notify_all()
                    self._ready.set()
                    if not folder.is_dir():  # the folder itself is gone: the kernel's watch with it
                        raise FileNotFoundError(f"'{self.folder}' was removed")
            except Exception as exc:  # noqa: BLE001 - the folder vanished or the watch failed: retry, said in state()
                lost = True
                self.error = f"cannot watch '{self.folder}' ({exc}); watching again once it is there"
                log.warning(self.error)
                self._ready.set()
                self._stop.wait(1.0)

    def _rescan(self) -> None:
        """Sync the whole folder: it came back after a time unwatched."""
        with self._cond:
            self._pending.rescan = True
            now = time.monotonic()
            self._pending.first = self._pending.first if self._pending.first is not None else now
            self._pending.last = now
            self._cond.notify_all()

    # -- changes and syncs ----------------------------------------------------------------------

    def note(self, changes: Iterable[tuple[str, Path]]) -> None:
        """Record file events ``(kind, absolute path)``, kind one of added, changed, deleted."""
        folder = self.folder.absolute()
        now = time.monotonic()
        with self._cond:
            for kind, path in changes:
                try:
                    name = path.relative_to(folder).as_posix()
                except ValueError:
                    continue
                if relevant(folder, path):
                    self._pending.note(kind, name, now)
                else:
                    self._pending.ignore(name)
            self._cond.notify_all()

    def _due(self) -> float | None:
        """Seconds until the pending changes are due for a sync; None when there are none."""
        pending = self._pending
        if pending.first is None or pending.last is None:
            return None
        now = time.monotonic()
        due = min(pending.last + self.quiet, pending.first + self.max_delay)
        return max(0.0, due - now, self._retry_at - now)

    def _sync_loop(self) -> None:
        while not self._stop.is_set():
            with self._cond:
                wait = self._due()
                if wait is None or wait > 0:
                    self._cond.wait(wait if wait is not None else 1.0)
                    continue
                taken, self._pending = self._pending, Pending()
                self._running = True
            record = self._sync(taken)
            with self._cond:
                self._running = False
                if record is None:  # another build holds the index: these changes wait for it
                    self._pending.merge(taken)
                    self._retry_at = time.monotonic() + BUSY_RETRY
                else:
                    self._last = record
                    self.syncs += 1
                self._cond.notify_all()
            if record is not None and self.on_sync is not None:
                self.on_sync(record)

    def _sync(self, taken: Pending) -> dict[str, Any] | None:
        started, clock = _now(), time.perf_counter()
        summary, error = None, None
        try:
            summary = self.rebuild()
        except IndexBusyError:
            return None
        except ParisqaError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - recorded in the sync, not a silently dead thread
            log.exception("syncing '%s' failed", self.folder)
            error = f"the rebuild failed: {exc}"
        record: dict[str, Any] = {
            "started": started,
            "finished": _now(),
            "seconds": round(time.perf_counter() - clock, 3),
            "events": taken.to_dict(),
            "summary": summary.to_dict() if summary is not None else None,
            "line": summary.line() if summary is not None else None,
            "skipped": summary.skipped_files if summary is not None else [],
            "error": error,
        }
        return record

    # -- state ----------------------------------------------------------------------------------

    def last(self) -> dict[str, Any] | None:
        """The last sync: ``started``/``finished`` (UTC), ``events`` (names added, changed, deleted and
        ignored, with counts), the build ``summary`` and ``line``, the files ``skipped`` and why, ``error``."""
        with self._cond:
            return None if self._last is None else dict(self._last)

    def state(self) -> dict[str, Any]:
        """``{"watching", "folder", "syncing", "pending", "syncs", "last", "error"}`` for status lines and APIs."""
        with self._cond:
            return {
                "watching": any(t.is_alive() for t in self._threads) and not self._stop.is_set(),
                "folder": str(self.folder),
                "syncing": self._running,
                "pending": len(self._pending.kinds),
                "syncs": self.syncs,
                "last": None if self._last is None else dict(self._last),
                "error": self.error,
            }

    def wait_idle(self, timeout: float) -> bool:
        """Wait until the events of changes made before this call are synced (or ignored), and no sync runs.

        Returns:
            False when ``timeout`` ran out first.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            # Two hand-overs of the watch thread after this call: the kernel's events of earlier
            # changes are in the pending set by then.
            heard = self._heard + 2
            while self._heard < heard or self._running or self._pending.first is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not any(t.is_alive() for t in self._threads):
                    return False
                self._cond.wait(min(left, 0.5))
            return True
