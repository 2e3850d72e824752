"""IIIF: the Image API checked by the official iiif-validator (every level 0 and level 1
test of version 3.0) against a live server, on the IIIF test pattern stored as a scan; and
Presentation API manifests and collections checked by iiif-prezi3, with the access rule."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from iiif_prezi3 import Collection, Manifest
from iiif_validator import validator as checker
from PIL import Image

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from tests.serving import served


def _pattern(path: Path) -> None:
    """The IIIF test image: 10 x 10 squares of the colours the validator checks."""
    colours = checker.ValidationInfo().colorInfo
    img = Image.new("RGB", (1000, 1000))
    for x in range(10):
        for y in range(10):
            img.paste(tuple(colours[x][y]), (x * 100, y * 100, x * 100 + 100, y * 100 + 100))
    img.save(path)


def _bundle(root: Path, state: str = "published") -> Path:
    dest = root / "pattern"
    dest.mkdir()
    _pattern(dest / "pattern.png")
    (dest / "bundle.yaml").write_text(yaml.safe_dump({
        "format": "chancery-bundle", "version": 1, "title": "IIIF test pattern",
        "collections": [{"key": "test-patterns", "title": "Test patterns"}]}))
    (dest / "pattern.yaml").write_text(yaml.safe_dump({
        "public_id": "pattern1", "source_id": "test/pattern", "title": "The IIIF test pattern",
        "type": "other", "date": "1960", "collections": ["test-patterns"],
        "publication": {"state": state},
        "media": [{"file": "pattern.png", "label": "Test pattern"}]}))
    return dest


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    root = tmp_path_factory.mktemp("iiif")
    app = build_app(load_settings(data=str(root / "data"), database_url=""))
    assert not import_paths([_bundle(root), DEMO_DIR / "scans" / "scans.csv"],
                            app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    yield app
    app.catalogue.dispose()


@pytest.fixture(scope="module")
def site(archive: App) -> TestClient:
    return TestClient(create_app(archive))


def _pattern_id(site: TestClient) -> str:
    manifest = site.get("/iiif/3/manifests/pattern1").json()
    service = manifest["items"][0]["items"][0]["items"][0]["body"]["service"][0]["id"]
    return str(service).rsplit("/", 1)[-1]


LEVEL1 = sorted(name for name, t in checker.TestSuite(checker.ValidationInfo()).list_tests("3.0").items()
                if t["level"] <= 1)


def test_the_validator_has_level_1_tests() -> None:
    assert len(LEVEL1) >= 20 and "id_squares" in LEVEL1 and "size_wh" in LEVEL1


@pytest.fixture(scope="module")
def image_server(archive: App, site: TestClient) -> Iterator[tuple[str, str]]:
    identifier = _pattern_id(site)
    with served(archive) as url:
        yield url.removeprefix("http://"), identifier


@pytest.mark.parametrize("test_name", LEVEL1)
def test_image_api_level_1(image_server: tuple[str, str], test_name: str) -> None:
    server, identifier = image_server
    result: Any = checker.ImageAPI(identifier, server, "iiif/3", "http", "", "3.0", debug=False)
    checker.TestSuite(checker.ValidationInfo()).run_test(test_name, result)
    error = result.exception
    assert error is None or error.warning, f"{test_name}: {error} at {getattr(error, 'url', '')}"


def test_manifests_and_collections_are_valid_presentation_3(site: TestClient) -> None:
    for hit in site.get("/api/v1/search", params={"f": "collection:jfk-assassination-records-2025-release",
                                                  "limit": 50}).json()["hits"]:
        got = site.get(f"/iiif/3/manifests/{hit['public_id']}")
        assert got.status_code == 200 and got.headers["access-control-allow-origin"] == "*"
        data = got.json()
        Manifest(**data)  # raises when the manifest breaks the Presentation API's model
        assert data["items"] and all(c["width"] > 0 and c["height"] > 0 for c in data["items"])
        labels = [m["label"]["en"][0] for m in data["metadata"]]
        assert "Citation" in labels and data["requiredStatement"]["value"]["en"][0]
        assert any(r["format"] == "application/pdf" for r in data["rendering"])
    collection = site.get("/iiif/3/collections/jfk-assassination-records-2025-release").json()
    Collection(**collection)
    assert collection["items"] and all(i["type"] == "Manifest" for i in collection["items"])
    assert site.get("/iiif/3/collections/no-such").status_code == 404


def test_the_document_page_links_its_manifest(site: TestClient) -> None:
    page = site.get("/documents/pattern1", follow_redirects=True).text
    assert "/iiif/3/manifests/pattern1" in page and "IIIF" in page


def test_scans_of_hidden_documents_are_not_served(tmp_path: Path) -> None:
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url=""))
    try:
        assert not import_paths([_bundle(tmp_path, "draft")], app.import_context()).failed
        client = TestClient(create_app(app))
        assert client.get("/iiif/3/manifests/pattern1").status_code == 404
        stored = app.catalogue.get_document("pattern1", *_editor())
        assert stored is not None
        identifier = f"{stored.document.media[0].sha256}-1"
        assert client.get(f"/iiif/3/{identifier}/info.json").status_code == 404
        assert client.get(f"/iiif/3/{identifier}/full/max/0/default.jpg").status_code == 404
    finally:
        app.catalogue.dispose()


def _editor() -> tuple[Any, Any]:
    from chancery.domain.publication import Actor
    from chancery.services.clock import today

    return Actor.EDITOR, today()


def test_one_name_per_image_and_bounded_numbers(site: TestClient) -> None:
    """Found by review: "²" as a page, "-01" beside "-1", numbers of hundreds of digits."""
    identifier = _pattern_id(site)
    sha = identifier.rsplit("-", 1)[0]
    for other in (f"{sha}-\u00b2", f"{sha}-01", f"{sha.upper()}-1"):
        assert site.get(f"/iiif/3/{other}/info.json").status_code == 404
    huge = "9" * 400
    for path in (f"pct:{huge},0,10,10/max/0/default.jpg", f"full/!{huge},{huge}/0/default.jpg",
                 f"full/pct:{huge}/0/default.jpg", f"full/max/{huge}/default.jpg"):
        assert site.get(f"/iiif/3/{identifier}/{path}").status_code == 400, path


def test_the_image_cache_keeps_what_viewers_ask_for_once(archive: App, site: TestClient) -> None:
    """Found by review: every spelling of every request was kept forever. Now one file per
    image however it is spelled, and only the sizes and tiles info.json offers."""
    identifier = _pattern_id(site)
    folder = archive.settings.derived_path / "iiif" / identifier[:2] / identifier
    before = set(folder.glob("*")) if folder.exists() else set()
    for path in ("full/max/0/default.jpg", "full/1000,/0/default.jpg", "full/1000,1000/0/default.jpg",
                 "0,0,512,512/512,/0/default.jpg"):
        assert site.get(f"/iiif/3/{identifier}/{path}").status_code == 200
    kept = set(folder.glob("*")) - before
    assert len(kept) <= 2  # the whole page once, one tile
    assert site.get(f"/iiif/3/{identifier}/13,17,101,99/50,/0/default.jpg").status_code == 200
    assert set(folder.glob("*")) - before == kept  # an odd region is made, not kept


def test_making_images_is_rate_limited(tmp_path: Path) -> None:
    app = build_app(load_settings(data=str(tmp_path / "data"), database_url="", api_rate_limit="2"))
    try:
        assert not import_paths([_bundle(tmp_path)], app.import_context()).failed
        client = TestClient(create_app(app))
        identifier = _pattern_id(client)
        codes = [client.get(f"/iiif/3/{identifier}/{x},0,100,100/max/0/default.jpg").status_code
                 for x in (0, 100, 200)]
        assert codes == [200, 200, 429]
    finally:
        app.catalogue.dispose()
