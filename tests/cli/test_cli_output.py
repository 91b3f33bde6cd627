"""What the command line prints for people: the page of a PDF citation, the interrupt message, the help."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from parisqa.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
from docmaker import PDF_QUESTION, pdf_bytes  # noqa: E402


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plain_answer_gives_the_page_of_a_pdf_citation(capsys, corpus, embedder):
    (corpus / "observatories.pdf").write_bytes(pdf_bytes())
    code, out, _ = run(capsys, "ask", PDF_QUESTION)
    assert code == 0
    line = next(line for line in out.splitlines() if line.startswith("[1] "))
    # The fact is on page 2 of the PDF; the plain output says so, as --json's "page" does.
    assert line.startswith("[1] observatories.pdf > Observing season  (page 2, chars "), line
