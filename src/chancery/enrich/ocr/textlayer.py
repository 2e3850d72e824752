"""A PDF's own text layer as words with boxes, through PDFium's text page: the characters it
holds, each with a box in PDF points, gathered into words and put in the page's full-size
IIIF pixels (the page 2000 pixels wide, as blobs/pages.py renders it), in reading order by
line (domain/words.py ``reading_order``): the order the layer stores them in follows its OCR's
blocks, which put a form's labels and values apart. The suggestions read a PDF through this
too (suggest/sources.py), so the stored text is the text they were measured on."""

from __future__ import annotations

from typing import Any

from chancery.domain.media import WIDTHS
from chancery.domain.words import PageWords, Word, reading_order

FULL_WIDTH = WIDTHS[-1]  # a PDF page's full size in IIIF: this wide, its height to scale

_Box = tuple[float, float, float, float]  # left, bottom, right, top in points
_FINE = 10.0  # units a point when the words are put in order


def pdf_page_words(page: Any, number: int, media: int = 0) -> PageWords:
    """The words of one PDFium page (``number`` from 1) in reading order, in IIIF pixels.
    The caller holds PDFium's lock: it is not thread-safe."""
    width, height = page.get_size()
    scale = FULL_WIDTH / width
    full = (FULL_WIDTH, round(height * scale))
    textpage = page.get_textpage()
    try:
        gathered = _gather(textpage)
    finally:
        textpage.close()
    # ordered in tenths of a point, finer than the pixels kept: whole pixels would move a
    # word between lines where the layer's boxes are a fraction apart
    fine = [_word(text, box, number, media, _FINE, height) for text, box in gathered]
    at = {id(w): i for i, w in enumerate(fine)}
    words = [_word(*gathered[at[id(w)]], number, media, scale, height) for w in reading_order(fine)]
    return PageWords(media, number, full[0], full[1], tuple(words))


def _gather(textpage: Any) -> list[tuple[str, _Box]]:
    """Characters joined into words at whitespace, each word with the union of its boxes."""
    found: list[tuple[str, _Box]] = []
    chars: list[str] = []
    boxes: list[_Box] = []
    for i in range(textpage.count_chars()):
        ch = textpage.get_text_range(i, 1)
        if ch.strip():
            chars.append(ch)
            boxes.append(textpage.get_charbox(i))
        elif chars:
            found.append(("".join(chars), _union(boxes)))
            chars, boxes = [], []
    if chars:
        found.append(("".join(chars), _union(boxes)))
    return found


def _union(boxes: list[_Box]) -> _Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _word(text: str, box: _Box, number: int, media: int, scale: float, height: float) -> Word:
    left, bottom, right, top = box
    x, y = round(left * scale), round((height - top) * scale)  # PDF's origin is bottom left
    return Word(text, number, x, y, max(1, round((right - left) * scale)),
                max(1, round((top - bottom) * scale)), -1.0, media)
