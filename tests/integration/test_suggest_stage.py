"""The suggest stage on a stored scan reads what `chancery suggest FILE` reads from the PDF:
its pages apart (a blank line between the OCR stage's pages is a page break again), so the
identification form on page 1 is a cover, not the document, and "Document N" names a stored
document of the same series."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.accounts import Role
from chancery.domain.ocr import OcrMode
from chancery.domain.suggestions import Kind
from chancery.domain.workflow import Acting
from chancery.services.imports import import_paths
from chancery.storage.tables import documents
from tests.conftest import CORPUS, need

AIRTEL = CORPUS / "scans" / "124-10273-10104_ocr.pdf"
EDITOR = Acting("editor@example.org", Role.EDITOR)


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[App]:
    need(AIRTEL.is_file(), f"scans not found at {AIRTEL}")
    box = tmp_path / "box"
    box.mkdir()
    (box / "airtel.pdf").write_bytes(AIRTEL.read_bytes())
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    assert not import_paths([box], app.import_context(ocr=OcrMode.NEVER)).failed
    yield app
    app.close()


def _only_id(app: App) -> int:
    with app.catalogue.engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(select(documents.c.id)).scalar_one())


def test_a_stored_scan_is_read_page_by_page_as_its_file_is(archive: App) -> None:
    doc_id = _only_id(archive)
    archive.ocr.run(doc_id, {"mode": "never"})
    archive.suggest_stage.run(doc_id, {})
    ident = archive.jobs.store.public_ids([doc_id])[doc_id]
    stored = {(g.kind, s.finding.value, s.finding.stage.split("/")[0])
              for g in archive.suggestion_review.suggested(ident, EDITOR).groups for s in g.open}
    from_file = {(f.kind, f.value, f.stage.split("/")[0])
                 for f in archive.suggesting.for_file(AIRTEL).findings}
    assert {k for k in stored if k[0] is Kind.TYPE} == {(Kind.TYPE, "airtel", "type")}
    # the form's fields come from the form (low confidence), never as the airtel's own
    assert {k for k in stored if k[0] is Kind.DATE} == {k for k in from_file if k[0] is Kind.DATE}
    assert {k for k in stored if k[0] in (Kind.FROM, Kind.TO)} == {
        k for k in from_file if k[0] in (Kind.FROM, Kind.TO)}
