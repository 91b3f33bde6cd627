"""The repository keeps its promises: README commands, CI script, the shipped corpus."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## On a fresh machine", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_shows_exactly_two_fresh_machine_commands():
    commands = _readme_commands()
    assert len(commands) == 2
    chat, tests = commands
    assert "app.py" in chat and "pytest" in tests
    assert all("-c constraints.txt" in c for c in commands)


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_commands()[1] in ci.splitlines()


def test_constraints_pin_the_cpu_torch():
    pins = (ROOT / "constraints.txt").read_text().splitlines()
    assert "torch==2.13.0+cpu" in pins


def test_seed_article_is_shipped_unchanged():
    text = (ROOT / "corpus" / "paris-ai-city.txt").read_bytes()
    assert len(text) == 8928
    import hashlib

    assert hashlib.sha256(text).hexdigest() == "81dc79ebfc30285eb9848c8439a09598b84ab588f996cc799c96db1264f815c0"
