"""What the identification form says (suggest/coverform.py) is offered, at a low confidence,
only where the document itself says nothing. Lines from the JFK scans' text layers."""

from __future__ import annotations

from chancery.domain.suggestions import Finding, Kind
from chancery.suggest import coverform
from chancery.suggest.context import SuggestContext
from chancery.suggest.pipeline import suggest

# 176-10037-10440 p1: the form, headed
FORM = ("JFK ASSASSINATION SYSTEM\nIDENTIFICATION FORM\nAGENCY : NARA ;\n"
        "RECORD NUMBER : 176-10037-10440\nAGENCY FILE NUMBER :\nORIGINATOR : CIA\nFROM :\nTO :\n"
        "TITLE : Information Report Re:\nDATE : 9/3/1961\nPAGES : 2\nDOCUMENT TYPE :\n"
        "CLASSIFICATION :\nDATE OF LAST REVIEW : 9/10/2000\n")
# 176-10037-10440 p2: the report, its DATE DISTR. read "33 SEPTEMBER" and its marking spaced
REPORT = ("‘CENT RAL. INTELLIGENCE AGENCY\nS FE Cc Rr E tT : a -CLASSIFICATIO y ass ATI\n"
          "‘ SUBJECT — OFFER OF. SUPPLIES: AND MEN-TO. THE - —_ . oo DATE BISTR. 33 SEPTEMBER 1961\n")
# 124-10239-10171 p1: the form without its heading, its FROM and TO filled in
FBI_FORM = ("AGENCY INFORMATION\nAGENCY: FBI\nRECORD NUMBER: = 124-10239-10171\n"
            "AGENCY FILE NUMBER: 105-3702-464\nDOCUMENT INFORMATION\nORIGINATOR: FBI\n"
            "FROM: TRENT, ROLAND E.\nTO: LEG,MX\nTITLE:\nDATE: 03/13/1964\nPAGES: 4\n"
            "DOCUMENT TYPE: PAPER, TEXTUAL DOCUMENT\nCLASSIFICATION: Secret\n")
# 197-10002-10190 p1: the date the cataloguer left blank, the medium for a type
UNDATED = ("JFK ASSASSINATION SYSTEM\nIDENTIFICATION FORM\nORIGINATOR : CENTRAL INTELLIGENCE "
           "AGENCY\nFROM :\nTO :\nTITLE : CIA TDCS-3/566,305\nDATE : 00/00/63\nPAGES : 3\n"
           "DOCUMENT TYPE : PAPER, TEXTUAL DOCUMENT\nCLASSIFICATION : SECRET\n")
# 177-10001-10060 p1 and p2: the form says "Unclassified" (after review); the report is SECRET
REVIEWED = ("JFK ASSASSINATION SYSTEM\nIDENTIFICATION FORM\nORIGINATOR : CIA\nFROM:\nTO:\n"
            "DATE: 12/18/1963\nDOCUMENT TYPE: REPORT\nCLASSIFICATION : — Unclassified\n")
OWN = ("INr ORMATION. REPORT\nCENTRAL INTELLIGENCE AGENCY ie\nSECRET\n"
       "SUBJECT CUBAN GOVERNMENT POLICY TOWARDS PRESIDENT DATE pistR. 1&8 DECEMBER 1963 ~\n")


def _one(found: list[Finding], kind: Kind) -> Finding | None:
    return next((f for f in found if f.kind is kind), None)


def test_the_forms_date_stands_in_when_the_documents_is_unreadable() -> None:
    """The report's own DATE DISTR. is misread; the form's 9/3/1961 is offered, low."""
    date = _one(suggest(f"{FORM}\f{REPORT}"), Kind.DATE)
    assert date is not None and (date.data["start"], date.data["precision"]) == ("1961-09-03", "day")
    assert date.confidence <= 0.3 and date.data["from"] == "identification form"


def test_the_documents_own_fields_win_over_the_forms() -> None:
    """The report's DATE DISTR. and SECRET, not the form's date and "Unclassified"; the
    form's REPORT only because the OCR lost the report's title ("INr ORMATION. REPORT")."""
    found = suggest(f"{REVIEWED}\f{OWN}")
    date, marking = _one(found, Kind.DATE), _one(found, Kind.CLASSIFICATION)
    assert date is not None and date.data["start"] == "1963-12-18" and date.stage.startswith("date/")
    assert marking is not None and marking.data["level"] == "secret"
    assert [f.kind for f in found if f.stage.startswith("cover form")] == [Kind.TYPE]


def test_the_forms_fields_as_printed() -> None:
    """Date, marking and parties as the FBI form prints them; the medium is no type."""
    found = coverform.find(FBI_FORM, SuggestContext())
    assert (_one(found, Kind.DATE) or Finding(Kind.DATE, "", 0)).data["start"] == "1964-03-13"
    assert [(f.kind, f.value) for f in found if f.kind is not Kind.DATE] == [
        (Kind.CLASSIFICATION, "SECRET"), (Kind.FROM, "TRENT, ROLAND E."), (Kind.TO, "LEG,MX")]


def test_a_blank_date_the_medium_and_empty_parties_are_not_offered() -> None:
    """"00/00/63" is the cataloguer's "undated"; "PAPER, TEXTUAL DOCUMENT" names no kind."""
    found = coverform.find(UNDATED, SuggestContext())
    assert [f.kind for f in found] == [Kind.CLASSIFICATION]


def test_unclassified_after_review_is_not_offered_as_the_marking() -> None:
    """The form's "Unclassified" is the status after review, not what the pages bear."""
    assert _one(coverform.find(REVIEWED, SuggestContext()), Kind.CLASSIFICATION) is None


def test_a_document_without_a_form_is_not_read_for_one() -> None:
    """The report alone: the stage finds nothing (its DATE DISTR. is not a form's DATE)."""
    assert coverform.find(OWN, SuggestContext()) == []
