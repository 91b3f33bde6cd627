"""Command line: ``parisqa index``, ``parisqa ask``, ``parisqa text``, ``parisqa serve``, ``parisqa eval``.

The only place (with :mod:`parisqa.web`) that turns library errors into messages and exit codes. Imports
stay light so ``parisqa --help`` answers at once; heavy modules load inside the commands.
"""

from __future__ import annotations

import argparse
import json
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
}


def _add_location(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus", metavar="DIR", help="corpus folder of .txt/.md files (env PARISQA_CORPUS; default: corpus/)"
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
        help="embedding model: minilm (English, the default) or multilingual (multilingual-e5-small: "
        "French and other languages, cross-lingual) (env PARISQA_MODEL)",
    )
    parser.add_argument(
        "--store",
        metavar="URI",
        help="where chunks, vectors and BM25 live: 'local' (the index folder), a milvus-lite file FILE.db, "
        "or a Milvus server http(s)://host:port, token in PARISQA_MILVUS_TOKEN (env PARISQA_STORE; default local)",
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
    p_index.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another running build (default: refuse at once)",
    )

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
    p_ask.add_argument(
        "--generate",
        action="store_true",
        help="have an LLM write the answer from the passages; every sentence is checked against them",
    )
    _add_llm(p_ask)

    p_text = sub.add_parser(
        "text",
        help="print a corpus file's text as parisqa indexes it (the extracted text of a PDF, HTML or DOCX)",
        description="Print the text every citation of FILE slices, byte for byte: for .txt/.md the file itself, "
        "for .pdf/.html/.htm/.docx the extracted text. A citation's text is this output[start:end] (in characters).",
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
        metavar="KEY",
        help="require 'Authorization: Bearer KEY' on the /v1 and /api routes (env PARISQA_API_KEY)",
    )
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

    engine = Engine(_settings(args), auto_build=False, on_warning=_warn)
    summary = engine.build(progress=sys.stderr.isatty(), lock_wait=args.wait)
    print(json.dumps(summary.to_dict()) if args.json else summary.line())
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
        print(f"[{c.n}] {where}  (chars {c.start}-{c.end})", file=out)
        body = shown(" ".join(c.text.split()))
        print(textwrap.indent(textwrap.fill(body[:600] + ("..." if len(body) > 600 else ""), 96), "    "), file=out)


def _responder(args: argparse.Namespace, settings: Any) -> Any:
    """For ``--generate``: a function turning the retrieval answer into the verified generated one.

    Its warnings (a failed server, removed sentences) are printed on stderr, one line each.

    Raises:
        ConfigError: no LLM server given, or a bad URL or timeout.
    """
    from .answer.generate import LLMConfig
    from .errors import ConfigError

    config = LLMConfig.from_settings(settings)
    if config is None:
        raise ConfigError("--generate needs an LLM server: pass --llm-url URL (or set PARISQA_LLM_URL)")
    checker: list[Any] = []

    def respond(engine: Any, answer: Any) -> Any:
        from .answer.grounded import grounded_answer
        from .answer.verify import Checker

        if not checker:
            checker.append(Checker(engine.embedder))
        grounded = grounded_answer(answer, config, checker[0])
        for warning in grounded.warnings:
            _warn(" ".join(shown(warning).split()))
        return grounded

    return respond


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
    respond = _responder(args, settings) if args.generate else None
    engine = Engine(settings, auto_build=not args.no_build, on_warning=_warn)
    limit = engine.settings.max_question_chars

    def answer_of(question: str) -> Any:
        clean_question(question, limit)  # a bad question is refused before any build
        _say_if_building(engine)
        answer = engine.ask(question)
        return respond(engine, answer) if respond else answer

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
    from .web import serve

    llm = {
        "llm_url": args.llm_url,
        "llm_model": args.llm_model,
        "llm_key": args.llm_key,
        "llm_timeout": args.llm_timeout,
    }
    serve(_settings(args, **llm), host=args.host, port=args.port, auth=args.auth, api_key=args.api_key)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    commands = {"index": cmd_index, "ask": cmd_ask, "text": cmd_text, "serve": cmd_serve, "eval": cmd_eval}
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    _show_progress()
    try:
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
        print("interrupted; the index in place before this command is intact", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
