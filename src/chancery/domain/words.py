"""Words on a scan page with their boxes: what OCR (or a PDF's own text layer) read where, so
that a search hit can be shown on the page image and a IIIF viewer can search inside a scan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """One word as read, on a 1-based page of one of the document's scans. The box is in pixels
    of the page's full-size image as IIIF serves it (the measure redaction boxes use), so that
    a box on a word and a redaction box can be compared without conversion."""

    text: str
    page: int
    x: int
    y: int
    w: int
    h: int
    confidence: float = -1.0  # 0-100 as Tesseract gives it; -1 when the source gives none
    media: int = 0  # index of the scan in the document's media (0: the first)

    def overlaps(self, x: int, y: int, w: int, h: int) -> bool:
        """Whether any part of this word lies inside the box (x, y, w, h)."""
        return self.x < x + w and x < self.x + self.w and self.y < y + h and y < self.y + self.h


@dataclass(frozen=True)
class PageWords:
    """The words of one page, in reading order, with the page's size in the same pixels."""

    media: int
    page: int
    width: int
    height: int
    words: tuple[Word, ...] = ()


def page_text(words: Iterable[Word]) -> str:
    """The words joined as text, a line break where a word starts left of the one before it
    (a new line), so that paragraphs read as the page shows them."""
    out: list[str] = []
    last_x = -1
    for word in words:
        if out:
            out.append("\n" if word.x < last_x else " ")
        out.append(word.text)
        last_x = word.x
    return "".join(out)
