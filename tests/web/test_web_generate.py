"""The chat's "Write the answer with the LLM" toggle: shown only with an LLM configured; a failing
server gives the quoted answer and a notice, never an error turn."""

import socket

from conftest import free_port


def _app(seed_index, embedder, **llm):
    from parisqa.api import Engine
    from parisqa.config import Settings
    from parisqa.web import build_app

    settings = Settings(corpus_dir=seed_index / "corpus", index_dir=seed_index / "index", **llm)
    app = build_app(settings, engine=Engine(settings, embedder=embedder), extra_tabs=())
    assert app.parisqa.warmup.done.wait(300)
    return app


def _toggle(app):
    return next(b for b in app.blocks.values() if getattr(b, "elem_id", None) == "pq-generate")


def _chat_turn(app):
    return next(f.fn for f in app.fns.values() if getattr(f.fn, "__name__", "") == "chat_turn")


def test_toggle_is_hidden_without_an_llm(seed_index, embedder):
    app = _app(seed_index, embedder)
    assert app.parisqa.llm is None and _toggle(app).visible is False


def test_unreachable_llm_gives_the_quoted_answer_with_a_notice(seed_index, embedder):
    app = _app(seed_index, embedder, llm_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout=5)
    assert _toggle(app).visible is True
    *_, (html, _, history, _) = list(_chat_turn(app)("Why is ethical AI important?", [], True))
    answer = history[-1]["answer"]
    assert answer["mode"] == "extractive" and "cannot reach the LLM server" in answer["warnings"][0]
    assert 'class="pq-notice"' in html and "cannot reach the LLM server" in html
    *_, (_, _, off, _) = list(_chat_turn(app)("Why is ethical AI important?", [], False))
    assert "mode" not in off[-1]["answer"]  # toggle off: the quoted answer as before


def test_silent_llm_costs_the_timeout(seed_index, embedder):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        app = _app(seed_index, embedder, llm_url=f"http://127.0.0.1:{silent.getsockname()[1]}", llm_timeout=1.5)
        *_, (html, _, history, _) = list(_chat_turn(app)("Why is ethical AI important?", [], True))
    assert "did not answer within 1.5 s" in html and history[-1]["answer"]["citations"]
