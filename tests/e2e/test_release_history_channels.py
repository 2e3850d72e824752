"""A document's release history on the public channels: a "Release history" section on its
page, `releases` in the API's JSON (as the OpenAPI schema says), and `release` elements in
the OAI-PMH chancery format that validate against chancery.xsd. A draft's releases stay
hidden with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.services import search
from chancery.web.server import create_app
from tests.e2e.test_oai import NS, SCHEMA
from tests.integration.sources import bundle_document, run_import, write_bundle

RELEASES = [{"released": "2017-10-26", "agency": "National Archives and Records Administration",
             "authority": "JFK Records Act", "note": "Released in part."},
            {"released": "2025", "agency": "NARA", "authority": "MDR case 2019-0421",
             "note": ""}]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("releases")
    app: App = build_app(load_settings(data=str(root / "data"), database_url=""))
    docs = {"a": bundle_document(1, public_id="rel00001", releases=RELEASES),
            "b": bundle_document(2, public_id="rel00002", publication={"state": "draft"},
                                 releases=[{"agency": "Hidden Agency of Drafts"}])}
    assert not run_import(app, write_bundle(Path(root) / "bundle", docs)).failed
    search.rebuild_index(app.catalogue, app.index)
    yield TestClient(create_app(app))
    app.close()


def test_the_page_has_a_release_history_section(site: TestClient) -> None:
    """The section lists each release in order: date, agency, authority, note."""
    html = site.get("/documents/rel00001").text
    assert 'id="releases"' in html and "Release history" in html
    first, second = html.index("2017-10-26"), html.index("MDR case 2019-0421")
    assert first < second and "Released in part." in html
    assert '<time datetime="2025">2025</time>' in html


def test_the_api_gives_releases_as_its_schema_says(site: TestClient) -> None:
    """`releases` in the document's JSON, in order; the OpenAPI schema names the field."""
    found = site.get("/api/v1/documents/rel00001").json()["releases"]
    assert found == RELEASES
    spec = site.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "releases" in spec["DocumentOut"]["required"]
    assert set(spec["ReleaseOut"]["properties"]) == {"released", "agency", "authority", "note"}


def test_oai_chancery_records_carry_releases_and_validate(site: TestClient) -> None:
    """GetRecord in the chancery format has one release element per release, valid against
    the published schema."""
    answer = site.get("/oai?verb=GetRecord&metadataPrefix=chancery"
                      "&identifier=oai:chancery.archive:rel00001")
    tree = etree.fromstring(answer.content)
    SCHEMA.assertValid(tree)
    found = tree.findall(".//c:release", NS)
    assert [(r.get("released"), r.get("authority"), r.text) for r in found] == [
        ("2017-10-26", "JFK Records Act", "Released in part."),
        ("2025", "MDR case 2019-0421", None)]


def test_a_drafts_releases_stay_hidden(site: TestClient) -> None:
    """The draft's release is on no public channel."""
    for url in ("/documents/rel00002", "/api/v1/documents/rel00002",
                "/oai?verb=ListRecords&metadataPrefix=chancery", "/downloads/documents.jsonl"):
        assert "Hidden Agency of Drafts" not in site.get(url).text, url
