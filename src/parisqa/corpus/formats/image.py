"""Text of photos and scans saved as images (PNG, JPEG, TIFF), read by OCR (:mod:`.ocr`).

Each frame of the image is a page (a multi-page TIFF has several); a photo taken sideways is turned
upright by its EXIF orientation first, as image viewers show it. The page view shows the image itself
with the cited words' boxes painted over it.
"""

from __future__ import annotations

from parisqa.errors import ExtractionError

from .base import Extracted, highlighted, png, scaled_boxes

EXTRACTOR_VERSION = "1"
MAX_PIXELS = 80_000_000  # a 300 dpi A0 poster; a larger "image" is a decompression bomb, not a page
MAX_FRAMES = 500


def version() -> str:
    import PIL

    from .ocr import ocr_version

    return f"image-{EXTRACTOR_VERSION} pillow-{PIL.__version__} {ocr_version()}"


def _frames(source: str, data: bytes):
    """The pages of the image, upright, as PIL images."""
    import io
    import warnings

    from PIL import Image, ImageOps, ImageSequence

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise ExtractionError(
                    source, f"{image.width}x{image.height} pixels is over the {MAX_PIXELS:,}-pixel limit; scale it down"
                )
            frames = []
            for n, frame in enumerate(ImageSequence.Iterator(image)):
                if n >= MAX_FRAMES:
                    break
                frames.append(ImageOps.exif_transpose(frame.copy()))
            return frames
    except ExtractionError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ExtractionError(
            source, f"the image is over the {MAX_PIXELS:,}-pixel limit (a decompression bomb?); scale it down"
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise ExtractionError(source, f"damaged or unsupported image ({exc}); re-save it as PNG") from None


def extract_image(source: str, data: bytes) -> Extracted:
    """The OCR text of an image file, one page per frame.

    Raises:
        ExtractionError: the image cannot be decoded, Tesseract is not installed, or no page of it
            reads above the confidence floor (the reason says which).
    """
    from . import ocr

    ocr.require(source)
    frames = _frames(source, data)
    reader = ocr.Reader(source, len(frames))
    pages = [reader.page(n, frame) for n, frame in enumerate(frames, 1)]
    info = reader.info()
    if not any(page is not None and page.text for page in pages):
        if info.skipped:
            raise ExtractionError(source, info.skipped[0][1])
        raise ExtractionError(source, "OCR found no text in the image; nothing to index")
    out: list[str] = []
    length = 0
    spans: list[tuple[int, int]] = []
    boxes: list[tuple[tuple[int, int, float, float, float, float], ...]] = []
    for page in pages:
        start = length
        if page is not None and page.text:
            if out:
                out.append("\n\n")
                length += 2
            boxes.append(tuple((length + o, n, *box) for o, n, *box in page.boxes))
            out.append(page.text)
            length += len(page.text)
        else:
            boxes.append(())
        spans.append((start, length))
    return Extracted("".join(out), "image", version(), tuple(spans), (), tuple(boxes), info)


def render(
    data: bytes, page: int, highlight: list[tuple[int, int]], scale: float, extracted: Extracted | None
) -> bytes:
    """PNG of frame ``page`` (1-based) of the image with the text spans ``highlight`` painted over their words.

    ``scale`` is pixels per PDF point as for a PDF page: the image is shown as a page at the resolution
    it was read in (:data:`.ocr.DPI`), so a 300 dpi scan and its PDF look the same size.
    """
    from .ocr import DPI

    source = "image"
    frames = _frames(source, data)
    if not 1 <= page <= len(frames):
        raise ExtractionError(source, f"page {page} does not exist; the image has {len(frames)} pages")
    if extracted is None and highlight:
        extracted = extract_image(source, data)
    image = frames[page - 1].convert("RGBA")
    factor = min(1.0, scale * 72 / DPI)
    if factor < 1.0:
        image = image.resize((max(1, round(image.width * factor)), max(1, round(image.height * factor))))
    boxes = []
    for start, end in highlight if extracted is not None else ():
        boxes += scaled_boxes(extracted.boxes_of(page, start, end), image.size)
    return png(highlighted(image, boxes))
