"""The estimated-facets benchmark runs end to end at a tiny size and reports its figures.

Not a timed test: it only proves ``benchmarks/facet_sampling.py`` still works (the build, the
accuracy of each rate against the exact counts, both modes timed)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT, need


def test_facet_sampling_benchmark_reports_accuracy_and_both_modes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    need((CORPUS / "frus" / "core").is_dir(), f"FRUS corpus not found at {CORPUS / 'frus'}")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    bench = importlib.import_module("benchmarks.facet_sampling")
    figures = bench.main(["--docs", "3000", "--out", str(tmp_path), "--queries", "13",
                          "--rates", "2,4", "--corpus", str(CORPUS / "frus" / "core")])
    printed = capsys.readouterr().out
    assert figures["docs"] == 3000
    for rate in ("2", "4"):  # everything: the most cited people pass 1,000 documents
        assert figures["accuracy"]["rates"][rate]["values"] > 0
        assert 0.5 < figures["accuracy"]["rates"][rate]["within_raw"] <= 1
    for mode in ("default", "exact"):
        assert 0 < figures["latency"][mode]["p50"] <= figures["latency"][mode]["p99"]
    assert "1 in 4" in printed and "exact" in printed


def test_the_meaning_side_is_timed_with_ids_ored_in(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """--meaning: the plain queries with and without 200 ids found by meaning, the query's
    encoding, and no vector search when no index is given."""
    need((CORPUS / "frus" / "core").is_dir(), f"FRUS corpus not found at {CORPUS / 'frus'}")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    bench = importlib.import_module("benchmarks.facet_sampling")
    figures = bench.main(["--docs", "1000", "--out", str(tmp_path), "--queries", "12",
                          "--only", "latency", "--modes", "default,waiting", "--meaning",
                          "--corpus", str(CORPUS / "frus" / "core")])
    meaning = figures["meaning"]
    assert "Berlin" in meaning["queries"] and '"Central Committee"' not in meaning["queries"]
    assert meaning["words+meaning"]["n"] == meaning["words"]["n"] == 12
    assert meaning["encode"]["p50"] > 0 and meaning["vectors"] is None
    assert "words+meaning" in capsys.readouterr().out
