"""Nothing of a redacted scan is left on disk where it should not be: a purge removes the
burned copies, page images and IIIF renderings made under the scan's redacted keys; a change
of the boxes removes what was made under the old key; a redaction removes the downloads made
before it (blobs/derived.py, services/redacted_caches.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chancery.bootstrap import App
from chancery.cli import app as cli
from chancery.domain.workflow import Acting
from chancery.services.redacting import Wanted
from chancery.web.server import create_app
from tests.e2e.test_redacted_scans import _archive, _key, _original

OPERATOR = Acting.operator()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[App]:
    """A letter (a PDF with a text layer) and a picture (PNG), both published."""
    app = _archive(tmp_path)
    yield app
    app.catalogue.dispose()


def _made(site: TestClient, key: str, name: str) -> None:
    """What a reader's visit makes under a key: the file, page images, an IIIF rendering."""
    for url in (f"/files/{key}/{name}", f"/scans/{key}/1-400.png",
                f"/iiif/3/{key}-1/full/max/0/default.jpg"):
        assert site.get(url).status_code == 200, url


def _boxed(app: App, site: TestClient, pid: str, name: str, box: str) -> str:
    """A box added to the scan's first page through ``app``, then what a reader's visit to
    ``site`` makes under the new key; the key."""
    app.scan_redacting.redact_box(pid, 1, box, "privacy", OPERATOR)
    key = _key(site, pid)
    _made(site, key, name)
    return key


def _on_disk(app: App, key: str) -> list[Path]:
    return [p for p in app.settings.data.rglob(f"*{key}*")]


def test_a_purge_removes_what_was_made_under_every_redacted_key(archive: App) -> None:
    """Two sets of boxes, each served once: after the purge no file or folder under the data
    folder is named by the original's hash or either redacted key."""
    site = TestClient(create_app(archive))
    sha = _original(archive, "letter01")
    _made(site, sha, "letter.pdf")
    first = _boxed(archive, site, "letter01", "letter.pdf", "pct:10,10,20,5")
    second = _boxed(archive, site, "letter01", "letter.pdf", "pct:10,30,20,5")
    assert _on_disk(archive, second) and _on_disk(archive, sha)
    done = CliRunner().invoke(cli, ["--data", str(archive.settings.data), "purge", "letter01",
                                    "--reason", "court order 2026-7", "--yes"])
    assert done.exit_code == 0, done.output
    for key in (sha, first, second):
        assert not _on_disk(archive, key), (key, _on_disk(archive, key))


def test_a_new_box_removes_the_old_burn_and_the_originals_renderings(archive: App) -> None:
    """The burn with fewer boxes, its page images and renderings go when a box is added; the
    original's IIIF renderings go once the public reads it by a redacted key; the original's
    page images stay (editors are served them; every burn starts from them)."""
    site = TestClient(create_app(archive))
    sha = _original(archive, "picture1")
    _made(site, sha, "picture.png")
    old = _boxed(archive, site, "picture1", "picture.png", "pct:10,10,20,10")
    iiif = archive.settings.derived_path / "iiif"
    assert not list(iiif.rglob(f"{sha}-1")), "the original's renderings outlived the box"
    archive.redacting.redact("picture1", Wanted("(b)(1)", page=1, box="pct:50,60,20,10"),
                             OPERATOR)
    assert not _on_disk(archive, old)
    assert list((archive.settings.derived_path).glob(f"*/{sha}-1-400.png"))


def test_a_redaction_removes_the_downloads_made_before(archive: App) -> None:
    """The dataset files made before a redaction are never served again; they no longer
    stay on disk with the words either."""
    site = TestClient(create_app(archive))
    for ext in ("jsonl", "csv"):  # both made in one round: none is being made after this
        assert site.get(f"/downloads/documents.{ext}").status_code == 200
    folder = archive.settings.derived_path / "downloads"
    assert any(b"Letter on Berlin" in p.read_bytes() for p in folder.glob("documents-*"))
    archive.redacting.redact("letter01", Wanted("privacy", text="Berlin", field="title"),
                             OPERATOR)
    assert not any(b"Letter on Berlin" in p.read_bytes() for p in folder.glob("documents-*"))
