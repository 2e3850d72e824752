"""OAI-PMH 2.0 at /oai: the whole archive harvested by a real client (Sickle) through
resumption tokens, every response valid against the official OAI-PMH and oai_dc schemas
(and ours), deleted records for withdrawn documents, sets, dates, and every error code."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from lxml import etree
from sickle import Sickle

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.demo import demo_sources
from chancery.oai.records import SCHEMA_FILE
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from tests.conftest import FIXTURES, REFERENCE, _reference_text, need
from tests.serving import served

XSD = FIXTURES / "xsd"
NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/",
      "c": "urn:chancery:record:1"}
ID = "oai:chancery.archive:"


def _schema() -> etree.XMLSchema:
    """OAI-PMH with the metadata formats it carries (validated strictly, as the schema says)."""
    imports = [("http://www.openarchives.org/OAI/2.0/", XSD / "OAI-PMH.xsd"),
               ("http://www.openarchives.org/OAI/2.0/oai_dc/", XSD / "oai_dc.xsd"),
               ("urn:chancery:record:1", SCHEMA_FILE)]
    body = "".join(f'<xs:import namespace="{ns}" schemaLocation="{path.as_uri()}"/>'
                   for ns, path in imports)
    master = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{body}</xs:schema>'
    return etree.XMLSchema(etree.fromstring(master.encode(), base_url=str(XSD / "master.xsd")))


SCHEMA = _schema()


def _bundle(root: Path) -> Path:
    need(REFERENCE.is_dir(), f"reference documents not found at {REFERENCE}")
    dest = root / "reference"
    shutil.copytree(FIXTURES / "reference", dest)
    (dest / "000.en.txt").write_text(_reference_text("000", "The Embassy of the Union", None))
    (dest / "001.en.txt").write_text(_reference_text("001", "TO THE CENTRAL COMMITTEE", "18 July 1960"))
    meta = yaml.safe_load((dest / "001.yaml").read_text())
    meta["publication"] = {"state": "withdrawn"}
    (dest / "001.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True))
    draft = yaml.safe_load((dest / "000.yaml").read_text())
    draft.update(public_id="draft001", source_id="test/draft001", title="A draft nobody may see",
                 publication={"state": "draft"}, relations=[])
    (dest / "002.yaml").write_text(yaml.safe_dump(draft, allow_unicode=True))
    return dest


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    root = tmp_path_factory.mktemp("oai")
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    # the whole demo archive (FRUS vol. XIX and the scans) and the reference pair; the
    # withdrawn one was public first (one never public is never harvested, not even deleted)
    bundle = _bundle(root)
    withdrawn = (bundle / "001.yaml").read_text()
    (bundle / "001.yaml").write_text(withdrawn.replace("state: withdrawn", "state: published"))
    assert not import_paths([*demo_sources(), bundle], app.import_context()).failed
    (bundle / "001.yaml").write_text(withdrawn)
    assert not import_paths([bundle], app.import_context()).failed
    yield app
    app.catalogue.dispose()


@pytest.fixture(scope="module")
def oai(archive: App) -> TestClient:
    return TestClient(create_app(archive))


def _get(oai: TestClient, **params: str) -> etree._Element:
    response = oai.get("/oai", params=params)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    SCHEMA.assertValid(root)
    return root


def _error(oai: TestClient, **params: str) -> str:
    found = _get(oai, **params).find("o:error", NS)
    assert found is not None, params
    return str(found.get("code"))


@pytest.fixture(scope="module")
def base_url(archive: App) -> Iterator[str]:
    with served(archive) as url:
        yield url + "/oai"


@pytest.mark.parametrize("prefix", ["oai_dc", "chancery"])
def test_sickle_harvests_the_whole_archive(archive: App, base_url: str, prefix: str) -> None:
    """Every published document once, the withdrawn one as a deleted record, no draft."""
    harvester = Sickle(base_url, max_retries=1)
    records = list(harvester.ListRecords(metadataPrefix=prefix, ignore_deleted=False))
    ids = [r.header.identifier for r in records]
    published = archive.catalogue.count_documents(*_public())
    assert len(ids) == len(set(ids)) == published + 1 > 300  # several pages of 100
    deleted = [r.header.identifier for r in records if r.header.deleted]
    assert deleted == [ID + "0874552c"]
    assert ID + "draft001" not in ids
    note = next(r for r in records if r.header.identifier == ID + "7da35b31")
    if prefix == "oai_dc":
        assert note.metadata["title"][0].startswith("Note, the Soviet Embassy in Beijing")
        assert note.metadata["date"] == ["1960-07-18"]
    else:
        assert note.xml.find(".//c:provenance/c:referenceCode", NS).text == "J IV 2/202/280"


def _public() -> tuple[object, object]:
    from chancery.domain.publication import Actor
    from chancery.services.clock import today

    return Actor.PUBLIC, today()


def test_every_page_of_a_harvest_is_schema_valid_and_tokens_survive_a_restart(
        archive: App, oai: TestClient) -> None:
    page = _get(oai, verb="ListRecords", metadataPrefix="chancery")
    token = page.find(".//o:resumptionToken", NS)
    assert token is not None and token.text and token.get("cursor") == "0"
    # a new process: a new app over the same data folder answers the same token
    again = build_app(load_settings(data=str(archive.settings.data), database_url=""))
    try:
        fresh = TestClient(create_app(again))
        seen = 100
        while token is not None and token.text:
            nxt = _get(fresh, verb="ListRecords", resumptionToken=token.text)
            seen += len(nxt.findall(".//o:record", NS))
            token = nxt.find(".//o:resumptionToken", NS)
        assert token is not None and token.text is None  # the last part has an empty token
        published = archive.catalogue.count_documents(*_public())
        assert seen == published + 1  # and the withdrawn one, as a deleted record
    finally:
        again.catalogue.dispose()


def test_identify_formats_sets_and_one_record(oai: TestClient) -> None:
    ident = _get(oai, verb="Identify")
    assert ident.findtext(".//o:deletedRecord", namespaces=NS) == "transient"
    assert ident.findtext(".//o:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    formats = [e.text for e in _get(oai, verb="ListMetadataFormats").iterfind(".//o:metadataPrefix", NS)]
    assert formats == ["oai_dc", "chancery"]
    assert _get(oai, verb="ListMetadataFormats", identifier=ID + "7da35b31") is not None
    specs = [e.text for e in _get(oai, verb="ListSets").iterfind(".//o:setSpec", NS)]
    assert {"frus", "frus:frus1958-60v19", "sino-soviet-split"} <= set(specs)
    record = _get(oai, verb="GetRecord", identifier=ID + "7da35b31", metadataPrefix="oai_dc")
    assert record.findtext(".//dc:identifier", namespaces=NS).endswith("/documents/7da35b31")
    gone = _get(oai, verb="GetRecord", identifier=ID + "0874552c", metadataPrefix="oai_dc")
    assert gone.find(".//o:header", NS).get("status") == "deleted"
    assert gone.find(".//o:metadata", NS) is None
    posted = oai.post("/oai", data={"verb": "GetRecord", "identifier": ID + "7da35b31",
                                    "metadataPrefix": "chancery"})
    SCHEMA.assertValid(etree.fromstring(posted.content))
    assert oai.get("/oai/chancery.xsd").status_code == 200


def test_sets_and_dates_select(oai: TestClient) -> None:
    listed = _get(oai, verb="ListIdentifiers", metadataPrefix="oai_dc", set="sino-soviet-split")
    assert {e.text for e in listed.iterfind(".//o:identifier", NS)} == {ID + "7da35b31", ID + "0874552c"}
    chapter = _get(oai, verb="ListIdentifiers", metadataPrefix="oai_dc", set="frus:frus1958-60v19:comp1:ch1")
    in_chapter = chapter.findall(".//o:header", NS)
    assert in_chapter and all("frus:frus1958-60v19" in [s.text for s in h.iterfind("o:setSpec", NS)]
                              for h in in_chapter)
    today = time.strftime("%Y-%m-%d", time.gmtime())
    listing = {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}
    assert _get(oai, **listing, until=today).find(".//o:header", NS) is not None
    assert _get(oai, **listing, **{"from": today}).find(".//o:header", NS) is not None
    assert _error(oai, **listing, **{"from": "2999-01-01"}) == "noRecordsMatch"
    assert _error(oai, **listing, until="1999-01-01") == "noRecordsMatch"
    assert _error(oai, **listing, set="no:such") == "noRecordsMatch"


@pytest.mark.parametrize(("params", "code"), [
    ({}, "badVerb"),
    ({"verb": "Dance"}, "badVerb"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "Identify", "set": "frus"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "1960-07"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2020-01-01",
      "until": "2020-01-01T00:00:00Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2021-01-01", "until": "2020-01-01"},
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"}, "badArgument"),
    ({"verb": "ListRecords", "resumptionToken": "bm90IG1pbmU"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "anything"}, "badResumptionToken"),
    ({"verb": "ListRecords", "metadataPrefix": "mods"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": ID + "nope"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": ID + "draft001"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:elsewhere.org:7da35b31"},
     "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": ID + "draft001"}, "idDoesNotExist"),
])
def test_each_error_code(oai: TestClient, params: dict[str, str], code: str) -> None:
    assert _error(oai, **params) == code


def test_a_repeated_argument_is_bad_and_no_sets_means_no_set_hierarchy(tmp_path: Path) -> None:
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    try:
        client = TestClient(create_app(app))
        twice = client.get("/oai?verb=Identify&verb=Identify")
        assert etree.fromstring(twice.content).find("o:error", NS).get("code") == "badVerb"
        assert _error(client, verb="ListSets") == "noSetHierarchy"
        assert _error(client, verb="ListIdentifiers", metadataPrefix="oai_dc") == "noRecordsMatch"
    finally:
        app.catalogue.dispose()


def test_odd_arguments_get_protocol_errors_not_server_errors(oai: TestClient) -> None:
    """Found by review: a control character in an argument, the last day there is, a token
    whose fields have the wrong types."""
    import base64
    import json

    assert _error(oai, verb="GetRecord", metadataPrefix="oai_dc", identifier="\x01") == "idDoesNotExist"
    assert _get(oai, verb="ListIdentifiers", metadataPrefix="oai_dc", until="9999-12-31") is not None
    for state in ({"m": ["oai_dc"], "a": ["2026-01-01T00:00:00+00:00", 1], "c": 0, "f": None,
                   "u": None, "s": None},
                  {"m": "oai_dc", "a": ["2026-01-01T00:00:00+00:00", 1], "c": 0, "f": None,
                   "u": None, "s": 5}):
        token = base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")
        assert _error(oai, verb="ListRecords", resumptionToken=token) == "badResumptionToken"


def test_over_long_sets_and_huge_token_positions_are_protocol_answers(oai: TestClient) -> None:
    """A set of 50,001 characters (longer than any collection key; SQLite refused the LIKE
    pattern: 500) matches no records; a token whose position is beyond 64 bits was not made
    here (it overflowed SQL: 500)."""
    import base64
    import json

    for verb in ("ListRecords", "ListIdentifiers"):
        assert _error(oai, verb=verb, metadataPrefix="oai_dc", set="a" * 50_001) == "noRecordsMatch"
    for position in ({"a": ["2026-01-01T00:00:00+00:00", 10**30]},
                     {"a": ["2026-01-01T00:00:00+00:00", -10**30]}, {"c": 10**30}):
        state = {"m": "oai_dc", "a": ["2026-01-01T00:00:00+00:00", 1], "c": 0, "f": None,
                 "u": None, "s": None, **position}
        token = base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")
        assert _error(oai, verb="ListRecords", resumptionToken=token) == "badResumptionToken"
