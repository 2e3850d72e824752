"""Boxes burned into what the public is served of a redacted scan: page images, and the file
download itself, made once per redacted key and kept beside the page images.

A PDF with boxes is served rasterised: every page rendered, the boxes painted solid black,
and a new PDF made of those pictures alone. Painting over a box and cutting the words out of
the text layer would keep the original's text on every other page, its outline, metadata,
annotations and attachments, any of which can hold the withheld words; a PDF made only of
burned pictures holds nothing the public may not see. The cost: the public download has no
text layer (the transcription is on the document's page), and is larger. An image file is
re-encoded from its burned pixels, without the original's metadata (an EXIF thumbnail would
show the page unburned)."""

from __future__ import annotations

import io
import os
import tempfile
import threading
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import BinaryIO

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from chancery.blobs.derived import RedactedKeys
from chancery.blobs.folder import FolderBlobStore
from chancery.domain.redactions import Box
from chancery.domain.served_scans import ServedScan

PDF_DPI = 200  # resolution of a rasterised page: type stays legible when printed
MAX_EDGE = 4_000  # pixels: an oversized page (a map, a poster) is rendered no larger
JPEG_QUALITY = 85
_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/tiff": "TIFF"}
_MAKING = tuple(threading.Lock() for _ in range(16))  # one burn of a file at a time


def burn(picture: Image.Image, boxes: Sequence[Box]) -> Image.Image:
    """A copy of the picture with every box painted solid black, rounded outwards to
    whole pixels (Box.pixels), so no sliver of what is under it survives."""
    out = picture.copy() if picture.mode in ("RGB", "L") else picture.convert("RGB")
    draw = ImageDraw.Draw(out)
    for box in boxes:
        left, top, right, bottom = box.pixels(*out.size)
        draw.rectangle((left, top, right - 1, bottom - 1), fill="black")
    return out


def burned_pdf(data: bytes, scan: ServedScan, out: BinaryIO, lock: threading.Lock) -> None:
    """Write a PDF made only of the original's pages as burned pictures (see the module's
    note); ``lock`` guards PDFium, which is not thread-safe, one page at a time."""
    with lock:
        source, made = pdfium.PdfDocument(data), pdfium.PdfDocument.new()
    try:
        for n in range(1, len(source) + 1):
            with lock:
                page = source[n - 1]
                w, h = page.get_size()
                scale = min(PDF_DPI / 72, MAX_EDGE / max(w, h))
                picture: Image.Image = page.render(scale=scale).to_pil()
                page.close()
            jpeg = io.BytesIO()
            burn(picture, scan.boxes_on(n)).save(jpeg, "JPEG", quality=JPEG_QUALITY)
            with lock:
                _add_picture_page(made, jpeg, w, h)
        with lock:
            made.save(out)
    finally:
        with lock:
            source.close()
            made.close()


def _add_picture_page(pdf: pdfium.PdfDocument, jpeg: io.BytesIO, w: float, h: float) -> None:
    page = pdf.new_page(w, h)
    image = pdfium.PdfImage.new(pdf)
    jpeg.seek(0)
    image.load_jpeg(jpeg, inline=True)
    image.set_matrix(pdfium.PdfMatrix().scale(w, h))
    page.insert_obj(image)
    page.gen_content()
    page.close()


def burned_image(data: bytes, scan: ServedScan, out: BinaryIO) -> None:
    """Write an image file (every frame of a TIFF) at full size with its boxes burned in,
    in its own format, without the original's metadata."""
    with Image.open(io.BytesIO(data)) as img:
        frames = []
        for n in range(getattr(img, "n_frames", 1)):
            img.seek(n)
            frames.append(burn(img.convert("RGB") if img.mode not in ("RGB", "L") else img,
                               scan.boxes_on(n + 1)))
    fmt = _FORMATS[scan.media_type]
    options: dict[str, object] = {"quality": 90} if fmt == "JPEG" else {}
    if fmt == "TIFF":
        options = {"compression": "tiff_deflate", "save_all": True, "append_images": frames[1:]}
    frames[0].save(out, fmt, **options)


class BurnedFiles:
    """The file a reader is served for a scan: the stored original when nothing is burned
    in, else its burned copy, made on first request and kept by its redacted key (a new set
    of boxes is a new key, so no old burn is ever served)."""

    def __init__(self, blobs: FolderBlobStore, cache_dir: Path, pdf_lock: threading.Lock,
                 keys: RedactedKeys) -> None:
        self.blobs, self.cache_dir, self.pdf_lock, self.keys = blobs, cache_dir, pdf_lock, keys

    def path_of(self, scan: ServedScan) -> Path | None:
        """Where the file to serve is, or None when the original is not stored."""
        if not self.blobs.exists(scan.sha256):
            return None
        if not scan.is_redacted:
            return self.blobs.path_of(scan.sha256)
        target = self.cache_dir / scan.key[:2] / scan.key
        if target.exists():
            return target
        self.keys.note(scan.sha256, scan.key)  # before the file: a purge then finds it
        with _MAKING[zlib.crc32(scan.key.encode()) % len(_MAKING)]:
            if not target.exists():  # made while this reader waited
                self._make(scan, target)
        return target

    def _make(self, scan: ServedScan, target: Path) -> None:
        with self.blobs.open(scan.sha256) as f:
            data = f.read()
        if scan.media_type == "application/pdf":
            write_atomically(target, lambda out: burned_pdf(data, scan, out, self.pdf_lock))
        else:
            write_atomically(target, lambda out: burned_image(data, scan, out))


def write_atomically(target: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write through a temporary file of this writer's own, then rename: a reader (or another
    worker process making the same file) sees no file or the whole file, never a part."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:16]}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
