"""`chancery jobs`, `jobs retry --failed` and `import --no-wait` as an archivist runs them:
counts per stage, failures with file, stage and reason, a retry of just those run by the
command's own worker processes, and an import that returns with its citations queued."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chancery.bootstrap import build_app
from chancery.cli import app
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.domain.jobs import Stage

runner = CliRunner()
SCANS = DEMO_DIR / "scans" / "scans.csv"


def _run(data: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--data", str(data), *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    data = tmp_path / "archive"
    code, out = _run(data, "import", "--no-progress", "--no-wait", str(SCANS))
    assert code == 0, out
    return data


def _fail_one_citation(data: Path) -> str:
    """Run the citation jobs as a worker would, one of them failing (as when pandoc broke on
    it); returns that document's public id."""
    built = build_app(load_settings(data=str(data)))
    try:
        first, *others = built.jobs.store.claim(Stage.CITE, 10, "w:1")
        built.jobs.store.fail(first, "pandoc failed: YAML parse exception")
        for job in others:
            built.jobs.store.finish(job)
        return first.public_id
    finally:
        built.close()


def _attempts(data: Path) -> dict[str, int]:
    built = build_app(load_settings(data=str(data)))
    try:
        return {j.public_id: j.attempts for j in built.jobs.store.claim(Stage.CITE, 10, "w:2")}
    finally:
        built.close()


def test_import_returns_searchable_with_its_citations_queued(archive: Path) -> None:
    code, out = _run(archive, "jobs", "--json")
    assert code == 0, out
    report = json.loads(out)
    waiting = {"queued": 3, "running": 0, "done": 0, "failed": 0, "per_second": 0.0,
               "eta_seconds": None}
    # the demo's scans are read (OCR, then suggestions) and cited, all left to the workers
    assert report["stages"] == [{"stage": "ocr", **waiting}, {"stage": "cite", **waiting}]
    assert report["failures"] == [] and report["workers"] == []
    code, out = _run(archive, "search", "Cuba", "--json")
    assert code == 0 and json.loads(out)["hits"]


def test_jobs_lists_counts_and_each_failure_with_file_stage_and_reason(archive: Path) -> None:
    public_id = _fail_one_citation(archive)
    code, out = _run(archive, "jobs")
    assert code == 0, out
    assert "cite" in out and "0 worker(s) alive" in out
    assert public_id in out and "pandoc failed" in out
    code, out = _run(archive, "jobs", "--json")
    (failure,) = json.loads(out)["failures"]
    assert failure["document"] == public_id and failure["stage"] == "cite"
    assert failure["file"].endswith(f"{public_id.removeprefix('jfk-')}_ocr.pdf")  # its scan
    assert failure["reason"] == "pandoc failed: YAML parse exception"


def test_retry_failed_reruns_only_those_with_the_commands_own_workers(archive: Path) -> None:
    _fail_one_citation(archive)
    code, out = _run(archive, "jobs", "retry", "--failed", "--json")
    assert code == 0, out
    assert json.loads(out) == {"retried": 1, "failures": []}
    code, out = _run(archive, "jobs", "--json")
    cite = _stage(out, "cite")
    assert (cite["done"], cite["queued"], cite["failed"]) == (3, 0, 0)
    _run(archive, "import", "--no-progress", "--no-wait", str(SCANS))  # unchanged: nothing new
    code, out = _run(archive, "jobs", "--json")
    assert _stage(out, "cite")["queued"] == 0


def _stage(report: str, name: str) -> dict[str, int]:
    return next(s for s in json.loads(report)["stages"] if s["stage"] == name)


def test_retry_leaves_the_jobs_that_did_not_fail(archive: Path) -> None:
    public_id = _fail_one_citation(archive)
    code, out = _run(archive, "jobs", "retry", "--failed", "--no-wait")
    assert code == 0 and "1 failed job(s) queued again" in out
    assert _attempts(archive) == {public_id: 2}  # only it is queued; the done ones stay done


def test_retry_says_which_jobs(archive: Path) -> None:
    code, out = _run(archive, "jobs", "retry")
    assert code == 2 and "--failed" in out


def test_an_unknown_stage_is_refused(archive: Path) -> None:
    code, out = _run(archive, "jobs", "retry", "--failed", "--stage", "ocrr")
    assert code == 2 and "no stage 'ocrr'" in out
