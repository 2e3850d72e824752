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

from chancery.domain.suggestions import Finding, Kind
from chancery.suggest.context import SuggestContext
from chancery.suggest.datetext import DateMatch, find_dates

NAME = "date"
VERSION = "1"

_TOP = 1500  # characters: where a letter, memorandum or cable states its own date
_LABEL = re.compile(r"(?:^|\b)(?:date[d]?|dated|date of (?:document|info(?:rmation)?)|"
                    r"datum|дата|le)\s*[:.]?\s*$", re.I)
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
    undated = _UNDATED.search(text, 0, _TOP)
    dates = [d for d in find_dates(text[:_TOP], languages) if _possible(d, ctx.today)
             and (undated is None or d.offset < undated.start())]
    best = _best(text, dates)
    if best is None:
        return _undated_place(undated)
    match, confidence, place = best
    found = [_date_finding(match, confidence)]
    if place is not None:
        found.append(place)
    return found


def _possible(found: DateMatch, today: date | None) -> bool:
    return today is None or found.start <= today


def _best(text: str, dates: list[DateMatch]) -> tuple[DateMatch, float, Finding | None] | None:
    """The most telling date near the top: a dateline, a labelled or lone date, else the first."""
    for match in dates:
        prefix_start = text.rfind("\n", 0, match.offset) + 1
        place = _place(text, prefix_start, match.offset)
        if place is not None:
            return match, 0.9, place
    for match in dates:
        prefix = text[text.rfind("\n", 0, match.offset) + 1:match.offset]
        if _LABEL.search(prefix) or not prefix.strip(" \t|*[(-"):
            return match, 0.75, None
    return (dates[0], 0.4, None) if dates else None


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
