"""The committed development collection is sound: its evidence is an exact slice of its documents."""

import importlib.util
from pathlib import Path

COLLECTIONS = Path(__file__).resolve().parents[2] / "eval" / "collections"


def _checker():
    spec = importlib.util.spec_from_file_location("devsets_check", COLLECTIONS / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_beekeeping_collection_is_sound():
    assert _checker().check(COLLECTIONS / "beekeeping") == []


def test_checker_reports_evidence_missing_from_its_document(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("Title\n\nBees make honey.\n", encoding="utf-8")
    (tmp_path / "questions.jsonl").write_text(
        '{"id": "x-a01", "question": "What do bees make?", "evidence": ["Bees make wax."], "doc": "a.txt"}\n',
        encoding="utf-8",
    )
    problems = _checker().check(tmp_path)
    assert any("evidence not in a.txt" in p for p in problems)
