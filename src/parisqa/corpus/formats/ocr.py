"""Text of scanned pages and photos with Tesseract: words with their boxes, laid out as paragraphs.

Tesseract is run as Debian's ``tesseract`` program, fed a PNG on stdin and read back as TSV (one row
per word: its block, paragraph and line numbers, its box in pixels, its confidence). pytesseract
does the same through temporary files and OCRmyPDF wraps it in a PDF rewrite (Ghostscript, a text
layer laid over the image), which parisqa would then have to read back with pdfium to get the
words' boxes; the program itself is what both call, so it is called directly (no Python dependency,
one process per page; see benchmarks/bench_ocr.py for the measured pages/s of each way).

The page text keeps Tesseract's own layout: words of a line joined by a space, lines of a paragraph
joined by a space (a word hyphenated at a line end is joined without its hyphen when the next line
starts in lower case), paragraphs separated by a blank line; a paragraph of one line whose words are at least
1.25 times taller than the page's usual ones is a heading (``# ``). Each word keeps its box as
fractions of the page's width and height, so a citation of the text can be highlighted on the page
image at any scale.

The language follows the document: its first page with words is read with every language parisqa
knows that is installed (English and French); the words found say which language the document is in
(:mod:`parisqa.corpus.language`), and the later pages are read in that language alone (reading the
first page again in it was measured: the same text on these scans, at twice the cost of that page).
"""

from __future__ import annotations

import functools
import io
import logging
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field

from parisqa.errors import ExtractionError

from .base import OcrInfo

OCR_VERSION = "1"
DPI = 300  # the resolution a PDF page is rendered at for OCR: Tesseract's own recommendation
# Below this mean word confidence (0-100) a page's reading is mostly guesswork (a photo, a drawing,
# noise): it is left out and reported rather than indexed as garbage that answers would quote.
CONFIDENCE_FLOOR = 55.0
# Tesseract's language packs for the languages parisqa analyses.
LANGUAGES = {"en": "eng", "fr": "fra"}
INSTALL = "install Tesseract (Debian: apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra)"
TIMEOUT_SECONDS = 300
# The build's progress log (the CLI prints it on stderr): a long OCR says how far it got.
progress_log = logging.getLogger("parisqa.progress")


@dataclass
class OcrPage:
    """One page as Tesseract read it: its text, word boxes and mean word confidence.

    Attributes:
        text: the page text (paragraphs separated by a blank line).
        boxes: runs ``(offset, length, x0, y0, x1, y1)``: characters ``offset .. offset+length`` of
            ``text`` are the word in that box, in fractions of the page (origin top left).
        confidence: mean word confidence, 0-100 (0 for a page without words).
        words: how many words were read.
        language: the Tesseract languages it was read with (``"eng"``, ``"eng+fra"``...).
    """

    text: str
    boxes: list[tuple[int, int, float, float, float, float]] = field(default_factory=list)
    confidence: float = 0.0
    words: int = 0
    language: str = ""


@functools.cache
def tesseract() -> str | None:
    """The path of the ``tesseract`` program, or None when it is not installed."""
    return shutil.which("tesseract")


@functools.cache
def engine_version() -> str:
    """``"tesseract 5.3.0"``: the first line of ``tesseract --version`` ("" when not installed)."""
    program = tesseract()
    if program is None:
        return ""
    done = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30, check=False)
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].strip() if first else "tesseract"


