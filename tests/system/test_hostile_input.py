"""Hostile files: no crash, exact offsets for every chunk of every file that indexes, named warnings.

Thousands of generated files go straight through decode -> parse -> chunk (the stages where input
is interpreted); a smaller number go through a whole build with a fake embedder (embedding is not
the subject there) and a fixed hostile corpus through a build with the real model. The number of
cases each test ran is written to test-artifacts/fuzz.json.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import signal
import tracemalloc
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import parisqa.corpus.chunking as chunking
from parisqa.config import Settings
from parisqa.corpus import reader as ingest
from parisqa.corpus.chunking import chunk_document
from parisqa.corpus.reader import Unreadable, decode, scan_corpus
from parisqa.corpus.structure import parse
from parisqa.corpus.text import sentence_spans, strip_span
from parisqa.corpus.tokens import count_tokens, count_wordpieces
from parisqa.embed.model import model_dir
from parisqa.index.build import build_index
from parisqa.index.store import load_index
from parisqa.records import Chunk

ROOT = Path(__file__).resolve().parents[2]
MODEL_LIMIT = 256
CASES: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_case_counts():
    yield
    if CASES:
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        report = dict(CASES, total=sum(CASES.values()))
        (ROOT / "test-artifacts" / "fuzz.json").write_text(json.dumps(report, indent=1) + "\n")
        print("fuzz cases:", json.dumps(report))


@contextmanager
def hang_guard(seconds: float):
    """Fail instead of hanging: the code under test is linear and needs a small part of this."""

    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s: something is quadratic or loops")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def wordpieces(texts: list[str]) -> list[int]:
    return count_wordpieces(texts, model_dir())


def check_chunks(text: str, chunks: list[Chunk], budget: int, overlap: int = 0, *, model_limit: bool = True) -> None:
    """Every invariant a chunk of ``text`` must keep, whatever the text was."""
    counts = wordpieces([c.embed_text for c in chunks]) if model_limit and chunks else [0] * len(chunks)
    for c, pieces in zip(chunks, counts):
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == c.text
        assert strip_span(text, c.start, c.end) == (c.start, c.end), "chunks start and end on visible text"
        assert count_tokens(c.text) <= budget
        if pieces > MODEL_LIMIT:  # only a chunk under an absurdly long heading, cut as small as it goes
            assert count_tokens(c.text) <= 4, (pieces, c.heading_path)
        for span in (c.question_span, c.answer_span):
            if span is not None:
                assert c.start <= span[0] <= span[1] <= c.end
        assert all(isinstance(h, str) for h in c.heading_path)
        assert Chunk.from_dict(json.loads(json.dumps(c.to_dict(), ensure_ascii=False))) == c
    assert len({c.id for c in chunks}) == len(chunks)
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)
    if overlap == 0:
        for a, b in zip(chunks, chunks[1:]):
            assert a.end <= b.start


def chunk_bytes(data: bytes, name: str, markdown: bool, budget: int, overlap: int = 0) -> list[Chunk] | None:
    """Decode and chunk like the indexer; ``None`` when the file is refused (with a named reason)."""
    try:
        text = decode(data, name)
    except Unreadable as exc:
        assert str(exc).startswith(f"skipped {name}: ")
        assert b"\x00" in data or "not valid UTF-8" in str(exc)
        return None
    parsed = parse(text, markdown=markdown, fallback_title="doc")
    chunks = chunk_document(
        text,
        name,
        parsed,
        max_tokens=budget,
        overlap=overlap,
        max_wordpieces=MODEL_LIMIT,
        count_wordpieces=wordpieces,
    )
    check_chunks(text, chunks, budget, overlap)
    return chunks


# Pieces a hostile or merely unusual file is made of.
TEXT_PIECES = [
    "The council funded a robotics lab in 2024.",
    "Why does Lyon invest in AI?",
    "Because talent left.",
    "Q: what is it?",
    "A: a test.",
    "# Heading",
    "## Sub heading ##",
    "Heading Without Stop",
    "Key points:",
    "- item one",
    "1) first",
    "```",
    "~~~",
    "===",
    "---",
    "***",
    "| a | b |",
    "> quoted",
    "Dr. J. Smith et al. e.g. this",
    "\u4e2d\u6587\u53e5\u5b50\u3002\u7b2c\u4e8c\u53e5\uff01",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645\u061f",  # Arabic, right to left
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",  # Hebrew
    "\u202eevil\u202c \u2066isolate\u2069",  # bidi overrides
    "e\u0301\u0301\u0301 a\u0308\u0323",  # stacked combining marks
    "\u200b\u200c\u200d\u2060\ufeff",  # zero-width characters and a BOM mid-text
    "\U0001f600\U0001f1eb\U0001f1f7 \U0001f469\u200d\U0001f4bb",  # emoji, flags, ZWJ sequences
    "\u00a0\u2003\u3000",  # non-breaking and wide spaces
    "\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85",  # separators str.splitlines would split on
    "\x01\x02\x07\x1b[31m\x7f",  # control characters, an ANSI escape
    "<script>alert(1)</script>",
    "x" * 700,
    "!" * 400,
    " " * 300,
    "#" * 200,
    "\u2026" * 100,
    "Go. " * 80,
]
BYTE_PIECES = [
    b"\r\n",
    b"\r",
    b"\n",
    b"\n\n",
    b"\t",
    b"\x00",  # NUL: binary
    b"\xff",  # never valid in UTF-8
    b"\xc0\xaf",  # overlong encoding of "/"
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xf4\x90\x80\x80",  # above U+10FFFF
    b"\xe2\x82",  # a truncated sequence
    b"\xef\xbb\xbf",  # a BOM
]
NEWLINES = [b"\n", b"\r\n", b"\r", b"\n\n", b"\r\n\r\n", b" "]


@st.composite
def hostile_files(draw, max_parts: int = 40) -> bytes:
    parts = draw(
        st.lists(
            st.one_of(
                st.sampled_from(TEXT_PIECES).map(lambda s: s.encode("utf-8")),
                st.sampled_from(BYTE_PIECES),
                st.text(max_size=20).map(lambda s: s.encode("utf-8", "surrogatepass")),
            ),
            max_size=max_parts,
        )
    )
    joins = draw(st.lists(st.sampled_from(NEWLINES), min_size=len(parts), max_size=len(parts)))
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return prefix + b"".join(p + j for p, j in zip(parts, joins))


FUZZ = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(data=hostile_files(), markdown=st.booleans(), budget=st.sampled_from([16, 64, 128]))
def test_generated_hostile_files_chunk_with_exact_offsets(data, markdown, budget):
    CASES["hostile files -> decode, parse, chunk"] += 1
    chunk_bytes(data, "f.md" if markdown else "f.txt", markdown, budget)


@FUZZ
@given(data=st.binary(max_size=3000), markdown=st.booleans())
def test_random_bytes_are_refused_by_name_or_chunk_exactly(data, markdown):
    CASES["random bytes -> decode, parse, chunk"] += 1
    chunk_bytes(data, "r.txt", markdown, 64)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(st.characters(exclude_categories=("Cs",)), max_size=1500),
    markdown=st.booleans(),
    overlap=st.sampled_from([0, 8]),
)
def test_arbitrary_unicode_text_chunks_with_exact_offsets(text, markdown, overlap):
    CASES["any unicode text -> parse, chunk"] += 1
    chunk_bytes(text.encode("utf-8"), "u.md" if markdown else "u.txt", markdown, 32, overlap)


def test_decode_keeps_the_file_exactly_and_names_what_it_refuses():
    assert decode(b"\xef\xbb\xbfHi\r\nthere\rnow\n", "a.txt") == "\ufeffHi\r\nthere\rnow\n"
    assert decode(b"", "empty.txt") == ""
    with pytest.raises(Unreadable, match=r"^skipped b\.txt: it looks binary \(contains NUL bytes\)"):
        decode(b"text\x00more", "b.txt")
    with pytest.raises(Unreadable, match=r"^skipped c\.txt: not valid UTF-8 \(byte 0xed at offset 2\); re-save"):
        decode(b"ok\xed\xa0\x80", "c.txt")
    text = "\ufeffTitle Line\r\n\r\nA BOM, CRLF and a question?\r\nYes, kept exact.\r\n"
    chunks = chunk_bytes(text.encode("utf-8"), "bom.txt", False, 128)
    assert chunks and chunks[0].start >= 1, "the BOM is part of the offsets but never of a chunk"


def test_empty_and_blank_files_have_no_chunks():
    for data in (b"", b"   ", b"\n\n\r\n", b"\xef\xbb\xbf", "\u200b".encode(), b"\t \x0c"):
        assert chunk_bytes(data, "e.txt", False, 128) == []


# --- size and shape blow-ups: linear work, bounded memory, no endless loop ------------------------


@pytest.mark.parametrize(
    ("name", "text", "markdown"),
    [
        ("a run of '!' with no space after it", "a" + "!" * 1_000_000 + "x", False),
        ("a Markdown heading with a million spaces", "# a" + " " * 1_000_000 + "b\n\ntext\n", True),
        ("a heading longer than the model's window", "# " + "\u4e2d" * 3000 + "\n\nSome text here.\n", True),
        ("a million blank lines", "Title\n" + "\n" * 1_000_000 + "End.", False),
        ("an unclosed code fence", "```\n" + "code line\n" * 2000 + "\n\n\n", True),
        ("a million characters with no space", "z" * 1_000_000, False),
        ("two hundred thousand tiny sentences", "Go. " * 200_000, False),
    ],
)
def test_pathological_shapes_finish_and_chunk_exactly(name, text, markdown):
    with hang_guard(120):
        parsed = parse(text, markdown=markdown, fallback_title="doc")
        chunks = chunk_document(
            text, "p.md", parsed, max_tokens=128, max_wordpieces=MODEL_LIMIT, count_wordpieces=wordpieces
        )
    check_chunks(text, chunks, 128)
    CASES["pathological shapes"] += 1


@pytest.mark.parametrize("pattern", ["Go. ", "\u2026 ", "Why? ", "a\n", "- x\n", "# H\nt.\n"])
def test_tokenizer_work_grows_linearly_with_the_text(monkeypatch, pattern):
    """Characters handed to the tokenizer per character of text stay flat as the text grows."""
    counted = Counter()
    real = chunking.count_tokens

    def counting(text: str) -> int:
        counted["chars"] += len(text)
        return real(text)

    monkeypatch.setattr(chunking, "count_tokens", counting)
    work = []
    for n in (20_000, 80_000):
        counted.clear()
        text = pattern * (n // len(pattern))
        chunk_document(text, "w.txt", parse(text, fallback_title="w"), max_tokens=128)
        work.append(counted["chars"] / len(text))
    assert work[1] <= work[0] * 1.5 + 1, f"tokenizer work per character grew from {work[0]:.1f} to {work[1]:.1f}"


def test_sentence_splitting_does_not_retry_every_suffix():
    text = "Stop" + "!" * 2_000_000 + "x. Next sentence."
    with hang_guard(30):  # the lookahead regex this replaced took hours here
        spans = sentence_spans(text, 0, len(text))
    assert [text[s:e] for s, e in spans] == [text[: text.index(" Next")], "Next sentence."]


def test_a_million_blank_lines_cost_little_memory():
    text = "Title\n" + "\n" * 1_000_000 + "Body text."
    tracemalloc.start()
    try:
        parse(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, f"{peak / 1e6:.0f} MB to parse 1 MB of newlines"


@pytest.mark.slow
def test_a_10_mb_single_line_file_chunks_exactly(tmp_path):
    import random

    from textgen import sentence

    rng = random.Random(10)
    parts, size = [], 0
    while size < 10_000_000:
        parts.append(sentence(rng))
        size += len(parts[-1]) + 1
    text = " ".join(parts)
    assert "\n" not in text and len(text.encode()) >= 10_000_000
    with hang_guard(300):  # about 10 s on two cores; the quadratic code it replaced never finished
        chunks = chunk_bytes(text.encode("utf-8"), "big.txt", False, 128)
    assert chunks and sum(len(c.text) for c in chunks) > 0.95 * len(text)
    CASES["10 MB single-line file"] += 1


# --- whole builds over hostile corpora ------------------------------------------------------------


class FakeEmbedder:
    """Deterministic unit vectors from a hash of the text; for builds where embedding is not tested."""

    loaded = True

    def warm_up(self) -> None:
        pass

    def encode(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
            out[i] = np.random.default_rng(seed).standard_normal(384)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def encode_queries(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        return self.encode(texts, show_progress=show_progress)  # the embedder interface embeds questions apart


def check_index_against_files(settings: Settings, expect_indexed: set[str] | None = None) -> set[str]:
    index = load_index(settings.index_dir)
    texts: dict[str, str] = {}
    for chunk in index.chunks:
        if chunk.source not in texts:
            texts[chunk.source] = (settings.corpus_dir / chunk.source).read_bytes().decode("utf-8")
        assert texts[chunk.source][chunk.start : chunk.end] == chunk.text
    indexed = set(index.manifest["files"])
    if expect_indexed is not None:
        assert indexed == expect_indexed
    return indexed


NAMES = st.sampled_from(
    [
        "a.txt",
        "b.md",
        "notes.markdown",
        "sp ace.txt",
        "\u0645\u0644\u0641.md",
        "\u4e2d\u6587.txt",
        "-rf.txt",
        "quote'\".txt",
        "sub/deep/c.txt",
        "e\u0301t\u00e9.md",
        "\u202eevil.txt",
        "new\nline.txt",
    ]  # fmt: skip
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.dictionaries(NAMES, hostile_files(max_parts=25), min_size=1, max_size=6))
def test_builds_over_generated_hostile_corpora_index_what_is_readable(tmp_path_factory, files):
    CASES["hostile corpora -> build_index (fake embedder)"] += 1
    base = tmp_path_factory.mktemp("hostile")
    settings = Settings(corpus_dir=base / "corpus", index_dir=base / "index")
    for name, data in files.items():
        path = settings.corpus_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    readable = set()
    for name, data in files.items():
        try:
            text = decode(data, name)
        except Unreadable:
            continue
        if re.search(r"[^\W_]", text):  # a file with no letter or digit is skipped as holding no text
            readable.add(name)
    warnings: list[str] = []
    if not readable:
        with pytest.raises(Exception, match="could be read as UTF-8"):
            build_index(settings, embedder=FakeEmbedder(), on_warning=warnings.append)
        return
    build_index(settings, embedder=FakeEmbedder(), on_warning=warnings.append)
    check_index_against_files(settings, readable)
    for name in set(files) - readable:
        assert any(w.startswith(f"skipped {ingest.shown(name)}: ") for w in warnings), (name, warnings)


def _hostile_corpus(folder: Path, outside: Path) -> dict[str, str]:
    """A corpus of awkward files; returns the files expected to be skipped and why."""
    folder.mkdir(parents=True)
    outside.mkdir(parents=True)
    (outside / "secret.txt").write_text("OUTSIDE-SECRET-MARKER must never be indexed.\n")
    texts = {
        "crlf-bom.txt": "\ufeffTitle\r\n\r\nWindows lines with a BOM.\r\nWhy keep it?\r\nExact offsets.\r\n",
        "mixed.txt": "One\rTwo\nThree\r\nFour\n\rFive.",
        "separators.txt": "Next\x85line, line\u2028separator, paragraph\u2029separator.\x1c\x1d\x1e\x0b\x0c end.\n",
        "rtl.md": "# \u0645\u0631\u062d\u0628\u0627\n\n\u0647\u0630\u0627 \u0646\u0635 \u0639\u0631\u0628\u064a. Mixed "
        "with English.\n",
        "zero-width.txt": "Zero\u200bwidth\u200d join\u2060ers and e\u0301\u0301 marks.\n",
        "controls.txt": "Bell\x07 escape\x1b[2J form\x0cfeed vertical\x0btab.\n",
        "empty.txt": "",
        "blank.md": " \n\t\n",
        "long-line.txt": "word " * 200_000,
        "html.md": "<script>alert('x')</script>\n\nText after a script tag.\n",
        "\u4e2d\u6587 name.txt": "\u4e2d\u6587\u6587\u672c\u3002\u7b2c\u4e8c\u53e5\u3002\n",
        "sub/nested.txt": "Nested file text.\n",
    }
    for name, text in texts.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(text.encode("utf-8"))
    (folder / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (folder / "nul.txt").write_bytes(b"abc\x00def")
    (folder / "random.md").write_bytes(bytes(range(256)) * 4)
    os.symlink(outside / "secret.txt", folder / "secret-link.txt")
    os.symlink(outside, folder / "outside-dir")
    os.symlink(folder / "missing.txt", folder / "dangling.txt")
    os.symlink("loop.txt", folder / "loop.txt")
    os.symlink("mixed.txt", folder / "inside-link.txt")
    os.mkfifo(folder / "pipe.txt")
    with open(os.path.join(os.fsencode(folder), b"bad-\xff-name.txt"), "wb") as fh:
        fh.write(b"valid text in a file whose name is not UTF-8\n")
    (folder / ".hidden.txt").write_text("hidden files are ignored\n")
    return {
        "latin1.txt": "not valid UTF-8",
        "nul.txt": "looks binary",
        "random.md": "looks binary",
        "secret-link.txt": "outside the corpus folder",
        "outside-dir/": "symbolic links to folders are not followed",
        "dangling.txt": "which does not exist",
        "loop.txt": "loops",
        "pipe.txt": "not a regular file",
        "bad-\\xff-name.txt": "name is not valid UTF-8",
        "empty.txt": "the file is empty",
        "blank.md": "the file holds no text",
    }


def test_a_hostile_corpus_builds_with_the_real_model(tmp_path, embedder):
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    skipped = _hostile_corpus(settings.corpus_dir, tmp_path / "outside")
    warnings: list[str] = []
    summary = build_index(settings, embedder=embedder, on_warning=warnings.append)
    for name, reason in skipped.items():
        assert any(w.startswith(f"skipped {name}") and reason in w for w in warnings), (name, warnings)
    assert len(warnings) == len(skipped), warnings
    indexed = check_index_against_files(settings)
    assert "inside-link.txt" in indexed and "sub/nested.txt" in indexed and "empty.txt" not in indexed
    assert not any("secret" in source or "outside" in source for source in indexed)
    assert all("OUTSIDE-SECRET-MARKER" not in c.text for c in load_index(settings.index_dir).chunks)
    assert summary.chunks > 0
    # Nothing changed, nothing to do: the skipped files do not make the index look stale.
    assert build_index(settings, embedder=embedder, on_warning=lambda _: None).rebuilt is False


def test_symlinks_leading_outside_the_corpus_are_not_followed(tmp_path):
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    (corpus / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n")
    (corpus / "real.txt").write_text("real\n")
    os.symlink(outside / "secret.txt", corpus / "absolute.txt")
    os.symlink("../../outside/secret.txt", corpus / "sub" / "relative.txt")
    os.symlink("/etc/passwd", corpus / "passwd.txt")
    os.symlink(outside, corpus / "folder")
    os.symlink("..", corpus / "sub" / "up")  # a folder loop, if it were followed
    os.symlink("../real.txt", corpus / "sub" / "inside.txt")
    files, warnings = scan_corpus(corpus)
    assert {f.source: f.path for f in files} == {
        "real.txt": corpus / "real.txt",
        "sub/inside.txt": (corpus / "real.txt").resolve(),  # read through its target, inside the corpus
    }
    assert sorted(warnings) == sorted(
        [
            f"skipped absolute.txt: it is a symbolic link to '{outside.resolve() / 'secret.txt'}', outside the "
            "corpus folder; copy the file into the corpus instead",
            "skipped folder/: symbolic links to folders are not followed; copy the files into the corpus instead",
            "skipped passwd.txt: it is a symbolic link to '/etc/passwd', outside the corpus folder; copy the file "
            "into the corpus instead",
            f"skipped sub/relative.txt: it is a symbolic link to '{outside.resolve() / 'secret.txt'}', outside "
            "the corpus folder; copy the file into the corpus instead",
            "skipped sub/up/: symbolic links to folders are not followed; copy the files into the corpus instead",
        ]
    )


def test_a_file_that_cannot_be_read_is_skipped_by_name(tmp_path, monkeypatch):
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "good.txt").write_text("Readable text.\n")
    (settings.corpus_dir / "bad.txt").write_text("Unlucky sector.\n")
    real = ingest._read_limited

    def failing(path: Path) -> bytes:
        if path.name == "bad.txt":
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(path)

    monkeypatch.setattr(ingest, "_read_limited", failing)
    warnings: list[str] = []
    build_index(settings, embedder=FakeEmbedder(), on_warning=warnings.append)
    assert warnings == ["skipped bad.txt: cannot read it (Input/output error)"]
    check_index_against_files(settings, {"good.txt"})


def test_a_file_swapped_for_a_link_after_the_scan_is_not_followed(tmp_path):
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    corpus.mkdir()
    outside.mkdir()
    (corpus / "a.txt").write_text("inside\n")
    (outside / "secret.txt").write_text("secret\n")
    files, _ = scan_corpus(corpus)
    (corpus / "a.txt").unlink()
    os.symlink(outside / "secret.txt", corpus / "a.txt")
    with pytest.raises(Unreadable, match="skipped a.txt: cannot read it .*symbolic link"):
        ingest.read_document(files[0])


def test_file_names_are_shown_without_control_characters(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil\x1b[2Jname.txt").write_bytes(b"\xff")
    (corpus / "\u202etxt.exe.txt").write_bytes(b"\x00")
    files, _ = scan_corpus(corpus)
    messages = []
    for f in files:
        with pytest.raises(Unreadable) as err:
            ingest.read_document(f)
        messages.append(str(err.value))
    assert not any(ch in m for m in messages for ch in "\x1b\u202e")
    assert any("evil\\x1b[2Jname.txt" in m for m in messages) and any("\\u202etxt.exe.txt" in m for m in messages)


def test_a_file_growing_past_the_limit_after_the_scan_is_refused(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "log.txt").write_text("small\n")
    files, _ = scan_corpus(corpus)
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 10)
    (corpus / "log.txt").write_text("now much longer than ten bytes\n")
    with pytest.raises(Unreadable, match="over the 10-byte limit"):
        ingest.read_document(files[0])


def test_a_corpus_of_only_unusable_names_says_why(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with open(os.path.join(os.fsencode(corpus), b"bad-\xff.txt"), "wb") as fh:
        fh.write(b"text\n")
    warnings: list[str] = []
    with pytest.raises(Exception, match="has no .txt, .md, .pdf, .html, .docx or image files"):
        build_index(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"), on_warning=warnings.append)
    assert warnings == ["skipped bad-\\xff.txt: its name is not valid UTF-8; rename the file"]
    assert not (tmp_path / "index").exists()
