"""Words withheld from a document's transcription or record reach its scans too: a scan's own
text layer (a publisher's OCR) may repeat them, so the public is served every scan of such a
document rasterised, under a redacted key, wherever the file appears (domain/redactions.py,
storage/scan_redactions.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.accounts import Role
from chancery.domain.redactions import redacted_key
from chancery.domain.workflow import Acting
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.services.redacting import Wanted
from chancery.web.server import create_app
from tests.scan_pdfs import page_text, text_pdf

LETTER = text_pdf([[(72, 650, "Agent Quokkawitz met the envoy.")]])
ORIGINAL = hashlib.sha256(LETTER).hexdigest()
FLAT = redacted_key(ORIGINAL, [])
OPERATOR = Acting.operator()
REVIEWER = Acting("reviewer@example.org", Role.REVIEWER)


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[App]:
    """Two published documents that carry the same PDF, the first with a transcription."""
    src = tmp_path / "bundle"
    src.mkdir()
    (src / "letter.pdf").write_bytes(LETTER)
    (src / "bundle.yaml").write_text(yaml.safe_dump({"format": "chancery-bundle", "version": 1}))
    (src / "letter01.en.txt").write_text("Agent Quokkawitz met the envoy.\n")
    for pid in ("letter01", "copy0001"):
        texts = [{"language": "en", "file": "letter01.en.txt"}] if pid == "letter01" else []
        (src / f"{pid}.yaml").write_text(yaml.safe_dump({
            "public_id": pid, "title": f"Letter {pid}", "type": "letter", "date": "1961-05-02",
            "texts": texts, "media": [{"file": "letter.pdf", "label": "Scan"}],
            "publication": {"state": "published"}}))
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    assert not import_paths([src], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    yield app
    app.catalogue.dispose()


def _keys(site: TestClient) -> list[str]:
    return [site.get(f"/api/v1/documents/{pid}").json()["media"][0]["sha256"]
            for pid in ("letter01", "copy0001")]


def test_a_text_redaction_serves_every_copy_of_the_scan_without_its_text_layer(
        archive: App) -> None:
    """No box: the scan is served rasterised by a new key in both documents that carry it
    (the copy says nothing of a redaction of its own); the original is unknown to the public;
    page images and IIIF answer under the new key; lifting the redaction brings the original
    back."""
    site = TestClient(create_app(archive))
    assert _keys(site) == [ORIGINAL, ORIGINAL]
    done = archive.redacting.redact("letter01", Wanted("(b)(6)", text="Quokkawitz",
                                                       version="en"), OPERATOR)
    assert _keys(site) == [FLAT, FLAT]
    assert site.get("/api/v1/documents/copy0001").json()["redactions"] == []
    assert site.get(f"/files/{ORIGINAL}/letter.pdf").status_code == 404
    served = site.get(f"/files/{FLAT}/letter.pdf")
    assert served.status_code == 200 and page_text(served.content, 1).strip() == ""
    assert b"Quokkawitz" not in served.content and b"Quokkawitz" in LETTER
    assert site.get(f"/scans/{FLAT}/1-400.png").status_code == 200
    assert site.get(f"/iiif/3/{FLAT}-1/info.json").status_code == 200
    assert site.get(f"/scans/{ORIGINAL}/1-400.png").status_code == 404
    archive.redacting.request_removal("letter01", done.redaction.id, OPERATOR)
    assert _keys(site) == [FLAT, FLAT]  # still in force until approved
    archive.redacting.approve_removal("letter01", done.redaction.id, REVIEWER)
    assert _keys(site) == [ORIGINAL, ORIGINAL]
    assert b"Quokkawitz" in site.get(f"/files/{ORIGINAL}/letter.pdf").content


def test_a_field_or_link_redaction_reaches_the_scan_too(archive: App) -> None:
    """Some words of the title: the PDF's own metadata or text may repeat them."""
    site = TestClient(create_app(archive))
    archive.redacting.redact("copy0001", Wanted("privacy", text="copy0001", field="title"),
                             OPERATOR)
    assert _keys(site) == [FLAT, FLAT]
    assert site.get(f"/files/{ORIGINAL}/letter.pdf").status_code == 404
