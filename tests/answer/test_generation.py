"""Generated answers: reply parsing, the sentence checker (real MiniLM), a real llama.cpp server with
SmolLM2, and the fallback when the server is unreachable or silent."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from conftest import free_port
from llm_server import Uvicorn
from parisqa.answer.generate import LLMConfig, Passage, ReplySentence, build_messages, split_reply

QUESTION = "How much did the French government invest in AI?"
EVIDENCE = "The French government announced a €1.5 billion investment over five years"


def test_split_reply_keeps_markers_with_their_sentence():
    reply = "Paris invests €1.5 billion. [1] INRIA does research [2][3].\n\nIt is in Paris [2, 4]. No marker here"
    sentences = split_reply(reply)
    assert [s.citations for s in sentences] == [(1,), (2, 3), (2, 4), ()]
    assert sentences[0].text == "Paris invests €1.5 billion. [1]"
    assert sentences[0].claim == "Paris invests €1.5 billion."
    assert split_reply("") == [] and split_reply("[1]") == []


def test_config_endpoint_and_refusals():
    from parisqa.errors import ConfigError

    assert LLMConfig("http://127.0.0.1:11434/v1").endpoint == "http://127.0.0.1:11434/v1/chat/completions"
    assert LLMConfig("http://h:8080/").endpoint == "http://h:8080/v1/chat/completions"
    assert LLMConfig("https://h/v1/chat/completions").endpoint == "https://h/v1/chat/completions"
    with pytest.raises(ConfigError, match="ftp://x"):
        LLMConfig("ftp://x")
    with pytest.raises(ConfigError, match="timeout"):
        LLMConfig("http://x", timeout=0)


def test_prompt_numbers_the_passages():
    passages = [Passage(1, "a.txt", 0, 5, "Alpha"), Passage(2, "b.txt", 0, 4, "Beta", heading="Intro")]
    messages = build_messages("What?", passages)
    assert "[1] Alpha" in messages[1]["content"] and "[2] Beta" in messages[1]["content"]
    assert "Intro" not in messages[1]["content"]  # a small model copies a "(file > heading)" line as text
    assert messages[1]["content"].endswith("Question: What?") and "[n]" not in messages[0]["content"]


@pytest.fixture(scope="module")
def invest(seed_engine):
    """The seed engine's answer and passages for the investment question, and the evidence's number."""
    from parisqa.answer.generate import passages_from
    from parisqa.answer.grounded import MAX_PASSAGES

    answer = seed_engine.ask(QUESTION)
    passages = passages_from(answer.citations[:MAX_PASSAGES])
    n = next(p.n for p in passages if EVIDENCE in p.text)
    return answer, passages, n


def _check(embedder, passages, text):
    from parisqa.answer.verify import Checker

    return Checker(embedder).check(split_reply(text), passages)[0]


def test_checker_keeps_a_paraphrase_and_points_at_its_sentence(invest, embedder, seed_text):
    _, passages, n = invest
    verdict = _check(embedder, passages, f"France committed €1.5 billion over five years to AI research. [{n}]")
    assert verdict.supported, verdict.reason
    assert verdict.support.n == n
    assert "€1.5 billion investment over five years" in seed_text[verdict.support.start : verdict.support.end]
    passage = next(p for p in passages if p.n == n)
    assert passage.start <= verdict.support.start < verdict.support.end <= passage.end


@pytest.mark.parametrize(
    ("kind", "sentence", "reason"),
    [
        ("number", "France committed €2.5 billion over five years to AI research. [{n}]", "'2.5' not found"),
        ("word number", "France committed €1.5 billion over seven years to AI research. [{n}]", "'7' not found"),
        ("magnitude", "France committed €1.5 million over five years to AI research. [{n}]", "'million' not found"),
        ("name", "The German government announced a €1.5 billion investment in AI. [{n}]", "'german' not found"),
        ("nonexistent", "France committed €1.5 billion over five years to AI research. [9]", "cites [9]"),
        ("invented", "The investment is repaid through a special tax on household robots. [{n}]", "no sentence"),
        (
            "negated",
            "The French government did not announce a €1.5 billion investment over five years for AI. [{n}]",
            "",  # caught by the negation check or, when the negation moves it far enough, by meaning
        ),
    ],
)
def test_checker_catches_planted_errors(invest, embedder, kind, sentence, reason):
    _, passages, n = invest
    verdict = _check(embedder, passages, sentence.format(n=n))
    assert not verdict.supported and reason in verdict.reason, (kind, verdict)


def test_checker_catches_a_wrong_citation_number(invest, embedder):
    _, passages, n = invest
    other = next(p.n for p in passages if p.n != n and "1.5" not in p.text)
    verdict = _check(embedder, passages, f"France committed €1.5 billion over five years to AI research. [{other}]")
    assert not verdict.supported


def test_checker_credits_an_unmarked_sentence(invest, embedder):
    _, passages, n = invest
    verdict = _check(embedder, passages, "France committed €1.5 billion over five years to AI research.")
    assert verdict.supported and verdict.inferred and verdict.citations == (n,)


def test_no_supported_sentence_falls_back(invest, embedder):
    from parisqa.answer.grounded import _verdict
    from parisqa.answer.verify import Checker

    answer, passages, _ = invest
    checked = Checker(embedder).check(split_reply("Paris is on the Moon. [1]"), passages)
    result = _verdict(answer, checked, []).to_dict()
    assert result["mode"] == "extractive" and result["answer"] == answer.answer
    assert result["sentences"][0]["supported"] is False
    assert any("showing the quoted answer" in w for w in result["warnings"])


def _assert_exact(result: dict, source: str) -> None:
    for s in result.get("sentences", []):
        if s["support"] is not None:
            cited = next(c for c in result["citations"] if c["n"] == s["support"]["n"])
            assert cited["start"] <= s["support"]["start"] < s["support"]["end"] <= cited["end"]
            assert source[s["support"]["start"] : s["support"]["end"]].strip()
    if result["mode"] == "generated":
        kept = [s for s in result["sentences"] if s["supported"]]
        assert kept and all(s["text"] in result["answer"] for s in kept)
        assert all(s["text"] not in result["answer"] for s in result["sentences"] if not s["supported"])


@pytest.mark.slow
def test_generation_with_a_real_local_llm(llama_server, invest, embedder, seed_text):
    """SmolLM2 writes; whatever it writes, only verified sentences come back, or the quoted answer."""
    from parisqa.answer.grounded import grounded_answer
    from parisqa.answer.verify import Checker

    answer, _, _ = invest
    # Generous timeout: on a loaded 2-core machine a 135M model still takes minutes per answer.
    config = LLMConfig(llama_server, model="smollm2", timeout=900, max_tokens=96)
    result = grounded_answer(answer, config, Checker(embedder), max_passages=2).to_dict()
    assert not any("generation failed" in w for w in result["warnings"]), result["warnings"]
    assert result["sentences"], "the model's reply was not read"
    assert result["mode"] in ("generated", "extractive")
    _assert_exact(result, seed_text)


@pytest.mark.slow
def test_streamed_generation_through_the_openai_api(llama_server, seed_engine, seed_text):
    """The /v1 stream with a real LLM behind it: the streamed text is the verified answer."""
    from openai import OpenAI

    from parisqa.httpapi import Service, create_app

    llm = LLMConfig(llama_server, model="smollm2", timeout=900, max_tokens=96)
    app = create_app(Service(engine=lambda: seed_engine, settings=seed_engine.settings, llm=llm))
    with Uvicorn(app, free_port()) as server:
        client = OpenAI(base_url=server.url + "/v1", api_key="x", max_retries=0, timeout=1800)
        chunks = list(
            client.chat.completions.create(
                model="parisqa", messages=[{"role": "user", "content": QUESTION}], stream=True
            )
        )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    result = chunks[-1].model_extra["parisqa"]
    assert text == result["answer"]
    assert result["mode"] in ("generated", "extractive") and "sentences" in result
    assert not any("generation failed" in w for w in result["warnings"]), result["warnings"]
    _assert_exact(result, seed_text)


def test_unreachable_server_falls_back_fast(invest, embedder):
    from parisqa.answer.grounded import grounded_answer, stream_grounded
    from parisqa.answer.verify import Checker

    answer = invest[0]
    config = LLMConfig(f"http://127.0.0.1:{free_port()}", timeout=5)
    started = time.monotonic()
    result = grounded_answer(answer, config, Checker(embedder))
    assert time.monotonic() - started < 5
    assert result.mode == "extractive" and result.text == answer.answer
    assert len(result.warnings) == 1 and "cannot reach the LLM server" in result.warnings[0]
    streamed = list(stream_grounded(answer, config, Checker(embedder)))
    assert streamed[0] == answer.answer and streamed[-1].mode == "extractive"


def test_silent_server_times_out(invest, embedder):
    """A server that accepts the connection and never answers costs the timeout, not a hang."""
    from parisqa.answer.grounded import grounded_answer
    from parisqa.answer.verify import Checker

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        config = LLMConfig(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=1.5)
        started = time.monotonic()
        result = grounded_answer(invest[0], config, Checker(embedder))
        elapsed = time.monotonic() - started
    assert 1.0 < elapsed < 10
    assert result.mode == "extractive" and "did not answer within 1.5 s" in result.warnings[0]


def test_failing_server_falls_back_through_the_api(seed_engine):
    """An LLM endpoint answering 500 gives the quoted answer and a warning in /api/ask and /v1."""
    from fastapi import FastAPI

    from parisqa.httpapi import Service, create_app

    broken = FastAPI()

    @broken.post("/v1/chat/completions")
    def fail() -> None:
        from fastapi import HTTPException

        raise HTTPException(status_code=500, detail="model not loaded")

    with Uvicorn(broken, free_port()) as llm:
        service = Service(engine=lambda: seed_engine, settings=seed_engine.settings, llm=LLMConfig(llm.url, timeout=5))
        with Uvicorn(create_app(service), free_port()) as server:
            data = httpx.post(server.url + "/api/ask", json={"question": QUESTION}, timeout=60).json()
            off = httpx.post(server.url + "/api/ask", json={"question": QUESTION, "generate": False}, timeout=60)
    assert data["mode"] == "extractive" and data["answer"] == seed_engine.ask(QUESTION).answer
    assert data["warnings"] == [
        f"generation failed, showing the quoted answer: the LLM server at {llm.url}/v1/chat/completions "
        'refused the request (HTTP 500: {"detail":"model not loaded"})'
    ]
    assert "mode" not in off.json()
    assert isinstance(ReplySentence("a [1]", (1,)).claim, str)


def test_the_model_reads_only_the_quoted_sentences_and_is_asked_to_copy_them(seed_engine):
    """Fewer, shorter passages for the model: the quoted ones, cut to their highlighted sentences."""
    from parisqa.answer.generate import SYSTEM_PROMPT
    from parisqa.answer.grounded import MAX_PASSAGES, _passages, _prompt_passages

    answer = seed_engine.ask("How much did the French government invest in AI?")
    passages = _passages(answer, MAX_PASSAGES)
    shown = _prompt_passages(answer, passages)
    quoted = [c for c in answer.citations[:MAX_PASSAGES] if c.highlights]
    assert quoted and len(shown) == len(quoted) < len(passages)
    source = (seed_engine.settings.corpus_dir / answer.citations[0].source).read_text(encoding="utf-8")
    for p, c in zip(shown, quoted, strict=True):
        assert p.n == c.n  # the numbers the reply cites are the citations' numbers
        assert p.text == " ".join(" ".join(source[h.start : h.end].split()) for h in c.highlights)
        assert len(p.text) < len(c.text)
    assert "word for word" in SYSTEM_PROMPT


@pytest.mark.slow
def test_the_small_model_gets_a_verified_sentence_for_most_questions(llama_server, seed_engine, embedder):
    """SmolLM2-135M, asked to reuse the passages' sentences: at least half the answers keep one."""
    from parisqa.answer.grounded import grounded_answer
    from parisqa.answer.verify import Checker

    questions = [
        "How much did the French government invest in AI?",
        "Which startup builds voice technology?",
        "What is Viva Tech?",
        "Why is ethical AI important?",
    ]
    config = LLMConfig(llama_server, model="smollm2", timeout=900, max_tokens=96)
    checker = Checker(embedder)
    results = [grounded_answer(seed_engine.ask(q), config, checker) for q in questions]
    assert not any("generation failed" in w for r in results for w in r.warnings)
    assert sum(r.mode == "generated" for r in results) >= len(questions) / 2, [r.text for r in results]
