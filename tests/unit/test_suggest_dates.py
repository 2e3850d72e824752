"""Dates as typed, read with their precision; what the text leaves out stays out."""

from __future__ import annotations

from datetime import date

import pytest

from chancery.domain.suggestions import Kind
from chancery.suggest import dating
from chancery.suggest.context import SuggestContext
from chancery.suggest.datetext import find_dates

TODAY = SuggestContext(today=date(2026, 11, 30))


@pytest.mark.parametrize(("typed", "start", "end", "precision"), [
    ("18 Jul 63", "1963-07-18", "1963-07-18", "day"),
    ("18.VII.1960", "1960-07-18", "1960-07-18", "day"),
    ("ca. 1962", "1962-01-01", "1962-12-31", "circa"),
    ("July 18, 1960", "1960-07-18", "1960-07-18", "day"),
    ("18 July 1960", "1960-07-18", "1960-07-18", "day"),
    ("2 августа 1958 г.", "1958-08-02", "1958-08-02", "day"),
    ("18. Juli 1960", "1960-07-18", "1960-07-18", "day"),
    ("August 8 and 9, 1961", "1961-08-08", "1961-08-09", "range"),
    ("181530Z JUL 63", "1963-07-18", "1963-07-18", "day"),
])
def test_each_form_reads_as_the_span_it_states(typed: str, start: str, end: str,
                                               precision: str) -> None:
    """The forms of the issue and of real cables read as their day, span or estimate."""
    [found] = find_dates(typed, ("en", "ru", "de"))
    assert (found.start.isoformat(), found.end.isoformat(), found.precision.value) == (
        start, end, precision)


def test_a_missing_day_is_never_filled_from_today() -> None:
    """"July 1960" is the whole month (dateparser alone fills today's day), "1962" alone is
    not a date at all, and a two-digit year is of the 1900s whatever today is."""
    [found] = dating.find("Washington, July 1960.\n\nThe text.", TODAY)[:1]
    assert found.data == {"display": "July 1960", "start": "1960-07-01", "end": "1960-07-31",
                          "precision": "month"}
    assert find_dates("In 1962 nothing happened.") == []
    assert find_dates("18 Jul 63")[0].start.year == 1963


def test_the_dateline_gives_the_date_and_its_place() -> None:
    """"Moscow, 2 August 1958" is the document's date and the place it was written."""
    text = "SECRET\n\nMoscow, 2 August 1958\n\nOn 15 May 1957 the Ambassador called."
    found = {f.kind: f for f in dating.find(text, TODAY)}
    assert found[Kind.DATE].data["start"] == "1958-08-02"
    assert (found[Kind.PLACE].value, found[Kind.PLACE].data["role"]) == ("Moscow", "dateline")
    assert text[found[Kind.PLACE].start:found[Kind.PLACE].end] == "Moscow"


def test_an_undated_dateline_keeps_a_later_date_out_and_names_its_place() -> None:
    """"Paris, undated." is believed: the agenda's date below is not the document's."""
    found = dating.find("Paris, undated.\n\nAGENDA\n\nNovember 11, 1965\n", TODAY)
    assert [(f.kind, f.value) for f in found] == [(Kind.PLACE, "Paris")]


def test_a_date_after_today_is_a_misreading() -> None:
    """OCR that reads a year as 2031 does not date a document from the future."""
    assert dating.find("DATE: 4 May 2031\n", TODAY) == []
