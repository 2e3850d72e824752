"""Which changes the public is told of as corrections, and what a citation's revised date is."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chancery.domain.citations import house_citation
from chancery.domain.corrections import (
    Correction,
    changes_list,
    correction_note,
    public_note,
    revised_on,
)
from chancery.domain.dates import FuzzyDate, Precision
from chancery.domain.documents import Document
from chancery.domain.publication import Publication, PublicationState
from chancery.domain.workflow import Refused

TODAY = date(2026, 11, 30)
PUBLISHED = Publication(PublicationState.PUBLISHED)
TITLE = {"title": ["Old", "New"]}


def test_a_change_of_a_public_documents_fields_is_a_correction() -> None:
    """With its note folded, or "" for none."""
    assert correction_note(PUBLISHED, TODAY, TITLE, "  Title\n corrected. ") == "Title corrected."
    assert correction_note(PUBLISHED, TODAY, {"media": [[], [{}]]}, None) == ""


@pytest.mark.parametrize("changes", [{}, {"publication": [{}, {}]},
                                     {"collections": [[], [{"key": "x"}]]}])
def test_steps_and_arrangement_are_no_corrections(changes: dict[str, list[object]]) -> None:
    assert correction_note(PUBLISHED, TODAY, changes, "a note") is None


@pytest.mark.parametrize("publication", [
    Publication(PublicationState.DRAFT), Publication(PublicationState.IN_REVIEW),
    Publication(PublicationState.WITHDRAWN),
    Publication(PublicationState.PUBLISHED, embargo_until=date(2027, 1, 1))])
def test_nothing_the_public_could_not_read_is_corrected(publication: Publication) -> None:
    assert correction_note(publication, TODAY, TITLE, "a note") is None


def test_a_note_over_the_limit_is_refused() -> None:
    assert public_note(None) is None
    with pytest.raises(Refused, match="at most 1000"):
        public_note("x" * 1001)


def test_changes_are_newest_first_and_revised_is_the_latest_day() -> None:
    march, may = datetime(2026, 3, 2, 9, tzinfo=UTC), datetime(2026, 5, 20, 9)  # SQLite: no zone
    listed = changes_list([Correction(march, "Title corrected.")], [(may, "(b)(6)", "text")])
    assert [(c.kind, c.day) for c in listed] == [("redacted", may.date()),
                                                 ("corrected", march.date())]
    assert revised_on([march.date(), None, may.date()]) == may.date()
    assert revised_on([]) is None


def test_the_house_citation_says_when_it_was_revised() -> None:
    doc = Document("abc", "Memorandum", date=FuzzyDate("July 23, 1960", date(1960, 7, 23),
                                                           date(1960, 7, 23), Precision.DAY))
    assert house_citation(doc, "Archive", date(2026, 3, 2)) == (
        "“Memorandum,” July 23, 1960, Archive. Revised March 2, 2026.")
    assert "Revised" not in house_citation(doc, "Archive")
