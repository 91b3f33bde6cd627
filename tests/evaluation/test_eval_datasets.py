"""Evaluation test sets: the corpus FAQ, JSONL question files, SQuAD files, the held-out corpus."""

import json
import shutil
from pathlib import Path

import pytest

from conftest import SEED_FAQ
from parisqa.corpus.structure import parse
from parisqa.errors import DatasetError
from parisqa.evaluation.corpora import without_faq, write_heldout_corpus
from parisqa.evaluation.datasets import corpus_faq, faq_set, load_questions, load_squad

ROOT = Path(__file__).resolve().parents[2]
PARAPHRASES = ROOT / "eval" / "seed-paraphrases.jsonl"


def test_faq_set_is_the_eight_seed_pairs_with_ids(corpus):
    test_set = faq_set(corpus)
    assert [(i.question, i.answers) for i in test_set.items] == [(q, (a,)) for q, a in SEED_FAQ]
    assert [i.id for i in test_set.items] == [f"paris-ai-city.txt#faq-{n}" for n in range(1, 9)]
    assert all(i.docs == ("paris-ai-city.txt",) and i.answerable for i in test_set.items)


def test_corpus_without_faq_suggests_questions(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.md").write_text("# Notes\n\nParis has many startups.\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"no FAQ found in corpus folder .*parisqa eval --questions FILE"):
        faq_set(tmp_path / "c")


def test_faq_pairs_found_in_markdown_and_nested_files(tmp_path):
    (tmp_path / "c" / "sub").mkdir(parents=True)
    (tmp_path / "c" / "sub" / "guide.md").write_text(
        "# Guide\n\n## FAQ\n\n### How do I install it?\n\nRun the installer.\n", encoding="utf-8"
    )
    [faq] = corpus_faq(tmp_path / "c")
    assert faq.id == "sub/guide.md#faq-1" and faq.pair.answer == "Run the installer."


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_reports_malformed_lines_by_number_and_loads_the_rest(corpus, tmp_path):
    path = _write(
        tmp_path / "q.jsonl",
        [
            '{"question": "Who funds AI?", "answers": ["the government"], "evidence": ["1.5 billion"]}',
            "{not json",
            "",
            '{"question": "Where is Lyon?", "answerable": false}',
            '{"answers": ["x"]}',
            '{"question": "Which startups?", "faq": "paris-ai-city.txt#faq-4"}',
            '{"question": "Differ?", "faq": "how does Paris’ approach to AI differ from Silicon Valley"}',
            '{"question": "Where?", "faq": "paris-ai-city.txt#faq-99"}',
            '{"question": "Any gold?"}',
            '{"question": "Doc level", "doc": "paris-ai-city.txt"}',
            '{"question": "Bad doc", "doc": "missing.txt"}',
            '["a list"]',
            '{"question": "Typo", "answer": ["x"]}',
            '{"question": "Bad flag", "answers": ["x"], "answerable": "yes"}',
        ],
    )
    test_set = load_questions(path, corpus)
    assert [i.question for i in test_set.items] == [
        "Who funds AI?",
        "Where is Lyon?",
        "Which startups?",
        "Differ?",
        "Doc level",
    ]
    first, lyon, startups, differ, doc = test_set.items
    assert first.answers == ("the government",) and first.evidence == ("1.5 billion",) and first.id == "line-1"
    assert lyon.answerable is False and lyon.gold_texts == ()
    assert startups.answers == (SEED_FAQ[3][1],) and startups.docs == ("paris-ai-city.txt",)
    assert differ.answers == (SEED_FAQ[1][1],)  # found by its question text, normalised
    assert doc.docs == ("paris-ai-city.txt",) and doc.answers == ()
    bad = {int(w.split("line ")[1].split(":")[0]): w for w in test_set.warnings}
    assert sorted(bad) == [2, 5, 8, 9, 11, 12, 13, 14]
    assert "not valid JSON" in bad[2]
    assert '"question" must be a non-empty string' in bad[5]
    assert "matches no FAQ pair" in bad[8] and "paris-ai-city.txt#faq-1" in bad[8]
    assert "no gold" in bad[9]
    assert "'missing.txt' is not a file of the corpus" in bad[11]
    assert "expected a JSON object" in bad[12]
    assert "unknown key(s) answer" in bad[13]
    assert '"answerable" must be true or false' in bad[14]


def test_jsonl_with_no_usable_line_is_an_error(tmp_path, corpus):
    with pytest.raises(DatasetError, match=r"holds no usable question \(1 malformed line"):
        load_questions(_write(tmp_path / "q.jsonl", ["{oops"]), corpus)
    with pytest.raises(DatasetError, match="holds no usable question; write one JSON object per line"):
        load_questions(_write(tmp_path / "e.jsonl", [""]), corpus)
    with pytest.raises(DatasetError, match="questions file '.*nope.jsonl' does not exist"):
        load_questions(tmp_path / "nope.jsonl", corpus)
    (tmp_path / "latin1.jsonl").write_bytes(b'{"question": "caf\xe9?"}\n')
    with pytest.raises(DatasetError, match="is not UTF-8 text"):
        load_questions(tmp_path / "latin1.jsonl", corpus)


def test_shipped_paraphrase_set_loads_cleanly(corpus):
    test_set = load_questions(PARAPHRASES, corpus)
    assert test_set.warnings == ()
    faq_ids = [i.docs for i in test_set.items if i.answerable]
    assert len(faq_ids) == 16 and sum(not i.answerable for i in test_set.items) == 4
    text = (corpus / "paris-ai-city.txt").read_text(encoding="utf-8")
    body, _ = without_faq(text)
    for item in test_set.items:
        assert item.question not in {q for q, _ in SEED_FAQ}  # paraphrased, not copied
        for evidence in item.evidence:
            assert evidence in body  # the body itself holds the evidence, so held-out mode can judge it
    # each FAQ question has two paraphrases
    answers = [i.answers[0] for i in test_set.items if i.answerable]
    assert sorted(answers) == sorted(a for _, a in SEED_FAQ for _ in range(2))


SQUAD_V1 = {
    "version": "1.1",
    "data": [
        {
            "title": "Eiffel_Tower",
            "paragraphs": [
                {
                    "context": "The Eiffel Tower is a wrought-iron lattice tower in Paris. It was completed in 1889.",
                    "qas": [
                        {
                            "id": "q1",
                            "question": "When was the Eiffel Tower completed?",
                            "answers": [{"text": "1889", "answer_start": 79}, {"text": "in 1889", "answer_start": 76}],
                        }
                    ],
                }
            ],
        },
        {
            "title": "Louvre",
            "paragraphs": [
                {
                    "context": "The Louvre is the world's most-visited museum. It houses the Mona Lisa.",
                    "qas": [
                        {
                            "id": "q2",
                            "question": "Which painting does the Louvre house?",
                            "answers": [{"text": "the Mona Lisa", "answer_start": 57}],
                        }
                    ],
                }
            ],
        },
    ],
}


def test_squad_v1_one_document_per_article(tmp_path):
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(SQUAD_V1), encoding="utf-8")
    test_set = load_squad(path)
    assert [source for source, _ in test_set.documents] == ["Eiffel_Tower.txt", "Louvre.txt"]
    assert test_set.documents[0][1].startswith("Eiffel Tower\n\nThe Eiffel Tower is a wrought-iron")
    q1, q2 = test_set.items
    assert (q1.id, q1.answers, q1.docs, q1.answerable) == ("q1", ("1889", "in 1889"), ("Eiffel_Tower.txt",), True)
    assert q2.answers == ("the Mona Lisa",) and q2.docs == ("Louvre.txt",)


