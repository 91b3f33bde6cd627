"""Command line: ``parisqa index``, ``parisqa ask``, ``parisqa text``, ``parisqa serve``, ``parisqa eval``.

The only place (with :mod:`parisqa.web`) that turns library errors into messages and exit codes. Imports
stay light so ``parisqa --help`` answers at once; heavy modules load inside the commands.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from ._version import __version__
from .corpus.reader import shown
from .corpus.text import LINE_END  # \r\n, \r, \n: the line ends the corpus reader uses too
from .errors import ConfigError, ParisqaError, StoreError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_REGRESSION = 3  # parisqa eval --compare found a regression
EXIT_STORE = 4  # the Milvus store failed or cannot be reached (the index folder is untouched)
# How the command line words an error's remedy (see parisqa.errors.REMEDIES).
REMEDY_TEXT = {
    "rebuild": "run `parisqa index` to rebuild it",
    "build": "run `parisqa index` to build it",
    "add_files": "add some and run `parisqa index` again",
    "wait": "wait for it to finish and try again",
    "confirm": "pass --rebuild to confirm, or leave the option out to use the index's own",
}


def _add_location(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus",
        metavar="DIR",
        help=(
            "corpus folder of documents: .txt, .md, .pdf, .html/.htm, .docx, scans as .png/.jpg/.tiff "
            "(env PARISQA_CORPUS; default: corpus/)"
        ),
    )
    parser.add_argument("--index", metavar="DIR", help="index folder (env PARISQA_INDEX; default: index/)")
    parser.add_argument(
        "--chunk-tokens", type=int, metavar="N", help="token budget per chunk (env PARISQA_CHUNK_TOKENS; default 128)"
    )
    parser.add_argument(
        "--chunk-overlap",
        type=int,
        metavar="N",
        help="tokens repeated between chunks (env PARISQA_CHUNK_OVERLAP; default 0)",
    )
    parser.add_argument(
        "--model",
        metavar="NAME",
        help="embedding model: minilm (English, the default), minilm-int8 (the same, quantised: faster builds, "
        "vectors ~0.994 cosine to minilm) or multilingual (multilingual-e5-small: "
        "French and other languages, cross-lingual) (env PARISQA_MODEL)",
    )
    parser.add_argument(
        "--store",
        metavar="URI",
        help="where chunks, vectors and BM25 live: 'local' (the index folder), a milvus-lite file FILE.db, "
        "or a Milvus server http(s)://host:port, token in PARISQA_MILVUS_TOKEN (env PARISQA_STORE; default local)",
    )


def _add_collection(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    if many:
        parser.add_argument(
            "--collection",
            action="append",
            default=[],
            metavar="NAME=DIR",
            help="serve the corpus folder DIR as collection NAME, its index in INDEX/NAME (repeatable; "
            "the first is the default; more in parisqa.toml)",
        )
    else:
        parser.add_argument(
            "--collection",
            metavar="NAME",
            help="use collection NAME of parisqa.toml, or NAME=DIR (corpus DIR, index in INDEX/NAME)",
        )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="collections and keys file (env PARISQA_CONFIG; default ./parisqa.toml when there is one)",
    )


def _add_watch(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--watch",
        action="store_true",
        default=None,
        help="keep the index in step with the corpus folder: rebuild what changed as files are added, "
        "changed, deleted or moved (env PARISQA_WATCH=1)",
    )


def _add_rebuild(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="confirm rebuilding the index with another --model, --store or chunking than it was built with "
        "(without those options the index's own are used)",
    )


def _add_llm(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--llm-url",
        metavar="URL",
        help="OpenAI-compatible server that writes generated answers, e.g. http://127.0.0.1:11434/v1 "
        "(env PARISQA_LLM_URL)",
    )
    parser.add_argument("--llm-model", metavar="NAME", help="model name on that server (env PARISQA_LLM_MODEL)")
    parser.add_argument("--llm-key", metavar="KEY", help="bearer key for that server (env PARISQA_LLM_KEY)")
    parser.add_argument(
        "--llm-timeout",
        type=float,
        metavar="SECONDS",
        help="give up on the server after this long (env PARISQA_LLM_TIMEOUT; default 60)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parisqa",
        description="Offline question answering over a folder of texts, with exact citations.",
        epilog='Example: parisqa ask "What challenges does Paris face?"',
    )
    parser.add_argument("--version", action="version", version=f"parisqa {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p_index = sub.add_parser("index", help="build or update the index from the corpus")
    _add_location(p_index)
    p_index.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    _add_rebuild(p_index)
    p_index.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another running build (default: refuse at once)",
    )
    _add_collection(p_index)
    _add_watch(p_index)
    p_index.add_argument(
        "--ray",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="embed on Ray Data: alone or 'local' starts Ray on this machine (or joins the one running here), "
        "an address (ray://HOST:10001, HOST:6379) joins a cluster (env PARISQA_RAY; needs parisqa[ray])",
    )
    p_index.add_argument(
        "--device",
        choices=("cpu", "cuda"),
        default="cpu",
        help="where the build embeds: cpu (default) or cuda (fp16 on the GPU; minilm only)",
    )
    p_index.add_argument("--ray-actors", type=int, metavar="N", help="embedding actors (default: one per CPU)")
    p_index.add_argument("--ray-batch", type=int, default=64, metavar="N", help="texts per actor call (default 64)")

    p_ask = sub.add_parser("ask", help="answer a question from the corpus, with citations")
    p_ask.add_argument("question", nargs="?", help="the question (omit with --questions)")
    _add_location(p_ask)
    p_ask.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    p_ask.add_argument("-k", type=int, metavar="N", help="passages to retrieve (env PARISQA_TOP_K; default 5)")
    p_ask.add_argument(
        "--min-confidence",
        metavar="P",
        help="decline answers whose confidence is below P, 0 to 1 (env PARISQA_MIN_CONFIDENCE; "
        "default: the fitted threshold alone)",
    )
    p_ask.add_argument(
        "--questions",
        metavar="FILE",
        help="answer every line of FILE ('-' for stdin), one JSON object per line with --json",
    )
    p_ask.add_argument("--no-build", action="store_true", help="never build or update the index; use it as it is")
    _add_collection(p_ask)
    _add_rebuild(p_ask)
    p_ask.add_argument(
        "--generate",
        action="store_true",
        help="have an LLM write the answer from the passages; every sentence is checked against them",
    )
    _add_llm(p_ask)

    p_text = sub.add_parser(
        "text",
        help="print a corpus file's text as parisqa indexes it (the extracted text of a PDF, HTML, DOCX or image)",
        description="Print the text every citation of FILE slices, byte for byte: for .txt/.md the file itself, "
        "for .pdf/.html/.htm/.docx the extracted text, for a scan or image the OCR text. "
        "A citation's text is this output[start:end] (in characters).",
    )
    p_text.add_argument("file", metavar="FILE", help="a corpus file: its path, or its name relative to the corpus")
    _add_location(p_text)

    p_serve = sub.add_parser("serve", help="start the web chat and the HTTP API (/v1, /api, /docs)")
    _add_location(p_serve)
    p_serve.add_argument("--host", help="address to bind (env PARISQA_HOST; default 127.0.0.1)")
    p_serve.add_argument("--port", type=int, help="port (env PARISQA_PORT; default 7860)")
    p_serve.add_argument("--auth", metavar="USER:PASSWORD", help="require basic auth (env PARISQA_AUTH)")
    p_serve.add_argument(
        "--api-key",
        action="append",
        default=[],
        metavar="KEY[:NAME,...][:read]",
        help="require 'Authorization: Bearer KEY' on every route (the page: any user name, KEY as password); "
        "KEY:NAME,NAME limits it to those collections, :read to asking (repeatable; env PARISQA_API_KEYS, "
        "or one key in PARISQA_API_KEY)",
    )
    _add_collection(p_serve, many=True)
    _add_watch(p_serve)
    _add_llm(p_serve)

    p_eval = sub.add_parser("eval", help="measure answer quality on the corpus's FAQ or your own questions")
    _add_location(p_eval)
    p_eval.add_argument(
        "--faq",
        choices=("in", "heldout", "both"),
        help="index to evaluate on: the served one, FAQ included (in); a temporary one without the FAQ "
        "(heldout); or both (default for the FAQ set; 'in' for --questions)",
    )
    test_set = p_eval.add_mutually_exclusive_group()
    test_set.add_argument("--questions", metavar="FILE", help="JSONL questions with gold answers, FAQ ids or documents")
    test_set.add_argument("--squad", metavar="FILE", help="SQuAD v1.1/v2.0 JSON, evaluated on a temporary index of it")
    p_eval.add_argument("--baselines", action="store_true", help="also run dense-only and BM25-only retrieval")
    p_eval.add_argument("-k", type=int, default=10, metavar="N", help="passages retrieved per question (default 10)")
    p_eval.add_argument("--limit", type=int, metavar="N", help="evaluate only the first N questions")
    p_eval.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p_eval.add_argument("--out", metavar="DIR", help="write report.json, report.md and chart.png into DIR")
    p_eval.add_argument(
        "--compare",
        metavar="OLD.json",
        help=f"show changes from an earlier report.json; exit {EXIT_REGRESSION} on a regression",
    )
    p_eval.add_argument("--no-build", action="store_true", help="never build or update the served index")
    return parser


def _settings(args: argparse.Namespace, **extra: Any) -> Any:
    """The settings of the options and ``PARISQA_*`` variables (of ``--collection`` when given); an index
    setting given by neither is the one the index was built with (:func:`parisqa.index.recorded.adopt`)."""
    from .catalog import collection_settings
    from .index.recorded import adopt

    settings = _base_settings(args, **extra)
    chosen = getattr(args, "collection", None)
    return adopt(collection_settings(settings, chosen, args.config) if isinstance(chosen, str) else settings)


def _base_settings(args: argparse.Namespace, **extra: Any) -> Any:
    """The settings of the options and ``PARISQA_*`` variables alone."""
    from .config import Settings

    return Settings.from_env(
        corpus_dir=args.corpus,
        index_dir=args.index,
        chunk_tokens=args.chunk_tokens,
        chunk_overlap=args.chunk_overlap,
        model=args.model,
        store=args.store,
        **extra,
    )


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def cmd_index(args: argparse.Namespace) -> int:
    from .api import Engine
    from .catalog import watch_flag

    watch = watch_flag(args.watch)
    settings = _settings(args)
    embedder = None
    ray_address = args.ray if args.ray is not None else os.environ.get("PARISQA_RAY") or None
    if ray_address:
        from .index.distributed import RayEmbedder, require_ray

        require_ray()  # say what to install before anything else happens
        embedder = RayEmbedder(
            ray_address, model=settings.model, actors=args.ray_actors, batch_size=args.ray_batch, device=args.device
        )
    elif args.device != "cpu":
        from .embed.encoder import Embedder

        if settings.model != "minilm":
            raise ConfigError(f"--device cuda embeds with minilm, the index asks for {settings.model!r}")
        embedder = Embedder(device=args.device)
    engine = Engine(settings, embedder=embedder, auto_build=False, on_warning=_warn, rebuild=args.rebuild)
    try:
        summary = engine.build(progress=sys.stderr.isatty(), lock_wait=args.wait)
    except ParisqaError as exc:
        if not watch or isinstance(exc, ConfigError | StoreError):
            raise
        print(f"error: {error_text(exc)}", file=sys.stderr)  # an empty folder may be filled while watched
    else:
        print(json.dumps(summary.to_dict()) if args.json else summary.line(), flush=True)
    return _watch_index(engine, args.json) if watch else EXIT_OK


def _watch_index(engine: Any, as_json: bool) -> int:
    """``parisqa index --watch``: print each sync until interrupted (one JSON object per sync with --json)."""
    import threading

    from .corpus.watch import FolderWatch

    def synced(record: dict[str, Any]) -> None:
        if as_json:
            print(json.dumps(record, ensure_ascii=False), flush=True)
        elif record["error"]:
            print(f"error: {record['error']}", file=sys.stderr, flush=True)
        else:
            changed = ", ".join(
                f"{k} {', '.join(shown(n) for n in record['events'][k])}"
                for k in ("added", "changed", "deleted")
                if record["events"][k]
            )
            print(f"{record['finished']} {changed or 'synced'}: {record['line']}", flush=True)

    watch = FolderWatch(engine.settings.corpus_dir, lambda: engine.build(lock_wait=0), on_sync=synced).start()
    print(f"watching '{engine.settings.corpus_dir}' (Ctrl-C stops)", file=sys.stderr, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("stopped watching; the index is as of the last sync", file=sys.stderr)
    finally:
        watch.stop()
    return EXIT_OK


def cmd_text(args: argparse.Namespace) -> int:
    import dataclasses
    from pathlib import Path

    from .api import source_text

    settings = _settings(args)
    given = Path(args.file)
    corpus = Path(settings.corpus_dir)
    source = args.file
    if given.exists():
        try:
            source = given.resolve().relative_to(corpus.resolve()).as_posix()
        except ValueError:
            settings, source = dataclasses.replace(settings, corpus_dir=given.resolve().parent), given.name
    elif not (corpus / args.file).exists():
        raise ParisqaError(f"'{shown(args.file)}' is neither a file nor a file of the corpus folder '{corpus}'")
    text = source_text(settings, source)
    out = getattr(sys.stdout, "buffer", None)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write(text.encode("utf-8", "surrogatepass"))
        out.flush()
    return EXIT_OK


def _read_questions(path: str) -> Iterator[str]:
    """One question per line (\\n, \\r\\n or \\r; not the Unicode separators splitlines() also splits on)."""
    try:
        if path == "-":
            stream = getattr(sys.stdin, "buffer", None)  # bytes, so undecodable input gets our message
            text = stream.read().decode("utf-8") if stream is not None else sys.stdin.read()
        else:
            with open(path, "rb") as fh:
                text = fh.read().decode("utf-8")
    except FileNotFoundError:
        raise ParisqaError(f"questions file '{path}' does not exist; pass a file with one question per line") from None
    except UnicodeDecodeError:
        where = "standard input" if path == "-" else f"questions file '{path}'"
        raise ParisqaError(f"{where} is not UTF-8 text; re-save it as UTF-8") from None
    yield from LINE_END.split(text.removeprefix("\ufeff"))


def format_answer(answer: Any, out: TextIO) -> None:
    """Print an answer for people: the text, then each citation with where it comes from.

    ``answer`` is an ``Answer`` or, with ``--generate``, a ``GroundedAnswer`` (its text is the verified one).
    """
    text = answer.answer
    if hasattr(answer, "mode"):  # a GroundedAnswer around the retrieval answer
        text, answer = answer.text, answer.answer
    # Corpus text and questions are data: control characters (terminal escapes) are shown escaped.
    if answer.abstained:
        print(f"Not in the corpus: {shown(text)}", file=out)
    else:
        print(shown(" ".join(text.split())), file=out)
        print(f"(confidence {answer.confidence:.0%})", file=out)
    passages = answer.citations if not answer.abstained else answer.related[:3]
    if passages:
        print(file=out)
        if answer.abstained:
            print("Closest passages (related reading, not an answer):", file=out)
    for c in passages:
        where = shown(c.source) + (f" > {shown(c.heading)}" if c.heading else "")
        print(f"[{c.n}] {where}  ({_place(c)}chars {c.start}-{c.end})", file=out)
        body = shown(" ".join(c.text.split()))
        print(textwrap.indent(textwrap.fill(body[:600] + ("..." if len(body) > 600 else ""), 96), "    "), file=out)


def _place(citation: Any) -> str:
    """A PDF citation's page(s) as the plain output names them ("page 2, ", "pages 2-3, "), else nothing."""
    pages = getattr(citation, "pages", None)
    if pages and pages[0] != pages[1]:
        return f"pages {pages[0]}-{pages[1]}, "
    page = getattr(citation, "page", None)
    return f"page {page}, " if page is not None else ""


