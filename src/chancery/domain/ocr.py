"""What reading a scan gives: each page's words with their boxes and the text they make, and
how an archivist asks for it (OCR always, never, or only where the file's own text is poor)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from chancery.domain.words import PageWords

TEXT_LAYER = "text-layer"  # the source of words a PDF carried itself
MADE_BY = "Chancery OCR"  # made_by of the texts the OCR stage writes (and alone replaces)
# The languages the archive has OCR data for: BCP 47 primary tag -> Tesseract's name.
OCR_LANGUAGES = {"en": "eng", "ru": "rus", "de": "deu", "zh": "chi_sim", "fr": "fra"}


def ocr_language(value: str) -> str:
    """The BCP 47 tag of a language given either way ("en", "eng", "en-US"); ValueError for
    one the archive has no OCR data for."""
    cleaned = value.strip().lower()
    by_tesseract = {v: k for k, v in OCR_LANGUAGES.items()}
    found = by_tesseract.get(cleaned) or (cleaned.split("-")[0] if cleaned.split("-")[0]
                                          in OCR_LANGUAGES else "")
    if not found:
        known = ", ".join(sorted(OCR_LANGUAGES))
        raise ValueError(f"no OCR language data for {value!r} (the archive reads {known})")
    return found


class OcrMode(StrEnum):
    """Whether a scan is read by OCR."""

    AUTO = "auto"  # a PDF's own text layer when it reads well enough, else OCR
    ALWAYS = "always"  # OCR, whatever the file carries
    NEVER = "never"  # the file's own text layer only; an image gets no text


def parse_ocr_mode(value: str) -> OcrMode:
    """An OcrMode from what an archivist wrote ("" is auto); ValueError naming the choices."""
    cleaned = value.strip().lower() or OcrMode.AUTO.value
    try:
        return OcrMode(cleaned)
    except ValueError:
        raise ValueError(f"ocr must be auto, always or never, not {value!r}") from None


@dataclass(frozen=True)
class PageReading:
    """One page as read: its words (boxes in IIIF full-size pixels), the text they make with
    the page's lines and paragraphs, and where they came from ("text-layer", "tesseract
    5.5.4 eng")."""

    words: PageWords
    text: str
    source: str

    @property
    def is_ocr(self) -> bool:
        """Whether Tesseract read the page (not the file's own text layer)."""
        return self.source != TEXT_LAYER


def mean_confidence(pages: Sequence[PageReading]) -> float | None:
    """The mean of the words' confidences (0-100) over pages OCR read, None when no page
    has any (a text layer gives none)."""
    found = [w.confidence for p in pages for w in p.words.words if w.confidence >= 0]
    return round(sum(found) / len(found), 1) if found else None
