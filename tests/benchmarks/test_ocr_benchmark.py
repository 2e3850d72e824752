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
    assert bench.wer("the cable from Djakarta", "the cable fron Djakarta") == 0.25
    assert bench.wer("a b", "a b c d") == 1.0  # two words inserted over two of truth
    assert bench.cer("abcd", "abed") == 0.25
    assert bench.bag_error("SECRET the cable", "the cable SECRET") == 0.0  # order does not count
    assert bench.bag_error("the the cable", "the cable") == pytest.approx(1 / 3)


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
