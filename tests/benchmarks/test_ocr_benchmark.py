"""The OCR benchmark's measures are right on small cases (no OCR is run here: the benchmark is
run by hand, its figures are in the report)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT


def _benchmark() -> ModuleType:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("benchmarks.ocr")


def test_error_rates_count_words_and_characters() -> None:
    bench = _benchmark()
    one = bench.rates([("the cable from Djakarta", "the cable fron Djakarta")])
    assert (one["wer"], one["wer_words"], one["words_missed"]) == (0.25, 0.25, 0.25)
    assert bench.rates([("abcd", "abed")])["cer"] == 0.25
    assert bench.rates([("a b", "a b c d")])["wer"] == 1.0  # two words inserted over two
    # case and punctuation count in "wer", not in "wer_words"; order does not count in "missed"
    loose = bench.rates([("SECRET the cable.", "the Cable SECRET")])
    assert (loose["wer"], loose["wer_words"], loose["words_missed"]) == (1.0, 0.667, 0.0)
    assert bench.rates([("the the cable", "the cable")])["words_missed"] == 0.333
    # pooled: errors over all the truths' words, not a mean of the pages' rates
    assert bench.rates([("a", "b"), ("a b c", "a b c")])["wer"] == 0.25


def test_gold_is_scored_without_the_release_header_and_illegible_words() -> None:
    bench = _benchmark()
    truth = ("14-00000\n104-10216-10171 2025 RELEASE UNDER THE PRESIDENT\n\n"
             "10 June 1964\nTests of [illegible] Sights")
    read = "14 00000\n104-10216-10171 | 2025 RELEASE UNDER THE PRESIDENT\n10 June 1964\nTosts of Sights"
    kept, reading = bench.gold_pair(("x.pdf", 1), truth, read)
    assert kept.split() == ["10", "June", "1964", "Tests", "of", "Sights"]
    assert reading.split() == ["10", "June", "1964", "Tosts", "of", "Sights"]
    # on a later page nothing is cut (the header is only on a file's first page)
    assert bench.gold_pair(("x.pdf", 2), "14-00000 a", "14-00000 a") == ("14-00000 a", "14-00000 a")


def test_a_line_the_reading_lacks_is_not_cut_from_it() -> None:
    bench = _benchmark()
    assert bench.without("Memorandum TO: Chief", "14-00000") == "Memorandum TO: Chief"
    assert bench.without("a 14 00000 b", "14-00000").split() == ["a", "b"]


def test_gold_transcriptions_are_found_by_page(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    bench = _benchmark()
    (tmp_path / "104-10216-10171_ocr-p1.txt").write_text("Donald R. Dunn")
    (tmp_path / "README.md").write_text("how they were made")
    monkeypatch.setattr(bench, "GOLD", tmp_path)
    assert bench.gold() == {("104-10216-10171_ocr.pdf", 1): "Donald R. Dunn"}


def test_the_sample_spreads_over_the_corpus() -> None:
    bench = _benchmark()
    pages = [(f"{n}.pdf", 1) for n in range(200)]
    assert bench.sample(pages, 10)[:3] == [("0.pdf", 1), ("20.pdf", 1), ("40.pdf", 1)]


def test_spelling_benchmark_scores_the_document_text() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    spelling = importlib.import_module("benchmarks.ocr_spelling")
    first = "14-00000\n104-1 2025 RELEASE\n\nMEMORANDUM [illegible] FOR"
    assert spelling.words(spelling.document_text(first, 1)) == ["memorandum", "for"]
    assert spelling.words(spelling.document_text("A [illegible] b", 2)) == ["a", "b"]
