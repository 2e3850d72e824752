"""The REST API at /api/v1: full records, texts, search with facets, collections and
authority records, cursor paging, the access rule, ETags, CORS and the rate limit."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from tests.conftest import FIXTURES, REFERENCE, _reference_text, need

URL = "https://archive.example.org"


def _build(root: Path, drafts: tuple[str, ...] = (), rate: str = "0",
           frus: bool = True) -> tuple[App, TestClient]:
    need(REFERENCE.is_dir(), f"reference documents not found at {REFERENCE}")
    bundle = root / "reference"
    shutil.copytree(FIXTURES / "reference", bundle)
    (bundle / "000.en.txt").write_text(_reference_text("000", "The Embassy of the Union", None))
    (bundle / "001.en.txt").write_text(_reference_text("001", "TO THE CENTRAL COMMITTEE", "18 July 1960"))
    for name in drafts:
        meta = yaml.safe_load((bundle / name).read_text())
        meta["publication"] = {"state": "draft"}
        (bundle / name).write_text(yaml.safe_dump(meta, allow_unicode=True))
    app = build_app(load_settings(data=str(root / "data"), database_url="", public_url=URL,
                                  api_rate_limit=rate))
    sources = [bundle, *([DEMO_DIR / "frus1958-60v19.xml", DEMO_DIR / "scans" / "scans.csv"]
                         if frus else [])]
    assert not import_paths(sources, app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    return app, TestClient(create_app(app))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app, client = _build(tmp_path_factory.mktemp("api"))
    yield client
    app.catalogue.dispose()


def test_a_document_has_its_full_record(api: TestClient) -> None:
    doc = api.get("/api/v1/documents/7da35b31").json()
    assert doc["title"].startswith("Note, the Soviet Embassy in Beijing")
    assert doc["date"] == {"display": "July 18, 1960", "start": "1960-07-18", "end": "1960-07-18",
                           "precision": "day",
                           "note": "The copy of the Russian note is not dated but known from other sources."}
    assert doc["classification"]["marking"] == "Strictly confidential"
    assert doc["provenance"]["reference_code"] == "J IV 2/202/280"
    assert doc["provenance"]["funders"] == ["Leon Levy Foundation"]
    assert doc["citation"].endswith("The copy of the Russian note is not dated but known from other sources.")
    assert {(a["role"], a["name"]) for a in doc["agents"]} >= {("author", "Soviet Embassy in Beijing")}
    assert [r["public_id"] for r in doc["relations"]] == ["0874552c"]
    assert doc["html_url"].startswith(f"{URL}/documents/7da35b31/")
    texts = api.get("/api/v1/documents/7da35b31/texts").json()
    assert [t["key"] for t in texts] == ["en-translation"]
    text = api.get(texts[0]["url"].removeprefix(URL)).json()
    assert text["translators"] == ["Dieter Heinzig", "Anna Eckner"]
    assert text["body"].startswith("The Embassy of the Union of the Socialist Soviet Republics")
    back = api.get("/api/v1/documents/0874552c/relations").json()
    assert [(r["public_id"], r["label"]) for r in back] == [("7da35b31", "Encloses")]
    assert api.get("/api/v1/documents/nope").json() == {"error": "no document 'nope'"}
    assert api.get("/api/v1/documents/7da35b31/texts/xx").status_code == 404


def test_cursors_walk_every_document_once(api: TestClient) -> None:
    seen: list[str] = []
    page = api.get("/api/v1/documents", params={"limit": 100}).json()
    total = page["total"]
    while True:
        seen += [d["public_id"] for d in page["items"]]
        if not page["next_cursor"]:
            break
        page = api.get("/api/v1/documents", params={"limit": 100, "cursor": page["next_cursor"]}).json()
    assert len(seen) == len(set(seen)) == total > 400
    bad = api.get("/api/v1/documents", params={"cursor": "bm90IG91cnM"})
    assert bad.status_code == 400 and "cursor" in bad.json()["error"]


def test_search_has_the_grammar_and_facets_of_the_reading_room(api: TestClient) -> None:
    found = api.get("/api/v1/search", params={"q": "Khrushchev", "f": "type:letter", "limit": 5}).json()
    assert found["total"] > 0 and len(found["hits"]) <= 5
    assert all(h["type"] == "letter" for h in found["hits"])
    types = {b["value"]: b for b in found["facets"]["type"]}
    assert types["letter"]["selected"] and types["letter"]["count"] == found["total"]
    assert "0874552c" in {h["public_id"] for h in found["hits"]} or found["next_cursor"]
    second = api.get("/api/v1/search", params={"q": "Taiwan", "limit": 10}).json()
    nxt = api.get("/api/v1/search", params={"q": "Taiwan", "limit": 10,
                                            "cursor": second["next_cursor"]}).json()
    assert not {h["public_id"] for h in second["hits"]} & {h["public_id"] for h in nxt["hits"]}
    bad = api.get("/api/v1/search", params={"q": '"unclosed'})
    assert bad.status_code == 400 and bad.json()["error"]
    assert api.get("/api/v1/search", params={"f": "nonsense"}).status_code == 400
    assert api.get("/api/v1/search", params={"limit": 1000}).status_code == 422


def test_collections_and_authority_records(api: TestClient) -> None:
    every = api.get("/api/v1/collections").json()["items"]
    volume = next(c for c in every if c["key"] == "frus/frus1958-60v19")
    assert volume["parent"] == "frus" and volume["children"]
    assert api.get("/api/v1/collections/frus/frus1958-60v19").json()["title"] == volume["title"]
    herter = api.get("/api/v1/people/herter-christian-a").json()
    assert herter["name"] == "Herter, Christian A." and "Christian A. Herter" in herter["names"]
    docs = api.get(herter["documents_url"].removeprefix(URL)).json()
    assert docs["total"] > 10
    listed: list[str] = []
    page = api.get("/api/v1/people", params={"limit": 50}).json()
    while True:
        listed += [p["key"] for p in page["items"]]
        if not page["next_cursor"]:
            break
        page = api.get("/api/v1/people", params={"limit": 50, "cursor": page["next_cursor"]}).json()
    assert listed == sorted(listed) and "person/herter-christian-a" in listed
    assert api.get("/api/v1/places/guangzhou").status_code == 200


def test_the_api_never_shows_what_the_public_page_would_not(tmp_path: Path) -> None:
    app, api = _build(tmp_path, drafts=("000.yaml",), frus=False)
    try:
        assert api.get("/api/v1/documents/7da35b31").status_code == 404
        assert api.get("/api/v1/documents/7da35b31/texts").status_code == 404
        assert api.get("/api/v1/documents/0874552c/relations").json() == []
        listed = [d["public_id"] for d in api.get("/api/v1/documents").json()["items"]]
        assert listed == ["0874552c"]
        assert api.get("/api/v1/search", params={"q": "Guangzhou OR Beijing"}).json()["total"] <= 1
        # a place only the draft names is not published through the API
        assert api.get("/api/v1/places/guangzhou").status_code == 404
        places = [p["key"] for p in api.get("/api/v1/places").json()["items"]]
        assert "place/guangzhou" not in places
    finally:
        app.catalogue.dispose()


def test_etags_cors_and_errors_as_json(api: TestClient) -> None:
    first = api.get("/api/v1/documents/0874552c")
    again = api.get("/api/v1/documents/0874552c", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    cors = api.get("/api/v1/documents/0874552c", headers={"Origin": "https://elsewhere.example"})
    assert cors.headers["access-control-allow-origin"] == "*"
    pre = api.options("/api/v1/search", headers={"Origin": "https://elsewhere.example",
                                                 "Access-Control-Request-Method": "GET"})
    assert pre.status_code == 200 and "GET" in pre.headers["access-control-allow-methods"]
    assert api.post("/api/v1/documents").status_code == 401  # creating needs a write token
    missing = api.get("/api/v1/no/such/thing")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/json"
    schema = api.get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/documents", "/documents/{public_id}", "/search", "/collections", "/people"} <= paths


def test_a_client_over_the_rate_limit_is_told_when_to_come_back(tmp_path: Path) -> None:
    app, api = _build(tmp_path, rate="3", frus=False)
    try:
        codes = [api.get("/api/v1/collections").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        over = api.get("/api/v1/collections")
        assert over.status_code == 429 and int(over.headers["retry-after"]) >= 1
        assert "too many requests" in over.json()["error"]
        assert api.get("/").status_code == 200  # the reading room is not limited
    finally:
        app.catalogue.dispose()


def test_odd_inputs_get_answers_not_errors(api: TestClient, tmp_path: Path) -> None:
    """Found by review: a NUL in a slug, a cursor with an absurd offset, a search before any
    index exists."""
    assert api.get("/api/v1/people/%00").status_code == 404
    from chancery.api.paging import make_cursor

    for cursor in (make_cursor(offset=10**30), make_cursor(offset=-5)):
        assert api.get("/api/v1/documents", params={"cursor": cursor}).status_code == 400
    assert api.get("/api/v1/search", params={"cursor": make_cursor(page=0)}).status_code == 400
    app = build_app(load_settings(data=str(tmp_path / "empty"), database_url="", api_rate_limit="0"))
    try:
        empty = TestClient(create_app(app))
        answer = empty.get("/api/v1/search", params={"q": "Taiwan"})
        assert answer.status_code == 503 and "reindex" in answer.json()["error"]
    finally:
        app.catalogue.dispose()


def test_behind_a_trusted_proxy_each_reader_has_a_bucket(tmp_path: Path) -> None:
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url="", api_rate_limit="2",
                                  trusted_proxies="testclient"))
    try:
        api = TestClient(create_app(app))  # its requests come from "testclient"

        def get(reader: str) -> int:
            return api.get("/api/v1/collections", headers={"X-Forwarded-For": reader}).status_code

        assert [get("198.51.100.1") for _ in range(3)] == [200, 200, 429]
        assert get("198.51.100.2") == 200  # another reader, another bucket
    finally:
        app.catalogue.dispose()
