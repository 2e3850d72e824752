"""Identifiers in other authority files leave the archive through every channel that lists
records (the API's record and document JSON, the document's own JSON, OAI-PMH's chancery
format, valid against chancery.xsd, and the public page's links); a merged-away record's
addresses answer 301 to the record it became, on the site and in the API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.accounts import Role
from chancery.domain.workflow import Acting
from chancery.services import search
from chancery.web.server import create_app
from tests.authority_archive import FROST, KENNAN, import_archive
from tests.e2e.test_oai import NS, SCHEMA

EDITOR = Acting("ed@example.org", Role.EDITOR)
WIKIDATA = "http://www.wikidata.org/entity/Q295642"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[App, TestClient]]:
    root = tmp_path_factory.mktemp("exports")
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    import_archive(app, root / "bundle")
    app.authorities.save(KENNAN, {"name": "Kennan, George F.", "wikidata": "Q295642",
                                  "lc": "n79080826"}, EDITOR)
    app.authorities.save(FROST, {"name": "Kennan, George Frost", "viaf": "46764061"}, EDITOR)
    app.authorities.merge(KENNAN, FROST, EDITOR)
    search.refresh_index(app.catalogue, app.index)
    yield app, TestClient(create_app(app), follow_redirects=False)
    app.catalogue.dispose()


def test_the_api_gives_identifiers_on_records_and_on_documents(site: tuple[App, TestClient]) -> None:
    _, client = site
    record = client.get("/api/v1/people/kennan-george-f").json()
    assert [(i["scheme"], i["value"]) for i in record["identifiers"]] == [
        ("wikidata", "Q295642"), ("viaf", "46764061"), ("lc", "n79080826")]
    assert record["identifiers"][0]["uri"] == WIKIDATA
    assert record["identifiers"][2]["uri"] == "http://id.loc.gov/authorities/names/n79080826"
    agents = client.get("/api/v1/documents/kdoc3").json()["agents"]
    assert agents[0]["key"] == KENNAN and agents[0]["identifiers"][0]["uri"] == WIKIDATA
    assert client.get("/documents/kdoc3.json").json()["links"][0]["same_as"][0] == WIKIDATA


def test_oai_chancery_records_carry_same_as_and_stay_valid(site: tuple[App, TestClient]) -> None:
    _, client = site
    answer = client.get("/oai?verb=GetRecord&metadataPrefix=chancery"
                        "&identifier=oai:chancery.archive:kdoc3")
    xml = etree.fromstring(answer.content)
    SCHEMA.assertValid(xml)
    agent = xml.find(".//c:agent", NS)
    assert agent is not None and agent.get("key") == KENNAN
    assert (agent.get("sameAs") or "").split() == [
        WIKIDATA, "http://viaf.org/viaf/46764061", "http://id.loc.gov/authorities/names/n79080826"]


def test_the_public_page_links_the_other_files(site: tuple[App, TestClient]) -> None:
    _, client = site
    page = client.get("/people/kennan-george-f").text
    assert f'href="{WIKIDATA}" rel="external"' in page and "Library of Congress" in page


def test_a_merged_record_answers_301_to_the_one_it_became(site: tuple[App, TestClient]) -> None:
    _, client = site
    page = client.get("/people/kennan-george-frost")
    assert page.status_code == 301 and page.headers["location"] == "/people/kennan-george-f"
    api = client.get("/api/v1/people/kennan-george-frost")
    assert api.status_code == 301
    assert api.headers["location"].endswith("/api/v1/people/kennan-george-f")
    assert client.get("/people/kennan-nobody").status_code == 404
