"""A re-import with other OCR settings (`--ocr`, a CSV's ocr or language cell) reads its
unchanged scans again, and only those: the same settings queue nothing, so importing a box of
3,000 scans a second time does not OCR them twice (Jobs.queue_changed_options)."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from typer.testing import CliRunner

from chancery.bootstrap import build_app
from chancery.cli import app
from chancery.config import load_settings
from chancery.domain.jobs import Stage
from tests.scan_pdfs import text_pdf

runner = CliRunner()
LETTER = text_pdf([[(72, 650, "The ambassador met the minister in Berlin.")]])


def _run(data: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--data", str(data), *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def _import(data: Path, *args: str) -> dict[str, object]:
    """`import --no-wait --json`: the summary, its jobs as queued (none of them run)."""
    code, out = _run(data, "import", "--no-wait", "--json", *args)
    assert code == 0, out
    report: dict[str, object] = json.loads(out)
    return report


def _jobs(report: dict[str, object]) -> tuple[object, object]:
    jobs = report["jobs"]
    assert isinstance(jobs, dict)
    return jobs["queued"], jobs["settings_changed"]


def _ocr_jobs(data: Path) -> dict[str, str]:
    """The mode each scan's OCR job waits with, by file name (the jobs are claimed: the
    archive is not used afterwards)."""
    built = build_app(load_settings(data=str(data)))
    try:
        return {Path(j.file).name: j.option("mode")
                for j in built.jobs.store.claim(Stage.OCR, 10, "test:1")}
    finally:
        built.close()


def test_import_with_another_ocr_mode_queues_the_unchanged_scans_again(tmp_path: Path) -> None:
    """--ocr always over scans imported in mode never queues both again (with the new mode,
    without their citations: the records did not change); the same mode again queues
    nothing."""
    scans, data = tmp_path / "scans", tmp_path / "archive"
    scans.mkdir()
    for name in ("letter.pdf", "copy.pdf"):
        (scans / name).write_bytes(LETTER)
    first = _import(data, "--ocr", "never", str(scans))
    assert _jobs(first) == ({"ocr": 2, "cite": 2}, {})
    same = _import(data, "--ocr", "never", str(scans))
    assert same["unchanged"] == 2 and _jobs(same) == ({}, {})
    always = _import(data, "--ocr", "always", str(scans))
    assert always["unchanged"] == 2 and _jobs(always) == ({"ocr": 2}, {"ocr": 2})
    assert _jobs(_import(data, "--ocr", "always", str(scans))) == ({}, {})
    assert _ocr_jobs(data) == {"letter.pdf": "always", "copy.pdf": "always"}


def test_a_changed_ocr_cell_queues_its_row_alone(tmp_path: Path) -> None:
    """Two rows of a CSV; the ocr cell of one goes from auto to always: its scan alone is
    queued again, and the job list still names its file."""
    box, data = tmp_path / "box", tmp_path / "archive"
    box.mkdir()
    for name in ("a.pdf", "b.pdf"):
        (box / name).write_bytes(LETTER)
    csv = box / "box.csv"
    csv.write_text("title,files,ocr,language\nLetter A,a.pdf,auto,en\nLetter B,b.pdf,auto,en\n")
    assert _jobs(_import(data, str(csv))) == ({"ocr": 2, "cite": 2}, {})
    assert _jobs(_import(data, str(csv))) == ({}, {})
    csv.write_text("title,files,ocr,language\nLetter A,a.pdf,auto,en\nLetter B,b.pdf,always,en\n")
    changed = _import(data, str(csv))
    assert changed["unchanged"] == 2 and _jobs(changed) == ({"ocr": 1}, {"ocr": 1})
    assert _ocr_jobs(data) == {"a.pdf": "auto", "b.pdf": "always"}


def _memo(path: Path) -> None:
    """A page image with no text layer: only OCR reads its words."""
    page = Image.new("L", (1700, 400), 255)
    ImageDraw.Draw(page).text((100, 150), "QUOKKAWITZ MEMORANDUM",
                              font=ImageFont.load_default(size=72), fill=0)
    page.save(path, dpi=(300, 300))


def test_a_scan_imported_without_ocr_becomes_searchable_when_its_cell_asks_for_it(
        tmp_path: Path) -> None:
    """Tom's complaint, "OCR settings that are ignored": a scan imported with ocr never has
    no text; the same CSV with ocr auto reads it (the import waits for it), says so in its
    summary, and its word is found."""
    box, data = tmp_path / "box", tmp_path / "archive"
    box.mkdir()
    _memo(box / "memo.png")
    csv = box / "box.csv"
    csv.write_text("title,files,ocr,language\nMemo,memo.png,never,en\n")
    code, out = _run(data, "import", "--no-progress", str(csv))
    assert code == 0, out
    code, out = _run(data, "search", "Quokkawitz", "--json")
    assert code == 0 and json.loads(out)["hits"] == []
    csv.write_text("title,files,ocr,language\nMemo,memo.png,auto,en\n")
    code, out = _run(data, "import", "--no-progress", str(csv))
    assert code == 0, out
    assert "1 unchanged" in out
    assert "1 unchanged document(s) queued for ocr again: their ocr settings changed" in out
    code, out = _run(data, "search", "Quokkawitz", "--json")
    assert code == 0 and [h["title"] for h in json.loads(out)["hits"]] == ["Memo"]
