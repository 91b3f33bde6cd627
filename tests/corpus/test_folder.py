"""Adding, listing and deleting corpus documents: safe names, refusals, never writing outside the corpus."""

import os
import re
from pathlib import Path

import pytest

from parisqa.config import DEFAULT_MAX_UPLOAD_BYTES
from parisqa.corpus.folder import (
    MAX_NAME_BYTES,
    check_text,
    delete_document,
    faq_questions,
    list_documents,
    max_upload_bytes,
    safe_name,
    save_document,
    source_path,
    title_name,
    upload_name,
)
from parisqa.errors import ConfigError, CorpusError, UploadRefused


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("notes.txt", "notes.txt"),
        ("../../x.txt", "x.txt"),
        ("..\\..\\windows\\x.txt", "windows-x.txt"),
        ("/etc/passwd", "etc-passwd"),
        ("CON", "CON_"),
        ("con.txt", "con_.txt"),
        ("LPT1.md", "LPT1_.md"),
        ("a\x00b.txt", "a b.txt"),
        ("a\nb\r.txt", "a b.txt"),
        (".hidden.txt", "hidden.txt"),
        ("notes.TXT", "notes.txt"),
        ("École été.md", "École été.md"),
        ("<img src=x onerror=alert(1)>.txt", "img src=x onerror=alert(1).txt"),
        ("\u202eevil.txt", "evil.txt"),
        ("-.txt", "document.txt"),
        ("", ""),
        ("...", ""),
    ],
)
def test_safe_name(raw, expected):
    assert safe_name(raw) == expected


@pytest.mark.parametrize(
    "raw", ["../../x.txt", "/etc/passwd.txt", "a/../../b.md", "\x00../x.txt", "x" * 500 + ".txt", "é" * 300 + ".md"]
)
def test_safe_names_are_one_plain_file_name(raw):
    name = safe_name(raw)
    assert name and "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith(".") and name not in (".", "..")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


def test_upload_names_must_be_text_files():
    assert upload_name("Report.MD") == "Report.md"
    assert upload_name("Slides.PDF") == "Slides.pdf" and upload_name("page.htm") == "page.htm"
    for bad in ("report.exe", "archive.tar.gz", "passwd", "../../etc/shadow", "script.txt.exe", "sheet.xlsx"):
        allowed = r"only \.txt, \.md, \.markdown, \.pdf, \.html, \.htm, \.docx, \.png, \.jpg, \.jpeg, \.tif, \.tiff "
        with pytest.raises(UploadRefused, match=allowed):
            upload_name(bad)


def test_converted_uploads_are_checked_by_content(tmp_path):
    corpus = tmp_path / "corpus"
    html = b"<!DOCTYPE html><html><body><p>A page.</p></body></html>"
    cases = {
        "slides.pdf": (html, "the content is HTML, not PDF; rename it to .html"),
        "report.docx": (b"%PDF-1.7\n", "the content is PDF, not DOCX; rename it to .pdf"),
        "page.html": (b"%PDF-1.7\n", "the file is PDF, not HTML"),
        "photo.pdf": (b"\x89PNG\r\n\x1a\n", "the content is an image, not PDF; rename it to .png, .jpg or .tiff"),
        "scan.png": (b"%PDF-1.7\n", "the content is PDF, not an image; rename it to .pdf"),
        "notes.jpg": (b"just text", "the content is not an image"),
        "empty.docx": (b"", "it is empty"),
    }
    for name, (data, reason) in cases.items():
        with pytest.raises(UploadRefused, match=re.escape(reason)):
            save_document(corpus, name, data)
    assert save_document(corpus, "page.html", html).name == "page.html"
    with pytest.raises(UploadRefused, match="upload limit"):
        save_document(corpus, "big.pdf", b"%PDF-1.7" + b"x" * 100, limit=50)


def test_title_names_get_txt_and_lose_folders():
    assert title_name("My notes") == "My notes.txt"
    assert title_name("Report v1.2") == "Report v1.2.txt"
    assert title_name("readme.md") == "readme.md"
    assert title_name("../../etc/passwd") == "etc-passwd.txt"
    with pytest.raises(UploadRefused, match="title"):
        title_name("   ")
    with pytest.raises(UploadRefused, match="no letters or digits"):
        title_name("../..")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"x" * 101, "it is 101 bytes, over the 100 bytes upload limit"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        ("caf\u00e9".encode("latin-1"), "not UTF-8"),
        (b"  \n\t ", "empty"),
    ],
)
def test_content_refusals_say_why(data, reason):
    with pytest.raises(UploadRefused, match=reason):
        check_text(data, "a.txt", 100)


def test_upload_limit_from_environment(monkeypatch):
    monkeypatch.delenv("PARISQA_MAX_UPLOAD_BYTES", raising=False)
    assert max_upload_bytes() == DEFAULT_MAX_UPLOAD_BYTES
    monkeypatch.setenv("PARISQA_MAX_UPLOAD_BYTES", "1234")
    assert max_upload_bytes() == 1234
    monkeypatch.setenv("PARISQA_MAX_UPLOAD_BYTES", "lots")
    with pytest.raises(ConfigError, match="'lots'"):
        max_upload_bytes()
    with pytest.raises(ConfigError, match="at least 1"):
        max_upload_bytes(0)


