"""Fuzzy dates keep exactly the precision the source gives."""

from datetime import date

import pytest

from chancery.domain.dates import Precision, date_range, parse_iso_date


def test_day_month_year_precisions() -> None:
    """Each ISO form becomes a span of the right width and precision."""
    assert parse_iso_date("1960-07-18").start == date(1960, 7, 18)
    month = parse_iso_date("1960-02")
    assert (month.start, month.end, month.precision) == (date(1960, 2, 1), date(1960, 2, 29),
                                                         Precision.MONTH)
    year = parse_iso_date("1960")
    assert (year.start, year.end, year.precision) == (date(1960, 1, 1), date(1960, 12, 31),
                                                      Precision.YEAR)


def test_missing_day_is_never_filled_from_today() -> None:
    """A month-only date stays a month, whatever today is."""
    d = parse_iso_date("1958-01")
    assert d.precision is Precision.MONTH and d.start is not None and d.start.day == 1


def test_datetime_decade_circa_range() -> None:
    """Times, decades, circa years and ranges are read."""
    assert parse_iso_date("1958-02-11T14:00:00-05:00").start == date(1958, 2, 11)
    assert parse_iso_date("1950s").end == date(1959, 12, 31)
    assert parse_iso_date("ca. 1962").precision is Precision.CIRCA
    r = parse_iso_date("1958/1960-06")
    assert (r.start, r.end, r.precision) == (date(1958, 1, 1), date(1960, 6, 30), Precision.RANGE)
    assert date_range(date(1960, 1, 1), date(1960, 1, 1)).precision is Precision.DAY


def test_display_and_note_are_kept() -> None:
    """The printed form and the provenance note travel with the date."""
    d = parse_iso_date("1960-07-18", "July 18, 1960", "known from other sources")
    assert (d.display, d.note, d.year, d.decade) == ("July 18, 1960", "known from other sources",
                                                     1960, 1960)


@pytest.mark.parametrize("bad", ["18.VII.1960", "1960-13-01", "yesterday", "1960/1958"])
def test_malformed_dates_are_refused(bad: str) -> None:
    """Anything not understood raises instead of guessing."""
    with pytest.raises(ValueError):
        parse_iso_date(bad)
