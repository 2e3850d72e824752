"""Release histories in the domain: dates to the year, month or day, records and spreadsheet
columns both ways, and clear errors for what is malformed."""

from __future__ import annotations

import pytest

from chancery.domain.declassification import (
    Release,
    release_columns,
    release_day,
    release_from_record,
    releases_from_columns,
)
from chancery.domain.documents import Document
from chancery.domain.records import content_hash, document_from_record, document_record

JFK = Release("2025-03-18", "NARA", "JFK Records Act", "Released in full.")
MDR = Release("2019", "CIA", "MDR case 2019-0421", "")


def test_a_release_date_is_a_year_a_month_or_a_day() -> None:
    """2025, 2017-10 and 2017-10-26 are kept as given; anything else is refused."""
    assert [release_day(d) for d in ("2025", "2017-10", "2017-10-26", "")] == [
        "2025", "2017-10", "2017-10-26", ""]
    for bad in ("2017-13", "2017-02-30", "26 Oct 2017", "17", "2017/10"):
        with pytest.raises(ValueError, match=r"release date|month|day"):
            release_day(bad)


def test_a_release_must_say_when_who_or_under_what() -> None:
    """A note alone is not a release; over-long parts are refused; spaces are tidied."""
    with pytest.raises(ValueError, match="needs a date, an agency or an authority"):
        release_from_record({"note": "just a note"})
    with pytest.raises(ValueError, match="over 1000"):
        release_from_record({"agency": "x" * 1001})
    assert release_from_record({"agency": "  NARA \n"}) == Release(agency="NARA")


def test_the_record_carries_releases_in_order_and_only_when_there_are_some() -> None:
    """document_record → document_from_record keeps the history; a document without one has
    the record (and content hash) it had before releases existed."""
    doc = Document("d1", "A cable", releases=(JFK, MDR))
    assert document_from_record(document_record(doc)).releases == (JFK, MDR)
    plain = Document("d1", "A cable")
    assert "releases" not in document_record(plain)
    assert content_hash(plain, []) != content_hash(doc, [])


def test_spreadsheet_columns_line_up_by_bar() -> None:
    """The n-th '|'-separated value of each column makes the n-th release; the export's
    columns read back to the same releases; columns that do not line up are refused."""
    row = {"release_date": "2025-03-18 | 2019", "release_agency": "NARA | CIA",
           "release_authority": "JFK Records Act | MDR case 2019-0421",
           "release_note": "Released in full. | "}
    assert releases_from_columns(row) == (JFK, MDR)
    assert releases_from_columns(release_columns((JFK, MDR))) == (JFK, MDR)
    assert releases_from_columns({}) == ()
    with pytest.raises(ValueError, match="different numbers"):
        releases_from_columns({"release_date": "2025 | 2019", "release_agency": "NARA"})
