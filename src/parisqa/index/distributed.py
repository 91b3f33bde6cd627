"""The build's embedding pass on Ray Data: one embedder per actor, on one machine or a cluster.

Why: embedding is nearly all of a build's time on a CPU (≈ 95 %), and it is the part that spreads:
each text's vector depends on that text alone. The driver (``parisqa index --ray``) lists, hashes,
reads and chunks the files exactly as a serial build does, so chunk ids, spans and manifest entries
cannot differ; the texts it would send to its own model go instead through a Ray Data pipeline::

    from_items([{i, text}])  ->  map_batches(_EmbedActor, concurrency=actors, batch_size=...)  ->  {i, vector}

where every actor loads the same model (the ONNX export of the index's model, from the user's model
cache on that node) once. Results are put back in order by ``i``; the build then writes and commits
the index through its manifest as a serial build does (local folder or Milvus store). A worker that
dies mid-build is restarted by Ray and its batch retried; when retries run out the build fails with
:class:`parisqa.errors.DistributedBuildError` before anything is written, so the served index is the
one that was there.

``address`` is ``"local"``/``"auto"`` (start a Ray instance on this machine, or join the one running
here: ``ray.init()``'s own rule) or a cluster address (``ray://host:10001`` or ``host:6379``).
Ray is an optional dependency: ``pip install 'parisqa[ray]'``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

from ..config import DEFAULT_MODEL
from ..errors import ConfigError, DistributedBuildError, MissingDependencyError

log = logging.getLogger(__name__)
progress_log = logging.getLogger("parisqa.progress")

RAY_ENV = "PARISQA_RAY"
DEFAULT_BATCH_SIZE = 64
PROGRESS_EVERY_SECONDS = 10.0
LOCAL_ADDRESSES = ("local", "auto", "")


def require_ray() -> Any:
    """Import Ray Data, or say what to install.

    Raises:
        MissingDependencyError: Ray (with its data library) is not installed.
    """
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise MissingDependencyError(
            "building on Ray needs Ray Data; install it with: pip install 'parisqa[ray]' (or pip install 'ray[data]')"
        ) from None
    return ray


def connect(address: str | None) -> Any:
    """Start or join Ray: ``"local"``/``"auto"``/``None`` start one here (or join the one already
    running here); anything else is a cluster address to join.

    Returns:
        The ``ray`` module, initialised.
    """
    ray = require_ray()
    if ray.is_initialized():
        return ray
    target = None if (address or "").strip().lower() in LOCAL_ADDRESSES else address
    if target is None and os.environ.get("RAY_ADDRESS"):
        target = os.environ["RAY_ADDRESS"]
    # Ray reports usage statistics over the network by default; parisqa reaches for no network.
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        ray.init(address=target, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise DistributedBuildError(f"cannot reach the Ray cluster at {address!r}: {exc}") from None
    return ray


class _EmbedActor:
    """One model per actor, loaded once in ``__init__``; ``__call__`` embeds one batch of rows."""

    def __init__(self, model: str, threads: int | None, device: str = "cpu") -> None:
        from ..embed.choice import embedder_for
        from ..embed.encoder import Embedder
        from ..embed.model import model_cache_dir

        self.embedder = Embedder(device=device) if device != "cpu" else embedder_for(model)
        if hasattr(self.embedder, "offer_cache_dir"):
            self.embedder.offer_cache_dir(model_cache_dir())
        if threads and hasattr(self.embedder, "threads"):
            self.embedder.threads = threads
        self.embedder.warm_up()

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        texts = [str(t) for t in batch["text"]]
        vectors = self.embedder.encode(texts)
        return {"i": batch["i"], "vector": vectors, "pid": [os.getpid()] * len(texts)}


class RayEmbedder:
    """An embedder for :func:`parisqa.index.build.build_index` whose :meth:`encode` runs on Ray Data.

    It stands in for the model's own embedder only where the build embeds in bulk; questions
    (:meth:`encode_queries`, the null-score statistics) are embedded here by the local one.

    Args:
        address: where Ray runs (see the module docstring); ``None`` reads ``PARISQA_RAY``.
        model: the index's model (``minilm``, ``minilm-int8``, ``multilingual``).
        actors: embedding actors (default: one per CPU Ray reports, at least 1).
        batch_size: texts per actor call.
        cpus_per_actor: CPUs Ray reserves for each actor (and the threads its model uses).
        on_progress: called with (done, total, seconds) while results arrive (default: a log line on
            ``parisqa.progress`` every 10 s: rows done, rate, time left).
        device: ``"cpu"``, or ``"cuda"``: each actor takes one GPU and embeds in fp16
            (:mod:`parisqa.embed.gpu`; ``minilm`` only).
    """

    reports_progress = True

    def __init__(
        self,
        address: str | None = None,
        *,
        model: str = DEFAULT_MODEL,
        actors: int | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        cpus_per_actor: float = 1.0,
        on_progress: Callable[[int, int, float], None] | None = None,
        device: str = "cpu",
    ) -> None:
        if device != "cpu" and model != "minilm":
            raise ConfigError(f"--device cuda embeds with minilm, the index asks for {model!r}")
        if actors is not None and actors < 1:
            raise ConfigError(f"actors must be at least 1, got {actors}")
        if batch_size < 1:
            raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
        if cpus_per_actor <= 0:
            raise ConfigError(f"cpus_per_actor must be greater than 0, got {cpus_per_actor}")
        self.address = address if address is not None else os.environ.get(RAY_ENV, "local")
        self.model = model
        self.actors = actors
        self.batch_size = batch_size
        self.cpus_per_actor = cpus_per_actor
        self.on_progress = on_progress
        self.device = device
        self.precision = "int8" if model == "minilm-int8" else "fp32"
        self._local: Any = None
        self.last_run: dict[str, Any] = {}
        # The process ids of the actors that returned vectors in the current run (shown to tests and tools).
        self.worker_pids: set[int] = set()

    def _local_embedder(self) -> Any:
        if self._local is None:
            from ..embed.choice import embedder_for

            self._local = embedder_for(self.model)
        return self._local

    @property
    def folder(self) -> Any:
        return self._local_embedder().folder

    def offer_cache_dir(self, path: Any, known_model: Any = None) -> None:
        local = self._local_embedder()
        if hasattr(local, "offer_cache_dir"):
            local.offer_cache_dir(path, known_model)

    def warm_up(self) -> None:
        self._local_embedder().warm_up()

    def count_tokens(self, texts: list[str]) -> list[int]:
        return self._local_embedder().count_tokens(texts)

    def encode_queries(self, texts: list[str]) -> Any:
        return self._local_embedder().encode_queries(texts)

    def encode(self, texts: list[str], *, show_progress: bool = False) -> Any:
        """Embed ``texts`` on Ray Data actors; returns the vectors in the order of ``texts``.

        Raises:
            DistributedBuildError: the pipeline failed (a worker died past its retries, the cluster went away).
        """
        import numpy as np

        dim = self._dimension()
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        ray = connect(self.address)
        from ray.data import ActorPoolStrategy, DataContext

        context = DataContext.get_current()
        context.enable_progress_bars = False  # our own progress line, on a terminal or off it
        logging.getLogger("ray.data").setLevel(logging.WARNING)  # its per-run plan lines are not for users
        resources = ray.cluster_resources()
        if self.device != "cpu":
            actors = self.actors or max(1, int(resources.get("GPU", 0)))
        else:
            actors = self.actors or max(1, int(resources.get("CPU", 1) // self.cpus_per_actor))
        ds = ray.data.from_items([{"i": i, "text": t} for i, t in enumerate(texts)], override_num_blocks=actors * 4)
        threads = max(1, int(self.cpus_per_actor))
        embedded = ds.map_batches(
            _EmbedActor,
            fn_constructor_args=(self.model, threads, self.device),
            batch_size=self.batch_size,
            batch_format="numpy",
            compute=ActorPoolStrategy(size=actors),
            num_cpus=self.cpus_per_actor,
            num_gpus=1 if self.device != "cpu" else None,
        )  # Ray Data's actors restart after a crash and their batches are retried (its defaults)
        out = np.zeros((len(texts), dim), dtype=np.float32)
        seen = np.zeros(len(texts), dtype=bool)
        started = last = time.monotonic()
        done = 0
        self.worker_pids = set()
        try:
            for batch in embedded.iter_batches(batch_format="numpy", batch_size=None):
                rows = np.asarray(batch["i"], dtype=np.int64)
                out[rows] = np.asarray(batch["vector"], dtype=np.float32)
                seen[rows] = True
                self.worker_pids.update(int(p) for p in np.unique(batch["pid"]))
                done += len(rows)
                now = time.monotonic()
                if self.on_progress is not None:
                    self.on_progress(done, len(texts), now - started)
                elif now - last >= PROGRESS_EVERY_SECONDS and done < len(texts):
                    last = now
                    rate = done / max(now - started, 1e-9)
                    progress_log.info(
                        "indexing on Ray (%d actors): %s of %s texts embedded (%d%%), %.0f texts/s, about %s left",
                        actors,
                        f"{done:,}",
                        f"{len(texts):,}",
                        100 * done // len(texts),
                        rate,
                        _duration((len(texts) - done) / max(rate, 1e-9)),
                    )
        except Exception as exc:  # Ray raises its own many types; each means this build cannot finish
            raise DistributedBuildError(
                f"the Ray embedding stage failed ({type(exc).__name__}: {_first_line(exc)}); nothing was written"
            ) from None
        if not seen.all():
            raise DistributedBuildError(
                f"the Ray embedding stage returned {int(seen.sum())} of {len(texts)} vectors; nothing was written"
            )
        self.last_run = {"texts": len(texts), "actors": actors, "seconds": time.monotonic() - started}
        return out

    def _dimension(self) -> int:
        from ..embed.choice import info_for

        return int(info_for(self.model).dimension)


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"
