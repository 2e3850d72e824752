"""The kind of document (domain/documents.py DocumentType) from the words its form prints.

A form names itself near the top ("MEMORANDUM OF CONVERSATION", "CLASSIFIED MESSAGE",
"DISPATCH", "AIRTEL"), a letter opens with "Dear ..." and closes "Sincerely yours", a State
telegram opens its dateline with the hour and its text with its number ("2532. Deptel
2478"). Each cue adds its weight, more the nearer the top; the heaviest type wins."""

from __future__ import annotations

import re
from collections import defaultdict

from chancery.domain.documents import DocumentType as T
from chancery.domain.suggestions import Finding, Kind
from chancery.suggest.context import SuggestContext
from chancery.suggest.covers import body_start
from chancery.suggest.ocrwords import nearest

NAME = "type"
VERSION = "3"

_READ = 6000  # characters: the first pages, where a form names itself
_M = re.M
# (pattern, type, weight); capitals are a form's print, any case a phrase of the text
_CUES: list[tuple[re.Pattern[str], T, float]] = [
    (re.compile(r"\bMEMORANDUM\s+OF\s+(?:A\s+)?CONVERSATION\b|\bMEMCON\b", re.I),
     T.MEMORANDUM_OF_CONVERSATION, 3),
    (re.compile(r"^\s*PARTICIPANTS\s*:?\s*$", _M), T.MEMORANDUM_OF_CONVERSATION, 1.5),
    (re.compile(r"\bCLASSIFIED\s+MESSAGE\b|\b(?:OUTGOING|INCOMING)\s+MESSAGE\b|\bCABLE\b|"
                r"^\s*CITE\b|\bCABLE\s+SEC\b", _M), T.CABLE, 2),
    (re.compile(r"^\s*TO\s*:?\s+DIRECTOR\b|^\s*FROM\s*:?\s+DIRECTOR\b", _M), T.CABLE, 1),
    (re.compile(r"\bTELEGRAM\b|\b(?:Deptel|Embtel|Depcirtel|Circtel)\b"), T.TELEGRAM, 1.5),
    (re.compile(r"^[^\n]{2,40}\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|noon|midnight)\.?\s*\n+\s*\d{1,5}\.\s",
                _M), T.TELEGRAM, 2),
    (re.compile(r"\bDISPATCH\b|\bDESPATCH\b"), T.DISPATCH, 2),
    (re.compile(r"\bAIRTEL\b", re.I), T.AIRTEL, 3),
    (re.compile(r"^\W*(?:OFFICE\s+)?MEMORANDUM\b(?!\s+OF\s+CONVERSATION)|\bMEMORANDUM\s+FOR\b|"
                r"\bOffice\s+Memorandum\b", _M | re.I), T.MEMORANDUM, 2),
    (re.compile(r"^\s*MINUTES\b|\bMINUTES\s+OF\s+(?:THE\s+)?(?:MEETING|SESSION)", _M | re.I), T.MINUTES, 3),
    (re.compile(r"^\s*(?:My\s+)?Dear\s+(?:Mr|Mrs|Miss|Ms|Dr|Sir|Madam|General|Senator|Colleague)\b|"
                r"^\s*DEAR\s+MR\.", _M), T.LETTER, 2),
    (re.compile(r"^\s*(?:Sincerely(?:\s+yours)?|Faithfully\s+yours|Yours\s+(?:sincerely|"
                r"faithfully|truly)|Respectfully(?:\s+yours)?)\s*,?\s*$", _M | re.I), T.LETTER, 1.5),
    # the form's title, not an intelligence cable's "THIS IS AN INFORMATION REPORT, NOT ..."
    (re.compile(r"(?<!\bAN )\bINFORMATION\s+REPORT\b|^\s*REPORT\b|\bREPORT\s+(?:NO|NUMBER)\b", _M),
     T.REPORT, 2),
    (re.compile(r"\bEND\s+OF\s+MESSAGE\b|\bINFORMATION\s+CABLE\b"), T.CABLE, 2),
    # an intercepted telegram's routing: "FR WASHINGTON: BRAZILIAN EMBASSY 26 NOV 63"
    (re.compile(r"^\W*FR\s+[A-Z][A-Z .]+:\s", _M), T.TELEGRAM, 2),
    # the printed head of the Government's Optional Form 10 ("UNITED STATES GOVERNMENT /
    # Memorandum")
    (re.compile(r"\bUNITED\s*.?\s*STATES\s+GO\w*\s*\W*\s*\w*MENT\b", re.I), T.MEMORANDUM, 1),
    (re.compile(r"^\s*(?:ДОКЛАДНАЯ\s+ЗАПИСКА|ЗАПИСЬ\s+БЕСЕДЫ)", _M | re.I), T.MEMORANDUM, 2),
    (re.compile(r"^\s*(?:ТЕЛЕГРАММА|ШИФРОТЕЛЕГРАММА)", _M | re.I), T.TELEGRAM, 2),
    (re.compile(r"^\s*ПРОТОКОЛ\b|^\s*(?:Protokoll|Niederschrift)\b", _M | re.I), T.MINUTES, 2),
    (re.compile(r"^\s*(?:Aufzeichnung|Vermerk)\b", _M), T.MEMORANDUM, 2),
    (re.compile(r"^\s*(?:Fernschreiben|Drahtbericht)\b", _M), T.TELEGRAM, 2),
]


