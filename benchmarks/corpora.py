"""Benchmark corpora: real English text already on this machine, written out as .txt files.

Sources, in this order (the order is fixed so every run sees the same corpus):

1. ``/usr/share/common-licenses`` (the licences Debian ships);
2. the documentation strings of Python's standard library (``/usr/lib/python3.*``, every module's,
   class's and function's docstring, read with :mod:`ast`, one file per module, headed by the
   qualified names) — the text ``pydoc`` shows;
3. the English manual pages (``/usr/share/man/man[1-8]``), with their troff markup stripped (section
   headings kept as heading lines);
4. Vim's help files (``/usr/share/vim/vim*/doc``).

A corpus of N chunks takes whole files, in that order, until the parisqa chunker has made at least N
chunks from them.
"""

from __future__ import annotations

import ast
import glob
import gzip
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

SOURCES = {
    "licenses": "/usr/share/common-licenses",
    "python-docstrings": "/usr/lib/python3.*/*.py",
    "man-pages": "/usr/share/man/man[1-8]/*",
    "vim-help": "/usr/share/vim/vim*/doc/*.txt",
}
_ESCAPES = [
    (re.compile(r"\\f(\[[^\]]*\]|\(..|.)"), ""),  # font changes
    (re.compile(r"\\\*(\[[^\]]*\]|\(..|.)"), ""),  # strings
    (re.compile(r"\\s[-+]?\d"), ""),  # size changes
    (re.compile(r"\\\((em|en)"), "-"),
    (re.compile(r"\\\((aq|cq)"), "'"),
    (re.compile(r"\\\((lq|rq|dq)"), '"'),
    (re.compile(r"\\\((bu|co|rg|tm|de|mu|\w\w)"), ""),
    (re.compile(r"\\[-]"), "-"),
    (re.compile(r"\\e"), "\\\\"),
    (re.compile(r"\\[&,/|^ 0~:]"), " "),
    (re.compile(r"\\[cdu%]"), ""),
]
_BREAKS = {"PP", "P", "LP", "TP", "br", "sp", "HP", "RS", "RE", "in", "nf", "fi", "TQ", "EX", "EE"}


def _deroff(source: str) -> str:
    """Readable text from troff ``man`` source: headings on their own lines, paragraphs apart."""
    out: list[str] = []
    for raw in source.splitlines():
        line = raw.rstrip()
        if line.startswith(('.\\"', "'\\\"", '.\\"')):
            continue
        if line.startswith((".", "'")):
            parts = line[1:].split(None, 1)
            if not parts:
                continue
            macro, rest = parts[0], (parts[1] if len(parts) > 1 else "")
            rest = rest.replace('"', "")
            if macro == "TH":
                words = rest.split()
                out.append(f"{words[0].lower()}({words[1]})" if len(words) > 1 else rest)
                out.append("")
            elif macro in ("SH", "SS"):
                out.extend(["", rest.strip().title() if rest.isupper() else rest.strip(), ""])
            elif macro in ("B", "I", "SM", "SB"):
                out.append(rest)
            elif macro in ("BR", "RB", "IR", "RI", "BI", "IB"):
                out.append("".join(rest.split()))
            elif macro == "IP":
                out.extend(["", rest.split()[0] if rest.split() else ""])
            elif macro in _BREAKS:
                out.append("")
            continue
        out.append(line)
    text = "\n".join(out)
    for pattern, repl in _ESCAPES:
        text = pattern.sub(repl, text)
    text = text.replace("\\", "")
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _docstrings(path: Path) -> str:
    """A module's docstrings, each under its qualified name."""
    try:
        tree = ast.parse(path.read_bytes())
    except (SyntaxError, ValueError):
        return ""
    parts: list[str] = [f"Module {path.stem}", ""]
    doc = ast.get_docstring(tree)
    if doc:
        parts += [doc, ""]

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                doc = ast.get_docstring(child)
                if doc and not child.name.startswith("_"):
                    parts.extend([name, "", doc, ""])
                if isinstance(child, ast.ClassDef):
                    walk(child, name + ".")

    walk(tree, f"{path.stem}.")
    return "\n".join(parts) if len(parts) > 2 else ""


def documents() -> Iterator[tuple[str, str, str]]:
    """Every source document as ``(source kind, file name, text)``, in the fixed order."""
    for path in sorted(Path(SOURCES["licenses"]).glob("*")):
        if path.is_file() and not path.is_symlink():
            yield "licenses", f"licenses/{path.name}.txt", path.read_text(encoding="utf-8", errors="replace")
    seen_python = False
    for folder in sorted(glob.glob("/usr/lib/python3.*"), reverse=True):  # newest Python only
        if seen_python or not Path(folder, "os.py").exists():
            continue
        seen_python = True
        for path in sorted(Path(folder).glob("*.py")):
            text = _docstrings(path)
            if text:
                yield "python-docstrings", f"python/{path.stem}.txt", text
    for path in sorted(glob.glob(SOURCES["man-pages"])):
        p = Path(path)
        if p.is_symlink() or not p.is_file():
            continue
        try:
            raw = gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()
        except (OSError, EOFError):
            continue
        source = raw.decode("utf-8", errors="replace")
        if source.lstrip().startswith(".so "):  # an alias page
            continue
        text = _deroff(source)
        if len(text) > 200:
            yield "man-pages", f"man/{p.parent.name}/{p.name.removesuffix('.gz')}.txt", text
    for path in sorted(glob.glob(SOURCES["vim-help"])):
        yield "vim-help", f"vim/{Path(path).name}", Path(path).read_text(encoding="utf-8", errors="replace")


def make_corpus(folder: Path, min_chunks: int, *, chunk_tokens: int = 128) -> dict:
    """Write a corpus of at least ``min_chunks`` chunks into ``folder`` (once; cached by its stamp).

    Returns:
        Its description: chunk count, file count, characters, and files per source kind.
    """
    from parisqa.config import Settings
    from parisqa.corpus.reader import Document
    from parisqa.index.build import chunk_text

    stamp = folder / ".corpus.json"
    if stamp.exists():
        info = json.loads(stamp.read_text())
        if info.get("min_chunks") == min_chunks and info.get("chunk_tokens") == chunk_tokens:
            return info
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    settings = Settings(corpus_dir=folder, index_dir=folder.parent / "unused", chunk_tokens=chunk_tokens)
    chunks = files = chars = 0
    kinds: dict[str, int] = {}
    for kind, name, text in documents():
        doc = Document(source=name, text=text, sha256="", size=len(text), mtime_ns=0)
        made = chunk_text(doc, settings, 256)
        if not made:
            continue
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        chunks += len(made)
        files += 1
        chars += len(text)
        kinds[kind] = kinds.get(kind, 0) + 1
        if chunks >= min_chunks:
            break
    else:
        print(f"warning: only {chunks} chunks of text on this machine (wanted {min_chunks})", file=sys.stderr)
    info = {
        "min_chunks": min_chunks,
        "chunk_tokens": chunk_tokens,
        "chunks": chunks,
        "files": files,
        "chars": chars,
        "sources": kinds,
    }
    stamp.write_text(json.dumps(info))
    return info
