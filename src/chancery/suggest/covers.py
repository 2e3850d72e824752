"""Cover pages: sheets an archive or a courier put in front of a document, which are not the
document. NARA's "JFK Assassination System Identification Form" prints its own DATE, FROM,
TO and CLASSIFICATION, the status after review, sometimes of another document of the file;
a COMINT cover and a code-word warning sheet print TOP SECRET and a warning, nothing of the
document's own. The pipeline blanks the leading cover pages (spaces, offsets kept) before the
stages read the text, so that what they read first is the document's own first page."""

from __future__ import annotations

import re

from chancery.suggest.release import blank

# A cover names itself, or shows enough of the identification form's labels (the OCR of some
# forms loses the heading: "AGENCY INFORMATION ... RECORD NUMBER: ... ORIGINATOR: FBI").
_TITLES = re.compile(r"\bIDENTIFICATION\s+FORM\b|\bJFK\s+ASSASSINATION\s+SYSTEM\b|"
                     r"\bHandle\s+Via\b[^\f]{0,80}\bCOMINT\b|\bCONTAINS\s+CODE\s+WORD\s+MATERIAL\b|"
                     r"\bROUTING\s+AND\s+RECORD\s+SHEET\b", re.I)
_FORM_LABELS = re.compile(r"\b(?:AGENCY\s+INFORMATION|DOCUMENT\s+INFORMATION|RECORD\s+NUMBER|"
                          r"RECORDS?\s+SERIES|AGENCY\s+FILE\s*NUMBER|ORIGINATOR|DOCUMENT\s+TYPE|"
                          r"CURRENT\s+STATUS|DATE\s+OF\s+LAST\s+REVIEW|OPENING\s+CRITERIA)\s*:?",
                          re.I)
_HEAD = 600  # characters of a page where a cover's title stands


def is_cover(page: str) -> bool:
    """Whether a page is a cover sheet rather than a page of the document."""
    if _TITLES.search(page.lstrip()[:_HEAD]):
        return True
    labels = {" ".join(m.group(0).upper().rstrip(": ").split()) for m in _FORM_LABELS.finditer(page)}
    return len(labels) >= 4


def blank_covers(text: str) -> str:
    """The text with its leading cover pages blanked; all of it when every page is a cover
    (then the cover is all there is to read)."""
    covered: list[tuple[int, int]] = []
    start = 0
    for page in text.split("\f"):
        if not is_cover(page):
            return blank(text, covered)
        covered.append((start, start + len(page)))
        start += len(page) + 1
    return text


def body_start(text: str) -> int:
    """Where the text's first words stand once covers and stamps are blanked: the stages
    read their "top of the document" from here."""
    return len(text) - len(text.lstrip())
