"""The first reading room served by `chancery serve`: pages render, hidden documents stay hidden."""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.services.imports import import_paths
from chancery.web.server import create_app


def _client(app: App, bundle: Path, draft: str = "") -> TestClient:
    if draft:
        path = bundle / draft
        meta = yaml.safe_load(path.read_text())
        meta["publication"] = {"state": "draft"}
        path.write_text(yaml.safe_dump(meta, allow_unicode=True))
    assert not import_paths([bundle], app.import_context()).failed
    return TestClient(create_app(app))


def test_home_and_document_pages_show_the_record(sqlite_app: App, reference_bundle: Path) -> None:
    """The home page lists the documents; a document page shows its record, text and relation."""
    web = _client(sqlite_app, reference_bundle)
    home = web.get("/")
    assert home.status_code == 200 and "2 documents" in home.text
    page = web.get("/documents/7da35b31")
    assert page.status_code == 200
    for expected in ["Strictly confidential", "July 18, 1960", "Leon Levy Foundation",
                     "J IV 2/202/280", "Dieter Heinzig", "Enclosed in", "/documents/0874552c"]:
        assert expected in page.text, expected
    assert web.get("/documents/wilson/001_0874552cb937a2de").status_code == 200


def test_unknown_and_unpublished_documents_are_404(sqlite_app: App, reference_bundle: Path) -> None:
    """A draft is as absent to the public as a document that does not exist; no 500s on odd input."""
    web = _client(sqlite_app, reference_bundle, draft="000.yaml")
    assert web.get("/documents/7da35b31").status_code == 404
    assert web.get("/documents/does-not-exist").status_code == 404
    assert "1 documents" in web.get("/").text or "1 document" in web.get("/").text
    letter = web.get("/documents/0874552c")
    assert letter.status_code == 200 and "Encloses" not in letter.text
    assert web.get("/?page=-5").status_code == 200
    assert web.get("/?page=abc").status_code == 422