@functools.cache
def installed_languages() -> tuple[str, ...]:
    """The Tesseract language packs of :data:`LANGUAGES` that are installed (e.g. ``("eng", "fra")``)."""
    program = tesseract()
    if program is None:
        return ()
    done = subprocess.run([program, "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    have = set((done.stdout + done.stderr).split())
    return tuple(code for code in LANGUAGES.values() if code in have)


def ocr_version() -> str:
    """What the OCR of a page depends on, for the extractor versions: ``"ocr-1-tesseract-5.3.0"``.

    Installing, removing or upgrading Tesseract changes it, so the files it read are read again.
    """
    engine = "-".join(engine_version().split()[:2]) or "none"
    return f"ocr-{OCR_VERSION}-{engine}"


def require(source: str) -> tuple[str, ...]:
    """The installed languages, or an :class:`ExtractionError` naming the package to install."""
    if tesseract() is None:
        raise ExtractionError(source, f"a scan without a text layer needs OCR; {INSTALL}")
    languages = installed_languages()
    if not languages:
        raise ExtractionError(source, f"Tesseract has no English or French language data; {INSTALL}")
    return languages


def run_tesseract(image, language: str) -> list[list[str]]:
    """Tesseract's TSV rows for the words of a PIL ``image`` read in ``language`` (``"eng+fra"``)."""
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    done = subprocess.run(
        [tesseract() or "tesseract", "stdin", "stdout", "-l", language, "--psm", "3", "tsv"],
        input=buf.getvalue(),
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
        # One thread: pages are many and cores are few; Tesseract's threads mostly wait on each other.
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode("utf-8", "replace").strip()[-300:] or f"exit {done.returncode}")
    rows = [line.split("\t") for line in done.stdout.decode("utf-8", "replace").splitlines()[1:]]
    return [row for row in rows if len(row) == 12 and row[0] == "5" and row[11].strip()]


def layout(rows: list[list[str]], width: int, height: int, language: str = "") -> OcrPage:
    """The page text and word boxes from Tesseract's TSV word rows (see the module docstring)."""
    # Rows: level, page, block, par, line, word, left, top, width, height, conf, text.
    paragraphs: list[list[list[tuple[str, tuple[int, int, int, int], float]]]] = []
    last_par = last_line = None
    for row in rows:
        par = (row[2], row[3])
        line = (*par, row[4])
        box = (int(row[6]), int(row[7]), int(row[6]) + int(row[8]), int(row[7]) + int(row[9]))
        word = (" ".join(row[11].split()), box, float(row[10]))
        if par != last_par:
            paragraphs.append([])
        if line != last_line:
            paragraphs[-1].append([])
        paragraphs[-1][-1].append(word)
        last_par, last_line = par, line
    heights = sorted(_height(line) for p in paragraphs for line in p)
    usual = heights[len(heights) // 2] if heights else 0
    page = OcrPage("", language=language)
    out: list[str] = []
    length = 0
    confidences = [w[2] for p in paragraphs for line in p for w in line if w[2] >= 0]

    def put(piece: str, box: tuple[int, int, int, int] | None = None) -> None:
        nonlocal length
        if box is not None and piece:
            x0, y0, x1, y1 = box
            page.boxes.append((length, len(piece), x0 / width, y0 / height, x1 / width, y1 / height))
        out.append(piece)
        length += len(piece)

    for paragraph in paragraphs:
        if out:
            put("\n\n")
        if len(paragraph) == 1 and usual:
            if _height(paragraph[0]) >= usual * 1.25 and len(paragraph[0]) <= 20:
                put("# ")
        for n, line in enumerate(paragraph):
            for m, (text, box, _) in enumerate(line):
                if m == 0 and n > 0:
                    prev = out[-1]
                    if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and text[:1].islower():
                        # A word broken at the line end: drop the hyphen from the text (and its box).
                        out[-1] = prev[:-1]
                        length -= 1
                        x0, y0, x1, y1 = page.boxes[-1][2:]
                        page.boxes[-1] = (page.boxes[-1][0], len(out[-1]), x0, y0, x1, y1)
                    else:
                        put(" ")
                elif m:
                    put(" ")
                put(text, box)
    page.text = "".join(out)
    page.words = len(confidences)
    page.confidence = sum(confidences) / len(confidences) if confidences else 0.0
    return page


def _height(line: list[tuple[str, tuple[int, int, int, int], float]]) -> int:
    """A line's letter height: the median of its words' box heights (a skewed line's extent is taller)."""
    heights = sorted(box[3] - box[1] for _, box, _ in line)
    return heights[len(heights) // 2]


def read_page(image, languages: tuple[str, ...], language: str | None = None) -> OcrPage:
    """OCR one page image (PIL).

    Args:
        image: the page.
        languages: the installed Tesseract languages (:func:`require`).
        language: the Tesseract language the document was found to be in, if known already.

    Returns:
        The page. Its ``language`` is the document's language as this page shows it (``"eng"``,
        ``"fra"``), for the pages after it; ``"eng+fra"`` when the page does not tell.
    """
    from parisqa.corpus.language import detect

    image = image.convert("L") if image.mode not in ("L", "RGB") else image
    width, height = image.size
    if language:
        return layout(run_tesseract(image, language), width, height, language)
    both = "+".join(languages)
    page = layout(run_tesseract(image, both), width, height, both)
    found = LANGUAGES.get(detect(page.text, fallback="").language)
    if found in languages:
        page.language = found
    return page


class Reader:
    """Reads the pages of one file that need OCR, one at a time, and sums up how it went.

    The document's language found on its first page with words is kept for the pages after it; a
    page whose mean word confidence is under :data:`CONFIDENCE_FLOOR` is left out and reported;
    progress goes to the ``parisqa.progress`` log (the CLI prints it), so a long scan is not silent.
    """

    def __init__(self, source: str, total: int) -> None:
        self.source = source
        self.total = total
        self.languages = installed_languages() if tesseract() else ()
        self.language: str | None = None
        self.read: list[int] = []
        self.skipped: list[tuple[int, str]] = []
        self.confidences: list[tuple[float, int]] = []
        self.seconds = 0.0
        self._last_report = time.monotonic()

    def page(self, number: int, image) -> OcrPage | None:
        """The OCR of page ``number`` (1-based) of the file, or None when it is left out (see ``skipped``)."""
        if not self.languages:
            self.skipped.append((number, f"no text layer (a scan?) and no OCR engine; {INSTALL}"))
            return None
        started = time.perf_counter()
        try:
            page = read_page(image, self.languages, self.language)
        except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
            self.skipped.append((number, f"Tesseract failed on the page ({exc}); re-scan or convert it"))
            return None
        finally:
            self.seconds += time.perf_counter() - started
        self.read.append(number)
        if page.words:
            self.language = self.language or page.language
        if page.words and page.confidence < CONFIDENCE_FLOOR:
            self.skipped.append(
                (
                    number,
                    f"OCR mean word confidence {page.confidence:.0f} is below the floor of {CONFIDENCE_FLOOR:.0f} "
                    "(a photo, a drawing or a poor scan); scan it again at 300 dpi",
                )
            )
            return None
        self.confidences.append((page.confidence, page.words))
        now = time.monotonic()
        if now - self._last_report >= 10 and number < self.total:
            self._last_report = now
            progress_log.info(
                "OCR: %s, page %d of %d, %.1f s a page", self.source, number, self.total, self.seconds / len(self.read)
            )
        return page

    def info(self) -> OcrInfo:
        """What the file's manifest entry records; the totals also go to the progress log."""
        words = sum(n for _, n in self.confidences)
        mean = sum(c * n for c, n in self.confidences) / words if words else 0.0
        if self.read:
            progress_log.info(
                "OCR: %s, %d page(s) in %.1f s, mean word confidence %.0f",
                self.source,
                len(self.read),
                self.seconds,
                mean,
            )
        return OcrInfo(
            "tesseract",
            engine_version(),
            self.language or "+".join(self.languages),
            round(mean, 1),
            tuple(self.read),
            tuple(self.skipped),
            round(self.seconds, 2),
        )


def page_image(page, dpi: int = DPI):
    """A pdfium page rendered in grey at ``dpi`` for Tesseract."""
    return page.render(scale=dpi / 72, grayscale=True).to_pil()
