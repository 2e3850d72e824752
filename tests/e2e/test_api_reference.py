"""The API's readable documentation at /api/v1/docs (issue #10.21): made on the server from
the OpenAPI document, every operation and schema on it, nothing loaded from elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import build_app
from chancery.config import load_settings
from chancery.web.server import create_app


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = build_app(load_settings(data=str(tmp_path_factory.mktemp("apidocs") / "data")))
    yield TestClient(create_app(app))
    app.catalogue.dispose()


def test_the_docs_are_a_page_not_json(site: TestClient) -> None:
    got = site.get("/api/v1/docs")
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    assert "<h1>" in got.text and 'href="/api/v1/openapi.json"' in got.text


def test_every_operation_and_its_parameters_are_documented(site: TestClient) -> None:
    spec = site.get("/api/v1/openapi.json").json()
    html = site.get("/api/v1/docs").text
    for path, methods in spec["paths"].items():
        for op in methods.values():
            assert f"/api/v1{path}</code>" in html, path
            assert op["summary"].replace("'", "&#39;") in html, path
            for p in op.get("parameters", []):
                assert f"<code>{p['name']}</code>" in html, (path, p["name"])


def test_every_schema_link_leads_to_its_description(site: TestClient) -> None:
    html = site.get("/api/v1/docs").text
    links = set(re.findall(r'href="#(schema-\w+)"', html))
    assert "schema-SearchOut" in links
    assert all(f'id="{anchor}"' in html for anchor in links)


def test_the_docs_load_nothing_from_elsewhere_and_run_no_inline_script(site: TestClient) -> None:
    html = site.get("/api/v1/docs").text
    assert sorted(re.findall(r"<script[^>]*>", html)) == [
        '<script src="/static/chancery.js" defer>', '<script src="/static/names.js" defer>']
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)


def test_the_footer_links_the_docs(site: TestClient) -> None:
    assert '<a href="/api/v1/docs">REST API</a>' in site.get("/").text
