"""Caching anonymous pages in a shared cache (web/page_cache.py, http/cache_purge.py) on a
FRUS volume: who may have an answer kept, the purge the workspace's withdrawals, redactions and
purges send, and Debian's nginx in front of the served archive keeping and dropping a page."""

from __future__ import annotations

import http.server
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.domain.publication import Actor
from chancery.domain.workflow import Acting, Step
from chancery.http.addresses import collection_url, doc_url
from chancery.services import search
from chancery.services.clock import today
from chancery.services.imports import import_paths
from chancery.services.redacting import Wanted
from chancery.web.server import create_app
from chancery.web.views.citations import settle
from tests.conftest import CORPUS, need
from tests.nginx import PURGE_MODULE, has_nginx, main_config, running
from tests.serving import free_port, served

VOLUME = CORPUS / "frus" / "core" / "frus1961-63v06.xml"  # the smallest core volume (1.4 MB)
SOURCE = "frus1961-63v06/d5"
PASSWORD = "a long enough passphrase"
SHARED = "public, max-age=0, s-maxage=60"


@contextmanager
def purge_endpoint() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """A small HTTP server that records every request: (method, path)."""
    seen: list[tuple[str, str]] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_PURGE(self) -> None:
            seen.append((self.command, self.path))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def archive(folder: Path, **settings: str) -> App:
    """The volume imported (published, as FRUS is), indexed, with a reviewer."""
    need(VOLUME.is_file(), f"FRUS volume not found at {VOLUME}")
    app = build_app(load_settings(data=str(folder / "data"), database_url="", **settings))
    assert not import_paths([VOLUME], app.import_context()).failed
    search.refresh_index(app.catalogue, app.index)
    app.accounts.add_user("rev@example.org", "reviewer", PASSWORD)
    return app


def page_of(app: App) -> tuple[str, str]:
    """(public id, canonical address) of the document the tests take away, its citations
    made (a page still waiting for them is not kept: web/views/documents.py)."""
    stored = app.catalogue.get_document(SOURCE, Actor.PUBLIC, today())
    assert stored is not None
    page = doc_url(stored.document.public_id, stored.document.title)
    TestClient(create_app(app)).get(page)
    settle()
    return stored.document.public_id, page


def log_in(client: TestClient) -> None:
    found = client.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
    answer = client.post("/login", data={"csrf": found, "email": "rev@example.org",
                                         "password": PASSWORD, "next": "/workspace"})
    assert answer.status_code == 303, answer.text[:300]


@pytest.fixture(scope="module")
def frus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    app = archive(tmp_path_factory.mktemp("cache"))
    yield app
    app.close()


def test_anonymous_pages_and_api_reads_may_be_kept_by_a_shared_cache(frus: App) -> None:
    """Document, search, home and API answers: public for a shared cache, asked again by
    browsers; a 304 says the same."""
    public_id, page = page_of(frus)
    client = TestClient(create_app(frus), follow_redirects=False)
    for address in (page, "/", "/search?q=Vienna", f"/api/v1/documents/{public_id}"):
        answer = client.get(address)
        assert answer.status_code == 200 and answer.headers["cache-control"] == SHARED, address
    again = client.get(page, headers={"If-None-Match": client.get(page).headers["etag"]})
    assert again.status_code == 304 and again.headers["cache-control"] == SHARED
    # the copy a cache keeps from a request without an Origin serves other sites' scripts
    # too (nginx ignores Vary: it lacked the CORS headers, found by a hostile test)
    for address in (f"/api/v1/documents/{public_id}", "/api/v1/search?q=Vienna"):
        plain = client.get(address)
        assert plain.headers["access-control-allow-origin"] == "*", address
        assert "ETag" in plain.headers["access-control-expose-headers"]
    cors = client.get(f"/api/v1/documents/{public_id}", headers={"Origin": "https://x.example"})
    assert cors.headers["access-control-allow-origin"] == "*"
    # the page under a percent-encoded alias of its address is a redirect, never the page
    # kept under a key the purge cannot name (a hostile test: served for the window)
    alias = page.replace("-", "%2D", 1)
    assert alias != page
    moved = client.get(alias)
    assert moved.status_code == 301 and moved.headers["location"] == page


