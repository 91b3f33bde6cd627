"""Errors carry their remedy as data; each front end words it its own way."""

from __future__ import annotations

import pytest

from parisqa.errors import REMEDIES, IndexBusyError, IndexCorruptError, IndexMissingError, ParisqaError, QuestionError


def test_the_message_has_no_front_end_words_and_the_remedy_is_data():
    exc = IndexCorruptError("index 'x' is damaged: chunks.jsonl is missing", remedy="rebuild")
    assert str(exc) == "index 'x' is damaged: chunks.jsonl is missing"
    assert exc.remedy == "rebuild"
    assert QuestionError("the question is empty").remedy is None


def test_an_unknown_remedy_is_refused_by_name():
    expected = "remedy must be one of rebuild, build, add_files, wait, confirm, got 'reboot'"
    with pytest.raises(ValueError, match=expected):
        ParisqaError("x", remedy="reboot")


def test_the_cli_and_the_web_word_every_remedy():
    from parisqa.cli import REMEDY_TEXT as cli_text
    from parisqa.web.context import REMEDY_TEXT as web_text

    assert set(cli_text) == set(REMEDIES) == set(web_text)


def test_the_cli_says_which_command_fixes_it():
    from parisqa.cli import error_text

    assert error_text(IndexCorruptError("index 'x' is damaged", remedy="rebuild")) == (
        "index 'x' is damaged; run `parisqa index` to rebuild it"
    )
    assert error_text(IndexMissingError("no index in 'x'", remedy="build")) == (
        "no index in 'x'; run `parisqa index` to build it"
    )
    assert error_text(IndexBusyError("another parisqa process is rebuilding", remedy="wait")) == (
        "another parisqa process is rebuilding; wait for it to finish and try again"
    )
    assert error_text(QuestionError("the question is empty")) == "the question is empty"


def test_the_web_says_which_button_fixes_it():
    from parisqa.web.context import web_message

    text = web_message(IndexCorruptError("index 'x' is damaged", remedy="rebuild"))
    assert text == "index 'x' is damaged; press “Rebuild index” in the Index tab to rebuild it"
    assert "parisqa index" not in text
    assert "Rebuild index" in web_message(IndexMissingError("no index in 'x'", remedy="build"))
    assert web_message(QuestionError("the question is empty")) == "the question is empty"
