"""/api/v1 with bearer tokens, on SQLite and PostgreSQL: a read token reads as its account (an
editor's sees drafts), a write token takes workflow steps and sets embargoes as its role
allows, and every other request is refused with 401 or 403 saying why. Revocation and a
disabled owner hold at the next request; the changes are audited and no token is logged."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain import clock
from chancery.domain.tokens import PREFIX
from chancery.web.server import create_app
from tests.editorial import DOCS, WORD, import_bundle

DOC, OTHER = DOCS[0], DOCS[1]
ROLES = ("editor", "reviewer", "admin", "reader")
ACTIONS = ("submit", "publish", "withdraw", "reinstate", "request-changes", "embargo")
# what each role may do (docs/security.md), written out rather than read from the code
MAY = {"editor": {"submit"}, "reviewer": set(ACTIONS), "admin": set(ACTIONS), "reader": set()}


@pytest.fixture
def archive(app: App, tmp_path: Path) -> App:
    """Three drafts carrying WORD, and an account per role (a second reviewer for four eyes)."""
    import_bundle(app, tmp_path / "bundle")
    for role in (*ROLES, "reviewer2"):
        app.accounts.add_user(f"{role}@example.org", role.rstrip("2").replace("reader", "editor"),
                              None)
    app.accounts.set_role("reader@example.org", "reader")  # an editor whose rights were taken
    return app


def _token(app: App, role: str, scope: str = "write") -> dict[str, str]:
    if role == "reader":  # a token is made only for staff; the role is taken away after
        app.accounts.set_role("reader@example.org", "editor")
        _, secret = app.tokens.create("reader@example.org", scope)
        app.accounts.set_role("reader@example.org", "reader")
    else:
        _, secret = app.tokens.create(f"{role}@example.org", scope)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api(archive: App) -> TestClient:
    return TestClient(create_app(archive), base_url="http://testserver/api/v1")


def _post(api: TestClient, action: str, headers: dict[str, str], doc: str = DOC,
          comment: str = "checked") -> tuple[int, dict[str, object]]:
    if action == "embargo":
        day = (clock.today() + timedelta(days=30)).isoformat()
        answer = api.post(f"/documents/{doc}/embargo", json={"until": day}, headers=headers)
    else:
        answer = api.post(f"/documents/{doc}/state", json={"action": action, "comment": comment},
                          headers=headers)
    return answer.status_code, answer.json()


def test_a_read_token_reads_as_its_account_and_anonymous_as_the_public(
        archive: App, api: TestClient) -> None:
    """An editor's read token sees drafts in documents, search and lists; without a token the
    same addresses show nothing of them; an answer read with a token is private to it."""
    editor = _token(archive, "editor", "read")
    assert api.get(f"/documents/{DOC}").status_code == 404
    seen = api.get(f"/documents/{DOC}", headers=editor)
    assert seen.status_code == 200 and WORD in seen.json()["title"]
    assert seen.headers["cache-control"] == "private, no-cache"
    assert "authorization" in seen.headers["vary"].lower()
    assert api.get("/search", params={"q": WORD}).json()["total"] == 0
    assert api.get("/search", params={"q": WORD}, headers=editor).json()["total"] == 3
    assert api.get("/collections/okapi-papers").status_code == 404
    assert api.get("/collections/okapi-papers", headers=editor).status_code == 200
    public = api.get("/documents")
    # the public's answer may be kept by a shared cache (web/page_cache.py), a token's never
    assert public.headers["cache-control"].startswith("public,") and public.json()["total"] == 0


def test_a_token_of_an_account_without_editorial_rights_reads_as_the_public(
        archive: App, api: TestClient) -> None:
    """A token whose account was made a reader sees what the public sees, no more."""
    assert api.get(f"/documents/{DOC}", headers=_token(archive, "reader", "read")).status_code == 404


def test_a_bad_token_is_refused_not_read_as_the_public(archive: App, api: TestClient) -> None:
    """An unknown bearer token, or one without a value, gets 401 with a Bearer challenge on
    every route; a Basic login (a proxy's) is not ours and reads as the public."""
    for header in (f"Bearer {PREFIX}not-a-token", "Bearer", "bearer  "):
        for url in ("/documents", f"/documents/{DOC}", "/search?q=x", "/people"):
            answer = api.get(url, headers={"Authorization": header})
            assert answer.status_code == 401, (header, url)
            assert answer.headers["www-authenticate"].startswith("Bearer")
            assert "error" in answer.json()
    assert api.get("/documents", headers={"Authorization": "Basic YTpi"}).status_code == 200


def test_write_routes_need_a_working_write_token(archive: App, api: TestClient) -> None:
    """No token or a bad one: 401 with a challenge; a read token: 403; nothing changes."""
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic YTpi"}):
        for action in ("submit", "embargo"):
            code, body = _post(api, action, headers)
            assert code == 401 and "token" in str(body["error"]), (headers, action)
    answer = api.post(f"/documents/{DOC}/state", json={"action": "submit"})
    assert answer.headers["www-authenticate"].startswith("Bearer")
    for action in ("submit", "embargo"):
        code, body = _post(api, action, _token(archive, "admin", "read"))
        assert code == 403 and "only read" in str(body["error"])
    assert archive.publishing.history(DOC).publication.state.value == "draft"  # type: ignore[union-attr]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_take_exactly_its_steps(archive: App, api: TestClient, role: str) -> None:
    """The role × action matrix: a step the role may not take is 403 whatever the document's
    state; one it may take is never 403 (200, or 409 when the state does not allow it)."""
    headers = _token(archive, role)
    for action in ACTIONS:
        code, body = _post(api, action, headers)
        if action in MAY[role]:
            assert code in (200, 409), (role, action, body)
        else:
            assert code == 403, (role, action, body)


def test_the_workflow_through_the_api_with_four_eyes(archive: App, api: TestClient) -> None:
    """An editor submits, the editor may not publish, a reviewer who submitted may not
    publish it either, another reviewer does; the public's API and search then show it, and
    a withdrawal takes it away from both at once."""
    editor, rex, ria = (_token(archive, r) for r in ("editor", "reviewer", "reviewer2"))
    assert _post(api, "submit", editor) == (200, {"public_id": DOC, "state": "in-review",
                                                  "embargo_until": None})
    assert _post(api, "publish", editor)[0] == 403
    assert _post(api, "submit", rex, doc=OTHER)[0] == 200
    code, body = _post(api, "publish", rex, doc=OTHER)
    assert code == 409 and "four eyes" in str(body["error"])
    assert _post(api, "publish", rex)[1]["state"] == "published"
    assert _post(api, "publish", ria, doc=OTHER)[0] == 200
    assert api.get(f"/documents/{DOC}").status_code == 200
    assert api.get("/search", params={"q": WORD}).json()["total"] == 2
    assert _post(api, "withdraw", ria, comment="rights holder objected")[1]["state"] == "withdrawn"
    assert api.get(f"/documents/{DOC}").status_code == 404
    assert api.get("/search", params={"q": WORD}).json()["total"] == 1


def test_embargoes_through_the_api(archive: App, api: TestClient) -> None:
    """A reviewer embargoes a published document (the public loses it at once) and lifts
    the embargo (the public has it again); a past day or the same day twice is 409."""
    editor, rex, ria = (_token(archive, r) for r in ("editor", "reviewer", "reviewer2"))
    _post(api, "submit", editor)
    _post(api, "publish", rex)
    code, body = _post(api, "embargo", ria)
    assert code == 200 and body["embargo_until"] == (clock.today() + timedelta(days=30)).isoformat()
    assert api.get(f"/documents/{DOC}").status_code == 404
    assert _post(api, "embargo", ria)[0] == 409
    past = (clock.today() - timedelta(days=1)).isoformat()
    answer = api.post(f"/documents/{DOC}/embargo", json={"until": past}, headers=ria)
    assert answer.status_code == 409 and "not in the future" in answer.json()["error"]
    lifted = api.post(f"/documents/{DOC}/embargo", json={"until": None}, headers=ria)
    assert lifted.status_code == 200 and lifted.json()["embargo_until"] is None
    assert api.get(f"/documents/{DOC}").status_code == 200


def test_bad_write_requests_get_a_clear_answer(archive: App, api: TestClient) -> None:
    """An unknown document 404, an unknown action or a date that is not one 422, a missing
    comment where one is needed 409, malformed JSON 4xx; never a 500."""
    rex = _token(archive, "reviewer")
    assert _post(api, "submit", rex, doc="no-such-doc")[0] == 404
    for body in ({"action": "approve"}, {}, {"action": "submit", "comment": "x" * 2001}):
        assert api.post(f"/documents/{DOC}/state", json=body, headers=rex).status_code == 422
    for until in ("next week", "2027-02-30", 5):
        answer = api.post(f"/documents/{DOC}/embargo", json={"until": until}, headers=rex)
        assert answer.status_code == 422, until
    assert api.post(f"/documents/{DOC}/embargo", json={}, headers=rex).status_code == 422
    _post(api, "submit", _token(archive, "editor"))
    code, body = _post(api, "request-changes", rex, comment=" ")
    assert code == 409 and "comment" in str(body["error"])
    broken = api.post(f"/documents/{DOC}/state", content=b"{not json", headers={
        **rex, "Content-Type": "application/json"})
    assert 400 <= broken.status_code < 500


def test_revoking_or_disabling_refuses_the_next_request(archive: App, api: TestClient) -> None:
    """A revoked token, and the token of a disabled account, get 401 on their very next
    request, reading or writing."""
    made, secret = archive.tokens.create("editor@example.org", "write")
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get(f"/documents/{DOC}", headers=headers).status_code == 200
    archive.tokens.revoke(made.id)
    assert api.get(f"/documents/{DOC}", headers=headers).status_code == 401
    assert _post(api, "submit", headers)[0] == 401
    other = _token(archive, "editor")
    assert api.get(f"/documents/{DOC}", headers=other).status_code == 200
    archive.accounts.set_disabled("editor@example.org", True)
    assert api.get(f"/documents/{DOC}", headers=other).status_code == 401
    assert _post(api, "submit", other)[0] == 401


def test_api_changes_are_audited_and_no_token_is_logged(
        archive: App, api: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    """Each change through the API is in the audit log once, as its account, with the token's
    id and "via api" (it was written twice: by the token layer and by the workflow); the token
    is in no log line, audit entry or answer."""
    caplog.set_level(logging.DEBUG)
    made, secret = archive.tokens.create("editor@example.org", "write", "script")
    headers = {"Authorization": f"Bearer {secret}"}
    before = len(archive.accounts.audit())
    answers = [api.post(f"/documents/{DOC}/state", json={"action": "submit", "comment": "ok"},
                        headers=headers),
               api.get(f"/documents/{DOC}", headers={"Authorization": f"Bearer {secret}x"})]
    (entry,) = archive.accounts.audit()[before:]
    assert (entry.actor, entry.action, entry.subject) == ("editor@example.org", "submit", DOC)
    assert entry.detail["via"] == "api" and entry.detail["token"] == made.id
    assert "ok" in str(entry.detail["summary"])
    written = caplog.text + repr(archive.accounts.audit()) + "".join(
        a.text + repr(a.headers) for a in answers)
    assert secret not in written and secret[len(PREFIX):] not in written


def test_the_schema_documents_the_bearer_scheme(api: TestClient) -> None:
    """OpenAPI names the bearer scheme: optional on every GET that anonymous reads as the
    public, required on the GETs for a token only (an editor's draft, the redactions), the
    POSTs and the PATCH, which document 401 and 403."""
    schema = api.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    posts = {path for path, ops in schema["paths"].items() if "post" in ops}
    redactions = "/documents/{public_id}/redactions"
    assert posts == {"/documents/{public_id}/state", "/documents/{public_id}/embargo",
                     "/documents", "/documents/{public_id}/changes/approve",
                     "/documents/{public_id}/changes/reject", redactions,
                     redactions + "/{redaction_id}/request-removal",
                     redactions + "/{redaction_id}/approve-removal"}
    assert {"401", "403", "404", "409", "412", "422", "428"} <= set(
        schema["paths"]["/documents/{public_id}"]["patch"]["responses"])
    token_gets = {"/documents/{public_id}/draft", redactions}
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            public = method == "get" and path not in token_gets
            assert op["security"] == ([{}, {"bearerToken": []}] if public
                                      else [{"bearerToken": []}]), (path, method)
            if method == "post":
                assert {"401", "403", "404", "409"} <= set(op["responses"])


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[App]:
    built = build_app(load_settings(data=str(tmp_path / "data"), database_url="",
                                    api_rate_limit="2"))
    built.accounts.add_user("ann@example.org", "editor", None)
    yield built
    built.catalogue.dispose()


def test_token_requests_keep_the_rate_limit(limited: App) -> None:
    """A token does not lift the API's rate limit: the third request a minute gets 429."""
    _, secret = limited.tokens.create("ann@example.org", "read")
    api = TestClient(create_app(limited), base_url="http://testserver/api/v1")
    headers = {"Authorization": f"Bearer {secret}"}
    codes = [api.get("/documents", headers=headers).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
