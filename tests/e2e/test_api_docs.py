"""Every example request in docs/api.md answers 200 on the demo archive with the reference pair."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.e2e.test_api import _build

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
EXAMPLES = re.findall(r"^GET (\S+)$", DOC.read_text(), re.M)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app, client = _build(tmp_path_factory.mktemp("docs"))
    yield client
    app.catalogue.dispose()


def test_the_document_has_examples() -> None:
    assert len(EXAMPLES) >= 20


@pytest.mark.parametrize("path", EXAMPLES)
def test_each_example_answers(site: TestClient, path: str) -> None:
    # the examples use the default OAI namespace; this archive's public URL names another
    got = site.get(path.replace("oai:chancery.archive:", "oai:archive.example.org:"))
    assert got.status_code == 200, (path, got.text[:200])
    if path.startswith("/api/v1/"):
        assert got.headers["content-type"] == "application/json" and got.headers["etag"]
        assert got.json()
    if path.startswith("/iiif/3/") and not path.endswith(("jpg", "png", "webp")):
        assert got.json()["id"]
    if path.startswith("/oai?"):  # OAI-PMH errors come with 200: look inside
        assert "<error" not in got.text, got.text[:300]
