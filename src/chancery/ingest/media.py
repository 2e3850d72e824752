"""Checking scan files before they are stored: known type, right magic bytes, page count."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from chancery.domain.media import MEDIA_TYPES, MediaFile
from chancery.fileutil import sha256_of
from chancery.ingest.base import ImportRefused, Limits, check_size

_MAGIC = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
}


def _pdf_pages(path: Path) -> int:
    """The page count from the PDF's page tree, without reading a page (0.1 s for 2,000)."""
    from pypdf import PdfReader  # 0.1 s to import: paid by imports of PDFs only
    from pypdf.errors import FileNotDecryptedError, PdfReadError
    try:
        return len(PdfReader(str(path), strict=False).pages)
    except FileNotDecryptedError:
        raise ImportRefused(f"{path.name}: the PDF is encrypted and needs a password to open; "
                            "save a copy without one") from None
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ImportRefused(f"{path.name}: not a readable PDF ({exc})") from None


def _image_pages(path: Path) -> int:
    """The frames of an image (the pages of a multi-page TIFF), from its headers."""
    try:
        with Image.open(path) as img:
            return int(getattr(img, "n_frames", 1))
    # Pillow says a broken file many ways (a truncated TIFF: TypeError "Missing dimensions")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, TypeError,
            KeyError, EOFError, SyntaxError) as exc:
        raise ImportRefused(f"{path.name}: not a readable image ({exc})") from None


def _check_pages(path: Path, pages: int, limits: Limits) -> int:
    if pages < 1:
        raise ImportRefused(f"{path.name}: the file has no pages")
    if pages > limits.max_pages:
        raise ImportRefused(f"{path.name}: {pages:,} pages, over the limit of "
                            f"{limits.max_pages:,} a file (split it, or raise --max-pages)")
    return pages


def read_media(path: Path, limits: Limits, label: str = "") -> MediaFile:
    """A checked MediaFile for a scan, or ImportRefused saying what is wrong with it."""
    if not path.is_file():
        raise ImportRefused(f"scan file not found: {path}")
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise ImportRefused(f"{path.name}: unsupported file type (PDF, TIFF, JPEG or PNG)")
    check_size(path, limits)
    if path.stat().st_size == 0:
        raise ImportRefused(f"{path.name}: the file is empty (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head.startswith(_MAGIC[media_type]):
        raise ImportRefused(f"{path.name}: not a {media_type.split('/')[1].upper()} file "
                            "(its content does not match its name)")
    pages = _check_pages(path, _pdf_pages(path) if media_type == "application/pdf"
                         else _image_pages(path), limits)
    return MediaFile(sha256_of(path), path.name, media_type, path.stat().st_size, pages, label)
