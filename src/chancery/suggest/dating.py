"""The document's own date and the place it was written (its dateline).

A document states its date near its top: a dateline ("Moscow, 2 August 1958", "Washington,
July 18, 1960, 7 p.m."), a labelled line ("DATE: 18 Jul 63"), or a line holding only the
date. A date further down is what the text talks about, not when it was written: it is
offered only when nothing better stands at the top, and with a low confidence. A date after
today is a misreading (OCR) and is dropped; today never fills a missing part."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from chancery.domain.dates import Precision
from chancery.domain.suggestions import Finding, Kind
from chancery.suggest.context import SuggestContext
from chancery.suggest.covers import body_start
from chancery.suggest.datetext import DateMatch, find_dates
from chancery.suggest.ocrdates import dtg_date, dtg_groups, loose_date

NAME = "date"
VERSION = "2"

_TOP = 1500  # characters: where a letter, memorandum or cable states its own date
# A form's field for the document's own date: "DATE:", "DATE DISTR." (CIA information
# reports; the OCR reads "DATE pistR.", "DATE BISTR."), "DATE TYPED" (dispatches), "DIST"
# (intelligence cables), "Date:" (airtels), "DTG"; in other languages "Datum:", "Дата:".
_DATE_LABEL = re.compile(r"\b(?:DATE\s*[A-Za-z]{0,2}[IiLl1]?ST?R\b\.?|DATE\s+TYPED|DIST\b|"
                         r"DTG\b|(?<!\w)(?:DATE|Date|date|Datum|Дата|дата)\b(?!\s*(?:OF|of|ACQ|Acq)\b))"
                         r"[\s:;.,_-]*")
_DISTRIBUTED = re.compile(r"\bDATE\s*[A-Za-z]{0,2}[IiLl1]?ST?R\b")
# What a date's line says it is not: the date of a reference, of the information, of its
# acquisition, of a review, a release or a declassification stamp.
_OTHER = re.compile(r"\b(?:REF\w*|Ref\w*|DOI|DATE\W*OF|Date\W*of|date\W*of|INFO|AC[QO]|"
                    r"PLACE(?:S|\s*&)|DECLASSIF\w*|Declassif\w*|RELEASE[SD]?|Release[sd]?|"
                    r"REVIEW\w*|Review\w*|APPROVED|Approved|dated|DATED)\b")
# a subject line, and the line it wraps onto, name what the document is about
_SUBJECT = re.compile(r"[\W_]*(?:SUBJECT|SUBJ|Subject|RE|Re)\b\W")
_FRAME = " \t\f|*[(-_.,:;'\"“‘"  # a stamp's frame and the OCR's specks before a date
# a date inside a sentence is what the text talks about
_IN_PROSE = re.compile(r"\b(?:dated|on|of|since|until|by|from|to|in|before|after|and|"
                       r"DATED|ON|OF|SINCE|UNTIL|BY|FROM|IN|BEFORE|AFTER)\W*$")
_WORD = r"[A-ZÀ-ÞА-Я][\w'’.-]*"
# "Moscow, ", "Camp David, Maryland, ", "[ Washington ,] " (the editors' brackets); matched
# from the line's start (match's pos: "^" would hold only at the text's start)
_PLACE = re.compile(rf"[\s|*]*[\[(]?\s*(?P<place>{_WORD}(?:\s+(?:{_WORD}|on|am|de|la|sur))*"
                    rf"(?:\s*,\s*{_WORD}(?:\s+{_WORD})*)*)\s*,?\s*[\])]?\s*,?\s*[\[(]?$")
_UNDATED = re.compile(rf"^[\s|*]*[\[(]?\s*(?P<place>{_WORD}(?:\s+{_WORD}){{0,3}})\s*,?[\])]?\s*,\s*"
                      r"\[?(?:undated|n\.\s?d\.|no date)\b", re.M)
_NOT_PLACE_WORDS = (
    "date dated subject memorandum secret confidential unclassified received sent dear to from "
    "the on monday tuesday wednesday thursday friday saturday sunday top eyes only no ref "
    "reference telegram airtel dispatch cable priority routine immediate page copy")
_NOT_PLACES = frozenset(_NOT_PLACE_WORDS.split())
_INSTITUTIONS = re.compile(r"\b(?:Department|Embassy|Legation|Consulate|Mission|Ministry|Office|"
                           r"Headquarters|House|Delegation|USUN|USRO)\b")


def find(text: str, ctx: SuggestContext) -> list[Finding]:
    """The document's date (one) and, when its dateline names one, the place. A dateline
    that says "undated" is believed: a date further down is what the text talks about."""
    languages = (ctx.language,) if ctx.language else ("en",)
    top = body_start(text) + _TOP
    undated = _UNDATED.search(text, 0, top)
    dates = [d for d in find_dates(text[:top], languages) if _possible(d, ctx.today)
             and (undated is None or d.offset < undated.start()) and not _not_its_own(text, d)]
    best = _best(text, dates, top)
    if best is None or not _possible(best[0], ctx.today):  # a loose reading after today
        return _undated_place(undated)
    match, confidence, place = best
    found = [_date_finding(match, confidence)]
    if place is not None:
        found.append(place)
    return found


def _possible(found: DateMatch, today: date | None) -> bool:
    return today is None or found.start <= today


def _prefix(text: str, at: int) -> str:
    """The words before a place in the text, on its line."""
    return text[text.rfind("\n", 0, at) + 1:at]


def _not_its_own(text: str, found: DateMatch) -> bool:
    """A date its line says is of something else: a reference, the information, an
    acquisition, a review, a release or a declassification."""
    line_start = text.rfind("\n", 0, found.offset) + 1
    line_before = text[text.rfind("\n", 0, max(line_start - 1, 0)) + 1:line_start]
    return bool(_OTHER.search(_prefix(text, found.offset)) or _SUBJECT.match(line_before)
                or _SUBJECT.match(text, line_start))


def _best(text: str, dates: list[DateMatch],
          top: int) -> tuple[DateMatch, float, Finding | None] | None:
    """The most telling date near the top. On a form with a DATE DISTR. field (an information
    report), that field's date or none: its other dates are of the information, of its
    acquisition, of events. Else a dateline; a cable's date-time group; a form's date field;
    a date alone on its line (typed or stamped; a span of days is a period, not a date); else
    the first date not in a sentence."""
    labelled = _labelled(text, dates, top)
    if _DISTRIBUTED.search(text, 0, top):
        return (labelled, 0.85, None) if labelled else None
    for match in dates:
        place = _place(text, text.rfind("\n", 0, match.offset) + 1, match.offset)
        if place is not None:
            return match, 0.9, place
    grouped = _grouped(text, dates, top)
    if grouped is not None:
        return grouped, 0.85, None
    if labelled is not None:
        return labelled, 0.85, None
    days = [d for d in dates if d.precision is not Precision.RANGE]  # a period, not a day
    lone = _lone(text, days, top)
    if lone is not None:
        return lone, 0.75, None
    prose = [d for d in days if not _IN_PROSE.search(_prefix(text, d.offset))]
    return (prose[0], 0.4, None) if prose else None


def _lone(text: str, dates: list[DateMatch], top: int) -> DateMatch | None:
    """The first date alone at the start of its line (a typed or stamped date), read through
    the OCR's misreadings of the month ("10 Jure 1964")."""
    found = [d for d in dates if not _prefix(text, d.offset).strip(_FRAME)]
    for line in re.finditer(r"^[^\S\n]*[|*\[(_.,:;'\"“‘-]*", text[:top], re.M):
        end = text.find("\n", line.end())
        loose = loose_date(text, line.end(), top if end < 0 else min(end, top))
        if loose is not None and loose.offset == line.end():
            found.append(loose)
            break
    return min(found, key=lambda d: d.offset) if found else None


