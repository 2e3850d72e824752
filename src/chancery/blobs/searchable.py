"""Searchable PDFs: a scan's pages as the reader is served them (burned, when it has boxes)
with the words they may read laid over each page as invisible text, so a PDF reader finds,
selects and copies them where they stand on the image.

Made with fpdf2 and the glyphless font ocrmypdf ships (Occulta: every character, no shape),
the way OCRmyPDF lays its own text layers: one word at a time at its box, the font sized to the
box's height and stretched to its width. Only the served page images and the visible words go
in (never the original file, its text layer or its metadata), so the PDF holds nothing the
reader may not see. Kept under a key of the scan's served key and the words, noted against
the original like every burn (blobs/derived.py), so a change of redactions drops it."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import zlib
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from PIL import Image

from chancery.blobs.burning import JPEG_QUALITY, write_atomically
from chancery.blobs.pages import WIDTHS, PageImages
from chancery.domain.served_scans import ServedScan
from chancery.domain.words import PageWords

if TYPE_CHECKING:  # fpdf2 (with numpy and fontTools) takes 0.6 s to import: only when used
    from fpdf import FPDF

DPI = 200  # the page images are read as scanned at this resolution: 2,000 px is 10 inches
FONT = "occulta"
_MAKING = tuple(threading.Lock() for _ in range(16))  # one making of a file at a time


def searchable_key(scan: ServedScan, pages: Sequence[PageWords]) -> str:
    """The key a searchable PDF is kept by: the served scan's key and every word with its box,
    so other boxes, other words withheld or a new reading each make a new file."""
    words = [[p.media, p.page, p.width, p.height, [[w.text, w.x, w.y, w.w, w.h] for w in p.words]]
             for p in pages]
    digest = hashlib.sha256(json.dumps(words, ensure_ascii=False).encode()).hexdigest()
    return hashlib.sha256(f"{scan.key}|searchable|{digest}".encode()).hexdigest()


class SearchablePdfMaker:
    """Searchable PDFs, made on first request from the served page images and kept."""

    def __init__(self, images: PageImages, cache_dir: Path) -> None:
        self.images, self.cache_dir = images, cache_dir

    def path_of(self, scan: ServedScan, pages: Sequence[PageWords]) -> Path | None:
        """The searchable PDF of a served scan with these words on its pages, or None when the
        original is not stored."""
        count = len(self.images.sizes(scan.sha256, scan.media_type))
        if not count:
            return None
        key = searchable_key(scan, pages)
        target = self.cache_dir / key[:2] / key
        if target.exists():
            return target
        self.images.keys.note(scan.sha256, key)  # before the file: a purge or redaction finds it
        with _MAKING[zlib.crc32(key.encode()) % len(_MAKING)]:
            if not target.exists():
                by_page = {p.page: p for p in pages}
                write_atomically(target, lambda out: self._write(scan, count, by_page, out))
        return target

    def _write(self, scan: ServedScan, count: int, by_page: dict[int, PageWords],
               out: BinaryIO) -> None:
        from fpdf import FPDF
        pdf = FPDF(unit="pt")
        pdf.set_auto_page_break(auto=False)
        pdf.c_margin = 0
        pdf.add_font(FONT, fname=str(files("ocrmypdf.data") / "Occulta.ttf"))
        for n in range(1, count + 1):
            image = self.images.served_image(scan, n, WIDTHS[-1])
            if image is None:
                raise ValueError(f"page {n} of the scan could not be rendered")
            _add_page(pdf, image, by_page.get(n))
        pdf.output(out)


def _add_page(pdf: FPDF, image: Path, words: PageWords | None) -> None:
    """One page: the served image filling it, then each word as invisible text on its box."""
    with Image.open(image) as img:
        picture = img.convert("L" if img.mode in ("1", "L", "LA") else "RGB")
    jpeg = io.BytesIO()
    picture.save(jpeg, "JPEG", quality=JPEG_QUALITY)
    width, height = picture.width * 72 / DPI, picture.height * 72 / DPI
    pdf.add_page(format=(width, height))
    pdf.image(jpeg, x=0, y=0, w=width, h=height)
    if words is None or not words.words:
        return
    from fpdf.enums import TextMode
    pdf.text_mode = TextMode.INVISIBLE
    scale = width / words.width  # word boxes are in the page's IIIF full-size pixels
    for w in words.words:
        size = max(1.0, w.h * scale)
        pdf.set_font(FONT, size=size)
        pdf.set_stretching(100)  # the width is measured with the stretching in force
        natural = pdf.get_string_width(w.text)
        if natural <= 0:
            continue
        pdf.set_stretching(100 * w.w * scale / natural)
        pdf.text(x=w.x * scale, y=(w.y + w.h * 0.8) * scale, text=w.text)  # on its baseline
