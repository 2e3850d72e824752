"""Scans and other files attached to a document."""

from __future__ import annotations

from dataclasses import dataclass

# Only these formats are accepted as scans; anything else is refused at import.
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}

# The widths page images are rendered at: thumbnails of results, small pages, reading size,
# zooming. Pages and IIIF offer these alone, so the cache holds a bounded set per page.
WIDTHS = (200, 400, 1000, 2000)


@dataclass(frozen=True)
class MediaFile:
    """A file in the blob store, by content hash, with its page count."""

    sha256: str
    filename: str
    media_type: str
    size: int
    pages: int = 1
    label: str = ""  # "Original, Russian", "Carbon copy"
    # BCP 47 tag of what the scan shows, given when there is no text to carry it ("ru")
    language: str = ""
