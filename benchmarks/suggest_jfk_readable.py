"""What of each hand label the text read from a JFK scan still carries: the ceiling that no
suggestion stage reading that text can pass (part of benchmarks/suggest_jfk.py).

The labels were read off the page images; the text is what an OCR made of them, and on these
1-bit carbons it loses or garbles much. A labelled value is "readable" when the text holds it
in a form a reader could recognise without guessing:
- date: the labelled day or month is one of the dates read anywhere in the text (the same
  date readers as the stage, the loose OCR reading included), or a cable's date-time group
  whose day, with a month and year the text states, gives it; an empty label always is;
- classification: the level's word, letters spaced or not ("S E C R E T"), anywhere; an empty
  label always is;
- from / to: the share of labelled parties of which a matching form (benchmarks/gold's
  "Name, Title" rule) stands in the text, case, accents and punctuation folded.
Being readable is necessary, not sufficient: a date in the text may be another date. The type
has no such ceiling: a form's layout tells a cable or a dispatch without the word."""

from __future__ import annotations

import re

from chancery.domain.authorities import fold
from chancery.domain.dates import parse_iso_date
from chancery.suggest.datetext import find_dates
from chancery.suggest.ocrdates import loose_date

_GROUP = re.compile(r"(?<!\w)([0-3]\d)[0-2]\d[0-5]\dZ\b")


def date_readable(text: str, labelled: str) -> bool:
    """Whether the labelled date can be read from the text at all."""
    if not labelled.strip():
        return True
    want = parse_iso_date(labelled.strip())
    spans = {(d.start, d.end) for d in find_dates(text, ("en",))}
    at = 0
    while (loose := loose_date(text, at, len(text))) is not None:
        spans.add((loose.start, loose.end))
        at = loose.stop
    if (want.start, want.end) in spans:
        return True
    day = want.start
    if day is None or day != want.end:
        return False
    months = {(start.year, start.month) for start, _ in spans}
    days = {int(m.group(1)) for m in _GROUP.finditer(text)}
    return day.day in days and (day.year, day.month) in months


def classification_readable(text: str, level: str) -> bool:
    """Whether the labelled level's word stands in the text."""
    if not level or level == "unknown":
        return True
    letters = re.sub(r"[^A-Z]", "", text.upper())
    return level.replace("_", "").upper() in letters


def parties_readable(text: str, labelled: list[set[str]]) -> float:
    """The share of labelled parties (each a set of folded forms) the folded text holds."""
    if not labelled:
        return 1.0
    folded = f" {fold(text)} "
    return sum(any(f" {v} " in folded for v in forms) for forms in labelled) / len(labelled)
