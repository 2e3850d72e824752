"""Editing through /api/v1 with a write token, on SQLite and PostgreSQL: a draft made from a
record (201), a change made on a named version (200; a stale one 409 or 412, none 428), field
errors one per field (422), a published document's change waiting for review; all audited."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import format_datetime

from fastapi.testclient import TestClient

from chancery.bootstrap import App
from tests.e2e.test_api_tokens import _token
from tests.e2e.test_api_tokens import api as api  # the fixtures: the archive, its API
from tests.e2e.test_api_tokens import archive as archive
from tests.editorial import DOCS

DOC = DOCS[0]


def _draft(api: TestClient, headers: dict[str, str], doc: str = DOC) -> dict[str, object]:
    answer = api.get(f"/documents/{doc}/draft", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["etag"] == answer.json()["etag"]
    return dict(answer.json())


def test_a_draft_is_made_from_a_record(archive: App, api: TestClient) -> None:
    editor = _token(archive, "editor")
    body = {"title": "Note on the okapi", "type": "note", "date": "18 July 1960",
            "collections": ["okapi-papers"], "comment": "typed from the carbon"}
    assert api.post("/documents", json=body).status_code == 401
    assert api.post("/documents", json=body,
                    headers=_token(archive, "editor", "read")).status_code == 403
    made = api.post("/documents", json=body, headers=editor)
    assert made.status_code == 201, made.text
    public_id = made.json()["public_id"]
    assert made.headers["location"] == f"/api/v1/documents/{public_id}"
    assert api.get(f"/documents/{public_id}").status_code == 404  # a draft: not public
    mine = api.get(f"/documents/{public_id}", headers=editor).json()
    assert (mine["title"], mine["date"]["start"]) == ("Note on the okapi", "1960-07-18")
    (entry,) = [e for e in archive.accounts.audit() if e.action == "create"]
    assert (entry.actor, entry.subject, entry.detail.get("via")) == (
        "editor@example.org", public_id, "api")


def test_field_errors_answer_422_one_per_field_and_store_nothing(
        archive: App, api: TestClient) -> None:
    editor = _token(archive, "editor")
    bad = api.post("/documents", json={"type": "haiku"}, headers=editor)
    assert bad.status_code == 422
    assert sorted(tuple(d["loc"]) for d in bad.json()["detail"]) == [("body", "title"),
                                                                      ("body", "type")]
    draft = _draft(api, editor)
    wrong = api.patch(f"/documents/{DOC}", headers={**editor, "If-Match": str(draft["etag"])},
                      json={"texts": [{"body": "no language"}], "date": "sometime"})
    assert wrong.status_code == 422
    assert {tuple(d["loc"]) for d in wrong.json()["detail"]} == {
        ("body", "texts", "0", "language"), ("body", "date")}
    assert _draft(api, editor)["etag"] == draft["etag"]


def test_a_change_names_its_version_and_a_stale_one_is_refused(
        archive: App, api: TestClient) -> None:
    editor, other = _token(archive, "editor"), _token(archive, "reviewer")
    draft = _draft(api, editor)
    assert api.patch(f"/documents/{DOC}", json={"summary": "x"}, headers=editor).status_code == 428
    saved = api.patch(f"/documents/{DOC}", json={"summary": "First."},
                      headers={**other, "If-Match": str(draft["etag"])})
    assert saved.status_code == 200 and saved.json()["pending"] is False
    stale = api.patch(f"/documents/{DOC}", json={"summary": "Second."},
                      headers={**editor, "If-Match": str(draft["etag"])})
    assert stale.status_code == 412 and "reviewer@example.org" in stale.json()["error"]
    by_seen = api.patch(f"/documents/{DOC}", json={"summary": "Second.", "seen": draft["seen"]},
                        headers=editor)
    assert by_seen.status_code == 409
    # HTTP dates have whole seconds: a date before the last save's second is stale
    last = _draft(api, editor)
    since = api.get(f"/documents/{DOC}/draft", headers=editor).headers["last-modified"]
    before = format_datetime(datetime.fromisoformat(str(last["seen"])) - timedelta(seconds=1),
                             True)
    assert api.patch(f"/documents/{DOC}", json={"summary": "Third."},
                     headers={**editor, "If-Unmodified-Since": before}).status_code == 412
    fresh = api.patch(f"/documents/{DOC}", json={"summary": "Second."},
                      headers={**editor, "If-Unmodified-Since": since})
    assert fresh.status_code == 200, fresh.text
    again = api.patch(f"/documents/{DOC}", json={"summary": "Third."},
                      headers={**editor, "If-Match": fresh.headers["etag"]})
    assert again.status_code == 200
    assert api.get(f"/documents/{DOC}", headers=editor).json()["summary"] == "Third."


def test_a_published_documents_change_waits_for_review(archive: App, api: TestClient) -> None:
    reviewer, editor = _token(archive, "reviewer"), _token(archive, "editor")
    for action in ("submit", "publish"):
        headers = editor if action == "submit" else reviewer
        assert api.post(f"/documents/{DOC}/state", json={"action": action},
                        headers=headers).status_code == 200
    draft = _draft(api, editor)
    saved = api.patch(f"/documents/{DOC}", json={"title": "Telegram on the zebra question"},
                      headers={**editor, "If-Match": str(draft["etag"])})
    assert saved.status_code == 200 and saved.json()["pending"] is True
    assert "zebra" not in api.get(f"/documents/{DOC}").text
    pending = _draft(api, editor)
    assert pending["pending"] is True and "zebra" in str(pending["record"])

