"""``--collection``, ``parisqa.toml`` and ``index --watch`` on the command line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BEES, SEED, SEED_FAQ
from parisqa.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_index_and_ask_a_collection_named_in_the_toml(capsys, tmp_path, monkeypatch, embedder):
    shutil.copytree(BEES, tmp_path / "bees")
    (tmp_path / "parisqa.toml").write_text(
        '[collections.bees]\ncorpus = "bees"\n\n[collections.paris]\ncorpus = "paris"\n', encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "index", "--collection", "bees", "--json")
    assert code == 0 and json.loads(out)["added"] == 4
    assert (tmp_path / "index" / "bees" / "manifest.json").is_file()  # index/<name> beside the toml
    code, out, _ = run(capsys, "ask", "--collection", "bees", "--json", "How long does a queen bee live?")
    assert code == 0 and {c["source"] for c in json.loads(out)["citations"]} <= set(os.listdir(BEES))
    code, _, err = run(capsys, "ask", "--collection", "wasps", "Anything?")
    assert code == 2 and "'wasps' is not in" in err and "bees, paris" in err


def test_collection_name_equals_dir_needs_no_toml(capsys, tmp_path, embedder):
    (tmp_path / "docs").mkdir()
    shutil.copy(SEED, tmp_path / "docs" / SEED.name)
    index = tmp_path / "idx"
    code, out, _ = run(capsys, "index", "--collection", f"docs={tmp_path / 'docs'}", "--index", str(index), "--json")
    assert code == 0 and json.loads(out)["added"] == 1 and (index / "docs" / "manifest.json").is_file()
    code, _, err = run(capsys, "index", "--collection", "Bad Name=x")
    assert code == 2 and "collection name must be" in err and "'Bad Name'" in err


def test_bad_keys_and_watch_values_are_refused_in_one_line(capsys, monkeypatch):
    code, _, err = run(capsys, "serve", "--api-key", "k:nope", "--port", "1")
    assert code == 2 and "'nope'" in err and err.count("\n") == 1
    code, _, err = run(capsys, "serve", "--api-key", "k:*:admin")
    assert code == 2 and "access must be one of read, write" in err
    code, _, err = run(capsys, "serve", "--auth", "alice:pw", "--api-key", "k:default:read")
    assert code == 2 and "drop --auth" in err and err.count("\n") == 1
    monkeypatch.setenv("PARISQA_WATCH", "maybe")
    code, _, err = run(capsys, "index")
    assert code == 2 and "PARISQA_WATCH" in err and "'maybe'" in err


@pytest.mark.slow
def test_index_watch_syncs_a_real_folder_until_interrupted(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "HF_HUB_OFFLINE": "1"}
    argv = [sys.executable, "-m", "parisqa", "index", "--watch", "--json"]
    argv += ["--corpus", str(corpus), "--index", str(tmp_path / "index")]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = json.loads(proc.stdout.readline())  # the build before watching
        assert first["added"] == 1
        while not proc.stderr.readline().startswith("watching"):  # the watch is set up after the build
            assert proc.poll() is None, "parisqa index --watch stopped"
        (corpus / "faq-extra.md").write_text(f"# Extra\n\n{SEED_FAQ[0][1]}\n", encoding="utf-8")
        record = json.loads(proc.stdout.readline())
        assert record["events"]["added"] == ["faq-extra.md"] and record["summary"]["added"] == 1
        (corpus / "faq-extra.md").unlink()
        record = json.loads(proc.stdout.readline())
        assert record["events"]["deleted"] == ["faq-extra.md"] and record["summary"]["removed"] == 1
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "stopped watching" in err
