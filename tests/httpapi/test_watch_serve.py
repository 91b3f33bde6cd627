"""``parisqa serve --watch`` on a real server over a real folder: files written, deleted and renamed in
the corpus folder are answered from (or stop being cited) without a rebuild being asked for, a burst
of writes coalesces into a few rebuilds, and answers never fail while the index is swapped.
"""

from __future__ import annotations

import os
import threading
import time

import httpx
import pytest

from conftest import SEED

GUILD = (
    "The Montreuil beekeepers' guild\n\n"
    "The beekeepers' guild of Montreuil was founded in 1887 by Odette Marchal, a schoolteacher "
    "who kept eleven hives behind the town hall.\n"
)
GUILD_Q = "Who founded the beekeepers' guild of Montreuil?"
SEED_Q = "Why is ethical AI important?"


@pytest.fixture
def watched(seed_index, serve_collections):
    """A served, watched copy of the seed corpus and index: ``(url, corpus folder, page)``."""
    url, folders, pages = serve_collections({"default": seed_index}, watch=True, named=False)
    yield url, folders["default"].corpus_dir, pages["default"]
    pages["default"].close()


def ask(url: str, question: str) -> dict:
    from openai import OpenAI

    client = OpenAI(base_url=url + "/v1", api_key="unused", max_retries=0, timeout=120)
    reply = client.chat.completions.create(model="parisqa", messages=[{"role": "user", "content": question}])
    return reply.model_extra["parisqa"]


def sources(answer: dict) -> set[str]:
    return {c["source"] for c in answer["citations"]}


def test_a_written_file_is_answered_and_a_deleted_one_stops_being_cited(watched):
    from parisqa.web.context import status_text

    url, corpus, page = watched
    watch = page.parisqa.watch
    assert "guild.md" not in sources(ask(url, GUILD_Q))
    (corpus / "guild.md").write_text(GUILD, encoding="utf-8")
    assert watch.wait_idle(120)
    answer = ask(url, GUILD_Q)
    assert "guild.md" in sources(answer) and "Odette Marchal" in answer["answer"]
    text = (corpus / "guild.md").read_text(encoding="utf-8")
    for c in answer["citations"]:
        if c["source"] == "guild.md":
            assert text[c["start"] : c["end"]] == c["text"]
    state = httpx.get(url + "/api/index", timeout=60).json()["sync"]
    assert state["last"]["events"]["added"] == ["guild.md"] and state["last"]["summary"]["added"] == 1
    assert "synced" in status_text(page.parisqa)[1] and "1 added" in status_text(page.parisqa)[1]

    # Renamed (a move within the folder): cited under its new name only.
    os.rename(corpus / "guild.md", corpus / "montreuil.md")
    assert watch.wait_idle(120)
    assert sources(ask(url, GUILD_Q)) & {"guild.md", "montreuil.md"} == {"montreuil.md"}

    (corpus / "montreuil.md").unlink()
    assert watch.wait_idle(120)
    assert not sources(ask(url, GUILD_Q)) & {"guild.md", "montreuil.md"}
    last = httpx.get(url + "/api/index", timeout=60).json()["sync"]["last"]
    assert last["events"]["deleted"] == ["montreuil.md"] and last["summary"]["removed"] == 1


def test_a_burst_coalesces_and_answers_never_break_mid_swap(watched):
    url, corpus, page = watched
    watch = page.parisqa.watch
    seed_text = (corpus / SEED.name).read_text(encoding="utf-8")
    failures: list[str] = []
    answered = [0]
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            try:
                answer = ask(url, SEED_Q)
                assert SEED.name in sources(answer)
                for c in answer["citations"]:
                    if c["source"] == SEED.name:
                        assert seed_text[c["start"] : c["end"]] == c["text"]
                answered[0] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is collected and reported
                failures.append(repr(exc))

    askers = [threading.Thread(target=keep_asking) for _ in range(3)]
    for t in askers:
        t.start()
    before = watch.syncs
    for n in range(60):  # a burst, half of it saved as editors do (temporary name, then rename)
        name = f"note-{n:02d}.txt"
        body = f"Note {n}\n\nField note number {n} records hive {n} of the apiary at Vincennes.\n"
        if n % 2:
            temp = corpus / f".{name}.swp"
            temp.write_text(body, encoding="utf-8")
            os.replace(temp, corpus / name)
        else:
            (corpus / name).write_text(body, encoding="utf-8")
    assert watch.wait_idle(300)
    time.sleep(0.5)
    stop.set()
    for t in askers:
        t.join(120)
    syncs = watch.syncs - before
    assert 1 <= syncs <= 5, syncs
    assert not failures, failures[:3]
    assert answered[0] > 0
    files = httpx.get(url + "/api/index", timeout=60).json()["indexed_documents"]
    assert files == 61
