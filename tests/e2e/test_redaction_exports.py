"""An editor's bundle and CSV carry each document's redactions (what, why, state, who, when),
and importing the bundle into a new archive withholds the same things; the public exports
carry only the public view: no list of redactions, never the words
(services/exports.py, services/datasets.py, services/import_redactions.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chancery.bootstrap import App, build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.domain import clock
from chancery.domain.publication import Actor
from chancery.domain.redactions import RedactionKind, RedactionState
from chancery.domain.workflow import Acting
from chancery.services.redacting import Wanted
from chancery.web.server import create_app
from tests.e2e.test_scan_text_layers import archive as archive

OPERATOR = Acting.operator()
WORDS = "Quokkawitz"
runner = CliRunner()


@pytest.fixture
def redacted(archive: App) -> App:
    """letter01 with its transcription's name, its title's id and a box on its scan
    withheld, the box's removal asked for (still in force)."""
    archive.redacting.redact("letter01", Wanted("(b)(6)", text=WORDS, version="en"), OPERATOR)
    archive.redacting.redact("letter01", Wanted("privacy", text="letter01", field="title"),
                             OPERATOR)
    box = archive.redacting.redact("letter01", Wanted("(b)(1)", page=1, box="pct:10,10,30,5"),
                                   OPERATOR)
    archive.redacting.request_removal("letter01", box.redaction.id, OPERATOR)
    return archive


def _export(app: App, out: Path, *args: str) -> None:
    done = runner.invoke(cli, ["--data", str(app.settings.data), "export", *args, "--out",
                               str(out)])
    assert done.exit_code == 0, done.output


def test_an_editors_bundle_carries_the_redactions(redacted: App, tmp_path: Path) -> None:
    """Kind, reason, what, state, by and at, for each redaction in force."""
    _export(redacted, tmp_path / "b", "--format", "bundle")
    record = yaml.safe_load((tmp_path / "b" / "documents" / "letter01.yaml").read_text())
    kinds = {r["kind"]: r for r in record["redactions"]}
    assert kinds["text"]["text"] == WORDS and kinds["text"]["version"] == "en-original"
    assert kinds["field"] == {**kinds["field"], "field": "title", "reason": "privacy",
                              "state": "active", "by": "local operator"}
    assert kinds["box"]["state"] == "removal-requested" and kinds["box"]["page"] == 1
    assert len(kinds["box"]["box"]) == 4 and kinds["box"]["at"].startswith(f"{clock.today()}")


def test_importing_an_editors_bundle_restores_and_applies_them(redacted: App,
                                                               tmp_path: Path) -> None:
    """A new archive made from the bundle withholds the same words, title and region: the
    public page and the scan's key say so; the editor reads the same redactions; a second
    import adds none twice."""
    _export(redacted, tmp_path / "b", "--format", "bundle")
    fresh = build_app(load_settings(data=str(tmp_path / "fresh"), database_url=""))
    try:
        for _ in range(2):
            done = runner.invoke(cli, ["--data", str(fresh.settings.data), "import", "--json",
                                       str(tmp_path / "b")])
            assert done.exit_code == 0, done.output
        stored = fresh.catalogue.get_document("letter01", Actor.EDITOR, clock.today())
        assert stored is not None
        assert sorted((r.kind, r.state) for r in stored.redactions) == [
            (RedactionKind.BOX, RedactionState.REMOVAL_REQUESTED),
            (RedactionKind.FIELD, RedactionState.ACTIVE), (RedactionKind.TEXT, RedactionState.ACTIVE)]
        site = TestClient(create_app(fresh))
        text = site.get("/documents/letter01/text/en-original.txt").text
        assert WORDS not in text and "[redacted: (b)(6)]" in text
        record = site.get("/api/v1/documents/letter01").json()
        assert "letter01" not in record["title"]
        old = TestClient(create_app(redacted)).get("/api/v1/documents/letter01").json()
        assert record["media"][0]["sha256"] == old["media"][0]["sha256"]  # the same burn
    finally:
        fresh.catalogue.dispose()


def test_public_exports_carry_no_redactions_and_no_words(redacted: App, tmp_path: Path) -> None:
    """--public bundle and CSV: no redactions list or column, and the words nowhere."""
    _export(redacted, tmp_path / "b", "--format", "bundle", "--public")
    for f in (p for p in (tmp_path / "b").rglob("*") if p.is_file()):
        assert WORDS.encode() not in f.read_bytes(), f
        if f.suffix == ".yaml":
            assert "redactions" not in yaml.safe_load(f.read_text()), f
    _export(redacted, tmp_path / "p.csv", "--format", "csv", "--public")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "p.csv").read_text())))
    assert "redactions" not in rows[0] and WORDS not in (tmp_path / "p.csv").read_text()


def test_an_editors_csv_has_a_redactions_column(redacted: App, tmp_path: Path) -> None:
    """A JSON list in the redactions cell, the same records as the bundle's; empty for a
    document without any."""
    _export(redacted, tmp_path / "e.csv", "--format", "csv")
    rows = {r["public_id"]: r for r in csv.DictReader(io.StringIO(
        (tmp_path / "e.csv").read_text()))}
    cell = json.loads(rows["letter01"]["redactions"])
    assert sorted(r["kind"] for r in cell) == ["box", "field", "text"]
    assert rows["copy0001"]["redactions"] == ""


def test_a_csv_redactions_cell_is_restored_and_a_bad_one_refused(tmp_path: Path) -> None:
    """The editor's CSV imported again: the cell's redaction is applied; a cell that is not a
    list of redactions refuses its row, saying why, and the rest lands."""
    cell = json.dumps([{"kind": "text", "reason": "privacy", "text": "Smith",
                        "version": "en-original", "state": "active"}])
    rows = [{"source_id": "r1", "title": "Letter on Smith", "text": "John Smith wrote.",
             "language": "en", "state": "published", "redactions": cell},
            {"source_id": "r2", "title": "Another", "text": "Nothing.", "language": "en",
             "state": "published", "redactions": "[{\"kind\": \"text\"}]"}]
    with (tmp_path / "rows.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    try:
        done = runner.invoke(cli, ["--data", str(app.settings.data), "import", "--json",
                                   str(tmp_path / "rows.csv")])
        said = json.loads(done.output)
        assert said["imported"] == 1 and said["redactions"] == 1, said
        assert "cannot be read" in said["failed"][0]["reason"]
        stored = app.catalogue.get_document("r1", Actor.PUBLIC, clock.today())
        assert stored is not None and "Smith" not in stored.document.texts[0].body
    finally:
        app.catalogue.dispose()
