"""The JFK scoring follows benchmarks/gold/README.md: "Name, Title" matched by either part,
an empty labelled date right only when none is suggested, UNCERTAIN rows set apart, and a
fixed split into a dev and a held-out half."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from chancery.domain.suggestions import Finding, Kind
from tests.conftest import ROOT


def _scoring() -> ModuleType:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("benchmarks.suggest_jfk")


def test_a_name_and_title_is_matched_by_either_part_but_not_by_a_rank_alone() -> None:
    """"Erich W. Isenstead, Chief, Cover & Commercial Staff" (104-10105-10290): the name or the
    title counts; "SAC" alone does not stand for "SAC, Jackson"."""
    judge = _scoring().judge_parties
    label = "Erich W. Isenstead, Chief, Cover & Commercial Staff"
    assert judge(["ERICH W. ISENSTEAD"], label) == (1, 1, 1, 1)
    assert judge(["Chief, Cover & Commercial Staff"], label) == (1, 1, 1, 1)
    assert judge(["SAC"], "SAC, Jackson") == (0, 1, 0, 1)
    assert judge(["JACKSON", "Nobody"], "SAC, Jackson; SAC, Jacksonville") == (1, 2, 1, 2)


def test_an_empty_labelled_date_is_right_only_when_no_date_is_suggested() -> None:
    """The four undated rows must stay empty."""
    judge_date = _scoring().judge_date
    date = Finding(Kind.DATE, "10 Apr 1962", 0.7,
                   data={"start": "1962-04-10", "end": "1962-04-10", "precision": "day"})
    assert judge_date([], "") and not judge_date([date], "")
    assert judge_date([date], "1962-04-10") and not judge_date([date], "1962-04")


def test_uncertain_rows_are_apart_and_the_halves_are_fixed() -> None:
    """The split is a hash of the name (the same every run); an UNCERTAIN row is in neither."""
    scoring = _scoring()
    row = {"file": "104-10187-10208_ocr.pdf", "date": "1964-06-02", "classification": "SECRET",
           "type": "cable", "from": "PANAMA CITY", "to": "DIRECTOR",
           "notes": "UNCERTAIN. The month is illegible."}
    assert scoring.judge(row, []).group == "uncertain"
    assert scoring.judge(row | {"notes": ""}, []).group == scoring.half(row["file"])
    assert {scoring.half(f"{n}.pdf") for n in range(20)} == {"dev", "held-out"}


def test_a_label_is_readable_only_when_the_text_carries_it() -> None:
    """The ceiling: "24 OCT 61" read by the OCR as "2h OCT 61" is not readable; a date-time
    group gives the day with the month the text states; spaced letters spell the level; a
    party counts when a matching form stands in the text."""
    _scoring()
    readable = importlib.import_module("suggest_jfk_readable")
    assert not readable.date_readable("DATE 2h OCT 61\nFROM LONDON", "1961-10-24")
    assert readable.date_readable("DATE 24 OCT 61", "1961-10-24")
    assert readable.date_readable("S E C R E T 021514Z\nDATE 03 OCT 62", "1962-10-02")
    assert readable.date_readable("no date at all", "")
    assert readable.classification_readable("S E C R E T", "secret")
    assert not readable.classification_readable("MEMORANDUM FOR THE RECORD", "secret")
    assert readable.classification_readable("MEMORANDUM", "unknown")
    assert readable.parties_readable("TO: DIRECTOR\nFROM: LONDON", [{"london"}, {"cara"}]) == 0.5
    assert readable.parties_readable("", []) == 1.0
