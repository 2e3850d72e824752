"""`chancery suggest`: a text file, a PDF's own text layer or a stored document, as a table
or as JSON with exactly the keys the issue names; bad input is refused in words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chancery.cli import app
from chancery.demo import DEMO_DIR

runner = CliRunner()
KEYS = ["language", "date", "classification", "type", "from", "to", "people", "organizations",
        "places", "relations", "summary"]
MEMO = ("SECRET\n\nMoscow, 2 August 1958\n\nMEMORANDUM FOR: The Ambassador\nFROM: Counselor "
        "of Embassy\n\nReference your telegram 123. A copy of the note of 1 August is included "
        "here, and the Ministry asked that the Embassy answer before the end of the month.\n")


def _run(data: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--data", str(data), *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


@pytest.fixture
def archive(tmp_path: Path, reference_bundle: Path) -> Path:
    """A SQLite archive holding the two reference records."""
    data = tmp_path / "archive"
    code, out = _run(data, "import", "--no-progress", str(reference_bundle))
    assert code == 0, out
    return data


def test_a_text_file_as_json_has_exactly_the_keys_each_with_a_confidence(tmp_path: Path) -> None:
    """No archive needed for a file; every key is there, every value has its confidence,
    and nothing is written to a data folder."""
    memo = tmp_path / "memo.txt"
    memo.write_text(MEMO, encoding="utf-8")
    code, out = _run(tmp_path / "none", "suggest", str(memo), "--json")
    assert code == 0, out
    found = json.loads(out)
    assert list(found) == KEYS
    assert found["date"] == {"display": "2 August 1958", "start": "1958-08-02",
                             "end": "1958-08-02", "precision": "day",
                             "confidence": found["date"]["confidence"]}
    assert (found["classification"]["marking"], found["classification"]["level"]) == (
        "SECRET", "secret")
    assert [t["name"] for t in found["to"]] == ["The Ambassador"]
    assert [f["name"] for f in found["from"]] == ["Counselor of Embassy"]
    assert {r["type"] for r in found["relations"]} == {"reply-to", "encloses"}
    assert found["places"][0] == {"name": "Moscow", "confidence": 0.85, "role": "dateline"}
    for value in [found[k] for k in ("language", "date", "type", "summary")] + found["from"]:
        assert 0 < value["confidence"] <= 1
    assert not (tmp_path / "none").exists()


def test_a_pdf_is_read_from_its_own_text_layer_as_a_table(tmp_path: Path) -> None:
    """A real JFK scan: the release stamp apart, the marking, the type."""
    pdf = DEMO_DIR / "scans" / "104-10216-10046_ocr.pdf"
    code, out = _run(tmp_path / "none", "suggest", str(pdf))
    assert code == 0, out
    flat = " ".join(out.split())
    assert "Release" in flat and "2025 release under the President" in flat
    assert "Classification" in flat and "(secret)" in flat


def test_a_stored_document_is_read_through_the_archive(archive: Path) -> None:
    """An id reads the stored document's text; several sources give a list in their order."""
    code, out = _run(archive, "suggest", "7da35b31", "--json")
    assert code == 0, out
    found = json.loads(out)
    assert list(found) == KEYS and found["language"]["value"] == "en"
    code, out = _run(archive, "suggest", "7da35b31", "7da35b31", "--json")
    assert code == 0 and len(json.loads(out)) == 2


def test_bad_sources_are_refused_in_words(tmp_path: Path, archive: Path) -> None:
    """A .pdf that is not one, and an id the archive does not hold: a clear error, exit 1."""
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"%PDF-1.4 broken")
    code, out = _run(tmp_path / "none", "suggest", str(fake))
    assert code == 1 and "not a readable PDF" in out
    code, out = _run(archive, "suggest", "no-such-document")
    assert code == 1 and "No file or document 'no-such-document'" in out
