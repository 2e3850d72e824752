"""Word layers for tests, read from a PDF's own text layer (a JFK scan's publisher OCR, or a
hand-made PDF): every run of non-space characters with the box of its characters, in pixels of
the page's full size as IIIF serves it (blobs/pages.py), as an OCR stage would store them."""

from __future__ import annotations

import pypdfium2 as pdfium

from chancery.domain.words import PageWords, Word


def _word(chars: list[tuple[str, tuple[float, float, float, float]]], page: int, media: int,
          scale: tuple[float, float, float]) -> Word:
    sx, sy, top = scale
    left, right = min(b[0] for _, b in chars), max(b[2] for _, b in chars)
    bottom, upper = min(b[1] for _, b in chars), max(b[3] for _, b in chars)
    return Word("".join(c for c, _ in chars), page, round(left * sx), round((top - upper) * sy),
                max(1, round((right - left) * sx)), max(1, round((upper - bottom) * sy)),
                media=media)


def _page_words(page: pdfium.PdfPage, n: int, media: int, size: tuple[int, int]) -> PageWords:
    width, height = page.get_size()
    scale = (size[0] / width, size[1] / height, height)
    text = page.get_textpage()
    words: list[Word] = []
    run: list[tuple[str, tuple[float, float, float, float]]] = []
    for i in range(text.count_chars()):
        char = text.get_text_range(i, 1)
        if char.strip():
            run.append((char, text.get_charbox(i)))
            continue
        if run:
            words.append(_word(run, n, media, scale))
        run = []
    if run:
        words.append(_word(run, n, media, scale))
    return PageWords(media, n, size[0], size[1], tuple(words))


def pdf_words(data: bytes, sizes: list[tuple[int, int]], media: int = 0) -> list[PageWords]:
    """The words of every page of a PDF, given each page's full size in IIIF pixels."""
    pdf = pdfium.PdfDocument(data)
    try:
        return [_page_words(pdf[n - 1], n, media, sizes[n - 1]) for n in range(1, len(pdf) + 1)]
    finally:
        pdf.close()
