"""Dates as typed in documents, found in running text and read with their precision.

Candidates are found with our own patterns (month names in English, French, German and
Russian, Roman-numeral months, numeric and ISO forms, "ca. 1962"), normalised (two-digit
years, Roman months, ordinals), then read by dateparser's DateDataParser, whose ``period``
is the precision. dateparser fills what a string leaves out from today ("July 1960" ->
1960-07-30): we keep only the parts the text states, so a missing day is never filled."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from chancery.domain.dates import Precision

if TYPE_CHECKING:  # dateparser is imported by the first date read, not by every command
    from dateparser.date import DateDataParser

_MONTHS = (
    r"jan(?:uary|vier|uar)?|j[äa]nner|feb(?:ruary|ruar)?|f[ée]vr(?:ier)?|mar(?:ch|s)?|m[äa]rz|"
    r"apr(?:il)?|avr(?:il)?|may|mai|june?|juni|juin|july?|juli|juil(?:let)?|aug(?:ust)?|ao[ûu]t|"
    r"sept?(?:ember|embre)?|oct(?:ober|obre)?|okt(?:ober)?|nov(?:ember|embre)?|"
    r"dec(?:ember)?|d[ée]c(?:embre)?|dez(?:ember)?|"
    r"январ[яь]|феврал[яь]|марта?|апрел[яь]|ма[яй]|июн[яь]|июл[яь]|августа?|сентябр[яь]|"
    r"октябр[яь]|ноябр[яь]|декабр[яь]")
_M = rf"(?P<month>{_MONTHS})\.?"
_Y4 = r"(?P<year>1[6-9]\d\d|20\d\d)(?!\d)"
_Y = r"(?P<year>1[6-9]\d\d|20\d\d|'?\d\d)(?!\d)"  # a two-digit year only after a day
_D = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er)?\.?"
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9,
          "X": 10, "XI": 11, "XII": 12}
# Most specific first; each names its groups. Word boundaries keep "May" out of "Mayor".
_FORMS: list[tuple[str, re.Pattern[str]]] = [
    ("circa", re.compile(r"\b(?:ca\.|circa|c\.|approx\.?)\s*(?P<year>1[6-9]\d\d|20\d\d)\b", re.I)),
    ("dtg", re.compile(rf"\b(?P<day>[0-3]\d)\d{{4}}Z\s+{_M}\s+{_Y}", re.I)),  # 181530Z JUL 63
    # "18 Jul 63", "18-Apr-68", "18_Apr-68" (a typed field's underline read as "_"); not the
    # end of a span ("20-26 NOVEMBER 1963" is the span, read below)
    ("d-month-y", re.compile(rf"(?<![\w.\-–])(?:le\s+)?{_D}\s*(?:[-_]|\s)\s*{_M},?\s*(?:[-_]|\s)\s*{_Y}"
                             r"(?:\s*г(?:ода|\.)?)?", re.I)),
    # a span of days: "August 8 and 9, 1961", "May 4 – 6, 1962", "8-9 August 1961"
    ("month-dd-y", re.compile(rf"\b{_M}\s+{_D}\s*(?:-|–|—|and|&)\s*(?P<day2>[0-3]?\d),?\s+{_Y4}",
                              re.I)),
    ("dd-month-y", re.compile(rf"(?<![\w.]){_D}\s*(?:-|–|—|and|&)\s*(?P<day2>[0-3]?\d)\.?\s+{_M},?"
                              rf"\s+{_Y4}", re.I)),
    ("month-d-y", re.compile(rf"\b{_M}\s+{_D},?\s+{_Y4}", re.I)),
    ("d-roman-y", re.compile(r"\b(?P<day>[0-3]?\d)\s*[./]\s*(?P<month>XII|XI|IX|X|VIII|VII|VI|IV|V|III|II|I)"
                             rf"\s*[./]\s*{_Y}")),
    ("iso", re.compile(r"\b(?P<year>1[6-9]\d\d|20\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("d.m.y", re.compile(rf"\b(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.{_Y}")),
    ("m/d/y", re.compile(rf"\b(?P<month>[01]?\d)/(?P<day>[0-3]?\d)/{_Y4}")),
    ("month-y", re.compile(rf"\b{_M},?\s+{_Y4}", re.I)),
]
_NUMERIC = frozenset({"iso", "d.m.y", "m/d/y", "d-roman-y"})


@dataclass(frozen=True)
class DateMatch:
    """A date found in a text: as typed, its span, precision and place in the text."""

    display: str
    start: date
    end: date
    precision: Precision
    offset: int
    stop: int
    form: str


def find_dates(text: str, languages: tuple[str, ...] = ("en",)) -> list[DateMatch]:
    """Every date the text states, in reading order; overlapping readings keep the first
    (most specific) form."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for form, rx in _FORMS:
        for m in rx.finditer(text):
            if any(m.start() < b and a < m.end() for a, b in taken):
                continue
            read = _read(form, m, languages)
            if read is not None:  # shown on one line, as typed ("2 June\n\n1964")
                found.append(replace(read, display=" ".join(read.display.split())))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.offset)