def _llm(settings: Any) -> Any:
    """For ``--generate``: the LLM server that writes the answer.

    Raises:
        ConfigError: no LLM server given, or a bad URL or timeout.
    """
    from .answer.generate import LLMConfig

    config = LLMConfig.from_settings(settings)
    if config is None:
        raise ConfigError("--generate needs an LLM server: pass --llm-url URL (or set PARISQA_LLM_URL)")
    return config


def _say_if_building(engine: Any) -> None:
    """Tell the user why the first answer waits: there is no index yet, so it is built first."""
    from .index.store import read_manifest

    settings = engine.settings
    if engine.auto_build and settings.corpus_dir.is_dir() and read_manifest(engine.index_dir) is None:
        print(f"no index in '{engine.index_dir}' yet: building the index first", file=sys.stderr, flush=True)


def cmd_ask(args: argparse.Namespace) -> int:
    from .api import Engine, clean_question
    from .errors import QuestionError

    extra: dict[str, Any] = {"top_k": args.k} if args.k is not None else {}
    if args.min_confidence is not None:
        extra["min_confidence"] = args.min_confidence
    if args.generate:
        extra.update(llm_url=args.llm_url, llm_model=args.llm_model, llm_key=args.llm_key, llm_timeout=args.llm_timeout)
    settings = _settings(args, **extra)
    llm = _llm(settings) if args.generate else None
    engine = Engine(settings, auto_build=not args.no_build, on_warning=_warn, rebuild=args.rebuild)
    limit = engine.settings.max_question_chars

    def answer_of(question: str) -> Any:
        clean_question(question, limit)  # a bad question is refused before any build
        _say_if_building(engine)
        answer = engine.answer(question, llm=llm)
        for warning in getattr(answer, "warnings", ()):  # a failed server, removed sentences
            _warn(" ".join(shown(warning).split()))
        return answer

    if args.questions is None:
        if args.question is None:
            raise QuestionError('no question given; run parisqa ask "YOUR QUESTION" (or --questions FILE)')
        answer = answer_of(args.question)
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False))
        else:
            format_answer(answer, sys.stdout)
        return EXIT_OK
    if args.question is not None:
        raise QuestionError("give either a question or --questions FILE, not both")
    status = EXIT_OK
    for number, question in enumerate(_read_questions(args.questions), 1):
        if not question.strip():
            continue
        try:
            answer = answer_of(question)
        except QuestionError as exc:
            print(f"error: line {number}: {exc}", file=sys.stderr)
            if args.json:
                print(json.dumps({"question": question, "error": str(exc)}, ensure_ascii=False))
            status = EXIT_ERROR
            continue
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        else:
            print(f"Q: {shown(question)}")
            format_answer(answer, sys.stdout)
            print()
    return status


