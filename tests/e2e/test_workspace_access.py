"""The workspace over HTTP: login (CSRF-checked, throttled, saying the same thing whatever
the email), the session cookie's flags, logout and disabling ending a session server-side,
set-password links, and every /workspace route enumerated from the route table: anonymous →
login, wrong role → 403, a POST without the CSRF token → 403."""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.web.server import create_app
from chancery.web.workspace.dashboard import guarded_route
from chancery.web.workspace.routes import HideLinkTokens
from tests.e2e.test_routes import routes as walk
from tests.leaks.canary import build_archive

PASSWORD = "a long enough passphrase"
_clients = itertools.count(1)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The canary archive: it holds a draft, "Quokka telegram (draft)"."""
    app = build_archive(tmp_path_factory.mktemp("workspace"))
    yield app
    app.catalogue.dispose()


def _client(app: App) -> TestClient:
    """A browser of its own, from an address of its own (the throttle counts per address)."""
    return TestClient(create_app(app), follow_redirects=False,
                      client=(f"10.9.0.{next(_clients)}", 50000))


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def _account(app: App, role: str = "editor") -> str:
    email = f"user{next(_clients)}@example.org"
    app.accounts.add_user(email, "editor", PASSWORD)
    if role != "editor":
        app.accounts.set_role(email, role)
    return email


def _log_in(client: TestClient, email: str, password: str = PASSWORD,
            next_: str = "/workspace") -> Response:
    csrf = _csrf(client.get("/login").text)
    return client.post("/login", data={"csrf": csrf, "email": email, "password": password,
                                       "next": next_})


def test_login_form_works_without_script_and_is_never_cached(archive: App) -> None:
    """A plain form with a hidden CSRF field, a strict form cookie, no-store."""
    answer = _client(archive).get("/login")
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    assert '<form method="post" action="/login"' in answer.text and _csrf(answer.text)
    cookie = answer.headers["set-cookie"].lower()
    assert "chancery_form=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "<script>" not in answer.text


def test_login_sets_a_session_cookie_and_opens_the_workspace(archive: App) -> None:
    """A right login: 303 to where the reader was going, an HttpOnly, SameSite=Lax cookie
    for the whole site (not Secure on http); the dashboard names the account and links to
    all the archive's drafts (the imported draft is no one's own), with a logout button
    carrying the CSRF token."""
    client, email = _client(archive), _account(archive)
    answer = _log_in(client, email.upper())
    assert answer.status_code == 303 and answer.headers["location"] == "/workspace"
    cookie = answer.headers["set-cookie"].lower()
    assert "chancery_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "path=/" in cookie and "secure" not in cookie
    page = client.get("/workspace")
    assert page.status_code == 200 and email in page.text
    assert 'href="/workspace/search?f=state:draft"' in page.text
    drafts = client.get("/workspace/search?f=state:draft").text
    assert "Quokka telegram (draft)" in drafts
    assert "Memorandum 1 on Berlin" not in drafts  # published: not a draft
    assert 'action="/logout"' in page.text and _csrf(page.text)
    assert page.headers["cache-control"] == "no-store"


def test_the_cookie_is_secure_when_the_archive_is_on_https(archive: App) -> None:
    """With an https public address the session cookie is Secure."""
    secure = replace(archive, settings=replace(archive.settings,
                                               public_url="https://archive.example.org"))
    client = TestClient(create_app(secure), base_url="https://testserver", follow_redirects=False,
                        client=("10.9.1.1", 50000))
    answer = _log_in(client, _account(archive))
    assert answer.status_code == 303 and "secure" in answer.headers["set-cookie"].lower()


def test_logout_and_disabling_end_the_session_server_side(archive: App) -> None:
    """Logout needs the CSRF token; after it, or after the account is disabled, the same
    cookie no longer opens the workspace."""
    client, email = _client(archive), _account(archive)
    _log_in(client, email)
    cookie = client.cookies.get("chancery_session")
    assert client.post("/logout", data={}).status_code == 403
    assert client.get("/workspace").status_code == 200  # still logged in
    csrf = _csrf(client.get("/workspace").text)
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    replay = _client(archive)
    replay.cookies.set("chancery_session", cookie or "")
    assert replay.get("/workspace").status_code == 303
    _log_in(client, email)
    archive.accounts.set_disabled(email, True)
    assert client.get("/workspace").status_code == 303
    assert _log_in(client, email).status_code == 200  # refused, the form again


def test_a_reader_account_is_refused_the_workspace(archive: App) -> None:
    """An account with the reader role can log in but gets 403 in the workspace."""
    client = _client(archive)
    assert _log_in(client, _account(archive, "reader")).status_code == 303
    answer = client.get("/workspace")
    assert answer.status_code == 403 and "Quokka" not in answer.text


def test_failed_and_throttled_logins_say_the_same_whatever_the_email(archive: App) -> None:
    """A wrong password and an unknown email get the same page; the sixth try within 15
    minutes gets 429 with Retry-After, for a real account and an unknown one alike."""
    email = _account(archive)
    said = []
    for who in (email, "nobody-here@example.org"):
        client = _client(archive)
        answers = [_log_in(client, who, "wrong password") for _ in range(6)]
        assert [a.status_code for a in answers] == [200] * 5 + [429]
        assert int(answers[-1].headers["retry-after"]) > 800
        said.append([a.text.replace(who, "EMAIL") for a in (answers[0], answers[-1])])
    wrong = [re.sub(r'name="csrf" value="[^"]+"', "", s[0]) for s in said]
    throttled = [re.sub(r'name="csrf" value="[^"]+"', "", s[1]) for s in said]
    assert wrong[0] == wrong[1] and throttled[0] == throttled[1]
    assert "not right" in wrong[0] and "Too many failed attempts" in throttled[0]


def test_forms_without_their_csrf_token_are_refused(archive: App) -> None:
    """Login, logout and set-password posted without the token, or with a wrong one, get 403."""
    client = _client(archive)
    client.get("/login")
    for data in ({}, {"csrf": "forged"}):
        assert client.post("/login", data={**data, "email": "a@b.org", "password": "x"}).status_code == 403
        assert client.post("/logout", data=data).status_code == 403
        assert client.post("/set-password/whatever", data={**data, "password": "x",
                                                           "again": "x"}).status_code == 403


def test_login_goes_back_only_to_this_site(archive: App) -> None:
    """?next= to another site (//evil.example, https://…) lands on /workspace instead."""
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        answer = _log_in(_client(archive), _account(archive), next_=target)
        assert answer.headers["location"] == "/workspace", target


def test_a_set_password_link_works_once(archive: App) -> None:
    """The link's page names the account; the two passwords must agree and be long enough;
    after use the link answers 404; the page sends no Referer."""
    email = f"link{next(_clients)}@example.org"
    _, token = archive.accounts.add_user(email, "reviewer", None)
    client = _client(archive)
    form = client.get(f"/set-password/{token}")
    assert form.status_code == 200 and email in form.text
    assert form.headers["referrer-policy"] == "no-referrer"
    csrf = _csrf(form.text)
    mismatch = client.post(f"/set-password/{token}", data={"csrf": csrf, "password": PASSWORD,
                                                          "again": PASSWORD + "x"})
    assert mismatch.status_code == 400 and "not the same" in mismatch.text
    short = client.post(f"/set-password/{token}", data={"csrf": csrf, "password": "short",
                                                       "again": "short"})
    assert short.status_code == 400 and "at least 10" in short.text
    done = client.post(f"/set-password/{token}", data={"csrf": csrf, "password": PASSWORD,
                                                      "again": PASSWORD})
    assert done.status_code == 303 and done.headers["location"] == "/login?done=password"
    assert client.get(f"/set-password/{token}").status_code == 404
    assert _log_in(client, email).status_code == 303


def _workspace_routes(app: App) -> list[tuple[str, set[str]]]:
    found = [(path, methods) for path, methods, _ in walk(create_app(app).routes)]
    return [(p, m) for p, m in found if p == "/workspace" or p.startswith("/workspace/")]


def test_every_workspace_route_needs_a_login(archive: App) -> None:
    """Each route under /workspace in the app's route table, by each of its methods: no
    session → 303 to /login?next=…; a reader account → 403."""
    listed = _workspace_routes(archive)
    assert {("/workspace", frozenset({"GET"})), ("/workspace/documents/{public_id}",
                                                 frozenset({"GET"})),
            ("/workspace/documents/{public_id}/{action}", frozenset({"POST"})),
            ("/workspace/authorities", frozenset({"GET"})),
            ("/workspace/authorities/{kind}/{slug}", frozenset({"GET"})),
            ("/workspace/authorities/{kind}/{slug}", frozenset({"POST"})),
            ("/workspace/authorities/{kind}/{slug}/names", frozenset({"POST"})),
            ("/workspace/authorities/{kind}/{slug}/names/remove", frozenset({"POST"})),
            ("/workspace/authorities/{kind}/{slug}/merge", frozenset({"POST"})),
            ("/workspace/authorities/{kind}/{slug}/split", frozenset({"POST"})),
            ("/workspace/collections", frozenset({"GET"})),
            ("/workspace/collections", frozenset({"POST"})),
            ("/workspace/collections/{key:path}", frozenset({"GET"})),
            ("/workspace/collections/{key:path}", frozenset({"POST"})),
            ("/workspace/search", frozenset({"GET"})),
            ("/workspace/search/bulk", frozenset({"POST"})),
            ("/workspace/audit", frozenset({"GET"})),
            ("/workspace/jobs", frozenset({"GET"})),
            ("/workspace/jobs/retry", frozenset({"POST"})),
            ("/workspace/files/{sha256}/{filename}", frozenset({"GET"})),
            ("/workspace/redactions/{public_id}", frozenset({"POST"})),
            ("/workspace/redactions/{public_id}/{redaction_id}/{action}",
             frozenset({"POST"})),
            ("/workspace/documents/{public_id}/purge", frozenset({"POST"})),
            ("/workspace/documents/{public_id}/history", frozenset({"GET"})),
            ("/workspace/documents/{public_id}/revert", frozenset({"POST"})),
            ("/workspace/documents/new", frozenset({"GET"})),
            ("/workspace/documents/new", frozenset({"POST"})),
            ("/workspace/documents/{public_id}/edit", frozenset({"GET"})),
            ("/workspace/documents/{public_id}/edit", frozenset({"POST"})),
            ("/workspace/lookup/authorities", frozenset({"GET"})),
            ("/workspace/lookup/documents", frozenset({"GET"})),
            ("/workspace/documents/{public_id}/suggestions", frozenset({"GET"})),
            ("/workspace/documents/{public_id}/suggestions", frozenset({"POST"})),
            ("/workspace/documents/{public_id}/transcription", frozenset({"GET"})),
            ("/workspace/documents/{public_id}/transcription", frozenset({"POST"})),
            ("/workspace/scans/{sha256}/{page}-{width}.png", frozenset({"GET"}))} <= {
        (p, frozenset(m)) for p, m in listed}
    reader = _client(archive)
    _log_in(reader, _account(archive, "reader"))
    for path, methods in listed:
        url = re.sub(r"{[^}]+}", "1", path)
        for method in methods - {"HEAD"}:
            answer = _client(archive).request(method, url)
            assert answer.status_code == 303, (method, url)
            assert answer.headers["location"].startswith("/login?next=%2Fworkspace"), url
            assert reader.request(method, url).status_code == 403, (method, url)


def test_every_post_of_the_site_checks_csrf(archive: App) -> None:
    """Every route of the site that takes POST (the API and OAI-PMH's read-only POST aside)
    refuses a logged-in browser's POST without the token: 403."""
    client = _client(archive)
    _log_in(client, _account(archive))
    posting = [p for p, m, _ in walk(create_app(archive).routes)
               if "POST" in m and p != "/oai" and not p.startswith("/api/")]
    assert {"/login", "/logout", "/set-password/{token}"} <= set(posting)
    for path in posting:
        url = re.sub(r"{[^}]+}", "1", path)
        assert client.post(url, data={"csrf": "forged"}).status_code == 403, url


def test_the_workspace_guard_checks_csrf_before_any_post_handler(archive: App) -> None:
    """A POST route made with the workspace's route class never runs without the session's
    token (a probe route; the document pages' forms are checked by the walk above)."""
    ran = []
    router = APIRouter(route_class=guarded_route(archive))

    @router.post("/workspace/probe")
    async def probe(request: Request) -> Response:
        ran.append(request.method)
        return PlainTextResponse("ran")

    web = FastAPI()
    web.include_router(create_app(archive).router)
    web.include_router(router)
    client = TestClient(web, follow_redirects=False, client=("10.9.2.1", 50000))
    assert client.post("/workspace/probe").status_code == 303
    _log_in(client, _account(archive))
    assert client.post("/workspace/probe", data={"csrf": "forged"}).status_code == 403
    assert ran == []
    csrf = _csrf(client.get("/workspace").text)
    assert client.post("/workspace/probe", data={"csrf": csrf}).text == "ran"


def test_the_access_log_never_holds_a_link_token() -> None:
    """uvicorn's request line for /set-password/TOKEN is logged without the token."""
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1,
                               '%s - "%s %s HTTP/%s" %d',
                               ("1.2.3.4:5", "GET", "/set-password/s3cr3t-t0ken?x=1", "1.1", 200),
                               None)
    HideLinkTokens().filter(record)
    assert "s3cr3t" not in record.getMessage() and "/set-password/" in record.getMessage()


