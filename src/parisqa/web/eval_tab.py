"""The web chat's "Evaluate" tab: run the FAQ evaluation (or an uploaded question file) from the page.

The evaluation itself is :mod:`parisqa.evaluation`, which knows nothing of the page; this module only
runs it for the page and shows its report (HTML from :mod:`parisqa.web.render`). It evaluates the
corpus and index the page serves and never writes to that index: the served index is only read (no
automatic rebuild), and the held-out mode builds its index in a temporary folder.

One evaluation runs at a time. A click while another runs waits for it, and when both asked for the
same thing, gets its report instead of running the same evaluation again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import DatasetError, ParisqaError
from .context import Message, WebContext, no_remote_example, web_message

if TYPE_CHECKING:
    from ..evaluation import Report

ProgressCallback = Callable[[float, str], None]  # (fraction done 0..1, what is happening)

_BUSY = "Another evaluation is running; this one starts when it ends (with the same options, it shows that report)."
_SECTION_WORDS = {"faq-in": "served index", "faq-heldout": "held-out index"}


@dataclass(frozen=True)
class EvalOutcome:
    """What one press of "Run" gives: a report (with its chart) and/or messages.

    Attributes:
        report: the :class:`parisqa.evaluation.Report`, or None when the run failed.
        chart: the report's chart as PNG bytes (None when it could not be drawn).
        messages: ``("ok" | "error" | "info", text)`` lines to show above the report.
        seconds: how long the evaluation took.
        shared: the report is that of an evaluation that was already running when this one was asked.
    """

    report: Report | None = None
    chart: bytes | None = None
    messages: list[Message] = field(default_factory=list)
    seconds: float = 0.0
    shared: bool = False


class Evaluations:
    """Runs evaluations for the page, one at a time, as plain methods (tested without a browser)."""

    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._running: tuple[Any, ...] | None = None
        # (what was asked, when it ended, its outcome): reused by clicks made while it ran.
        self._last: tuple[tuple[Any, ...], float, EvalOutcome] | None = None

    @property
    def busy(self) -> bool:
        """Whether an evaluation is running now."""
        return self._running is not None

    def run(
        self,
        mode: str = "both",
        baselines: bool = True,
        questions: str | Path | None = None,
        *,
        asked_at: float | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> EvalOutcome:
        """Evaluate the FAQ of the served corpus, or the JSONL ``questions`` file, and return the outcome.

        Args:
            mode: ``"in"`` (served index), ``"heldout"`` (temporary index without the FAQ) or ``"both"``.
            baselines: also run dense-only and BM25-only retrieval.
            questions: a JSONL question file (the ``parisqa eval --questions`` format) to use instead
                of the FAQ.
            asked_at: when the user asked (``time.monotonic()``; default now). An evaluation of the
                same thing that ended after that moment is returned instead of running another.
            on_progress: called with the fraction done and a line saying what is happening.

        Library errors come back as messages; nothing is raised for them.
        """
        asked_at = time.monotonic() if asked_at is None else asked_at
        key = (mode, bool(baselines), _file_key(questions))
        say = on_progress or (lambda fraction, text: None)
        with self._lock:
            last = self._last
            if last is not None and last[0] == key and last[1] > asked_at:
                return replace(last[2], shared=True)
            self._running = key
            try:
                outcome = self._evaluate(mode, bool(baselines), questions, say)
            finally:
                self._running = None
            self._last = (key, time.monotonic(), outcome)
            return outcome

    def _evaluate(self, mode: str, baselines: bool, questions: str | Path | None, say: ProgressCallback) -> EvalOutcome:
        from ..evaluation import evaluate_faq, evaluate_questions, render_chart
        from ..evaluation.runner import faq_modes

        ctx = self.ctx
        started = time.monotonic()
        try:
            sections = [f"faq-{m}" for m in faq_modes(mode)]
        except ParisqaError as exc:
            return EvalOutcome(messages=[("error", web_message(exc))])
        if not ctx.warmup.done.is_set():
            say(0.0, "Waiting for the model and the index to load…")
            ctx.warmup.done.wait()
        if ctx.warmup.fatal:
            return EvalOutcome(messages=[("error", str(ctx.warmup.error))])
        messages: list[Message] = []
        if "faq-in" in sections:
            messages += self._pending_changes()
        say(0.0, _starting(sections[0]))

        def progress(done: int, total: int, name: str) -> None:
            position = sections.index(name) if name in sections else 0
            fraction = (position + (done / total if total else 1.0)) / len(sections)
            if done >= total and position + 1 < len(sections):
                say(fraction, _starting(sections[position + 1]))
            else:
                say(fraction, f"{_SECTION_WORDS.get(name, name)}: {done} of {total} answers")

        options = {
            "mode": mode,
            "baselines": baselines,
            "embedder": ctx.engine.embedder,
            "auto_build": False,  # the page serves the index in place; rebuilding is the Index tab's job
            "on_progress": progress,
        }
        name = Path(questions).name if questions else ""
        try:
            if questions:
                evaluation = evaluate_questions(questions, ctx.settings, **options)
            else:
                evaluation = evaluate_faq(ctx.settings, **options)
        except ParisqaError as exc:
            text = web_message(exc)
            if questions:
                text = text.replace(str(questions), name)
            messages.append(("error", text))
            if not questions and isinstance(exc, DatasetError):
                messages.append(("info", "Or upload a question file (JSONL) above and run again."))
            return EvalOutcome(messages=messages, seconds=time.monotonic() - started)
        if questions:
            # The upload lives in a temporary folder; the page names the file as the user knows it.
            evaluation = replace(
                evaluation,
                source=name,
                warnings=tuple(w.replace(str(questions), name) for w in evaluation.warnings),
            )
        say(1.0, "Drawing the chart…")
        try:
            chart = render_chart(evaluation)
        except ParisqaError as exc:
            chart = None
            messages.append(("error", web_message(exc)))
        return EvalOutcome(evaluation, chart, messages, time.monotonic() - started)

    def _pending_changes(self) -> list[Message]:
        """A note when the corpus has changed since the served index was built."""
        from ..index.build import is_stale
        from ..index.store import read_manifest

        try:
            manifest = read_manifest(self.ctx.settings.index_dir)
            stale = manifest is not None and is_stale(self.ctx.settings, manifest)
        except (ParisqaError, OSError):
            return []
        if not stale:
            return []
        return [
            (
                "info",
                "The corpus has changes that are not in the index yet: the served-index results are for "
                "the index in place. Press “Rebuild index” in the Index tab to include them.",
            )
        ]


def _starting(section: str) -> str:
    if section == "faq-heldout":
        return "Building a temporary index without the FAQ…"
    return "Loading the served index…"


def _file_key(path: str | Path | None) -> tuple[str, int, int] | None:
    """Identifies an uploaded file's content well enough to reuse a report of it."""
    if not path:
        return None
    try:
        st = Path(path).stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_size, st.st_mtime_ns)