def test_the_workspace_logins_health_and_anyone_with_credentials_are_never_shared(
        frus: App) -> None:
    """Login, health and the workspace stay no-store; a session, the chancery_lsn cookie or
    a token makes even a public page private."""
    _, page = page_of(frus)
    client = TestClient(create_app(frus), follow_redirects=False)
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert client.get("/healthz").headers["cache-control"] == "no-store"
    for credentials in ({"Cookie": "chancery_session=abc"}, {"Cookie": "chancery_lsn=0/16B3F30"},
                        {"Authorization": "Bearer not-a-token"}):
        control = client.get(page, headers=credentials).headers["cache-control"]
        assert control.startswith("private") and "public" not in control, credentials
    log_in(client)
    for address in ("/workspace", page):
        control = client.get(address).headers["cache-control"]
        assert "public" not in control and ("private" in control or "no-store" in control)


def test_no_shared_caching_when_the_setting_is_zero(tmp_path: Path) -> None:
    """cache_max_age=0: pages are no-cache, as for an archive without a cache."""
    app = archive(tmp_path, cache_max_age="0")
    try:
        _, page = page_of(app)
        answer = TestClient(create_app(app)).get(page)
        assert answer.headers["cache-control"] == "no-cache"
    finally:
        app.close()


def test_a_withdrawal_in_the_workspace_purges_the_documents_pages(tmp_path: Path) -> None:
    """The workspace's withdraw button sends PURGE for the page, its API reads, the home page
    and its collection; a redaction of the title purges the old slug and the new; a purge
    (the document gone) still names its last address."""
    with purge_endpoint() as (endpoint, seen):
        app = archive(tmp_path, cache_purge_urls=endpoint)
        try:
            public_id, page = page_of(app)
            client = TestClient(create_app(app), follow_redirects=False)
            log_in(client)
            form = client.get(f"/workspace/documents/{public_id}").text
            csrf = form.split('name="csrf" value="')[1].split('"')[0]
            done = client.post(f"/workspace/documents/{public_id}/withdraw",
                               data={"csrf": csrf, "comment": "takedown request"})
            assert done.status_code == 303, done.text[:300]
            assert app.page_purge.purger.wait()
            purged = {path for method, path in seen if method == "PURGE"}
            assert {page, f"/documents/{public_id}", f"/api/v1/documents/{public_id}", "/",
                    f"/embed/documents/{public_id}"} <= purged
            assert any(p.startswith("/collections/") for p in purged)
            stored = app.catalogue.get_document(public_id, Actor.EDITOR, today())
            assert stored is not None and stored.document.texts
            # each text the API serves whole (found kept by a hostile test)
            assert {f"/api/v1/documents/{public_id}/texts/{t.version_key}"
                    for t in stored.document.texts} <= purged
        finally:
            app.close()


def test_a_title_redaction_and_a_purge_name_the_addresses_the_public_had(tmp_path: Path) -> None:
    """The redacted title gives the page a new slug: the old one is purged too; after a
    purge the document is gone from the catalogue and its page is still purged."""
    with purge_endpoint() as (endpoint, seen):
        app = archive(tmp_path, cache_purge_urls=endpoint)
        try:
            public_id, page = page_of(app)
            title = app.catalogue.get_document(public_id, Actor.EDITOR, today())
            assert title is not None
            word = title.document.title.split()[0]
            app.redacting.redact(public_id, Wanted("privacy", text=word, field="title"),
                                 app.accounts.acting("rev@example.org"))
            assert app.page_purge.purger.wait()
            _, redacted = page_of(app)
            assert redacted != page and {page, redacted} <= {p for _, p in seen}
            seen.clear()
            stored = app.catalogue.get_document(public_id, Actor.EDITOR, today())
            assert stored is not None
            collections = {collection_url(c.collection_key) for c in stored.document.collections}
            texts = {f"/api/v1/documents/{public_id}/texts/{t.version_key}"
                     for t in stored.document.texts}
            app.purging.purge([public_id], "court order 2026-17", Acting.operator())
            assert app.page_purge.purger.wait()
            purged = {p for _, p in seen}
            # the collections' pages and the texts too, read before the document went
            # (a hostile test found the collection pages kept for the window)
            assert page in purged and collections and collections | texts <= purged
        finally:
            app.close()