def test_pages_link_to_no_inline_script(tmp_path: Path, archive: App) -> None:
    """Login, set-password, the dashboard and a document's page run no inline script (the
    CSP forbids it)."""
    client = _client(archive)
    _, token = archive.accounts.add_user(f"s{next(_clients)}@example.org", "editor", None)
    pages = [client.get("/login").text, client.get(f"/set-password/{token}").text]
    _log_in(client, _account(archive, "reviewer"))
    pages.append(client.get("/workspace").text)
    linked = re.search(r'href="(/workspace/documents/[^"]+)"', pages[-1])
    assert linked, "the dashboard links its drafts to their pages"
    pages.append(client.get(linked.group(1)).text)
    for html in pages:
        for attributes in re.findall(r"<script\b([^>]*)>", html):
            assert "src=" in attributes
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html)


def test_the_editors_multipart_forms_check_csrf_before_storing_a_file(archive: App) -> None:
    """The editor's forms are multipart (they carry scans): posted without the session's
    token, or with a forged one, they get 403 and the file is not kept."""
    client = _client(archive)
    _log_in(client, _account(archive))
    scan = b"%PDF-1.4 a forged upload " + bytes(next(_clients) % 256 for _ in range(3))
    for url in ("/workspace/documents/new", "/workspace/documents/1/edit"):
        for data in ({}, {"csrf": "forged"}):
            answer = client.post(url, data={**data, "title": "Forged"},
                                 files=[("scans", ("forged.pdf", scan, "application/pdf"))])
            assert answer.status_code == 403, url
    assert not archive.blobs.exists(hashlib.sha256(scan).hexdigest())
