"""Hostile questions: an answer or a clear QuestionError, never a crash; the JSON is data, not markup."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parisqa.cli import main
from parisqa.errors import QuestionError

ANSWERED = [
    "<script>alert('x')</script> What is Viva Tech?",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "'; DROP TABLE chunks; --",
    "1' OR '1'='1' UNION SELECT * FROM manifest --",
    "{{7*7}} ${7*7} %s %n %x",
    "../../../../etc/passwd",
    "What\x1b[31m is\x07 Viva\x00 Tech?",
    "\u0645\u0627 \u0647\u064a \u0627\u0644\u062a\u062d\u062f\u064a\u0627\u062a \u0627\u0644\u062a\u064a "
    "\u062a\u0648\u0627\u062c\u0647 \u0628\u0627\u0631\u064a\u0633\u061f",  # Arabic
    "\u5df4\u9ece\u9762\u4e34\u54ea\u4e9b\u6311\u6218\uff1f",  # Chinese
    "\u092a\u0947\u0930\u093f\u0938 \u0915\u094b \u0915\u093f\u0928 "
    "\u091a\u0941\u0928\u094c\u0924\u093f\u092f\u094b\u0902 "
    "\u0915\u093e \u0938\u093e\u092e\u0928\u093e \u0939\u0948?",  # Hindi
    "\u041a\u0430\u043a\u0438\u0435 \u0432\u044b\u0437\u043e\u0432\u044b \u0443 \u041f\u0430\u0440\u0438\u0436\u0430?",
    "\U0001f5fc\U0001f916\u2753",
    "\u202eWhy is ethical AI important?\u202c",
    "Why\u200b is\u200d ethical\u2060 AI\ufeff important?",
    "e\u0301\u0301\u0301\u0301\u0301",
    "?",
    "a",
    "caf\udce9 \udcff?",  # undecodable bytes of an argument (surrogateescape) or a JSON "\udc80"
    "x" * 50_000,  # exactly the limit
]
REFUSED = [
    ("", "empty"),
    ("   \t\n  ", "empty"),
    ("\x00\x01\x02\x1b", "empty"),
    ("x" * 1_000_000, "1,000,000 characters long, over the 50,000-character limit"),
    ("Why? " * 200_000, "over the 50,000-character limit"),
]


def _answer_contract(obj: dict, corpus_text: str) -> None:
    assert {"question", "answer", "abstained", "confidence", "citations", "timings_ms"} <= set(obj)
    for c in obj["citations"] + obj.get("related", []):
        assert corpus_text[c["start"] : c["end"]] == c["text"]


@pytest.mark.parametrize("question", ANSWERED, ids=range(len(ANSWERED)))
def test_hostile_questions_get_an_answer_and_the_json_is_plain_data(seed_engine, seed_text, question):
    answer = seed_engine.ask(question)
    obj = answer.to_dict()
    line = json.dumps(obj, ensure_ascii=False)
    line.encode("utf-8")  # printable as UTF-8: no lone surrogate survives
    back = json.loads(line)
    # The question comes back as the same text (undecodable bytes as U+FFFD), never escaped as HTML.
    assert back["question"] == "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in question)
    _answer_contract(back, seed_text)
    # What the answer says comes from the corpus only: nothing of the question is reflected into it.
    for marker in ("<script", "onerror", "<img", "DROP TABLE", "{{7*7}}", "\x1b"):
        if marker in question:
            assert marker not in back["answer"]
            assert all(marker not in c["text"] for c in back["citations"])


@pytest.mark.parametrize(("question", "message"), REFUSED, ids=range(len(REFUSED)))
def test_empty_and_huge_questions_are_refused_with_a_clear_message(seed_engine, question, message):
    with pytest.raises(QuestionError, match=message) as err:
        seed_engine.ask(question)
    assert len(str(err.value)) < 300, "the message must not echo the question"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(question=st.text(max_size=300))
def test_any_text_as_a_question_answers_or_refuses_cleanly(seed_engine, seed_text, question):
    try:
        answer = seed_engine.ask(question)
    except QuestionError as exc:
        assert "empty" in str(exc)
        return
    _answer_contract(json.loads(json.dumps(answer.to_dict(), ensure_ascii=False)), seed_text)


def test_hostile_questions_from_a_file_give_one_json_object_per_line(capsys, corpus, embedder, tmp_path):
    path = tmp_path / "q.txt"
    lines = ["<b>bold</b> What is Viva Tech?", "'; DROP TABLE x; --", "x" * 60_000, "\u5df4\u9ece\uff1f"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["ask", "--json", "--questions", str(path)])
    out, err = capsys.readouterr()
    objs = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(objs) == 4, "the over-long line is an error; the others are answered"
    assert [o["question"] for o in objs] == lines
    assert "error" in objs[2] and "over the 50,000-character limit" in objs[2]["error"]
    assert "error: line 3:" in err and "Traceback" not in err


def test_undecodable_bytes_in_a_command_line_question_are_answered(corpus, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARISQA_")}
    env.update(PARISQA_CORPUS=str(corpus), PARISQA_INDEX=str(tmp_path / "index"))
    result = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"parisqa", b"ask", b"--json", b"caf\xe9 \xff <script>x</script>?"],
        env=env,
        capture_output=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    obj = json.loads(result.stdout.decode("utf-8"))
    assert obj["question"] == "caf\ufffd \ufffd <script>x</script>?"
    assert b"Traceback" not in result.stderr
