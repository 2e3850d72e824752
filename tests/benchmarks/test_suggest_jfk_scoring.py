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
