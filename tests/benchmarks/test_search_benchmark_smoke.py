"""The search benchmark runs end to end at a tiny size and reports figures for both engines.

Not a timed test: it only proves ``benchmarks/search.py`` still works (extraction of the FRUS
pool, generation, both indexes, the query mix, searching while another process imports)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import CORPUS, ROOT, need


def _benchmark() -> ModuleType:
    # imported as benchmarks.search (a namespace package under the project root), so the
    # spawned importing process can import it again by that name
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("benchmarks.search")


def test_search_benchmark_reports_both_engines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """2,000 documents from the core volumes: build rates, sizes, latencies and the ratio."""
    need((CORPUS / "frus" / "core").is_dir(), f"FRUS corpus not found at {CORPUS / 'frus'}")
    bench = _benchmark()
    out = tmp_path / "bench"
    figures = bench.main(["--docs", "2000", "--out", str(out), "--queries", "26",
                          "--corpus", str(CORPUS / "frus" / "core"),
                          "--json", str(tmp_path / "figures.json")])
    printed = capsys.readouterr().out
    for engine in ("tantivy", "fts5"):
        assert figures["build"][engine]["docs"] == 2000
        assert figures["build"][engine]["docs_per_s"] > 0
        assert figures["size_mb"][engine] > 0
        assert 0 < figures["latency"][engine]["p50"] <= figures["latency"][engine]["p99"]
        assert engine in printed
    assert figures["p99_ratio_fts5_to_tantivy"] > 0
    assert figures["under_import"]["latency"]["n"] >= 13
    assert figures["under_import"]["imported"] >= 1000
    assert figures["memory"]["anon_mb"] > 0
    # both engines answer the same questions about the same documents
    for row in figures["per_query"]:
        assert row["tantivy_total"] > 0 or row["fts5_total"] == 0, row
    assert "p99" in printed and "ratio" in printed
    assert json.loads((tmp_path / "figures.json").read_text())["docs"] == 2000
