"""Rate limits on the reading room's expensive addresses (search, OAI-PMH, downloads, citation
exports): each has a budget per client, beyond which the answer says when to come back."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import SETTINGS, load_settings
from chancery.services import search
from chancery.services.imports import import_paths
from chancery.web.server import create_app
from tests.conftest import FIXTURES, REFERENCE, _reference_text, need

ROOT = Path(__file__).resolve().parents[2]
# (address, budget, status beyond it): OAI-PMH harvesters expect 503 + Retry-After
LIMITED = [("/search?q=Khrushchev", "search", 429),
           ("/feeds/search.atom?q=Khrushchev", "search", 429),
           ("/oai?verb=Identify", "oai", 503),
           ("/downloads/documents.jsonl", "export", 429),
           ("/downloads/documents.csv", "export", 429),
           ("/search/cite.bib?q=Khrushchev", "export", 429),
           ("/documents/0874552c/cite.ris", "export", 429),
           ("/documents/cite.bib?id=0874552c", "export", 429),
           ("/documents/0874552c/cite?style=house", "export", 429)]


def reference_archive(root: Path, **settings: str) -> App:
    """The reference pair as a bundle, imported and indexed, with the given settings."""
    need(REFERENCE.is_dir(), f"reference documents not found at {REFERENCE}")
    bundle = root / "reference"
    shutil.copytree(FIXTURES / "reference", bundle)
    (bundle / "000.en.txt").write_text(_reference_text("000", "The Embassy of the Union", None))
    (bundle / "001.en.txt").write_text(_reference_text("001", "TO THE CENTRAL COMMITTEE",
                                                       "18 July 1960"))
    app = build_app(load_settings(data=str(root / "data"), database_url="", **settings))
    assert not import_paths([bundle], app.import_context()).failed
    search.rebuild_index(app.catalogue, app.index)
    return app


@pytest.fixture
def tight(tmp_path: Path) -> Iterator[App]:
    """An archive allowing two requests a minute of each reading-room budget."""
    app = reference_archive(tmp_path, search_rate_limit="2", oai_rate_limit="2",
                            export_rate_limit="2")
    yield app
    app.catalogue.dispose()


@pytest.mark.parametrize(("address", "budget", "status"), LIMITED)
def test_an_expensive_address_answers_when_to_come_back(tight: App, address: str, budget: str,
                                                        status: int) -> None:
    site = TestClient(create_app(tight))
    assert [site.get(address).status_code for _ in range(2)] == [200, 200]
    over = site.get(address)
    assert over.status_code == status and int(over.headers["retry-after"]) >= 1
    assert "try again in" in over.text
    assert "content-security-policy" in over.headers  # the refusal is a response like any other
    # single documents and the other budgets go on
    assert site.get("/documents/0874552c").status_code == 200
    others = {b: a for a, b, _ in LIMITED if b != budget}
    assert all(site.get(a).status_code == 200 for a in others.values())


def test_budgets_are_per_client_behind_a_trusted_proxy(tmp_path: Path) -> None:
    app = reference_archive(tmp_path, search_rate_limit="1", trusted_proxies="testclient")
    try:
        site = TestClient(create_app(app))

        def get(reader: str) -> int:
            return site.get("/search", params={"q": "Khrushchev"},
                            headers={"X-Forwarded-For": reader}).status_code

        assert [get("198.51.100.1"), get("198.51.100.1"), get("198.51.100.2")] == [200, 429, 200]
    finally:
        app.catalogue.dispose()


def test_every_rate_limit_is_documented() -> None:
    """docs/api.md names each limit's setting and its default."""
    api = (ROOT / "docs" / "api.md").read_text()
    for setting in (s for s in SETTINGS if s.name.endswith("_rate_limit")):
        assert re.search(rf"`{setting.env}`[^\n]*\(default {setting.default}\b", api), setting.env
