"""The date of a scanned document read where its form puts it, through the OCR's misreadings,
and never from a reference, the information, an acquisition, a subject line or a stamp of
review or release. Each case is a run of lines from a JFK scan's text layer (read in order
by line), or from a page transcribed by hand (benchmarks/gold/transcriptions)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chancery.domain.suggestions import Kind
from chancery.suggest.context import SuggestContext
from chancery.suggest.pipeline import suggest

TODAY = SuggestContext(today=date(2026, 11, 30))
GOLD = Path(__file__).resolve().parents[2] / "benchmarks" / "gold" / "transcriptions"


def _date(text: str) -> str | None:
    found = [f for f in suggest(text, TODAY) if f.kind is Kind.DATE]
    return found[0].data["start"] if found else None


@pytest.mark.parametrize(("lines", "want"), [
    # 176-10036-10149 p2: the field's own date, its month misread, not the DOI or the place
    ("COUNTRY SOUTH VIETNAM REPORT NO. - TOSS pe- -3/657 031\n"
     "SUBJECT FURTHER PLANNING OF LANG COUP GROUP DATE DISTR. 2 o¢toser 1963 -\n"
     "PRECEDENCE - PRIORITY | yo\n"
     "DATEOF 26-30 sepTemBeR 1963 nae! REFERENCES: . IN - 31379 }\n"
     "PLACES VIETNAM, SAIGON (30 SEPTEMBER 1963) :\n", "1963-10-02"),
    # 177-10001-10060 p2: a sign read into the day; the acquisition date below is not it
    ("SUBJECT CUBAN GOVERNMENT POLICY TOWARDS PRESIDENT DATE pistR. 1&8 DECEMBER 1963 ~\n"
     "DATEOF LATE NOVEMBER 196 REFERENCES IN\nINFO, 703 62939\n"
     "PLACE& 16 DECEMBER 1963\nDATE ACQ.\n", "1963-12-18"),
    # 124-10279-10018 p2: an intelligence cable's DIST date, not the date of information
    ("C-Q-N-F-I-D-E-N-T-I-A-L 3006592 DIST 30 AUGUST 1967\n"
     "COUNTRY: MEXICO ALL FBI INFORMATION CONTAINED\n28 AUGUST 1967 TJEK):\n", "1967-08-30"),
    # 104-10216-10171 p1: a typed date alone on its line, "June" read as "Jure"; the
    # reference's date and the day of the tests are not it
    ("ne\n10 Jure 1964 ae\nTMORANDUM FOR TiS RECORD po | FT an\n"
     "REFERTICE: SMamo for Red, cated 25 May 64, Subject FAL Siloncers\n"
     "Hy: 1. Oa 2 June 1964, Mr, Donald R. Dunn, TSD/EN and the\n", "1964-06-10"),
    # 104-10178-10136 p1: the DATE field's underline read as "_"
    ("x Richard Ober,pov. ov tet |?\nKi da 18_Apr-68 = : eye maa re fod sly :\n", "1968-04-18"),
    # 178-10004-10053 p2: the record number stamped beside the typed date is the release's;
    # the meeting named in the subject line is not the date
    ("178-10004-10053 | 2025 RELEASE UNDER THE PRESIDENT JOHN F. KENNEDY ASSASSINATION "
     "RECORDS ACT OF 1992\n\f"
     "TOP SECRET | Boa Qitaeed eee\n178-10004-10053 10 December 1962\nMEMORANDUM FOR THE RECORD.\n"
     "SUBJECT: DCI Presentation to the President's Foreign intelligence\n"
     "Advisory Board, 7 December 1962\n", "1962-12-10"),
    # 104-10216-10046 p1: a dispatch whose only legible date is its reference's
    ("ACTIOH REQUIRED: FYI\nREFERERCE $ DBA-12821 (25 June 62)\n", None),
    # 197-10002-10190 p2: a span of days at the top is the period reported on
    ("- oe | — 3, ft 4/97\n: _ 20-26 NOVEMBER 1963 -\n", None),
    # 202-10001-10203 p2: an undated paper; the program review it cites is dated
    ("SUBJECT: Tasks Assigned to CIA in General Lansdale's Program\nReview\nA. TASKS\n"
     "Part V, pp. 5-8, of General Lansdale's program review of\n"
     "the Cuba Project, dated 18 January 1962, assigns 32 specific tasks\n", None),
])
def test_a_scan_is_dated_by_its_own_field(lines: str, want: str | None) -> None:
    """The date the form gives the document, or none."""
    assert _date(lines) == want


def test_a_cables_date_time_group_beats_the_date_it_was_received() -> None:
    """104-10236-10054 p1 (hand transcription): the DTG 021514Z under the form's DTG label
    is the 2nd; the DATE field (03 OCT 62) and the FILE time are when Headquarters got it."""
    text = (GOLD / "104-10236-10054_ocr_p1.txt").read_text(encoding="utf-8")
    [found] = [f for f in suggest(text, TODAY) if f.kind is Kind.DATE]
    assert (found.data["start"], found.value) == ("1962-10-02", "2 October 1962 (021514Z)")


def test_a_group_that_disagrees_with_the_form_is_not_read() -> None:
    """A day-and-time group of the 20th on a form dated the 3rd names another day."""
    text = "DATE: 03 OCT 62\nDTG\n201514Z 11128\n"
    assert _date(text) == "1962-10-03"