def _read(form: str, m: re.Match[str], languages: tuple[str, ...]) -> DateMatch | None:
    year = _year(m.group("year"))
    if year is None:
        return None
    if form == "circa":
        return DateMatch(m.group(0), date(year, 1, 1), date(year, 12, 31), Precision.CIRCA,
                         m.start(), m.end(), form)
    parts = m.groupdict()
    day = int(parts["day"]) if parts.get("day") else None
    if parts.get("day2"):
        return _days(m, form, year, parts["month"], day, int(parts["day2"]), languages)
    if form in _NUMERIC:
        typed = parts["month"]
        month = _ROMAN[typed] if typed in _ROMAN else int(typed)
        return _numeric(m, form, year, month, day)
    return _named(m, form, year, parts["month"], day, languages)


def _year(typed: str) -> int | None:
    """A four-digit year; a two-digit one ("63") is of the 1900s: the archive holds
    twentieth-century papers, and today must not decide what a document says."""
    digits = typed.lstrip("'")
    return int(digits) if len(digits) == 4 else 1900 + int(digits)


def _numeric(m: re.Match[str], form: str, year: int, month: int | None,
             day: int | None) -> DateMatch | None:
    if not month or not 1 <= month <= 12 or not day:
        return None
    try:
        day_of = date(year, month, day)
    except ValueError:
        return None
    return DateMatch(m.group(0), day_of, day_of, Precision.DAY, m.start(), m.end(), form)


def _named(m: re.Match[str], form: str, year: int, month: str, day: int | None,
           languages: tuple[str, ...]) -> DateMatch | None:
    """Month-name forms are read by dateparser (it knows the languages' inflections), on a
    normalised string with the four-digit year, so "18 Jul 63" cannot become 2063."""
    written = f"{day} {month} {year}" if day else f"{month} {year}"
    read = _parse(written, languages)
    if read is None:
        return None
    got, period = read
    if period == "day" and day:
        return DateMatch(m.group(0), got, got, Precision.DAY, m.start(), m.end(), form)
    if period != "month" or day:
        return None
    last = calendar.monthrange(got.year, got.month)[1]  # only the month is stated
    return DateMatch(m.group(0), date(got.year, got.month, 1), date(got.year, got.month, last),
                     Precision.MONTH, m.start(), m.end(), form)


def _days(m: re.Match[str], form: str, year: int, month: str, first: int | None, last: int,
          languages: tuple[str, ...]) -> DateMatch | None:
    """A span of days within one month ("August 8 and 9, 1961"): precision RANGE."""
    opening, closing = _parse(f"{first} {month} {year}", languages), _parse(
        f"{last} {month} {year}", languages)
    if opening is None or closing is None or opening[0] >= closing[0]:
        return None
    return DateMatch(m.group(0), opening[0], closing[0], Precision.RANGE, m.start(), m.end(), form)


@lru_cache(maxsize=4096)
def _parse(written: str, languages: tuple[str, ...]) -> tuple[date, str] | None:
    found = _parser(languages).get_date_data(written)
    if found.date_obj is None:
        return None
    return found.date_obj.date(), str(found.period)


@lru_cache(maxsize=16)
def _parser(languages: tuple[str, ...]) -> DateDataParser:
    from dateparser.date import DateDataParser
    wanted = [lang for lang in dict.fromkeys((*languages, "en", "fr", "de", "ru"))
              if lang in ("en", "fr", "de", "ru")]
    return DateDataParser(languages=wanted)