def cmd_serve(args: argparse.Namespace) -> int:
    from .catalog import watch_flag
    from .web import serve

    llm = {
        "llm_url": args.llm_url,
        "llm_model": args.llm_model,
        "llm_key": args.llm_key,
        "llm_timeout": args.llm_timeout,
    }
    serve(
        _base_settings(args, **llm),
        host=args.host,
        port=args.port,
        auth=args.auth,
        api_keys=args.api_key,
        collections=args.collection,
        config=args.config,
        watch=watch_flag(args.watch),
    )
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluation import compare_reports, evaluate_faq, evaluate_questions, evaluate_squad, load_report, write_report

    settings = _settings(args)
    old = load_report(args.compare) if args.compare else None  # a bad path fails before the long run
    options: dict[str, Any] = {
        "baselines": args.baselines,
        "k": args.k,
        "limit": args.limit,
        "progress": sys.stderr.isatty(),
        "on_warning": _warn,
        "auto_build": not args.no_build,
    }
    if args.squad:
        if args.faq:
            raise ConfigError("--faq does not apply to --squad, which is evaluated on its own articles; drop --faq")
        report = evaluate_squad(args.squad, settings, **options)
    elif args.questions:
        report = evaluate_questions(args.questions, settings, mode=args.faq or "in", **options)
    else:
        report = evaluate_faq(settings, mode=args.faq or "both", **options)
    print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else report.to_text(warnings=False))
    if args.out:
        paths = write_report(report, args.out)
        print("wrote " + ", ".join(str(p) for p in paths.values()), file=sys.stderr)
    if old is not None:
        comparison = compare_reports(old, report.to_dict(items=False))
        print(comparison.to_text(args.compare), file=sys.stderr if args.json else sys.stdout)
        if comparison.regressions:
            return EXIT_REGRESSION
    return EXIT_OK


