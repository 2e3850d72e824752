"""Dates where a scan's form puts them, read through the OCR's misreadings.

- A labelled field read loosely: "DATE DISTR. 2 o¢toser 1963", "DATE pistR. 1&8 DECEMBER
  1963" (the OCR puts a sign inside the day), "10 Jure 1964" alone on its line. The month is
  the one month name the word is near (ocrwords.py); nothing is guessed when the day, the
  month or the year is not there.
- A cable's date-time group without its month: "S E C R E T 140035Z" on the text's first
  line is the 14th, at 00:35 GMT, of the month the cable was sent in. The month and year come
  from the form's own date (its DATE field or the receipt stamp, "14 Dec 63"), which can be a
  day or two later: a group of the 31st received on the 1st is of the month before."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from datetime import date, timedelta

from chancery.domain.dates import Precision
from chancery.suggest.datetext import DateMatch
from chancery.suggest.ocrwords import nearest

MONTHS = tuple(calendar.month_name[1:])
_LOOSE = re.compile(r"(?<!\w)(?P<day>[0-3]?[^\s\w]?\d)[\s_.-]{1,3}(?P<month>[A-Za-z¢$]{3,10})\.?,?"
                    r"[\s_.-]{1,3}(?P<year>(?:19|20)\d\d|'?\d\d)(?!\d)")
_GROUP = re.compile(r"(?<!\w)(?P<day>[0-3]\d)(?P<hour>[0-2]\d)(?P<minute>[0-5]\d)Z\b")
# what stands before a cable's own group: its marking on the text's first line, or a label
_MARKED = re.compile(r"(?:S\W?E\W?C\W?R\W?E\W?T|C\W?O\W?N\W?F\W?I\W?D\W?E\W?N\W?T\W?I\W?A\W?L|"
                     r"\bDTG)\W{0,6}$")
_LATE = 3  # days a cable may take from its group to the form's date


def loose_date(text: str, start: int, stop: int) -> DateMatch | None:
    """The first whole date between start and stop, the month word read as the month it is
    nearest to."""
    for m in _LOOSE.finditer(text, start, stop):
        month = nearest(m.group("month"), MONTHS)
        day = int(re.sub(r"\D", "", m.group("day")))
        digits = m.group("year").lstrip("'")
        year = int(digits) if len(digits) == 4 else 1900 + int(digits)
        if month is None:
            continue
        try:
            found = date(year, MONTHS.index(month) + 1, day)
        except ValueError:
            return None
        shown = f"{day} {month} {year}"
        return DateMatch(shown, found, found, Precision.DAY, m.start(), m.end(), "ocr")
    return None


def dtg_groups(text: str, top: int) -> Iterator[re.Match[str]]:
    """The cable's own date-time groups: after its marking ("S E C R E T 140035Z"), after a
    "DTG" label, or under one on the form's line above (not the FILE or TOR time, which is
    when headquarters filed or received it)."""
    for m in _GROUP.finditer(text, 0, top):
        line_start = text.rfind("\n", 0, m.start()) + 1
        above = text[text.rfind("\n", 0, max(line_start - 1, 0)) + 1:line_start]
        if _MARKED.search(text, line_start, m.start()) or re.search(r"\bDTG\b", above):
            yield m


def dtg_date(group: re.Match[str], known: DateMatch) -> DateMatch | None:
    """The date of a day-and-time group, its month and year from the form's date, when the
    two agree (the group at most a few days before the form's date)."""
    day = int(group.group("day"))
    month_of = known.start.replace(day=1)
    if day > known.start.day:  # the month before: "312350Z" received on the 1st
        month_of = (month_of - timedelta(days=1)).replace(day=1)
    last = calendar.monthrange(month_of.year, month_of.month)[1]
    if day > last:
        return None
    found = month_of.replace(day=day)
    if not 0 <= (known.start - found).days <= _LATE:
        return None
    shown = f"{found.day} {calendar.month_name[found.month]} {found.year} ({group.group(0)})"
    return DateMatch(shown, found, found, Precision.DAY, group.start("day"), group.end(), "dtg")