def build_evaluate_tab(ctx: WebContext) -> None:
    """The "Evaluate" tab: options, a Run button, then the report's tables, chart and metric meanings."""
    import gradio as gr

    from .render import evaluation_html, evaluation_placeholder, messages_html

    evaluations = Evaluations(ctx)
    faq_label = "Run FAQ evaluation"

    with gr.Tab("Evaluate", id="evaluate"):
        gr.Markdown(
            "Asks the FAQ questions found in the corpus and measures what comes back, on the index this page "
            "serves. The held-out mode answers from a temporary index without the FAQ; the served index is never "
            "written. To ask your own questions instead, upload a `.jsonl` file: one "
            '`{"question": "…", "answers": ["…"]}` per line, as for `parisqa eval --questions` (see README).',
            elem_classes="pq-eval-intro",
        )
        with gr.Row(equal_height=False, elem_classes="pq-eval-options"):
            with gr.Column(scale=3, min_width=300):
                mode = gr.Radio(
                    [
                        ("FAQ in the index (as served)", "in"),
                        ("FAQ held out (temporary index)", "heldout"),
                        ("Both", "both"),
                    ],
                    value="both",
                    label="Index",
                    elem_id="pq-eval-mode",
                )
                baselines = gr.Checkbox(
                    value=True,
                    label="Baselines: also run dense-only and BM25-only retrieval",
                    elem_id="pq-eval-baselines",
                )
            with gr.Column(scale=3, min_width=300):
                questions = no_remote_example(
                    gr.File(
                        label="Your questions (optional, .jsonl)",
                        file_count="single",
                        file_types=[".jsonl", ".json", ".txt"],
                        type="filepath",
                        height=150,
                        elem_id="pq-eval-questions",
                    )
                )
            with gr.Column(scale=2, min_width=200):
                run = gr.Button(faq_label, variant="primary", elem_id="pq-eval-run")
                notice = gr.HTML("", elem_id="pq-eval-notice")
        results = gr.HTML(evaluation_placeholder(), elem_id="pq-eval-results", min_height=120)
        asked_at = gr.State(None)

    def on_file(path: str | None):
        return gr.Button(value=f"Run evaluation on {Path(path).name}" if path else faq_label)

    def announce():
        note: list[Message] = [("info", _BUSY)] if evaluations.busy else []
        return messages_html(note), gr.Button(interactive=False), time.monotonic()

    def evaluate(mode_value: str, with_baselines: bool, path: str | None, asked: float | None, progress=gr.Progress()):  # noqa: B008 - Gradio's injection idiom
        outcome = evaluations.run(
            mode_value or "both",
            bool(with_baselines),
            path or None,
            asked_at=asked,
            on_progress=lambda fraction, text: progress(fraction, desc=text),
        )
        messages = list(outcome.messages)
        if outcome.shared:
            messages.insert(0, ("info", "This is the report of the evaluation that was running when you pressed Run."))
        body = evaluation_html(outcome.report, outcome.chart, seconds=outcome.seconds) if outcome.report else ""
        return messages_html(messages) + body, ""

    questions.change(on_file, questions, run, api_visibility="private", show_progress="hidden")
    run.click(
        announce,
        None,
        [notice, run, asked_at],
        api_visibility="private",
        show_progress="hidden",
        concurrency_limit=None,
    ).then(
        evaluate,
        [mode, baselines, questions, asked_at],
        [results, notice],
        api_visibility="private",
        show_progress_on=results,
        concurrency_limit=1,
        concurrency_id="evaluate",
    ).then(lambda: gr.Button(interactive=True), None, run, api_visibility="private", show_progress="hidden")
