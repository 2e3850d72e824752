"""Public scans may be kept by a browser or a shared cache for five minutes, no longer: a
redaction or withdrawal is then honoured everywhere within that window (docs/security.md,
"Caches"); a reader asking again with the ETag gets a 304 (http/caching.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.domain.workflow import Acting, Step
from chancery.web.server import create_app
from tests.e2e.test_redacted_scans import _archive, _original

WINDOW_S = 300  # the window docs/security.md promises
DOCS = Path(__file__).parents[2] / "docs" / "security.md"


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[App]:
    app = _archive(tmp_path)
    yield app
    app.catalogue.dispose()


def _urls(sha: str) -> list[str]:
    return [f"/files/{sha}/letter.pdf", f"/scans/{sha}/1-400.png", f"/iiif/3/{sha}-1/info.json",
            f"/iiif/3/{sha}-1/full/max/0/default.jpg", f"/iiif/3/{sha}-1/full/123,/0/gray.png"]


def test_public_scans_are_kept_no_longer_than_the_documented_window(archive: App) -> None:
    """Every public scan answer says max-age of at most five minutes, and the security
    model says five minutes."""
    site = TestClient(create_app(archive))
    for url in _urls(_original(archive, "letter01")):
        answer = site.get(url)
        assert answer.status_code == 200, url
        cache = answer.headers.get("cache-control", "")
        found = re.search(r"max-age=(\d+)", cache)
        assert found and int(found.group(1)) <= WINDOW_S and "public" in cache, (url, cache)
    section = DOCS.read_text().split("## Caches", 1)[1]
    assert "**5 minutes**" in section and "max-age=300" in section


def test_a_cache_revalidates_with_the_etag_and_learns_of_a_withdrawal(archive: App) -> None:
    """After the window: 304 while the scan is served, 404 once its document is withdrawn."""
    site = TestClient(create_app(archive))
    for url in _urls(_original(archive, "letter01"))[:2]:
        tag = site.get(url).headers["etag"]
        again = site.get(url, headers={"If-None-Match": tag})
        assert again.status_code == 304 and not again.content, url
    assert archive.publishing.take_step(["letter01"], Step.WITHDRAW, Acting.operator()).changed
    for url in _urls(_original(archive, "letter01")):
        assert site.get(url, headers={"If-None-Match": "x"}).status_code == 404, url