def test_squad_v2_unanswerable_questions(tmp_path):
    data = json.loads(json.dumps(SQUAD_V1))
    data["version"] = "v2.0"
    data["data"][1]["paragraphs"][0]["qas"].append(
        {
            "id": "q3",
            "question": "Who designed the Louvre's roof garden?",
            "answers": [],
            "is_impossible": True,
            "plausible_answers": [{"text": "I. M. Pei", "answer_start": 0}],
        }
    )
    data["data"][1]["paragraphs"][0]["qas"].append({"id": "q4", "question": "Broken?", "answers": []})
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    test_set = load_squad(path)
    q3 = test_set.items[-1]
    assert (q3.id, q3.answerable, q3.answers, q3.docs) == ("q3", False, (), ("Louvre.txt",))
    assert len(test_set.items) == 3
    assert (
        test_set.warnings
        and "q4" in test_set.warnings[0]
        and "no answers and not is_impossible" in test_set.warnings[0]
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", 'the top level should be an object with a "data" list'),
        ('{"data": [{"title": "x"}]}', 'data\\[0\\] should be an object with a "paragraphs" list'),
        ('{"data": [{"paragraphs": [{"context": 3, "qas": []}]}]}', r"data\[0\].paragraphs\[0\] should be"),
        (
            '{"data": [{"paragraphs": [{"context": "c", "qas": [{"question": "q", "answers": "a"}]}]}]}',
            r"data\[0\].paragraphs\[0\].qas\[0\].answers should be a list",
        ),
        ('{"data": []}', "holds no question; the test set is empty"),
        ("{not json", "is not valid JSON"),
    ],
)
def test_squad_wrong_shape_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError, match=message):
        load_squad(path)


def test_without_faq_removes_every_pair_and_keeps_the_body(seed_text):
    text, removed = without_faq(seed_text)
    assert removed == 8
    assert parse(text).faq_pairs(text) == []
    for question, answer in SEED_FAQ:
        assert question not in text and answer not in text
    # everything else is still there, in order
    assert text.startswith(seed_text.split("\nFAQ\n")[0])
    assert text.endswith(seed_text[seed_text.index("\n\n\nEstimated data shows") :])
    assert "\nFAQ\n" in text


def test_without_faq_takes_prefixes_and_markdown_question_headings():
    text = "Intro line.\n\nQ: Can I add files?\nA: Yes, drop them in.\n\n## Questions\n\n### Is it offline?\n\nYes.\n"
    left, removed = without_faq(text, markdown=True)
    assert removed == 2
    assert "Can I add files" not in left and "drop them in" not in left and "offline" not in left
    assert left.startswith("Intro line.\n") and "## Questions" in left


def test_heldout_corpus_copies_files_without_faq(corpus, tmp_path):
    (corpus / "sub").mkdir()
    (corpus / "sub" / "other.txt").write_text("Other Notes\nLyon has a robotics cluster.\n", encoding="utf-8")
    (corpus / "binary.txt").write_bytes(b"\x00\x01")
    before = {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file()}
    dest = tmp_path / "heldout"
    assert write_heldout_corpus(corpus, dest) == 8
    assert (dest / "sub" / "other.txt").read_bytes() == (corpus / "sub" / "other.txt").read_bytes()
    assert not (dest / "binary.txt").exists()
    assert "Why is ethical AI important?" not in (dest / "paris-ai-city.txt").read_text(encoding="utf-8")
    assert {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file()} == before
    shutil.rmtree(dest)
