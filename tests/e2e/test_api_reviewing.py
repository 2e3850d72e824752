"""Review and redaction through /api/v1 with tokens, on SQLite and PostgreSQL: a reviewer
approves (four eyes, the public note, the version named) or rejects (with a comment) a
published document's pending change; an editor redacts words, a field, a link and a box on a
scan at once, the staff list the redactions, an editor asks for a removal and a reviewer
approves it. Each answers 401 without a token and 403 for a role that may not, and is audited
as the token's account, via api."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

from fastapi.testclient import TestClient

from chancery.api.redactions import FieldName
from chancery.bootstrap import App
from chancery.domain.redactions import REDACTABLE_FIELDS
from chancery.web.server import create_app
from tests.e2e.test_api_tokens import _token
from tests.e2e.test_api_tokens import api as api  # the fixtures: the archive, its API
from tests.e2e.test_api_tokens import archive as archive
from tests.e2e.test_redacted_scans import _archive, _original
from tests.editorial import DOCS, WORD

DOC = DOCS[0]
WORDS = f"The {WORD} question"  # in DOC's English text, and (as "okapi question") its title


def _published(archive: App, api: TestClient, doc: str = DOC) -> None:
    for action, role in (("submit", "editor"), ("publish", "reviewer")):
        answer = api.post(f"/documents/{doc}/state", json={"action": action},
                          headers=_token(archive, role))
        assert answer.status_code == 200, answer.text


def _propose(archive: App, api: TestClient, role: str, title: str,
             note: str | None = None) -> str:
    """A change to DOC's title by ``role``, waiting for review; its etag."""
    headers = _token(archive, role)
    etag = api.get(f"/documents/{DOC}/draft", headers=headers).json()["etag"]
    saved = api.patch(f"/documents/{DOC}", json={"title": title, "public_note": note},
                      headers={**headers, "If-Match": etag})
    assert saved.status_code == 200 and saved.json()["pending"] is True, saved.text
    return str(saved.json()["etag"])


def _audited(archive: App, action: str) -> list[dict[str, Any]]:
    return [{"actor": e.actor, **e.detail} for e in archive.accounts.audit() if e.action == action]


def test_a_reviewer_approves_a_pending_change_with_four_eyes(archive: App, api: TestClient) -> None:
    _published(archive, api)
    etag = _propose(archive, api, "reviewer", "Telegram on the zebra question", "title read")
    approve = f"/documents/{DOC}/changes/approve"
    assert api.post(approve, json={}).status_code == 401
    assert api.post(approve, json={}, headers=_token(archive, "editor")).status_code == 403
    assert api.post(approve, json={}, headers=_token(archive, "reviewer2", "read")
                    ).status_code == 403
    own = api.post(approve, json={}, headers=_token(archive, "reviewer"))
    assert own.status_code == 409 and "four eyes" in own.json()["error"]
    other = _token(archive, "reviewer2")
    assert api.post(approve, json={}, headers={**other, "If-Match": '"v1"'}).status_code == 412
    assert api.post("/documents/nosuch01/changes/approve", json={}, headers=other
                    ).status_code == 404
    assert "zebra" not in api.get(f"/documents/{DOC}").text  # nothing approved yet
    done = api.post(approve, json={"comment": "matches the scan"},
                    headers={**other, "If-Match": etag})
    assert done.status_code == 200 and done.json() == {"public_id": DOC, "decision": "approved"}
    public = api.get(f"/documents/{DOC}").json()
    assert public["title"] == "Telegram on the zebra question"
    assert [c["note"] for c in public["corrections"]] == ["title read"]
    assert api.post(approve, json={}, headers=other).status_code == 409  # nothing waits now
    (entry,) = _audited(archive, "approve")
    assert (entry["actor"], entry["via"]) == ("reviewer2@example.org", "api")


def test_a_rejection_needs_a_comment_and_keeps_the_published_version(
        archive: App, api: TestClient) -> None:
    _published(archive, api)
    _propose(archive, api, "editor", "Telegram on the zebra question")
    reject, reviewer = f"/documents/{DOC}/changes/reject", _token(archive, "reviewer")
    assert api.post(reject, json={"comment": "no"}).status_code == 401
    assert api.post(reject, json={"comment": "no"}, headers=_token(archive, "editor")
                    ).status_code == 403
    for empty in ({}, {"comment": ""}, {"comment": "   "}):
        assert api.post(reject, json=empty, headers=reviewer).status_code == 422, empty
    done = api.post(reject, json={"comment": "the scan says okapi"}, headers=reviewer)
    assert done.status_code == 200 and done.json()["decision"] == "rejected"
    assert "zebra" not in api.get(f"/documents/{DOC}").text
    assert api.get(f"/documents/{DOC}/draft", headers=reviewer).json()["pending"] is False
    (entry,) = _audited(archive, "reject")
    assert entry["via"] == "api" and "the scan says okapi" in entry["summary"]


def test_an_editor_redacts_words_a_field_and_a_link_at_once(archive: App, api: TestClient) -> None:
    _published(archive, api)
    url, editor = f"/documents/{DOC}/redactions", _token(archive, "editor")
    text = {"kind": "text", "version": "en", "text": WORDS, "reason": "(b)(6)"}
    assert api.post(url, json=text).status_code == 401
    assert api.post(url, json=text, headers=_token(archive, "editor", "read")).status_code == 403
    assert api.post(url, json=text, headers=_token(archive, "reader")).status_code == 403
    made = api.post(url, json=text, headers=editor)
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["found"], body["redaction"]["kind"], body["redaction"]["text"]) == (1, "text",
                                                                                    WORDS)
    assert body["elsewhere"] == [{"where": "title", "count": 1}]  # "on the okapi question"
    version = body["redaction"]["version"]
    public = api.get(f"/documents/{DOC}/texts/{version}").json()["body"]
    assert WORDS.lower() not in public.lower() and "[redacted: (b)(6)]" in public
    agent = api.get(f"/documents/{DOC}").json()["agents"][0]["key"]
    for more in ({"kind": "field", "field": "summary", "reason": "privacy"},
                 {"kind": "link", "link": agent, "reason": "privacy"}):
        assert api.post(url, json=more, headers=editor).status_code == 201, more
    record = api.get(f"/documents/{DOC}").json()
    assert record["summary"] == "[redacted: privacy]" and record["agents"] == []
    assert len(_audited(archive, "redact")) == 3
    assert {e["via"] for e in _audited(archive, "redact")} == {"api"}


