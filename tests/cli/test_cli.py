"""The command line, in-process (shared model) and as real subprocesses where the process matters."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from parisqa.cli import main

ANSWER_KEYS = {"question", "answer", "abstained", "confidence", "citations", "timings_ms"}
CITATION_KEYS = {"n", "source", "start", "end", "text", "heading", "score"}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def check_answer_contract(obj, corpus: Path):
    assert set(obj) >= ANSWER_KEYS
    assert isinstance(obj["question"], str) and isinstance(obj["answer"], str)
    assert isinstance(obj["abstained"], bool)
    assert 0.0 <= obj["confidence"] <= 1.0
    assert isinstance(obj["timings_ms"]["total"], float)
    for i, c in enumerate(obj["citations"], 1):
        assert set(c) >= CITATION_KEYS
        assert c["n"] == i
        assert isinstance(c["start"], int) and isinstance(c["end"], int)
        assert c["heading"] is None or isinstance(c["heading"], str)
        source = (corpus / c["source"]).read_bytes().decode("utf-8")
        assert source[c["start"] : c["end"]] == c["text"]
    markers = {int(m) for m in __import__("re").findall(r"\[(\d+)\]", obj["answer"])}
    assert markers <= {c["n"] for c in obj["citations"]}


def test_index_json_summary_has_exactly_the_contract_keys(capsys, corpus, embedder):
    code, out, _ = run(capsys, "index", "--json")
    assert code == 0
    summary = json.loads(out)
    assert set(summary) == {"added", "changed", "removed", "unchanged", "chunks", "embedded", "seconds", "skipped"}
    assert summary["skipped"] == []
    assert summary["added"] == 1 and summary["embedded"] == summary["chunks"]
    code, out, _ = run(capsys, "index")
    assert code == 0 and out.startswith("indexed: 0 added, 0 changed, 0 removed, 1 unchanged;")


def test_ask_json_contract_and_offsets(capsys, corpus, embedder):
    code, out, _ = run(capsys, "ask", "--json", "What challenges does Paris face in becoming an AI leader?")
    assert code == 0
    assert out.count("\n") == 1
    obj = json.loads(out)
    check_answer_contract(obj, corpus)
    assert obj["abstained"] is False
    assert "talent retention" in obj["answer"]
    assert len(obj["citations"]) == 5


def test_ask_builds_a_missing_index_and_honours_k(capsys, corpus, embedder, tmp_path):
    assert not (tmp_path / "index").exists()
    code, out, _ = run(capsys, "ask", "--json", "-k", "2", "Why is ethical AI important?")
    assert code == 0 and (tmp_path / "index" / "manifest.json").exists()
    few = json.loads(out)
    code, out, _ = run(capsys, "ask", "--json", "-k", "8", "Why is ethical AI important?")
    many = json.loads(out)
    quoted = {int(n) for n in __import__("re").findall(r"\[(\d+)\]", few["answer"])}
    # k bounds the passages shown; passages the answer quotes are always among them.
    assert len(few["citations"]) == max(2, len(quoted))
    assert len(many["citations"]) == 8


def test_ask_rebuilds_a_stale_index(capsys, corpus, embedder):
    run(capsys, "index")
    (corpus / "lyon.txt").write_text(
        "Lyon Notes\nThe Lyon robotics cluster received forty million euros from the regional council.\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "ask", "--json", "How much did the Lyon robotics cluster receive?")
    obj = json.loads(out)
    assert code == 0 and obj["citations"][0]["source"] == "lyon.txt"
    check_answer_contract(obj, corpus)


def test_questions_file_prints_one_object_per_line_in_order(capsys, corpus, embedder, tmp_path):
    questions = ["Why is ethical AI important?", "", "What is Viva Tech?", "Who leads Dataiku?"]
    path = tmp_path / "q.txt"
    path.write_text("\n".join(questions) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "ask", "--json", "--questions", str(path))
    assert code == 0
    objs = [json.loads(line) for line in out.splitlines()]
    assert [o["question"] for o in objs] == [q for q in questions if q]
    for obj in objs:
        check_answer_contract(obj, corpus)


def test_questions_from_stdin(capsys, corpus, embedder, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Why is ethical AI important?\nWhat is Viva Tech?\n"))
    code, out, _ = run(capsys, "ask", "--json", "--questions", "-")
    assert code == 0 and len(out.splitlines()) == 2


def test_readable_answer_lists_citations(capsys, corpus, embedder):
    code, out, _ = run(capsys, "ask", "Why is ethical AI important?")
    assert code == 0
    assert "[1] paris-ai-city.txt > FAQ  (chars " in out


def _cli(*args, env=None, cwd=None):
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "parisqa", *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=300
    )


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["ask", ""], "the question is empty", 1),
        (["ask", "   \t "], "the question is empty", 1),
        (["ask", "x" * 100_000], "100,000 characters long, over the 50,000-character limit", 1),
        (["ask", "--corpus", "/nonexistent/corpus", "hello?"], "corpus folder '/nonexistent/corpus' does not exist", 1),
        (["index", "--chunk-tokens", "5"], "chunk_tokens must be between 16 and 256, got 5", 2),  # a usage error
    ],
)
def test_bad_input_gives_one_line_error_without_traceback(args, message, code, corpus):
    result = _cli(*args)
    assert result.returncode == code
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_empty_corpus_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    result = _cli("index", "--corpus", str(tmp_path / "empty"))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"error: corpus folder '{tmp_path / 'empty'}' has no .txt, .md, .pdf, .html, .docx or image files; "
        "add some and run `parisqa index` again"
    )


def test_damaged_index_is_an_error_and_index_repairs_it(capsys, corpus, embedder, tmp_path):
    run(capsys, "index")
    gen = next((tmp_path / "index").glob("gen-*"))
    (gen / "faiss.index").unlink()
    result = _cli("ask", "--no-build", "What is Viva Tech?")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "faiss.index is missing; run `parisqa index` to rebuild it" in result.stderr
    code, out, err = run(capsys, "index")
    assert code == 0 and "rebuilding it from scratch" in err
    code, out, _ = run(capsys, "ask", "--json", "What is Viva Tech?")
    assert code == 0 and json.loads(out)["citations"]


def test_help_is_fast_and_imports_nothing_heavy():
    code = (
        "import sys, parisqa.cli\n"
        "try:\n    parisqa.cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = ('torch', 'faiss', 'gradio', 'sentence_transformers', 'transformers', 'numpy')\n"
        "print('HEAVY', [m for m in heavy if m in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
    assert "index" in result.stdout and "ask" in result.stdout and "serve" in result.stdout


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("parisqa")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("parisqa ")


def test_text_prints_a_text_file_byte_for_byte(capsysbinary, corpus):
    source = corpus / "paris-ai-city.txt"
    assert main(["text", str(source)]) == 0
    assert capsysbinary.readouterr().out == source.read_bytes()
    assert main(["text", "paris-ai-city.txt"]) == 0  # a name relative to the corpus folder
    assert capsysbinary.readouterr().out == source.read_bytes()


def test_text_of_a_missing_file_is_an_error(capsys, corpus):
    code, out, err = run(capsys, "text", "nowhere.pdf")
    assert code == 1 and out == ""
    assert "nowhere.pdf" in err and "neither a file nor a file of the corpus folder" in err


@pytest.mark.parametrize(
    "command",
    [["index"], ["ask", "What is Viva Tech?"], ["ask", "--no-build", "What is Viva Tech?"], ["eval"], ["serve"]],
)
@pytest.mark.parametrize("option", ["--index", "--corpus"])
def test_a_file_given_as_a_folder_is_a_one_line_usage_error_for_every_command(command, option, corpus, tmp_path):
    """Issue 17: ``ask|eval --index FILE`` printed a NotADirectoryError traceback; ``serve`` started."""
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder", encoding="utf-8")
    result = _cli(command[0], option, str(a_file), *command[1:])
    assert result.returncode == 2, result.stderr
    name = option.removeprefix("--")
    assert result.stderr == f"error: {name} path '{a_file}' is a file, not a folder; pass a folder with {option} DIR\n"
    assert result.stdout == ""


def test_ask_on_a_missing_index_says_it_builds_it_first(capsys, corpus):
    """Issue 17: ``ask`` on a missing index built silently."""
    code, out, err = run(capsys, "ask", "What is Viva Tech?")
    assert code == 0 and out
    assert f"no index in '{Path(os.environ['PARISQA_INDEX'])}' yet: building the index first" in err
    code, out, err = run(capsys, "ask", "What is Viva Tech?")
    assert code == 0 and "building the index first" not in err


def test_a_long_build_off_a_terminal_prints_progress_lines(capsys, corpus, monkeypatch):
    """Issue 17: a build with stderr not on a terminal printed nothing for minutes.

    The pace is shortened (a line whenever a slice of texts is done) so the seed corpus shows it.
    """
    from parisqa.index import build as indexer

    monkeypatch.setattr(indexer, "PROGRESS_EVERY_SECONDS", 0.0)
    monkeypatch.setattr(indexer, "PROGRESS_SLICE", 16)
    code, out, err = run(capsys, "index")  # capsys: stderr is not a terminal
    assert code == 0 and out.startswith("indexed:")
    lines = [line for line in err.splitlines() if line.startswith("indexing: ")]
    assert len(lines) >= 2, err
    assert all(re.fullmatch(r"indexing: \d+ of \d+ texts embedded \(\d+%\), about \d+ (s|min) left", x) for x in lines)
    shares = [int(line.split("(")[1].split("%")[0]) for line in lines]
    assert shares == sorted(shares) and shares[-1] < 100


def test_ask_min_confidence_declines_below_the_floor(capsys, corpus, embedder, monkeypatch):
    question = "What challenges does Paris face in becoming an AI leader?"
    code, out, _ = run(capsys, "ask", "--json", question)
    answered = json.loads(out)
    assert code == 0 and answered["abstained"] is False
    code, out, _ = run(capsys, "ask", "--json", "--min-confidence", "1", question)
    declined = json.loads(out)
    assert code == 0 and declined["abstained"] is True and declined["related"]
    monkeypatch.setenv("PARISQA_MIN_CONFIDENCE", "1")
    code, out, _ = run(capsys, "ask", "--json", question)
    assert json.loads(out)["abstained"] is True
    code, _, err = run(capsys, "ask", "--min-confidence", "2", question)
    assert code == 2 and "min_confidence must be between 0 and 1, got 2" in err
