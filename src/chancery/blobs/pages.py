"""Page images derived from stored scans (PDF through PDFium, TIFF/JPEG/PNG through Pillow),
rendered once per size and kept beside the blob store. The originals are never changed."""

from __future__ import annotations

import io
import os
import tempfile
import threading
import zlib
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from chancery.blobs.burning import burn
from chancery.blobs.derived import RedactedKeys
from chancery.blobs.folder import FolderBlobStore
from chancery.domain.media import WIDTHS as WIDTHS  # the widths rendered, named in the domain
from chancery.domain.served_scans import ServedScan

PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe (burning.py takes it too)
# Readers opening a page for the first time wait for one render of it instead of each making
# their own (84 at once were seen); a fixed set of locks keeps memory bounded.
_RENDERING = tuple(threading.Lock() for _ in range(64))


class PageImages:
    """Renders and caches page images of stored files."""

    def __init__(self, blobs: FolderBlobStore, cache_dir: Path,
                 keys: RedactedKeys | None = None) -> None:
        self.blobs = blobs
        self.cache_dir = cache_dir
        # the redacted keys images were served under (their IIIF renderings too), for a purge
        self.keys = keys or RedactedKeys(cache_dir / "redacted")

    def image(self, sha256: str, media_type: str, page: int, width: int) -> Path | None:
        """A PNG of one page (1-based) at one of WIDTHS, or None when there is no such page."""
        if width not in WIDTHS or page < 1 or not self.blobs.exists(sha256):
            return None
        target = self.cache_dir / sha256[:2] / f"{sha256}-{page}-{width}.png"
        if target.exists():
            return target
        with _RENDERING[zlib.crc32(target.name.encode()) % len(_RENDERING)]:
            if target.exists():  # rendered while this reader waited
                return target
            return self._render(sha256, media_type, page, width, target)

    def served_image(self, scan: ServedScan, page: int, width: int) -> Path | None:
        """A page of a scan as a reader is served it: with boxes, burned, kept under the
        scan's redacted key (never the original's), so no cache serves an older burn. With no
        box (words withheld from its text layer only) the original's rendering is served:
        a page image is pixels alone, with no text layer or metadata to carry the words."""
        if scan.is_redacted:
            self.keys.note(scan.sha256, scan.key)
        if not scan.boxes:
            return self.image(scan.sha256, scan.media_type, page, width)
        plain = self.image(scan.sha256, scan.media_type, page, width)
        if plain is None:
            return None
        target = self.cache_dir / scan.key[:2] / f"{scan.key}-{page}-{width}.png"
        if not target.exists():
            with Image.open(plain) as img:
                img.load()
                burned = burn(img, scan.boxes_on(page))
            target.parent.mkdir(parents=True, exist_ok=True)
            _save_atomically(burned, target)
        return target

    def sizes(self, sha256: str, media_type: str) -> list[tuple[int, int]]:
        """The size of every page of a stored file at the largest width (see page_sizes)."""
        return page_sizes(self.blobs, sha256, media_type)

    def _render(self, sha256: str, media_type: str, page: int, width: int,
                target: Path) -> Path | None:
        with self.blobs.open(sha256) as f:
            data = f.read()
        picture = _render_pdf(data, page, width) if media_type == "application/pdf" \
            else _render_image(data, page, width)
        if picture is None:
            return None
        target.parent.mkdir(parents=True, exist_ok=True)
        _save_atomically(picture, target)
        return target


def _save_atomically(picture: Image.Image, target: Path) -> None:
    """Write to a temporary file of this render's own, then rename: a reader (or another
    worker process rendering the same page) sees no file or the whole file, never a part."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            picture.save(out, "PNG", optimize=True)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _render_pdf(data: bytes, page: int, width: int) -> Image.Image | None:
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(data)
        try:
            if page > len(pdf):
                return None
            p = pdf[page - 1]
            image: Image.Image = p.render(scale=width / p.get_width()).to_pil()
            return image.convert("L") if image.mode not in ("L", "RGB") else image
        finally:
            pdf.close()


def _render_image(data: bytes, page: int, width: int) -> Image.Image | None:
    with Image.open(io.BytesIO(data)) as img:
        try:
            img.seek(page - 1)  # TIFF pages
        except EOFError:
            return None
        frame: Image.Image = img.convert("RGB")
    frame.thumbnail((width, width * 4))
    return frame


def page_sizes(blobs: FolderBlobStore, sha256: str, media_type: str,
               width: int = WIDTHS[-1]) -> list[tuple[int, int]]:
    """The size of every page as ``image`` renders it at ``width`` (for IIIF canvases),
    read from the file without rendering a page."""
    if not blobs.exists(sha256):
        return []
    with blobs.open(sha256) as f:
        data = f.read()
    if media_type == "application/pdf":
        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(data)
            try:
                sizes = [pdf[i].get_size() for i in range(len(pdf))]
            finally:
                pdf.close()
        return [(width, round(h * width / w)) for w, h in sizes]
    out = []
    with Image.open(io.BytesIO(data)) as img:
        for n in range(getattr(img, "n_frames", 1)):
            img.seek(n)
            w, h = img.size
            scale = min(1.0, width / w, width * 4 / h)  # as thumbnail() in _render_image
            out.append((max(1, round(w * scale)), max(1, round(h * scale))))
    return out
