"""Checking scan files before they are stored: known type, right magic bytes, page count."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

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
    try:
        return len(PdfReader(str(path), strict=False).pages)
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ImportRefused(f"{path.name}: not a readable PDF ({exc})") from None


def read_media(path: Path, limits: Limits, label: str = "") -> MediaFile:
    """A checked MediaFile for a scan, or ImportRefused saying what is wrong with it."""
    if not path.is_file():
        raise ImportRefused(f"scan file not found: {path}")
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise ImportRefused(f"{path.name}: unsupported file type (PDF, TIFF, JPEG or PNG)")
    check_size(path, limits)
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head.startswith(_MAGIC[media_type]):
        raise ImportRefused(f"{path.name}: not a {media_type.split('/')[1].upper()} file "
                            "(its content does not match its name)")
    pages = _pdf_pages(path) if media_type == "application/pdf" else 1
    return MediaFile(sha256_of(path), path.name, media_type, path.stat().st_size, pages, label)
