"""Fuzzy dates: what a historian's source actually says about when a document was written."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Precision(StrEnum):
    """How much of a date the source gives; never more than it says."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    DECADE = "decade"
    CIRCA = "circa"  # "ca. 1962": the year is an estimate
    RANGE = "range"  # between two dates, e.g. an undated letter known to be from 1958-1960
    UNKNOWN = "unknown"


_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_DECADE = re.compile(r"^(\d{3})0s$")
_CIRCA = re.compile(r"^(?:ca?\.?|circa|c\.)\s*(\d{4})$", re.IGNORECASE)


@dataclass(frozen=True)
class FuzzyDate:
    """A date as printed, with the span it stands for and how precise it is."""

    display: str = ""
    start: date | None = None
    end: date | None = None
    precision: Precision = Precision.UNKNOWN
    note: str = ""  # where the date comes from, e.g. "known from other sources"

    @property
    def is_known(self) -> bool:
        """True when the date has a sortable span."""
        return self.start is not None

    @property
    def year(self) -> int | None:
        """The first year the date covers, for facets and statistics."""
        return self.start.year if self.start else None

    @property
    def decade(self) -> int | None:
        """The decade (1960 for 1963), for facets and statistics."""
        return self.start.year // 10 * 10 if self.start else None


def _span(year: int, month: int | None, day: int | None) -> tuple[date, date, Precision]:
    if month is None:
        return date(year, 1, 1), date(year, 12, 31), Precision.YEAR
    if day is None:
        last = calendar.monthrange(year, month)[1]
        return date(year, month, 1), date(year, month, last), Precision.MONTH
    return date(year, month, day), date(year, month, day), Precision.DAY


def parse_iso_date(value: str, display: str = "", note: str = "") -> FuzzyDate:
    """Read an ISO-like date ('1960', '1960-07', '1960-07-18T14:00:00', '1950s', 'ca. 1962',
    '1958/1960'); the missing parts stay missing. Raises ValueError on anything else."""
    text = value.strip()
    shown = display or text
    if "/" in text:
        first, last = (parse_iso_date(part) for part in text.split("/", 1))
        if first.start is None or last.end is None or first.start > last.end:
            raise ValueError(f"not a date range: {value!r}")
        return FuzzyDate(shown, first.start, last.end, Precision.RANGE, note)
    if m := _DECADE.match(text):
        year = int(m.group(1)) * 10
        return FuzzyDate(shown, date(year, 1, 1), date(year + 9, 12, 31), Precision.DECADE, note)
    if m := _CIRCA.match(text):
        year = int(m.group(1))
        return FuzzyDate(shown, date(year, 1, 1), date(year, 12, 31), Precision.CIRCA, note)
    m = _ISO.match(text)
    if not m:
        raise ValueError(f"not a date: {value!r}")
    year = int(m.group(1))
    month, day = (int(g) if g else None for g in m.groups()[1:])
    start, end, precision = _span(year, month, day)
    return FuzzyDate(shown, start, end, precision, note)


def date_range(start: date, end: date, display: str = "", note: str = "") -> FuzzyDate:
    """A span between two known days (precision RANGE, or DAY when they are the same day)."""
    if start > end:
        raise ValueError(f"date range ends before it starts: {start} > {end}")
    precision = Precision.DAY if start == end else Precision.RANGE
    return FuzzyDate(display or f"{start.isoformat()}/{end.isoformat()}", start, end, precision, note)
