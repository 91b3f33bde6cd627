"""Files with no content are skipped the same way whatever their format, each with a reason."""

from __future__ import annotations

import json

from parisqa.cli import main

NAV_ONLY = b"<!DOCTYPE html><html><head><title>Menu</title></head><body><nav>menu</nav></body></html>"
NAV_LINKS = (
    b"<!DOCTYPE html><html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/shop'>Shop</a></li>"
    b"</ul></nav><footer>Copyright 2025</footer></body></html>"
)


def test_empty_and_hollow_files_are_skipped_with_a_reason_in_every_format(capsys, corpus, embedder):
    for name in ("empty.txt", "empty.md", "empty.docx", "empty.pdf", "empty.html"):
        (corpus / name).write_bytes(b"")
    (corpus / "blank.txt").write_bytes(b"  \n\n\t\n")
    (corpus / "blank.md").write_bytes(b"\xef\xbb\xbf\n   \n")
    (corpus / "nav.html").write_bytes(NAV_ONLY)
    (corpus / "links.html").write_bytes(NAV_LINKS)
    assert main(["index", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    reasons = {s["source"]: s["reason"] for s in summary["skipped"]}
    for name in ("empty.txt", "empty.md", "empty.docx", "empty.pdf", "empty.html"):
        assert reasons.get(name, "").startswith("the file is empty"), (name, reasons)
    for name in ("blank.txt", "blank.md"):
        assert reasons.get(name, "").startswith("the file holds no text"), (name, reasons)
    for name in ("nav.html", "links.html"):
        assert "no main text" in reasons.get(name, ""), (name, reasons)
    assert summary["added"] == 1  # the seed article, indexed as ever
