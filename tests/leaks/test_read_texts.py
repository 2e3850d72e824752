"""The text read from a scan follows the boxes on the scan: the canary's redacted document has
an OCR text the OCR stage read from its scan, the canary under a box. The public reads, finds
and cites that text without the boxed name; editors read and find it whole; lifting the box
(a reviewed removal) gives the name back to every channel at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.accounts import Role
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.domain.redactions import RedactionKind
from chancery.domain.workflow import Acting
from chancery.services import search
from chancery.services.clock import today
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from tests.leaks.canary import CANARY, REDACTED, REDACTED_TEXT, build_archive
from tests.scan_pdfs import text_pdf, word_box

# the box's margin covers the end of "Agent" too: its burn blacks that word out in part
PUBLIC_TEXT = "Memorandum for the record.\n[redacted: (b)(6)] left the embassy."


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    app = build_archive(tmp_path_factory.mktemp("read-texts"))
    yield app
    app.catalogue.dispose()


def _found(site: TestClient, q: str, headers: dict[str, str] | None = None) -> list[str]:
    hits = site.get(f"/api/v1/search?q={q}", headers=headers or {}).json()["hits"]
    return [h["public_id"] for h in hits]


def _editor_token(app: App, email: str) -> dict[str, str]:
    app.accounts.add_user(email, "editor", None)
    _, secret = app.tokens.create(email, "read")
    return {"Authorization": f"Bearer {secret}"}


def test_the_ocr_text_shows_a_mark_where_the_box_hides_a_name(archive: App) -> None:
    """The stage's text keeps its lines, the boxed word replaced by the box's reason; the
    editors' read keeps the word."""
    site = TestClient(create_app(archive))
    assert PUBLIC_TEXT in site.get(f"/documents/{REDACTED}/text/{REDACTED_TEXT}.txt").text
    text = site.get(f"/api/v1/documents/{REDACTED}/texts/{REDACTED_TEXT}").text
    assert "[redacted: (b)(6)] left the embassy." in text and CANARY not in text.lower()
    editors = archive.catalogue.get_document(REDACTED, Reader.editor().actor,
                                             Reader.editor().today)
    assert editors is not None
    assert "Agent Quokka left" in editors.document.texts[0].body


def test_the_boxed_word_finds_nothing_for_the_public_and_the_document_for_editors(
        archive: App) -> None:
    """The index holds the public text: the boxed word finds nothing (nor its spelling
    correction), the words around it find the document; an editor's search finds it."""
    site = TestClient(create_app(archive))
    assert REDACTED not in _found(site, CANARY)
    assert REDACTED in _found(site, "embassy")
    assert REDACTED in _found(site, CANARY, _editor_token(archive, "ocr-editor@example.org"))


def test_lifting_the_box_gives_the_word_back_to_the_text_and_search(tmp_path: Path) -> None:
    """A reviewed removal of the box: the public text and search have the word again."""
    app = build_archive(tmp_path)
    try:
        site = TestClient(create_app(app))
        editor = Acting("lift-editor@example.org", Role.EDITOR)
        reviewer = Acting("lift-reviewer@example.org", Role.REVIEWER)
        _, redactions = app.redacting.redactions(REDACTED)
        [box] = [r for r in redactions if r.kind is RedactionKind.BOX]
        app.redacting.request_removal(REDACTED, box.id, editor)
        assert REDACTED not in _found(site, CANARY)  # asked for: still in force
        app.redacting.approve_removal(REDACTED, box.id, reviewer)
        search.refresh_index(app.catalogue, app.index)
        assert "Agent Quokka left the embassy." in site.get(
            f"/documents/{REDACTED}/text/{REDACTED_TEXT}.txt").text
        assert REDACTED in _found(site, CANARY)
    finally:
        app.catalogue.dispose()


# a scan whose text layer misreads a word ("perforzod": the spelling-corrected reading the
# index keeps beside OCR finds it as "performed"), to be boxed
MISREAD = [(72, 650, "The agent perforzod his duties.")]


def _scanned(root: Path, public_ids: list[str]) -> App:
    """An archive of published documents that each carry the same scan (``MISREAD``), read
    by the OCR stage (its text layer) and indexed."""
    src = root / "bundle"
    src.mkdir()
    (src / "bundle.yaml").write_text(yaml.safe_dump({"format": "chancery-bundle", "version": 1}))
    (src / "misread.pdf").write_bytes(text_pdf([MISREAD]))
    for public_id in public_ids:
        (src / f"{public_id}.yaml").write_text(yaml.safe_dump({
            "public_id": public_id, "title": "Report", "type": "report", "date": "1964-06-10",
            "publication": {"state": "published"}, "media": [{"file": "misread.pdf"}]}))
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    assert not import_paths([src], app.import_context()).failed
    for public_id in public_ids:
        stored = app.catalogue.get_document(public_id, Actor.EDITOR, today())
        assert stored is not None
        app.ocr.run(stored.id, {"mode": "never"})
    search.rebuild_index(app.catalogue, app.index)
    return app


def _box_misread(app: App, public_id: str) -> None:
    box = word_box(text_pdf([MISREAD]), 1, "perforzod", margin=0.002)
    app.scan_redacting.redact_box(public_id, 1, f"pct:{box.x * 100},{box.y * 100},"
                                  f"{box.w * 100},{box.h * 100}", "(b)(3)", Acting.operator())
    search.refresh_index(app.catalogue, app.index)  # as the workspace does after a change


def test_the_spelling_corrected_reading_is_made_of_the_public_text(tmp_path: Path) -> None:
    """A box over a misread word: neither the word nor its correction finds the document
    (the corrected reading is made from the public text), the words beside it do."""
    app = _scanned(tmp_path, ["misread1"])
    try:
        _box_misread(app, "misread1")
        site = TestClient(create_app(app))
        assert _found(site, "duties") == ["misread1"]
        assert _found(site, "performed") == [] and _found(site, "perforzod") == []
    finally:
        app.catalogue.dispose()


def test_a_box_on_a_shared_scan_cuts_the_text_of_every_document_that_carries_it(
        tmp_path: Path) -> None:
    """Two documents carry one scan; a box put through one: the other's OCR text and its
    search entry lose the word as well (a box covers the file, not one copy of it)."""
    app = _scanned(tmp_path, ["misread1", "misread2"])
    try:
        _box_misread(app, "misread1")
        site = TestClient(create_app(app))
        assert sorted(_found(site, "duties")) == ["misread1", "misread2"]
        assert _found(site, "perforzod") == [] and _found(site, "performed") == []
        text = site.get("/documents/misread2/text/en-ocr.txt").text
        assert "agent [redacted: (b)(3)] his duties" in text
        editor = _editor_token(app, "shared-editor@example.org")
        assert sorted(_found(site, "perforzod", editor)) == ["misread1", "misread2"]
    finally:
        app.catalogue.dispose()