# A form's title as the OCR of a carbon misreads it ("REMORANDUN FOR:", "ATRTEL"): a word at
# the start of a line near a title (ocrwords.py) counts as the title, but less.
_TITLES = {"MEMORANDUM": T.MEMORANDUM, "AIRTEL": T.AIRTEL, "DISPATCH": T.DISPATCH,
           "TELEGRAM": T.TELEGRAM}
_LINE_START = re.compile(r"^[^\w\n]*(?P<word>[A-Za-z]{5,12})\b", _M)


def find(text: str, ctx: SuggestContext) -> list[Finding]:
    """The type whose cues weigh most in the first document, with the first cue that named
    it (a later memorandum in the same file does not make an airtel a memorandum)."""
    start = body_start(text)
    scores, first = _scores(text, start, min(start + _READ, first_document_end(text)))
    if not scores:
        return []
    best = max(scores, key=lambda t: scores[t])
    score = scores[best]
    total = sum(scores.values())
    confidence = round(min(0.95, 0.35 + 0.6 * score / total) * min(1.0, score / 3), 2)
    m = first[best]
    return [Finding(Kind.TYPE, best.value, confidence, evidence=m.group(0).strip(),
                    start=m.start(), end=m.end(), stage=f"{NAME}/{VERSION}")]


def _scores(text: str, start: int, stop: int) -> tuple[dict[T, float], dict[T, re.Match[str]]]:
    """Each type's weight between start and stop, and the first cue that named it."""
    head = text[:stop]
    scores: defaultdict[T, float] = defaultdict(float)
    first: dict[T, re.Match[str]] = {}
    for rx, doc_type, weight in _CUES:
        for m in rx.finditer(head, start):
            scores[doc_type] += weight * (1.5 if m.start() < start + 1500 else 1.0)
            if doc_type not in first or m.start() < first[doc_type].start():
                first[doc_type] = m
    for m in _LINE_START.finditer(head, start):
        title = nearest(m.group("word"), _TITLES)
        if title is not None and m.group("word").upper() != title:
            scores[_TITLES[title]] += 1.5 * (1.5 if m.start() < start + 1500 else 1.0)
            first.setdefault(_TITLES[title], m)
    return scores, first


_PAGE_HEAD = 800  # characters at a page's top where a new document's title stands


def head_type(text: str, start: int) -> T | None:
    """The type a page's head names (its title or form), None when it names none."""
    end = text.find("\f", start)
    scores, _ = _scores(text, start, min(start + _PAGE_HEAD, len(text) if end < 0 else end))
    return max(scores, key=lambda t: scores[t]) if scores else None


def first_document_end(text: str) -> int:
    """Where the file's first document ends: at the first later page whose head names
    another type than the first page's ("UNITED STATES GOVERNMENT / Memorandum" after an
    airtel); the whole text when the first page names none or no page differs. A cable's
    continuation page ("CLASSIFIED MESSAGE ... PAGE TWO") names the same type."""
    start = body_start(text)
    own = head_type(text, start)
    page = text.find("\f", start)
    while own is not None and page >= 0:
        later = head_type(text, page + 1)
        if later is not None and later is not own:
            return page
        page = text.find("\f", page + 1)
    return len(text)
