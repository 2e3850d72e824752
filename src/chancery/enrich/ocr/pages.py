"""The pages of a scan file as images for OCR, and their size in IIIF full-size pixels (as
blobs/pages.py renders them: a PDF page 2000 pixels wide, an image at most 2000 wide and
8000 high), so that a box read on the image can be put on the page a viewer shows."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image

from chancery.domain.media import WIDTHS
from chancery.domain.words import PageWords
from chancery.enrich.ocr.textlayer import pdf_page_words

PDF = "application/pdf"
RENDER_DPI = 300  # what Tesseract reads typescript best at
ASSUMED_DPI = 300  # an image that does not say its resolution: a scan is usually this
_MAX_SIDE = 7000  # pixels: a poster-sized PDF page is rendered smaller, not into gigabytes


@dataclass(frozen=True)
class PageImage:
    """One page as an image for OCR, its resolution, and how many IIIF full-size pixels one
    of its pixels is (to convert boxes), with the full size itself."""

    image: Image.Image
    dpi: int
    scale: float
    full: tuple[int, int]


def full_size(width: float, height: float, media_type: str) -> tuple[int, int]:
    """A page's full size as IIIF serves it, from its size in points (PDF) or pixels."""
    top = WIDTHS[-1]
    if media_type == PDF:
        return top, round(height * top / width)
    scale = min(1.0, top / width, top * 4 / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


class ScanPages:
    """Pages of one stored file, held open while they are read. PDFium is not thread-safe:
    every call into it holds the lock the page renderer also takes."""

    def __init__(self, data: bytes, media_type: str, lock: threading.Lock) -> None:
        self.media_type = media_type
        self.lock = lock
        self._data = data
        with lock:
            self._pdf = pdfium.PdfDocument(data) if media_type == PDF else None

    def count(self) -> int:
        """How many pages the file has."""
        if self._pdf is not None:
            with self.lock:
                return len(self._pdf)
        with Image.open(io.BytesIO(self._data)) as img:
            return int(getattr(img, "n_frames", 1))

    def text_layer(self, page: int, media: int) -> PageWords | None:
        """The words a PDF page carries itself (None for an image)."""
        if self._pdf is None:
            return None
        with self.lock:
            return pdf_page_words(self._pdf[page - 1], page, media)

    def image(self, page: int) -> PageImage:
        """Page ``page`` (from 1) as a greyscale image to read."""
        if self._pdf is not None:
            return self._pdf_image(page)
        with Image.open(io.BytesIO(self._data)) as img:
            img.seek(page - 1)  # the frames of a multi-page TIFF
            dpi = round(float(img.info.get("dpi", (ASSUMED_DPI,))[0])) or ASSUMED_DPI
            grey = img.convert("L")
        full = full_size(grey.width, grey.height, self.media_type)
        return PageImage(grey, dpi, full[0] / grey.width, full)

    def _pdf_image(self, page: int) -> PageImage:
        assert self._pdf is not None
        with self.lock:
            p = self._pdf[page - 1]
            width, height = p.get_size()
            zoom = min(RENDER_DPI / 72, _MAX_SIDE / max(width, height))
            # copied out of PDFium's buffer, which goes with the bitmap
            grey = p.render(scale=zoom, grayscale=True).to_pil().copy()
        full = full_size(width, height, PDF)
        return PageImage(grey, round(zoom * 72), full[0] / grey.width, full)

    def close(self) -> None:
        """Let go of the PDF."""
        if self._pdf is not None:
            with self.lock:
                self._pdf.close()
