"""What the CLI reports (issue #10.25): an import's whole time and what it went on, exports
without a progress bar, and documents named by public_id as in the API."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chancery.cli import app
from chancery.demo import DEMO_DIR

runner = CliRunner()
SCANS = DEMO_DIR / "scans" / "scans.csv"


def _run(data: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--data", str(data), *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's scanned cables imported (their OCR jobs make it 6 s: once for the module)."""
    data = tmp_path_factory.mktemp("reporting") / "archive"
    code, out = _run(data, "import", "--no-progress", str(SCANS))
    assert code == 0, out
    return data


@pytest.fixture
def archive(imported: Path, tmp_path: Path) -> Path:
    """A copy of it for each test."""
    return Path(shutil.copytree(imported, tmp_path / "archive"))


def test_import_reports_the_whole_time_and_each_step(tmp_path: Path) -> None:
    """The seconds cover parsing, storing, indexing, queueing the jobs and waiting for the
    scans' OCR and suggestions (citations are queued, not waited for), each reported."""
    code, out = _run(tmp_path / "a", "import", "--json", str(SCANS))
    assert code == 0, out
    report = json.loads(out)
    steps = report["timings"]
    assert set(steps) == {"parse", "store", "index", "queue", "jobs"}
    assert report["jobs"]["queued"] == {"ocr": 3, "cite": 3} and report["jobs"]["waited"]
    assert report["jobs"]["failed"] == []
    assert report["seconds"] >= sum(steps.values()) - 0.005 > 0  # each rounded to 1 ms


def test_the_import_summary_says_what_the_time_went_on(tmp_path: Path) -> None:
    code, out = _run(tmp_path / "a", "import", "--no-progress", str(SCANS))
    assert code == 0, out
    assert "Time spent: parse" in out and "queue" in out
    assert "Citations: 3 document(s) queued" in out


def test_export_runs_without_a_progress_bar(archive: Path, tmp_path: Path) -> None:
    code, out = _run(archive, "export", "--no-progress", "--format", "jsonl",
                     "--out", str(tmp_path / "d.jsonl"))
    assert code == 0, out
    assert "Exporting" not in out and "Wrote 3 documents" in out


def test_documents_are_named_by_public_id_as_in_the_api(archive: Path) -> None:
    code, out = _run(archive, "search", "Cuba", "--json")
    assert code == 0, out
    hits = json.loads(out)["hits"]
    assert hits and all("public_id" in h and "id" not in h for h in hits)
    code, out = _run(archive, "show", "jfk-104-10236-10054", "--json")
    shown = json.loads(out)
    assert shown["public_id"] == "jfk-104-10236-10054" and "id" not in shown


def test_long_durations_read_in_minutes() -> None:
    from chancery.progress import duration
    assert (duration(20.06), duration(150), duration(3900)) == ("20.1 s", "2 min 30 s", "1 h 5 min")
