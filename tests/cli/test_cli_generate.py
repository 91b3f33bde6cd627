"""``parisqa ask --generate``: options, the JSON it adds, and the fallback when the LLM server is down."""

import json
import socket
import time

from conftest import free_port
from parisqa.cli import main

QUESTION = "How much did the French government invest in AI?"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_unreachable_llm_gives_the_quoted_answer_and_one_warning_line(capsys, corpus, embedder):
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    run(capsys, "index")  # so that stderr holds only what generation says
    code, out, err = run(capsys, "ask", "--json", "--generate", "--llm-url", url, "--llm-timeout", "5", QUESTION)
    assert code == 0
    obj = json.loads(out)
    assert obj["mode"] == "extractive" and obj["citations"] and not obj["abstained"]
    assert "sentences" not in obj
    assert len(obj["warnings"]) == 1 and "cannot reach the LLM server" in obj["warnings"][0]
    lines = err.strip().splitlines()
    assert lines == [f"warning: {obj['warnings'][0]}"]
    # Without --generate the object is unchanged: no mode, no warnings.
    code, plain, _ = run(capsys, "ask", "--json", QUESTION)
    assert code == 0 and "mode" not in json.loads(plain) and json.loads(plain)["answer"] == obj["answer"]


def test_silent_llm_costs_the_timeout_not_a_hang(capsys, corpus, embedder, monkeypatch):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        monkeypatch.setenv("PARISQA_LLM_URL", f"http://127.0.0.1:{silent.getsockname()[1]}")
        monkeypatch.setenv("PARISQA_LLM_TIMEOUT", "1.5")
        run(capsys, "index")
        started = time.monotonic()
        code, out, err = run(capsys, "ask", "--generate", QUESTION)
        elapsed = time.monotonic() - started
    assert code == 0 and elapsed < 30
    assert "did not answer within 1.5 s" in err and "Traceback" not in err
    assert "€1.5 billion" in out  # the quoted answer, printed for people


def test_generate_needs_a_server(capsys, corpus, embedder, monkeypatch):
    monkeypatch.delenv("PARISQA_LLM_URL", raising=False)
    code, _, err = run(capsys, "ask", "--generate", QUESTION)
    assert code != 0 and "--generate needs an LLM server: pass --llm-url URL" in err
    code, _, err = run(capsys, "ask", "--generate", "--llm-url", "localhost:11434", QUESTION)
    assert code != 0 and "must start with http:// or https://" in err
    code, _, err = run(capsys, "ask", "--generate", "--llm-url", "http://127.0.0.1:1", "--llm-timeout", "-3", QUESTION)
    assert code != 0 and "timeout must be a positive number" in err


def test_a_silent_llm_is_reported_once_and_its_wait_counts_in_the_timings(capsys, corpus, embedder):
    """In a real process (logging as a user's shell has it): one warning line; total includes the wait."""
    import os
    import subprocess
    import sys

    run(capsys, "index")
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
        argv = ["ask", "--json", "--generate", "--llm-url", url, "--llm-timeout", "1.5", QUESTION]
        result = subprocess.run(
            [sys.executable, "-m", "parisqa", *argv], capture_output=True, text=True, env=env, timeout=300
        )
    assert result.returncode == 0, result.stderr
    obj = json.loads(result.stdout)
    assert result.stderr.count("did not answer within 1.5 s") == 1, result.stderr
    timings = obj["timings_ms"]
    # The 1.5 s spent waiting for the server is part of answering: it is in the total, as "generate".
    assert timings["generate"] >= 1400 and timings["total"] >= timings["generate"] + timings["embed"]
