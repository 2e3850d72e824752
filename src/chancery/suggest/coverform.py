"""What NARA's identification form says of the document, offered only where the document
itself says nothing (covers.py blanks the form before the other stages read the text).

The form prints its own DATE, CLASSIFICATION, DOCUMENT TYPE, TITLE, FROM and TO: a
cataloguer's reading of the record, right more often than not, but sometimes of another
document in the file or of the status after review. When a carbon's own date or marking is
lost in the OCR, the form's is still a better offer than nothing, so it is offered with a low
confidence and says where it came from; a stage that reads the document always wins.

What is not taken from it: a date the form leaves partly blank ("00/00/63" is the
cataloguer's "undated"), "Unclassified" (the status after review, not the marking the pages
bear), and a type of "PAPER, TEXTUAL DOCUMENT" (the medium, not the kind)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from chancery.domain.classification import classify_marking
from chancery.domain.documents import DocumentType, guess_document_type
from chancery.domain.suggestions import Finding, Kind
from chancery.suggest.context import SuggestContext
from chancery.suggest.covers import is_cover

NAME = "cover form"
VERSION = "1"
# The pipeline keeps this stage's findings only for kinds no other stage found, and hands it
# the text before the covers are blanked.
FALLBACK = True

CONFIDENCE = 0.3
_FIELD = r"^[^\w\n]*{label}[^\S\n]*[:;=]*(?:[^\S\n]|[—–-])*(?P<value>[^\n]*)$"
# "DATE: 03/13/1964", "DATE : 10/10/57", "DATE: 1 1/26/1963" (the OCR splits a digit off);
# in capitals at the line's start: not "REVIEW DATE:" nor the header's "System Date:"
_DATE = re.compile(r"^[^\w\n]*DATE\s*[:;=]?\s*(?P<month>\d\s?\d?)\s?/\s?(?P<day>\d\d?)\s?/\s?"
                   r"(?P<year>\d{4}|\d\d)(?!\d)", re.M)
_MARKING = re.compile(r"^[^\w\n]*CLASSIFICATION[^\S\n]*[:;=]*(?:[^\S\n]|[—–-])*(?P<value>top\s+secret|secret|"
                      r"confidential)\b", re.M | re.I)
_KINDS = [re.compile(_FIELD.format(label=label), re.M) for label in
          (r"DOCUMENT\s+TYPE", r"TITLE")]
_PARTY = re.compile(_FIELD.format(label=r"(?P<label>FROM|TO)"), re.M)
# the form's medium, not the kind ("PAPER" would read as a report)
_MEDIUM = re.compile(r"\bPAPER\s*,?\s*TEXTUAL\s+DOCUMENT\b", re.I)
_LABELS = re.compile(r"^(?:TITLE|DATE|PAGES|SUBJECT|DOCUMENT|CLASSIFICATION|FROM|TO)\b")


def find(text: str, ctx: SuggestContext) -> list[Finding]:
    """The identification form's fields, each at a low confidence."""
    form = _form(text)
    if form is None:
        return []
    page, offset = form
    return [*_date(page, offset), *_marking(page, offset), *_kind(page, offset),
            *_parties(page, offset)]


def _form(text: str) -> tuple[str, int] | None:
    """The first leading cover page that is an identification form, and where it starts."""
    start = 0
    for page in text.split("\f"):
        if not is_cover(page):
            return None
        if _DATE.search(page) or "ORIGINATOR" in page.upper():
            return page, start
        start += len(page) + 1
    return None


def _finding(kind: Kind, value: str, m: re.Match[str], offset: int, group: str = "value",
             data: dict[str, str] | None = None) -> Finding:
    return Finding(kind, value, CONFIDENCE, evidence=m.group(0).strip(),
                   start=offset + m.start(group), end=offset + m.end(group),
                   data={"from": "identification form", **(data or {})},
                   stage=f"{NAME}/{VERSION}")


def _date(page: str, offset: int) -> Iterator[Finding]:
    m = _DATE.search(page)
    if m is None:
        return
    month, day = int(m.group("month").replace(" ", "")), int(m.group("day"))
    year = int(m.group("year")) if len(m.group("year")) == 4 else 1900 + int(m.group("year"))
    try:
        day_of = date(year, month, day)
    except ValueError:  # "00/00/63": the form's "undated"
        return
    shown = f"{day} {day_of:%B} {year}"
    yield _finding(Kind.DATE, shown, m, offset, "year", {
        "display": shown, "start": day_of.isoformat(), "end": day_of.isoformat(),
        "precision": "day"})


def _marking(page: str, offset: int) -> Iterator[Finding]:
    m = _MARKING.search(page)
    if m is not None:
        marking = classify_marking(m.group("value").upper())
        yield _finding(Kind.CLASSIFICATION, marking.marking, m, offset, data={
            "marking": marking.marking, "level": marking.level.value, "caveats": ""})


def _kind(page: str, offset: int) -> Iterator[Finding]:
    """The DOCUMENT TYPE when it names a kind, else the kind the TITLE names."""
    for rx in _KINDS:
        m = rx.search(page)
        if m is None:
            continue
        kind = guess_document_type(_MEDIUM.sub("", m.group("value")))
        if kind is not DocumentType.OTHER:
            yield _finding(Kind.TYPE, kind.value, m, offset)
            return


def _parties(page: str, offset: int) -> Iterator[Finding]:
    """The form's FROM and TO lines (the first of each: a stamp below may say "TO ...")."""
    seen: set[str] = set()
    for m in _PARTY.finditer(page):
        label, value = m.group("label"), m.group("value").strip(" ,;:|")
        if label in seen:
            continue
        seen.add(label)
        if len(value) >= 2 and not _LABELS.match(value):
            yield _finding(Kind.FROM if label == "FROM" else Kind.TO, value, m, offset)
