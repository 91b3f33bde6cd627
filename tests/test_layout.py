"""The package's shape: imports run one way through the pipeline's stages, with no cycles.

Every import of every module under ``src/parisqa`` is read with :mod:`ast` (module level, inside
functions and under ``TYPE_CHECKING`` alike), resolved to the parisqa module it names, and checked:

- no import from a lower layer to a higher one (``LAYERS``: records/config/errors/_version < corpus
  < embed < index < answer < api < evaluation < web/httpapi/cli);
- no cycle between modules, within a package or across packages;
- no private name (``_x``) imported from another module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "parisqa"

# The first part of a module's name below ``parisqa`` decides its layer. A module may import its own
# layer or lower ones, never a higher one. The package root (``parisqa/__init__``, the public API)
# sits above everything: no module imports it.
LAYERS = {
    "_version": 0,
    "records": 0,
    "config": 0,
    "errors": 0,
    "catalog": 0,  # collections and keys read from flags and parisqa.toml: settings, like config
    "corpus": 1,
    "embed": 2,
    "index": 3,
    "answer": 4,
    "api": 5,
    "evaluation": 6,
    "web": 7,
    "httpapi": 7,
    "cli": 7,
    "__main__": 7,
}
ROOT_LAYER = 8


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def exists(module: str) -> bool:
    base = SRC.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file() or base.is_dir()


def is_module(module: str) -> bool:
    base = SRC.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or base.is_dir()


def imports(path: Path) -> list[tuple[str, str, int]]:
    """``(target module, imported name or "", line)`` for every parisqa import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path)
    package = name if is_package(path) else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "parisqa" or alias.name.startswith("parisqa."):
                    found.append((alias.name, "", node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if not (source == "parisqa" or source.startswith("parisqa.")):
                continue
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                if is_module(sub):  # "from . import vectors": the submodule itself
                    found.append((sub, "", node.lineno))
                else:
                    found.append((source, alias.name, node.lineno))
    return found


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return ROOT_LAYER
    return LAYERS[parts[1]]


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def graph() -> dict[str, set[str]]:
    modules = all_modules()
    return {name: {target for target, _, _ in imports(path)} for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in edges.get(v, ()):
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_every_module_has_a_layer():
    unknown = sorted(m for m in all_modules() if "." in m and m.split(".")[1] not in LAYERS)
    assert not unknown, f"add these to LAYERS in tests/test_layout.py: {unknown}"


def test_every_import_names_an_existing_module():
    missing = [
        f"{name}:{line} imports {target}"
        for name, path in all_modules().items()
        for target, _, line in imports(path)
        if not exists(target)
    ]
    assert not missing, "\n".join(missing)


def test_imports_point_down_the_pipeline():
    upward = []
    for name, path in all_modules().items():
        for target, _, line in imports(path):
            if layer(target) > layer(name):
                upward.append(
                    f"{path.relative_to(SRC)}:{line}: {name} (layer {layer(name)}) imports {target} "
                    f"(layer {layer(target)})"
                )
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def test_no_import_cycles():
    found = cycles(graph())
    assert not found, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def module_aliases(path: Path) -> set[str]:
    """Names bound to a parisqa module in ``path`` (``from . import onnx as onnxmodel``, ``import parisqa.x as y``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("parisqa")):
            for alias in node.names:
                found.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("parisqa.") and alias.asname:
                    found.add(alias.asname)
    return found


def test_no_private_names_imported_across_modules():
    found = []
    for path in all_modules().values():
        for target, imported, line in imports(path):
            if private(imported):
                found.append(f"{path.relative_to(SRC)}:{line}: {imported} from {target}")
        aliases = module_aliases(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and private(node.attr)
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert not found, "private names of other modules used:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [["a", "b", "c"]]),
        ({"a": {"a"}}, [["a"]]),
    ],
)
def test_the_cycle_finder_finds_cycles(edges, expected):
    assert cycles(edges) == expected


def test_the_reader_sees_function_level_and_relative_imports(tmp_path, monkeypatch):
    """A function-level relative import is seen and resolved like a module-level one."""
    src = tmp_path / "src"
    pkg = src / "parisqa" / "corpus"
    pkg.mkdir(parents=True)
    (src / "parisqa" / "__init__.py").write_text("")
    (src / "parisqa" / "api.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "text.py").write_text("def f():\n    from ..api import ask\n    from . import other\n")
    (pkg / "other.py").write_text("")
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "SRC", src)
    found = imports(pkg / "text.py")
    assert ("parisqa.api", "ask", 2) in found
    assert ("parisqa.corpus.other", "", 3) in found
    assert layer("parisqa.corpus.text") < layer("parisqa.api")