def test_a_cache_that_does_not_answer_never_holds_up_the_workspace(tmp_path: Path) -> None:
    """A purge address nobody listens on: the withdrawal returns at once, the failure is
    logged in the background."""
    app = archive(tmp_path, cache_purge_urls=f"http://127.0.0.1:{free_port()}")
    try:
        public_id, _ = page_of(app)
        started = time.monotonic()
        app.publishing.take_step([public_id], Step.WITHDRAW, Acting.operator())
        assert time.monotonic() - started < 1.0
        assert app.page_purge.purger.wait()
    finally:
        app.close()


def _nginx_site(folder: Path, port: int, upstream: str) -> str:
    """The cache of docs/deployment.md ("Caching anonymous pages"), on loopback."""
    return f"""
  proxy_cache_path {folder}/cache levels=1:2 keys_zone=chancery:10m max_size=1g inactive=10m
                   use_temp_path=off;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass {upstream};
      proxy_set_header Host $host;
      proxy_cache chancery;
      proxy_cache_key $request_uri;
      proxy_ignore_headers Vary;
      proxy_cache_bypass $cookie_chancery_session $cookie_chancery_lsn $http_authorization;
      proxy_no_cache $cookie_chancery_session $cookie_chancery_lsn $http_authorization;
      add_header X-Cache-Status $upstream_cache_status always;
    }}
    location ~ ^/purge(/.*) {{
      allow 127.0.0.1;
      deny all;
      proxy_cache_purge chancery $1$is_args$args;
    }}
  }}"""


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """(status, X-Cache-Status) of a GET, errors included."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=10) as answer:
            return answer.status, answer.headers.get("X-Cache-Status", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("X-Cache-Status", "")


@contextmanager
def behind_nginx(folder: Path, purge: bool = True, **settings: str) -> Iterator[tuple[App, str]]:
    """The archive served on loopback with nginx in front; purges go to that nginx (or,
    ``purge`` false, nowhere: a cache without the purge module)."""
    need(has_nginx() and PURGE_MODULE.is_file(),
         "nginx with its cache-purge module not installed (apt-get install nginx "
         "libnginx-mod-http-cache-purge)")
    port = free_port()
    if purge:
        settings["cache_purge_urls"] = f"http://127.0.0.1:{port}/purge"
    # readers reach the archive through nginx: its address is the public one
    app = archive(folder, public_url=f"http://127.0.0.1:{port}", **settings)
    try:
        with served(app) as upstream:
            config = main_config(folder / "nginx", _nginx_site(folder, port, upstream),
                                 (PURGE_MODULE,))
            with running(config, port) as base:
                yield app, base
    finally:
        app.close()


def test_nginx_keeps_a_page_and_drops_it_when_the_document_is_withdrawn(tmp_path: Path) -> None:
    """The second reader gets the page from nginx's cache; a session bypasses the cache;
    after a withdrawal (and its purge) the public gets the tombstone, not the kept page."""
    with behind_nginx(tmp_path) as (app, base):
        public_id, page = page_of(app)
        api = f"{base}/api/v1/documents/{public_id}"
        assert [_get(base + page)[1], _get(base + page)[1]] == ["MISS", "HIT"]
        assert [_get(api)[1], _get(api)[1]] == ["MISS", "HIT"]
        assert _get(base + page, {"Cookie": "chancery_session=x"})[1] == "BYPASS"
        app.publishing.take_step([public_id], Step.WITHDRAW, Acting.operator())
        assert app.page_purge.purger.wait()
        assert _get(base + page)[0] == 410
        assert _get(api)[0] == 404


def test_without_a_purge_nginx_serves_a_withdrawn_page_for_the_window_and_no_longer(
        tmp_path: Path) -> None:
    """The documented window: with no purge, the kept page outlives the withdrawal by at
    most cache_max_age (2 s here, and the second nginx rounds to), then the public gets the
    tombstone."""
    with behind_nginx(tmp_path, purge=False, cache_max_age="2") as (app, base):
        public_id, page = page_of(app)
        assert [_get(base + page)[1], _get(base + page)[1]] == ["MISS", "HIT"]
        app.publishing.take_step([public_id], Step.WITHDRAW, Acting.operator())
        assert _get(base + page) == (200, "HIT")  # inside the window
        time.sleep(3.1)  # nginx counts in whole seconds: a copy lives up to max-age + 1 s
        assert _get(base + page)[0] == 410