def test_save_never_overwrites(tmp_path):
    corpus = tmp_path / "corpus"
    first = save_document(corpus, "notes.txt", b"first version")
    assert first.name == "notes.txt" and (corpus / "notes.txt").read_bytes() == b"first version"
    same = save_document(corpus, "notes.txt", b"first version")
    assert same.unchanged and "already" in same.message()
    second = save_document(corpus, "notes.txt", b"second version")
    assert second.name == "notes-2.txt" and second.requested == "notes.txt"
    assert (corpus / "notes.txt").read_bytes() == b"first version"
    assert (corpus / "notes-2.txt").read_bytes() == b"second version"
    third = save_document(corpus, "NOTES.txt", b"third")  # differs from notes.txt by case only
    assert third.name == "NOTES-3.txt"
    # No temporary file is left behind.
    assert sorted(p.name for p in corpus.iterdir()) == ["NOTES-3.txt", "notes-2.txt", "notes.txt"]


def test_save_refuses_unsafe_names_and_content(tmp_path):
    corpus = tmp_path / "corpus"
    for name in ("../x.txt", "/tmp/x.txt", "x.pdf", ".x.txt", "a\nb.txt"):
        with pytest.raises(UploadRefused):
            save_document(corpus, name, b"text")
    with pytest.raises(UploadRefused, match="upload limit"):
        save_document(corpus, "big.txt", b"x" * 11, limit=10)
    assert not (tmp_path / "x.txt").exists()
    assert not corpus.exists() or not any(corpus.iterdir())


def test_save_does_not_follow_a_symlink_squatting_on_the_name(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    (corpus / "notes.txt").symlink_to(outside)
    saved = save_document(corpus, "notes.txt", b"new text")
    assert saved.name == "notes-2.txt"
    assert outside.read_text() == "keep me"


def test_delete_only_documents_inside_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "sub" / "a.txt").write_text("a")
    (corpus / "b.md").write_text("b")
    victim = tmp_path / "victim.txt"
    victim.write_text("do not delete")
    (corpus / "link.txt").symlink_to(victim)
    for bad in ("../victim.txt", "/etc/passwd", str(victim), "sub/../../victim.txt", ".hidden.txt", "", "missing.txt"):
        with pytest.raises(CorpusError):
            delete_document(corpus, bad)
    delete_document(corpus, "sub/a.txt")
    delete_document(corpus, "link.txt")  # removes the link, not its target
    assert not (corpus / "sub" / "a.txt").exists() and not (corpus / "link.txt").is_symlink()
    assert victim.read_text() == "do not delete"
    assert (corpus / "b.md").exists()


def test_source_path_refuses_folders_that_lead_out(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.txt").write_text("x")
    (corpus / "jump").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(CorpusError):
        source_path(corpus, "jump/x.txt")


def test_list_documents_reports_what_a_rebuild_would_change(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("same.txt", "edited.txt", "new.txt"):
        (corpus / name).write_text(f"text of {name}")
    stat = {n: os.stat(corpus / n) for n in ("same.txt", "edited.txt")}
    manifest = {
        "files": {
            "same.txt": _entry(corpus / "same.txt", stat["same.txt"], 3),
            "edited.txt": _entry(corpus / "edited.txt", stat["edited.txt"], 2),
            "gone.txt": {
                "sha256": "0",
                "size": 1,
                "mtime_ns": 1,
                "chunks": ["a"],
                "indexed_at": "2026-01-01T00:00:00Z",
            },
        }
    }
    (corpus / "edited.txt").write_text("changed text, longer than before")
    rows, warnings = list_documents(corpus, manifest)
    status = {r.source: (r.status, r.chunks) for r in rows}
    assert status == {
        "edited.txt": ("changed", 2),
        "gone.txt": ("deleted", 1),
        "new.txt": ("new", None),
        "same.txt": ("indexed", 3),
    }
    assert [r.source for r in rows if r.pending] == ["edited.txt", "gone.txt", "new.txt"]
    assert warnings == []


def _entry(path: Path, st: os.stat_result, chunks: int) -> dict:
    import hashlib

    return {
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "chunks": [str(i) for i in range(chunks)],
        "indexed_at": "2026-01-01T00:00:00Z",
    }


def test_faq_questions_of_the_seed_article(corpus):
    questions = faq_questions(corpus, ["paris-ai-city.txt"])
    assert len(questions) == 8
    assert questions[0] == "What makes Paris a significant player in AI?"
    assert "Why is ethical AI important?" in questions
    assert faq_questions(corpus, []) == []  # only documents that are indexed count


def test_add_file_keeps_uploads_inside_the_corpus(tmp_path):
    from parisqa.corpus.folder import add_file, add_text

    corpus = tmp_path / "a" / "corpus"
    upload = tmp_path / "upload.bin"
    upload.write_text("some text")
    for name, expected in (
        ("../../evil.txt", "evil.txt"),
        ("/etc/cron.d/x.md", "etc-cron.d-x.md"),
        ("CON.txt", "CON_.txt"),
    ):
        assert add_file(corpus, upload, name=name).name == expected
        assert (corpus / expected).read_text() == "some text"
    with pytest.raises(UploadRefused, match="only"):
        add_file(corpus, upload, name="/etc/passwd")
    with pytest.raises(UploadRefused, match="cannot read"):
        add_file(corpus, tmp_path / "missing.txt")
    assert add_text(corpus, "a\nb\x00c", "pasted").name == "a b c.txt"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        ["upload.bin", "evil.txt", "etc-cron.d-x.md", "CON_.txt", "a b c.txt"]
    )