def test_what_cannot_be_redacted_is_refused_with_the_reason(archive: App, api: TestClient) -> None:
    url, editor = f"/documents/{DOC}/redactions", _token(archive, "editor")
    refused = [({"kind": "text", "version": "fr", "text": "okapi", "reason": "x"}, "no version"),
               ({"kind": "text", "version": "en", "text": "zebra", "reason": "x"}, "do not occur"),
               ({"kind": "link", "link": "person/nobody", "reason": "x"}, "links no record"),
               ({"kind": "box", "page": 1, "box": "pct:1,1,5,5", "reason": "x"}, "no page 1")]
    for body, why in refused:
        answer = api.post(url, json=body, headers=editor)
        assert answer.status_code == 400 and why in answer.json()["error"], (body, answer.text)
    for bad in ({"kind": "text", "version": "en", "text": "okapi"},  # no reason
                {"kind": "field", "field": "body", "reason": "x"},
                {"kind": "stamp", "reason": "x"},
                {"kind": "box", "page": 0, "box": "1,1,5,5", "reason": "x"}):
        assert api.post(url, json=bad, headers=editor).status_code == 422, bad
    again = {"kind": "field", "field": "title", "reason": "x"}
    assert api.post(url, json=again, headers=editor).status_code == 201
    assert "already" in api.post(url, json=again, headers=editor).json()["error"]
    assert api.post("/documents/nosuch01/redactions", json=again, headers=editor
                    ).status_code == 404
    assert api.get(url, headers=editor).json()["items"][0]["field"] == "title"


def test_the_staff_list_redactions_and_removal_is_reviewed(archive: App, api: TestClient) -> None:
    _published(archive, api)
    url = f"/documents/{DOC}/redactions"
    words = {"kind": "text", "version": "en", "text": WORDS, "reason": "(b)(6)"}
    made = api.post(url, json=words, headers=_token(archive, "editor")).json()["redaction"]
    assert api.get(url).status_code == 401  # never for the public: its words are in it
    assert api.get(url, headers=_token(archive, "reader", "read")).status_code == 403
    listed = api.get(url, headers=_token(archive, "editor", "read"))
    assert listed.status_code == 200 and listed.json()["items"] == [made]
    assert listed.headers["cache-control"].startswith("private")
    ask, lift = f"{url}/{made['id']}/request-removal", f"{url}/{made['id']}/approve-removal"
    assert api.post(lift, json={}, headers=_token(archive, "reviewer")).status_code == 409
    assert api.post(ask, json={}, headers=_token(archive, "editor", "read")).status_code == 403
    asked = api.post(ask, json={"comment": "released in full"}, headers=_token(archive, "reviewer"))
    assert asked.status_code == 200 and asked.json()["state"] == "removal-requested"
    assert WORDS not in api.get(f"/documents/{DOC}/texts/{made['version']}").text  # in force
    assert api.post(lift, json={}, headers=_token(archive, "editor")).status_code == 403
    own = api.post(lift, json={}, headers=_token(archive, "reviewer"))
    assert own.status_code == 409 and "four eyes" in own.json()["error"]
    lifted = api.post(lift, json={}, headers=_token(archive, "reviewer2"))
    assert lifted.status_code == 200 and lifted.json()["state"] == "removed"
    assert WORDS in api.get(f"/documents/{DOC}/texts/{made['version']}").text
    assert api.post(f"{url}/99999/request-removal", json={}, headers=_token(archive, "editor")
                    ).status_code == 409
    assert [e["via"] for e in _audited(archive, "redaction-removal-requested")
            + _audited(archive, "redaction-removed")] == ["api", "api"]


def test_a_box_on_a_scan_is_burned_in_and_the_original_leaves_the_public(tmp_path: Path) -> None:
    scans = _archive(tmp_path)
    try:
        scans.accounts.add_user("boxer@example.org", "editor", None)
        headers = {"Authorization": f"Bearer {scans.tokens.create('boxer@example.org', 'write')[1]}"}
        site, sha = TestClient(create_app(scans)), _original(scans, "letter01")
        assert site.get(f"/files/{sha}/letter.pdf").status_code == 200
        box = {"kind": "box", "page": 1, "box": "pct:10,10,20,5", "reason": "(b)(1)"}
        made = site.post("/api/v1/documents/letter01/redactions", json=box, headers=headers)
        assert made.status_code == 201, made.text
        assert (made.json()["redaction"]["scan"], made.json()["redaction"]["page"]) == (sha, 1)
        assert site.get(f"/files/{sha}/letter.pdf").status_code == 404
        assert sha not in site.get("/api/v1/documents/letter01").text
        off = site.post("/api/v1/documents/letter01/redactions", headers=headers,
                        json={**box, "page": 3})
        assert off.status_code == 400 and "no page 3" in off.json()["error"]
    finally:
        scans.catalogue.dispose()


def test_the_field_names_are_the_redactable_fields() -> None:
    """The API's schema names exactly the fields the service redacts."""
    assert set(get_args(FieldName)) == set(REDACTABLE_FIELDS)
