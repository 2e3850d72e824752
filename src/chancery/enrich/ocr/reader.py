"""Reading one page of a stored scan file: its own text layer where it reads well enough (or
where OCR is not wanted), else Tesseract; and the language of a file nobody named."""

from __future__ import annotations

import threading

from chancery.domain.ocr import TEXT_LAYER, OcrMode, PageReading
from chancery.domain.words import PageWords, Word, page_text, reading_order
from chancery.enrich.ocr.language import language_of_script, language_of_text
from chancery.enrich.ocr.pages import PageImage, ScanPages
from chancery.enrich.ocr.quality import is_good_enough
from chancery.enrich.ocr.tesseract import VERSION, ReadWord, Tesseract, tesseract_language


class ScanReader:
    """Pages of PDF, TIFF, JPEG and PNG files read into words with boxes."""

    def __init__(self, pdfium_lock: threading.Lock, tesseract: Tesseract | None = None) -> None:
        self.lock = pdfium_lock
        self.tesseract = tesseract or Tesseract()

    def page_count(self, data: bytes, media_type: str) -> int:
        """How many pages the file has."""
        pages = ScanPages(data, media_type, self.lock)
        try:
            return pages.count()
        finally:
            pages.close()

    def read_page(self, data: bytes, media_type: str, page: int, media: int,
                  mode: OcrMode, language: str) -> PageReading | None:
        """One page (from 1) as the mode asks; None when there is nothing to read (mode never
        and no text layer). ``language`` is BCP 47 ("en") or Tesseract's ("eng")."""
        pages = ScanPages(data, media_type, self.lock)
        try:
            layer = pages.text_layer(page, media) if mode is not OcrMode.ALWAYS else None
            if layer is not None and (mode is OcrMode.NEVER or _reads_well(layer, language)):
                return PageReading(layer, page_text(layer.words), TEXT_LAYER)
            if mode is OcrMode.NEVER:
                return None
            return self._ocr(pages.image(page), page, media, tesseract_language(language))
        finally:
            pages.close()

    def language(self, data: bytes, media_type: str) -> str:
        """The language of the file's first page (BCP 47): from its text layer when it has
        one worth the name, else the script Tesseract sees, else a first reading in English
        identified among the archive's languages."""
        pages = ScanPages(data, media_type, self.lock)
        try:
            layer = pages.text_layer(1, 0)
            text = page_text(layer.words) if layer is not None else ""
            if len(text.split()) >= 20:
                return language_of_text(text)
            image = pages.image(1)
            script = language_of_script(self.tesseract.script(image.image, image.dpi))
            if script:
                return script
            first = self.tesseract.read(image.image, "eng", image.dpi)
            return language_of_text(" ".join(w.text for w in first))
        finally:
            pages.close()

    def _ocr(self, page_image: PageImage, page: int, media: int, language: str) -> PageReading:
        """Tesseract's words in reading order by line, as a text layer's are (textlayer.py):
        its blocks, like a layer's, put a form's labels apart from their values, and the
        suggestions were measured on text read by line."""
        read = self.tesseract.read(page_image.image, language, page_image.dpi)
        ordered = reading_order(_placed(w, page, media, page_image.scale) for w in read)
        words = PageWords(media, page, *page_image.full, tuple(ordered))
        return PageReading(words, page_text(words.words), f"tesseract {VERSION} {language}")


def _reads_well(layer: PageWords, language: str) -> bool:
    """Whether a text layer is good enough to stand for OCR."""
    return is_good_enough(" ".join(w.text for w in layer.words), language)


def _placed(w: ReadWord, page: int, media: int, scale: float) -> Word:
    x, y, width, height = w.box
    return Word(w.text, page, round(x * scale), round(y * scale), max(1, round(width * scale)),
                max(1, round(height * scale)), round(w.confidence, 1), media)
