"""On the day an embargo ends, harvesters and feed readers learn of the document as newly
published, with nobody writing to it: OAI-PMH dates it from 00:00:00Z that day (a harvest
`from=` that day finds it), the "recent" feed leads with it, the sitemap gives that lastmod.
The clock is set as the domain reads it; both catalogue backends."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import feedparser
import pytest
import yaml
from fastapi.testclient import TestClient
from lxml import etree

from chancery.bootstrap import App
from chancery.domain import clock
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from tests.e2e.test_oai import NS, SCHEMA

# imports are stamped with the real time: "tomorrow" is the real one
TOMORROW = clock.today() + timedelta(days=1)
STAMP = f"{TOMORROW.isoformat()}T00:00:00Z"
ID = "oai:chancery.archive:"


def _bundle(folder: Path) -> Path:
    folder.mkdir()
    (folder / "bundle.yaml").write_text(yaml.safe_dump({"format": "chancery-bundle", "version": 1}))
    for public_id, publication in (("open0001", {"state": "published"}),
                                   ("release1", {"state": "published",
                                                 "embargo_until": TOMORROW.isoformat()})):
        (folder / f"{public_id}.yaml").write_text(yaml.safe_dump({
            "public_id": public_id, "title": f"Telegram {public_id} on the ibex affair",
            "type": "telegram", "date": "1961-03-01", "publication": publication,
            "texts": [{"language": "en", "file": f"{public_id}.en.txt"}]}))
        (folder / f"{public_id}.en.txt").write_text("The ibex affair.\n")
    return folder


@pytest.fixture
def site(app: App, tmp_path: Path) -> TestClient:
    assert not import_paths([_bundle(tmp_path / "b")], app.import_context()).failed
    search.refresh_index(app.catalogue, app.index)
    return TestClient(create_app(app))


def _tomorrow(monkeypatch: pytest.MonkeyPatch) -> None:
    at = datetime.combine(TOMORROW, time(9), tzinfo=UTC)
    monkeypatch.setattr(clock, "utc_now", lambda: at)


def _oai(site: TestClient, **params: str) -> etree._Element:
    root = etree.fromstring(site.get("/oai", params=params).content)
    SCHEMA.assertValid(root)
    return root


def _headers(root: etree._Element) -> dict[str, str]:
    return {h.findtext("o:identifier", namespaces=NS): h.findtext("o:datestamp", namespaces=NS)
            for h in root.iterfind(".//o:header", NS)}


def test_a_harvest_from_the_release_day_finds_the_released_document(
        site: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Today not harvested; tomorrow `ListRecords from=tomorrow` returns it alone, dated
    tomorrow 00:00:00Z, and GetRecord gives the same datestamp."""
    assert ID + "release1" not in _headers(_oai(site, verb="ListRecords", metadataPrefix="oai_dc"))
    _tomorrow(monkeypatch)
    found = _headers(_oai(site, verb="ListRecords", metadataPrefix="oai_dc",
                          **{"from": TOMORROW.isoformat()}))
    assert found == {ID + "release1": STAMP}
    one = _oai(site, verb="GetRecord", metadataPrefix="oai_dc", identifier=ID + "release1")
    assert _headers(one) == {ID + "release1": STAMP}


def test_the_recent_feed_leads_with_the_released_document(
        site: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tomorrow the released document is the newest entry of the "recent" feed and of a
    search feed, published and updated on its release day; today it is in neither."""
    assert "release1" not in site.get("/feeds/recent.atom").text
    _tomorrow(monkeypatch)
    for url in ("/feeds/recent.atom", "/feeds/search.atom?q=ibex"):
        feed = feedparser.parse(site.get(url).content)
        first = feed.entries[0]
        assert first.id.endswith("/documents/release1"), url
        assert (first.published, first.updated, feed.feed.updated) == (STAMP, STAMP, STAMP)
        assert len(feed.entries) == 2


def test_the_sitemap_gives_the_release_day_as_lastmod(
        site: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tomorrow the sitemap lists the released document with lastmod = its datestamp."""
    _tomorrow(monkeypatch)
    urls = etree.fromstring(site.get("/sitemaps/1.xml").content)
    sm = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {str(u.findtext("s:loc", namespaces=sm)).split("/documents/")[1].split("/")[0]:
               u.findtext("s:lastmod", namespaces=sm) for u in urls.iterfind("s:url", sm)}
    assert lastmod["release1"] == STAMP and lastmod["open0001"] < STAMP
