"""Tesseract through tesserocr: the words of a page image with their boxes and confidences.
Automatic page segmentation with orientation and script detection (PSM 1): a page scanned
sideways or upside down is read upright, and its boxes come back in the image as given, so
they fall on the page a viewer shows. Skew is left to Tesseract's line finder, which follows
tilted lines (the boxes stay those of the image as scanned)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import tesserocr
from PIL import Image
from tesserocr import PSM, RIL, PyTessBaseAPI, iterate_level

from chancery.domain.ocr import OCR_LANGUAGES, ocr_language

TESSDATA = "/usr/share/tesseract-ocr/5/tessdata/"  # Debian's language data (tesseract-ocr-*)
# Tesseract's own variable for another folder (other systems keep the data elsewhere)
TESSDATA_ENV = "TESSDATA_PREFIX"
VERSION = str(tesserocr.tesseract_version().split()[1])  # "5.5.4"


@dataclass(frozen=True)
class ReadWord:
    """A word as Tesseract read it, in pixels of the image given; ``starts`` says whether it
    opens a line ("line") or a paragraph ("para"), so the text keeps the page's layout."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]  # x, y, w, h
    starts: str = ""


def tesseract_language(tag: str) -> str:
    """Tesseract's name for a language given as BCP 47 ("en") or as Tesseract names it
    ("eng"); ValueError for one the archive has no data for."""
    return OCR_LANGUAGES[ocr_language(tag)]


class Tesseract:
    """One Tesseract per language, made once and reused (loading a language takes a fifth of
    a second); a lock per process, as one Tesseract reads one image at a time."""

    def __init__(self, tessdata: str = "") -> None:
        self.tessdata = tessdata or os.environ.get(TESSDATA_ENV) or TESSDATA
        self._apis: dict[str, Any] = {}
        self._lock = threading.Lock()

    def read(self, image: Image.Image, language: str, dpi: int) -> list[ReadWord]:
        """The words of one page image in reading order ("eng", "rus+eng", ...)."""
        with self._lock:
            api = self._api(language, PSM.AUTO_OSD)
            api.SetImage(image)
            api.SetSourceResolution(dpi)  # without it Tesseract guesses, and reads worse
            api.Recognize()
            return list(_words(api))

    def script(self, image: Image.Image, dpi: int) -> str:
        """The script the page is written in ("Latin", "Cyrillic", "Han"), "" when Tesseract
        cannot tell (too little text)."""
        with self._lock:
            api = self._api("osd", PSM.OSD_ONLY)
            api.SetImage(image)
            api.SetSourceResolution(dpi)
            found = api.DetectOrientationScript()
        return str(found["script_name"]) if found else ""

    def close(self) -> None:
        """Let go of the loaded languages."""
        with self._lock:
            for api in self._apis.values():
                api.End()
            self._apis.clear()

    def _api(self, language: str, psm: int) -> Any:
        if language not in self._apis:
            self._apis[language] = PyTessBaseAPI(path=self._data_for(language), lang=language,
                                                 psm=psm)
        return self._apis[language]

    def _data_for(self, language: str) -> str:
        """The data folder, once it is known to hold the language: tesserocr's own error
        ("Failed to init API, possibly an invalid tessdata path") names neither the language
        nor the package that brings it, and a failed OCR job shows this reason."""
        missing = [name for name in language.split("+")
                   if not os.path.isfile(os.path.join(self.tessdata, f"{name}.traineddata"))]
        if missing:
            packages = ", ".join(f"tesseract-ocr-{m.replace('_', '-')}" for m in missing)
            raise LookupError(f"no Tesseract language data for {'+'.join(missing)} in "
                              f"{self.tessdata} (install {packages}, or set {TESSDATA_ENV} to "
                              f"the folder that holds {missing[0]}.traineddata)")
        return self.tessdata


def _words(api: Any) -> Iterator[ReadWord]:
    iterator = api.GetIterator()
    if iterator is None:  # a blank page
        return
    for w in iterate_level(iterator, RIL.WORD):
        text = (w.GetUTF8Text(RIL.WORD) or "").strip()
        box = w.BoundingBox(RIL.WORD)
        if not text or box is None:
            continue
        starts = "para" if w.IsAtBeginningOf(RIL.PARA) else \
            "line" if w.IsAtBeginningOf(RIL.TEXTLINE) else ""
        x1, y1, x2, y2 = box
        yield ReadWord(text, float(w.Confidence(RIL.WORD)), (x1, y1, x2 - x1, y2 - y1), starts)
