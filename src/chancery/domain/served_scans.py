"""A stored scan as one reader may be served it: the original file and the boxes to burn
into everything made from it.

The public addresses a scan with boxes, or of a document with words withheld, only by its
redacted key (a hash of the original's hash and the boxes, ``redacted_key``); the original's
own hash answers as unknown to it.
Editors are served the original, by its hash, with no boxes."""

from __future__ import annotations

from dataclasses import dataclass

from chancery.domain.redactions import Box, redacted_key


@dataclass(frozen=True)
class ServedScan:
    """What one address resolves to: the original file, its media type, and the boxes
    (page from 1, region) every derived image and download must have burned in."""

    sha256: str  # the original file's hash, in the blob store
    media_type: str
    boxes: tuple[tuple[int, Box], ...] = ()
    # words of a document carrying it are withheld: the file is served rasterised, without
    # the text layer (a publisher's OCR) and metadata that may repeat them, even with no box
    flat: bool = False

    @property
    def key(self) -> str:
        """The key this scan is addressed and cached by: the original's hash when served as
        it is, else a key of its own that changes with every change of the boxes."""
        return redacted_key(self.sha256, list(self.boxes)) if self.is_redacted else self.sha256

    @property
    def is_redacted(self) -> bool:
        """Whether what is served is a burned copy (boxes, or no text layer) under its key."""
        return bool(self.boxes) or self.flat

    def boxes_on(self, page: int) -> list[Box]:
        """The boxes on one page (from 1)."""
        return [b for p, b in self.boxes if p == page]
