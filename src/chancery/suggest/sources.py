"""The text a file offers for suggestions: a text file as it is, a PDF's own text layer
(pypdfium2; each page's last line ended, then a form feed, as pdftotext does). The layer's
words are read as the import's OCR stage reads them (enrich/ocr/textlayer.py): by line, top
to bottom and left to right, not in the order the layer stores them (an OCR layer stores a
form's labels and values in different blocks).
OCR is not done here: a PDF without a text layer gives no text, and the import's OCR stage
makes one."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import pypdfium2 as pdfium

from chancery.domain.words import page_text
from chancery.enrich.ocr.textlayer import pdf_page_words

_TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})


class UnreadableFile(ValueError):
    """A file suggestions cannot be read from; the message says why, for a person."""


def read_text(path: Path, lock: threading.Lock | None = None) -> str:
    """The text of a .txt or .pdf file. ``lock``: pdfium is not thread-safe, so a server
    passes the lock its page images use."""
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in _TEXT_SUFFIXES:
        return _text_file(path)
    if suffix == ".pdf":
        guard: AbstractContextManager[object] = lock if lock is not None else nullcontext()
        with guard:
            return _pdf_text(path)
    raise UnreadableFile(f"{path}: not a text file or a PDF (.txt or .pdf)")


def _text_file(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile(f"{path}: not UTF-8 text") from None


def _pdf_text(path: Path) -> str:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise UnreadableFile(f"{path}: not a readable PDF ({exc})") from None
    try:
        pages = []
        for number, page in enumerate(pdf, start=1):
            pages.append(page_text(pdf_page_words(page, number).words))
            page.close()
        return "".join(f"{page}\n\f" for page in pages)
    finally:
        pdf.close()
