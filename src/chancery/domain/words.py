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
    or lies wholly below it (a new line), so that paragraphs read as the page shows them."""
    out: list[str] = []
    last: Word | None = None
    for word in words:
        if last is not None:
            out.append("\n" if word.x < last.x or word.y >= last.y + last.h else " ")
        out.append(word.text)
        last = word
    return "".join(out)


def reading_order(words: Iterable[Word]) -> list[Word]:
    """The words of one page by line, top to bottom, each line left to right. A PDF's text
    layer keeps the order its OCR found blocks in, which scrambles a form: its labels and
    their values land in different blocks ("TO", then three lines later "DIRECTOR"). Words
    are taken from the top; each joins a recent line when its middle lies within half a
    word's height of the middle of that line's word nearest to it across the page. Typed
    lines stand about two heights apart; comparing with the nearest word, not the line's
    first, follows a line that a skewed scan tilts by more than that across the page."""
    ordered = sorted(words, key=_middle)
    tolerance = _typical_height(ordered) / 2
    lines: list[list[Word]] = []
    for word in ordered:
        line = _line_for(word, lines[-3:], tolerance)
        if line is None:
            lines.append([word])
        else:
            line.append(word)
    return [word for line in lines for word in sorted(line, key=lambda w: w.x)]


def _line_for(word: Word, recent: list[list[Word]], tolerance: float) -> list[Word] | None:
    """The recent line the word continues: the one whose nearest word is nearest in height."""
    best, gap = None, tolerance
    for line in recent:
        nearest = min(line, key=lambda w: abs(w.x + w.w / 2 - word.x - word.w / 2))
        off = abs(_middle(nearest) - _middle(word))
        if off <= gap:
            best, gap = line, off
    return best


def _middle(word: Word) -> float:
    return word.y + word.h / 2


def _typical_height(words: list[Word]) -> float:
    """The median height of the words of two characters or more (dots and dashes are short,
    stamps tall: neither is the page's type)."""
    heights = sorted(w.h for w in words if len(w.text) > 1) or sorted(w.h for w in words)
    return float(heights[len(heights) // 2]) if heights else 0.0
