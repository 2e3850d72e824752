"""Originals of scans for scripts: a record read with a staff account's token links the scans
the public cannot fetch (a redacted original, a withdrawn document's) at /workspace/files,
which answers that token with the original, privately and never stored; anonymous goes to
the login page, a token that does not work gets 401 and a reader account's 403, and the
public address of a redacted original stays 404."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.domain.workflow import Step
from chancery.services import search
from chancery.web.server import create_app
from tests.e2e.test_redacted_scans import LETTER, OPERATOR, _archive, _original


@pytest.fixture
def scans(tmp_path: Path) -> Iterator[App]:
    """A letter (PDF) and a picture (PNG), published; an editor and a former editor."""
    app = _archive(tmp_path)
    for email in ("ed@example.org", "former@example.org"):
        app.accounts.add_user(email, "editor", None)
    yield app
    app.catalogue.dispose()


def _bearer(app: App, email: str, scope: str = "read") -> dict[str, str]:
    return {"Authorization": f"Bearer {app.tokens.create(email, scope)[1]}"}


def _scan_path(site: TestClient, public_id: str, headers: dict[str, str]) -> str:
    """The address the API record gives for the document's first scan, as a path."""
    record = site.get(f"/api/v1/documents/{public_id}", headers=headers)
    assert record.status_code == 200, record.text
    return urlsplit(record.json()["media"][0]["url"]).path


def test_an_editors_token_fetches_a_redacted_original_the_public_cannot(scans: App) -> None:
    site = TestClient(create_app(scans), follow_redirects=False)
    editor, sha = _bearer(scans, "ed@example.org"), _original(scans, "letter01")
    former = _bearer(scans, "former@example.org")
    scans.accounts.set_role("former@example.org", "reader")
    assert _scan_path(site, "letter01", editor) == f"/files/{sha}/letter.pdf"  # public still
    scans.scan_redacting.redact_box("letter01", 1, "pct:10,10,20,5", "(b)(6)", OPERATOR)
    search.refresh_index(scans.catalogue, scans.index)
    staff = _scan_path(site, "letter01", editor)
    assert staff == f"/workspace/files/{sha}/letter.pdf"
    assert sha not in _scan_path(site, "letter01", {})  # the public: the burned copy's key
    assert site.get(f"/files/{sha}/letter.pdf").status_code == 404
    got = site.get(staff, headers=editor)
    assert got.status_code == 200 and got.content == LETTER
    assert got.headers["cache-control"] == "private, no-store"
    assert site.get(staff, headers=_bearer(scans, "ed@example.org", "write")).status_code == 200
    anonymous = site.get(staff)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    refused = site.get(staff, headers=former)
    assert refused.status_code == 403 and LETTER not in refused.content
    bad = site.get(staff, headers={"Authorization": "Bearer chancery_not-a-token"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"].startswith("Bearer")
    assert "no-store" in bad.headers["cache-control"]


def test_a_withdrawn_documents_scan_is_linked_for_the_staff(scans: App) -> None:
    site = TestClient(create_app(scans), follow_redirects=False)
    editor, sha = _bearer(scans, "ed@example.org"), _original(scans, "picture1")
    assert not scans.publishing.take_step(["picture1"], Step.WITHDRAW, OPERATOR, "x").refused
    search.refresh_index(scans.catalogue, scans.index)
    staff = _scan_path(site, "picture1", editor)
    assert staff == f"/workspace/files/{sha}/picture.png"
    assert site.get(f"/files/{sha}/picture.png").status_code == 404
    assert site.get(staff, headers=editor).status_code == 200
    assert _scan_path(site, "letter01", editor).startswith("/files/")  # the public's own
    found = site.get("/api/v1/search", params={"q": "Berlin", "records": "full"},
                     headers=editor).json()["hits"]
    urls = {h["public_id"]: urlsplit(h["record"]["media"][0]["url"]).path for h in found}
    assert urls["picture1"] == staff and urls["letter01"].startswith("/files/")


def test_a_token_opens_no_other_workspace_page(scans: App) -> None:
    """The originals are the one workspace address a token opens: elsewhere a staff token
    is no session (login page), so no form can be posted with one either."""
    site = TestClient(create_app(scans), follow_redirects=False)
    editor = _bearer(scans, "ed@example.org", "write")
    for url in ("/workspace", "/workspace/documents/letter01", "/workspace/search"):
        answer = site.get(url, headers=editor)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert site.post("/workspace/redactions/letter01", headers=editor,
                     data={"what": "field", "field": "title", "reason": "x"}).status_code == 303
