"""Cover pages (suggest/covers.py) are not the document: their fields are never suggested for
it. Lines from the JFK scans' text layers."""

from __future__ import annotations

from chancery.domain.suggestions import Kind
from chancery.suggest.covers import blank_covers, body_start, is_cover
from chancery.suggest.pipeline import suggest

# 124-10239-10171 p1: the identification form, its heading lost by the OCR
FORM = ("5\npee beg Hea\nAGENCY INFORMATION\nAGENCY: FBI\nRECORD NUMBER: = 124-10239-10171\n"
        "RECORD SERIES: MX.\nAGENCY FILE NUMBER: 105-3702-464\nDOCUMENT INFORMATION\n"
        "ORIGINATOR: FBI\nFROM: TRENT, ROLAND E.\nTO: LEG,MX\nTITLE:\nDATE: 03/13/1964\n"
        "PAGES: 4\nDOCUMENT TYPE: PAPER, TEXTUAL DOCUMENT\nCLASSIFICATION: “ret CLASSIFICATION:\n")
# 176-10036-10149 p1 (heading kept) and 177-10002-10092 p2 (a COMINT cover sheet)
TITLED = "176-10036-10149\nJFK ASSASSINATION SYSTEM\nIDENTIFICATION FORM\n’ AGENCY : NARA\n"
COMINT = "SOUTNG TOP SECRET\nNAME AND DATE [INI (Security Classification) f\n$ Handle Via p\nCOMINT\n"
# 177-10001-10060 p2: the report itself
REPORT = ("INr ORMATION. REPORT\nCENTRAL INTELLIGENCE AGENCY ie\n"
          "SUBJECT CUBAN GOVERNMENT POLICY TOWARDS PRESIDENT DATE pistR. 1&8 DECEMBER 1963 ~\n")


def test_forms_and_cover_sheets_are_covers_and_the_report_is_not() -> None:
    """The form with or without its heading, and a COMINT cover, are covers."""
    assert is_cover(FORM) and is_cover(TITLED) and is_cover(COMINT)
    assert not is_cover(REPORT)


def test_leading_covers_are_blanked_and_what_follows_is_read_first() -> None:
    """The form's DATE, FROM and TO are not read as the document's; the report's are;
    offsets hold. The form's TO is offered only as the form's, at a low confidence, since
    the report names no recipient (coverform.py)."""
    text = "\f".join([FORM, COMINT, REPORT])
    blanked = blank_covers(text)
    assert len(blanked) == len(text) and blanked[body_start(blanked):].startswith("INr ORMATION")
    found = suggest(text)
    assert [f.data["start"] for f in found if f.kind is Kind.DATE] == ["1963-12-18"]
    parties = [(f.kind, f.value, f.confidence <= 0.3) for f in found
               if f.kind in (Kind.FROM, Kind.TO)]
    assert parties == [(Kind.FROM, "CENTRAL INTELLIGENCE AGENCY", False),  # the letterhead
                       (Kind.TO, "LEG,MX", True)]


def test_a_text_that_is_only_a_cover_is_read_as_it_is() -> None:
    """With nothing behind it, the form is all there is: it is not blanked."""
    assert blank_covers(FORM) == FORM
