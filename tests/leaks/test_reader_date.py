"""Every channel reads as of the Reader's date, and that date comes from the one clock: on
the day an embargo ends, the document appears everywhere at once, with no restart."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.domain import clock
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.web.server import create_app
from tests.leaks.canary import build_archive, scan_png

EMBARGOED = "quokkaembargo"  # published, embargoed until 2999-01-01
SHA = hashlib.sha256(scan_png(EMBARGOED)).hexdigest()
OAI = f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:chancery.archive:{EMBARGOED}"
# one address per channel; each answers 404 (OAI-PMH: idDoesNotExist) while it is embargoed
CHANNELS = [f"/documents/{EMBARGOED}", f"/documents/{EMBARGOED}.json",
            f"/api/v1/documents/{EMBARGOED}", f"/iiif/3/manifests/{EMBARGOED}",
            f"/iiif/3/{SHA}-1/info.json", f"/files/{SHA}/scan.png",
            f"/scans/{SHA}/1-200.png", f"/documents/{EMBARGOED}/cite.bib", f"/embed/documents/{EMBARGOED}"]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    app = build_archive(tmp_path_factory.mktemp("reader-date"))
    yield app
    app.close()


@pytest.fixture(scope="module")
def site(archive: App) -> TestClient:
    return TestClient(create_app(archive), follow_redirects=True)


def _after_the_embargo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "utc_now", lambda: datetime(2999, 1, 1, 9, tzinfo=UTC))


def test_a_reader_is_made_on_the_clock_s_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reader.public() and Reader.editor() take their date from the one clock."""
    _after_the_embargo(monkeypatch)
    assert Reader.public() == Reader(Actor.PUBLIC, datetime(2999, 1, 1).date())
    assert Reader.editor().is_editor and not Reader.public().is_editor


@pytest.mark.parametrize("url", CHANNELS)
def test_every_channel_follows_the_reader_s_date(site: TestClient, url: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Hidden while embargoed; on the day it ends, there, in every channel."""
    assert site.get(url).status_code == 404
    _after_the_embargo(monkeypatch)
    assert site.get(url).status_code == 200


def test_harvest_and_search_follow_the_reader_s_date(site: TestClient,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """OAI-PMH and search (hits and totals) see the document from the day its embargo ends."""
    assert "idDoesNotExist" in site.get(OAI).text
    before = site.get("/api/v1/search?q=zanzibarite").json()["total"]
    _after_the_embargo(monkeypatch)
    assert "idDoesNotExist" not in site.get(OAI).text
    found = site.get("/api/v1/search?q=zanzibarite").json()
    assert (before, found["total"]) == (0, 1) and found["hits"][0]["public_id"] == EMBARGOED


def test_cli_public_view_follows_the_reader_s_date(archive: App, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """`chancery show --public` reads as the public on the clock's day too."""
    from typer.testing import CliRunner

    from chancery.cli import app as cli
    data = ["--data", str(archive.settings.data)]
    assert CliRunner().invoke(cli, [*data, "show", EMBARGOED, "--public"]).exit_code == 1
    _after_the_embargo(monkeypatch)
    assert CliRunner().invoke(cli, [*data, "show", EMBARGOED, "--public"]).exit_code == 0
