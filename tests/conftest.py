"""Shared fixtures: every test gets its own corpus and index folders; the real model loads once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "corpus" / "paris-ai-city.txt"
# The seed article's FAQ pairs, as the structure parser must find them.
SEED_FAQ = [
    (
        "What makes Paris a significant player in AI?",
        "Paris has become a significant player in AI due to strategic government investments, a thriving "
        "startup ecosystem, and strong academic institutions driving innovation.",
    ),
    (
        "How does Paris' approach to AI differ from Silicon Valley?",
        "Paris focuses heavily on ethical AI and collaboration between academia, industry, and government, "
        "whereas Silicon Valley is often driven by commercial interests.",
    ),
    (
        "What challenges does Paris face in becoming an AI leader?",
        "Paris faces challenges such as talent retention and ensuring AI technologies align with ethical "
        "standards. However, strategic solutions are being implemented to address these issues.",
    ),
    (
        "How are startups contributing to Paris' AI ecosystem?",
        "Startups like Mistral AI and Dataiku are leading innovation by developing cutting-edge AI "
        "technologies and fostering a collaborative environment for AI research and development.",
    ),
    (
        "What is the role of the French government in AI development?",
        "The French government plays a crucial role by investing heavily in AI research, providing tax "
        "incentives, and establishing AI research centers to boost the country's AI capabilities.",
    ),
    (
        "How is Paris' academic landscape influencing AI?",
        "Paris' prestigious academic institutions are not only educating future AI professionals but also "
        "conducting pioneering research that pushes the boundaries of AI capabilities.",
    ),
    (
        "What future trends can we expect from Paris' AI scene?",
        "Expect Paris to lead in ethical AI development, increase global collaborations, and implement "
        "AI-driven solutions to improve urban living.",
    ),
    (
        "Why is ethical AI important?",
        "Ethical AI ensures that AI technologies align with societal values and do not harm individuals or "
        "communities, promoting trust and sustainability in AI development.",
    ),
]
BEES = ROOT / "eval" / "bees" / "corpus"


@pytest.fixture(scope="session")
def _model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ONNX export cache for the whole session (never the user's own cache folder)."""
    return tmp_path_factory.mktemp("user-model-cache")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _model_cache: Path) -> None:
    """Point every test at temporary folders so none touches the repository's index/ or the user's cache."""
    monkeypatch.setenv("PARISQA_CORPUS", str(tmp_path / "corpus"))
    monkeypatch.setenv("PARISQA_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("PARISQA_MODEL_CACHE", str(_model_cache))
    for name in (
        "PARISQA_CHUNK_TOKENS",
        "PARISQA_CHUNK_OVERLAP",
        "PARISQA_TOP_K",
        "PARISQA_MAX_QUESTION_CHARS",
        "PARISQA_MODEL",
        "PARISQA_LLM_URL",
        "PARISQA_LLM_MODEL",
        "PARISQA_LLM_KEY",
        "PARISQA_LLM_TIMEOUT",
        "PARISQA_API_KEY",
        "PARISQA_API_KEYS",
        "PARISQA_WATCH",
        "PARISQA_CONFIG",
        "PARISQA_MIN_CONFIDENCE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2, loaded once for the whole test session."""
    from parisqa.embed.encoder import default_embedder

    model = default_embedder()
    model.warm_up()
    return model


@pytest.fixture
def seed_text() -> str:
    return SEED.read_bytes().decode("utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A corpus folder holding the seed article."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


@pytest.fixture
def settings(corpus: Path, tmp_path: Path):
    from parisqa.config import Settings

    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index")


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """An index of the seed corpus, built once; tests must not modify it."""
    from parisqa.config import Settings
    from parisqa.index.build import build_index

    base = tmp_path_factory.mktemp("seed")
    (base / "corpus").mkdir()
    shutil.copy(SEED, base / "corpus" / SEED.name)
    build_index(Settings(corpus_dir=base / "corpus", index_dir=base / "index"), embedder=embedder)
    return base


@pytest.fixture(scope="session")
def bees_index(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """An index of the beekeeping corpus (a new user's corpus, eval/bees/), built once; read only."""
    from parisqa.config import Settings
    from parisqa.index.build import build_index

    base = tmp_path_factory.mktemp("bees")
    shutil.copytree(BEES, base / "corpus")
    build_index(Settings(corpus_dir=base / "corpus", index_dir=base / "index"), embedder=embedder)
    return base


@pytest.fixture(scope="session")
def bees_engine(bees_index: Path, embedder):
    from parisqa.api import Engine
    from parisqa.config import Settings

    return Engine(Settings(corpus_dir=bees_index / "corpus", index_dir=bees_index / "index"), embedder=embedder)


@pytest.fixture(scope="session")
def seed_engine(seed_index: Path, embedder):
    from parisqa.api import Engine
    from parisqa.config import Settings

    return Engine(Settings(corpus_dir=seed_index / "corpus", index_dir=seed_index / "index"), embedder=embedder)


def free_port() -> int:
    """A TCP port free on loopback right now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def serve_web(embedder):
    """Start the real web app: ``serve_web(settings, limit=None, **launch_args) -> (app, url)``.

    The app listens on a free loopback port, answers with the session's model, and has finished
    loading its index when this returns. Every app started is closed at the end of the session.
    """
    from parisqa.api import Engine
    from parisqa.web import build_app, launch

    started = []

    def start(settings, *, limit=None, **launch_args):
        app = build_app(settings, engine=Engine(settings, embedder=embedder), max_upload_bytes=limit)
        port = launch_args.pop("port", None) or free_port()
        launch_args.setdefault("auth", "")
        launch(app, host="127.0.0.1", port=port, block=False, quiet=True, **launch_args)
        started.append(app)
        assert app.parisqa.warmup.done.wait(300), "the web app did not finish loading its index"
        return app, f"http://127.0.0.1:{port}/"

    yield start
    for app in started:
        app.close()


@pytest.fixture(scope="session")
def serve_collections(embedder, tmp_path_factory):
    """Start the real server over copies of built corpora and indexes, one collection each:
    ``serve_collections({"name": folder with corpus/ and index/}, keys=("KEY:name",...), watch=False)``
    returns ``(url, {name: settings}, {name: page})``; the first collection is the default one.
    """
    from parisqa.api import Engine
    from parisqa.catalog import Catalog, parse_key
    from parisqa.config import Settings
    from parisqa.web import launch
    from parisqa.web.collections import open_collections

    started = []

    def start(sources, *, keys=(), watch=False, named=True):
        base = tmp_path_factory.mktemp("collections")
        folders = {}
        for name, source in sources.items():
            shutil.copytree(source / "corpus", base / name / "corpus")
            shutil.copytree(source / "index", base / name / "index")
            folders[name] = Settings(corpus_dir=base / name / "corpus", index_dir=base / name / "index")
        catalog = Catalog(folders, tuple(parse_key(k) for k in keys), named=named)
        registry, pages = open_collections(catalog, engine_for=lambda s: Engine(s, embedder=embedder), watch=watch)
        port = free_port()
        app = launch(
            pages[catalog.default], host="127.0.0.1", port=port, block=False, quiet=True, registry=registry, pages=pages
        )
        started.append(app)
        for page in pages.values():
            assert page.parisqa.warmup.done.wait(300), "a collection's page did not finish loading its index"
        return f"http://127.0.0.1:{port}", folders, pages

    yield start
    for app in started:
        app.close()


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory, embedder) -> Path:
    """A model-cache folder holding a checked ONNX export of the model, made once per session."""
    from parisqa.embed.encoder import Embedder

    cache = tmp_path_factory.mktemp("model-cache")
    exporter = Embedder(cache_dir=cache)
    exporter.warm_up()
    assert exporter.backend == "onnx", exporter.fallback_reason
    return cache


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    """A real llama.cpp OpenAI-compatible server with SmolLM2-135M: yields its base URL.

    Skipped when the ``llm`` extra is not installed (a failure with ``PARISQA_REQUIRE_LLM=1``).
    """
    from llm_server import LlamaServer, require_llm

    model = require_llm()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    with LlamaServer(model, free_port(), log) as server:
        yield server.url
