"""Parsing in a reader process while storing gives exactly the archive a serial import gives,
failures included."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.domain.publication import Actor
from chancery.domain.records import document_record
from chancery.services import imports


def _archive(app: App) -> dict[str, dict[str, object]]:
    return {s.document.public_id: document_record(s.document)
            for s in app.catalogue.iter_documents(Actor.EDITOR, date.today())}


def test_parallel_import_equals_serial_import(
        sqlite_app: App, tmp_path: Path, reference_bundle: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """FRUS, bundle and CSV sources plus a broken file: same documents, same failures."""
    monkeypatch.setattr(imports, "_PARALLEL_BYTES", 0)  # small sources, pipeline all the same
    broken = tmp_path / "broken.xml"
    broken.write_text("<TEI xmlns='http://www.tei-c.org/ns/1.0'><text><body><div type='document'>")
    sources = [DEMO_DIR / "frus1958-60v19.xml", reference_bundle, broken,
               DEMO_DIR / "scans" / "scans.csv"]
    serial = imports.import_paths(sources, sqlite_app.import_context(parallel=False))
    other = build_app(load_settings(data=str(tmp_path / "parallel"), database_url=""))
    try:
        parallel = imports.import_paths(sources, other.import_context(parallel=True))
        assert parallel.as_dict() == serial.as_dict()
        assert serial.imported == 404 + 2 + 3 and len(serial.failed) == 1
        assert serial.failed[0].path == str(broken)
        assert _archive(other) == _archive(sqlite_app)
    finally:
        other.catalogue.dispose()
