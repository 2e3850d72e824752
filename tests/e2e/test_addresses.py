"""One public address everywhere: CHANCERY_PUBLIC_URL when it is set, else the address
`serve` listens on. Citations, API urls, the OAI-PMH baseURL, feeds, sitemaps, IIIF ids, the
permanent-link box and rel=canonical all agree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app

DOC = "7da35b31"


@pytest.fixture
def archive(tmp_path: Path, reference_bundle: Path) -> Iterator[App]:
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url="", public_url=""))
    assert not import_paths([reference_bundle], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    yield app
    app.catalogue.dispose()


def _addresses(site: TestClient) -> set[str]:
    """The archive addresses (scheme://host:port) each channel puts in its answer."""
    page = site.get(f"/documents/{DOC}", follow_redirects=True).text
    found = {
        "canonical": re.search(r'<link rel="canonical" href="([^"]+)"', page),
        "permalink": re.search(r'id="permalink" type="text" readonly value="([^"]+)"', page),
        "citation": re.search(r'"URL": "([^"]+)"', site.get(f"/documents/{DOC}/cite.json").text),
        "api": re.search(r'"url":"([^"]+)"', site.get(f"/api/v1/documents/{DOC}").text),
        "oai": re.search(r"<request[^>]*>([^<]+)<", site.get("/oai?verb=Identify").text),
        "sitemap": re.search(r"<loc>([^<]+)<", site.get("/sitemaps/1.xml").text),
        "feed": re.search(r'<id>([^<]+)</id>', site.get("/feeds/recent.atom").text),
    }
    missing = [k for k, v in found.items() if v is None]
    assert not missing, missing
    return {re.match(r"https?://[^/]+", v.group(1)).group(0) for v in found.values() if v}  # type: ignore[union-attr]


def test_without_a_setting_the_address_is_where_serve_listens(archive: App) -> None:
    """serve --port 18110 puts :18110 everywhere, not the default :8000."""
    here = replace(archive, settings=archive.settings.served_at("127.0.0.1", 18110))
    assert _addresses(TestClient(create_app(here))) == {"http://127.0.0.1:18110"}


def test_the_setting_wins_everywhere(archive: App) -> None:
    """With CHANCERY_PUBLIC_URL set, the permanent-link box and rel=canonical use it too."""
    settings = replace(archive.settings, public_url="https://archive.example.org/")
    here = replace(archive, settings=settings.served_at("0.0.0.0", 18110))
    assert _addresses(TestClient(create_app(here))) == {"https://archive.example.org"}


def test_a_wildcard_listen_address_reads_as_localhost() -> None:
    """serve --host 0.0.0.0 cannot name itself: localhost, with its port."""
    settings = load_settings(public_url="")
    assert settings.served_at("0.0.0.0", 9000).base_url == "http://localhost:9000"
    assert settings.served_at("::1", 9000).base_url == "http://[::1]:9000"
    assert settings.base_url == "http://127.0.0.1:8000"