def _show_progress() -> None:
    """Print the library's build progress lines (``parisqa.progress``) on stderr, once per process."""
    import logging

    class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
        """Writes to whatever ``sys.stderr`` is at each line, so later redirections apply."""

        @property  # type: ignore[override]
        def stream(self) -> TextIO:
            return sys.stderr

        @stream.setter
        def stream(self, value: TextIO) -> None:
            pass

    progress = logging.getLogger("parisqa.progress")
    if not any(type(h).__name__ == "StderrHandler" for h in progress.handlers):
        handler = StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = False


def error_text(exc: ParisqaError) -> str:
    """A library error as the command line words it: the message, then what to run to fix it."""
    remedy = REMEDY_TEXT.get(exc.remedy or "")
    return f"{exc}; {remedy}" if remedy else str(exc)


def _index_exists(args: argparse.Namespace) -> bool | None:
    """Whether the command's index folder holds an index (a manifest) now; None when it cannot tell."""
    from .index.layout import MANIFEST

    try:
        return (_settings(args).index_dir / MANIFEST).is_file()
    except (ParisqaError, OSError):
        return None


def _interrupted_index(args: argparse.Namespace, had_index: bool | None) -> str:
    """What an interrupt left of the index, for the Ctrl-C message: only what is true of this folder."""
    if had_index:
        return "the index in place before this command is intact"
    if had_index is None:
        return "an index in place before this command is intact"
    if _index_exists(args):
        return "the new index was complete before the interrupt"
    return "no index was built (there was none before); run `parisqa index` to build it"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {"index": cmd_index, "ask": cmd_ask, "text": cmd_text, "serve": cmd_serve, "eval": cmd_eval}
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    _show_progress()
    had_index = None
    try:
        had_index = _index_exists(args)
        return commands[args.command](args)
    except StoreError as exc:
        print(f"error: {error_text(exc)}", file=sys.stderr)
        return EXIT_STORE
    except ConfigError as exc:  # a bad option or setting: a usage error, like argparse's own
        print(f"error: {error_text(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except ParisqaError as exc:
        print(f"error: {error_text(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"interrupted; {_interrupted_index(args, had_index)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