def _labelled(text: str, dates: list[DateMatch], top: int) -> DateMatch | None:
    """The date a form's date label gives ("DATE: 18 Jul 63", "DATE DISTR. 2 OCTOBER 1963",
    "DIST 30 AUGUST 1967", "Date: 1/8/65"), the OCR's misreadings read through."""
    for m in _DATE_LABEL.finditer(text, 0, top):
        for match in dates:
            if m.end() <= match.offset <= m.end() + 8:
                return match
        loose = loose_date(text, m.end(), min(m.end() + 30, len(text)))
        if loose is not None and loose.offset <= m.end() + 8:
            return loose
    return None


def _grouped(text: str, dates: list[DateMatch], top: int) -> DateMatch | None:
    """A cable's date-time group: whole ("132216Z OCT 76"), or its day and time with the
    month of the form's date it agrees with (the DATE field or the receipt stamp)."""
    whole = next((d for d in dates if d.form == "dtg"), None)
    if whole is not None:
        return whole
    for group in dtg_groups(text, top):
        for known in dates:
            found = dtg_date(group, known)
            if found is not None:
                return found
    return None


def _place(text: str, line_start: int, date_at: int) -> Finding | None:
    """The place a dateline names before its date ("Moscow, " in "Moscow, 2 August 1958")."""
    m = _PLACE.match(text, line_start, date_at)
    if m is None or m.end() != date_at:
        return None
    name = _place_name(m.group("place"))
    if not name:
        return None
    offset = line_start + text[line_start:date_at].find(name)
    return Finding(Kind.PLACE, name, 0.85, evidence=name, start=offset, end=offset + len(name),
                   data={"role": "dateline"}, stage=f"{NAME}/{VERSION}")


def _place_name(written: str) -> str:
    """The place among a dateline's parts: the first that is not an institution ("Department
    of State, Washington" -> Washington; "Camp David, Maryland" -> Camp David)."""
    for part in _parts(written):
        words = part.split()
        if len(words) > 4 or words[0].casefold().strip(".") in _NOT_PLACES:
            return ""
        if not _INSTITUTIONS.search(part):
            return part
    return ""


def _parts(written: str) -> Iterator[str]:
    for part in written.split(","):
        cleaned = part.strip(" []()")
        if cleaned:
            yield cleaned


def _undated_place(m: re.Match[str] | None) -> list[Finding]:
    """An undated dateline still names the place ("Paris, undated.")."""
    name = _place_name(m.group("place")) if m else ""
    if not m or not name:
        return []
    start = m.start("place")
    return [Finding(Kind.PLACE, name, 0.8, evidence=name, start=start, end=start + len(name),
                    data={"role": "dateline"}, stage=f"{NAME}/{VERSION}")]


def _date_finding(match: DateMatch, confidence: float) -> Finding:
    data = {"display": match.display, "start": match.start.isoformat(),
            "end": match.end.isoformat(), "precision": match.precision.value}
    return Finding(Kind.DATE, match.display, confidence, evidence=match.display,
                   start=match.offset, end=match.stop, data=data, stage=f"{NAME}/{VERSION}")
