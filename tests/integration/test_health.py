"""/healthz, /readyz and /metrics on a real archive, who may read what, and the request ids
and JSON log lines every request gets."""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from chancery.bootstrap import App, build_app
from chancery.services import search
from chancery.web.request_log import JsonFormatter
from chancery.web.server import create_app
from tests.conftest import need
from tests.e2e.test_serving import SRC, _workers, serving
from tests.health_archive import (
    LOOPBACK,
    PUBLIC_CLIENT,
    add_documents,
    client,
    health_archive,
    write_bundle,
)

TOKEN = "s3cret-scrape-token"


@pytest.fixture
def archive(tmp_path: Path) -> App:
    return health_archive(tmp_path, metrics_token=TOKEN, trusted_proxies="10.0.0.2")


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape: (name, sorted labels) -> value."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _some_id(app: App) -> str:
    """A public document's id."""
    from chancery.domain.readers import Reader
    hits = app.search.documents("", per_page=1, reader=Reader.public()).results.hits
    return hits[0].public_id


def _break_catalogue(app: App) -> None:
    """The catalogue's file gone from under the server (a lost disk, a wrong mount)."""
    app.catalogue.dispose()
    catalogue = app.settings.data / "catalogue.sqlite3"
    catalogue.rename(catalogue.with_suffix(".gone"))
    catalogue.mkdir()  # SQLite cannot open a folder: every query fails


# /healthz ----------------------------------------------------------------------------------

def test_healthz_answers_ok_without_the_database(archive: App) -> None:
    """Alive is alive: ok even when the catalogue cannot be read (readyz says that)."""
    site = client(archive)
    _break_catalogue(archive)
    alive = site.get("/healthz")
    assert (alive.status_code, alive.text) == (200, "ok")
    assert alive.headers["cache-control"] == "no-store"
    ready = client(archive, LOOPBACK).get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"]["ok"] is False


# /readyz -----------------------------------------------------------------------------------

def test_readyz_is_ready_with_every_check_for_internal_readers(archive: App) -> None:
    """200; an internal address reads each check's figures, the public only the word."""
    public = client(archive).get("/readyz")
    assert (public.status_code, public.json()) == (200, {"status": "ready"})
    inside = client(archive, LOOPBACK).get("/readyz").json()
    checks = inside["checks"]
    assert inside["status"] == "ready" and set(checks) == {"database", "search_index", "jobs",
                                                          "disk"}
    assert all(c["ok"] for c in checks.values())
    assert checks["search_index"]["lag"] == 0
    assert checks["jobs"]["queued"] == 2  # the two documents' citations
    assert 0 < checks["disk"]["free_bytes"] <= shutil.disk_usage(archive.settings.data).total


def test_readyz_fails_on_too_little_disk(tmp_path: Path) -> None:
    """A data folder's disk with less free than ready_free_disk: 503, the disk check says so."""
    app = health_archive(tmp_path, ready_free_disk=str(10 ** 18))
    assert client(app).get("/readyz").json() == {"status": "not ready"}
    disk = client(app, LOOPBACK).get("/readyz").json()["checks"]["disk"]
    assert disk["ok"] is False and disk["min_free_bytes"] == 10 ** 18


def test_readyz_fails_when_the_index_lags_too_far_or_cannot_be_used(tmp_path: Path) -> None:
    """Lag beyond ready_index_lag is not ready, and back to ready once caught up; an index
    from another rebuild (or none) is not ready whatever the lag."""
    app = health_archive(tmp_path, ready_index_lag="1")
    add_documents(app, tmp_path, {"new00001": {}, "new00002": {}}, indexed=False)
    site = client(app, LOOPBACK)
    lagging = site.get("/readyz")
    assert lagging.status_code == 503
    assert lagging.json()["checks"]["search_index"]["lag"] >= 2
    search.refresh_index(app.catalogue, app.index)
    assert site.get("/readyz").status_code == 200
    app.catalogue.set_index_generation(app.catalogue.index_generation() + 1)
    unusable = site.get("/readyz").json()["checks"]["search_index"]
    assert unusable["ok"] is False and "reindex" in unusable["error"]


def test_readyz_fails_when_the_broker_does_not_answer(tmp_path: Path) -> None:
    """With a Celery broker set, a Redis that does not answer is not ready (jobs queued now
    would reach no worker); failed jobs alone never make a node unready."""
    app = _with_broker(health_archive(tmp_path), "redis://127.0.0.1:9/0")  # discard: no Redis
    jobs = client(app, LOOPBACK).get("/readyz").json()["checks"]["jobs"]
    assert jobs["ok"] is False and jobs["broker"]


def test_readyz_asks_a_running_redis(tmp_path: Path) -> None:
    url = os.environ.get("CHANCERY_TEST_REDIS_URL", "")
    need(bool(url), "CHANCERY_TEST_REDIS_URL is not set (a Redis for the broker check)")
    app = _with_broker(health_archive(tmp_path), url)
    jobs = client(app, LOOPBACK).get("/readyz").json()["checks"]["jobs"]
    assert jobs == {"ok": True, "queued": 2, "running": 0, "failed": 0, "broker": "answers"}


def _with_broker(app: App, url: str) -> App:
    """The same archive served with a Celery broker (its documents were queued without)."""
    return build_app(replace(app.settings, broker_url=url), migrate=False)


# who may read the details and /metrics ------------------------------------------------------

def test_metrics_answer_internal_addresses_and_the_token_only(archive: App) -> None:
    """Loopback, a network of internal_addresses, or the token: the metrics. Anyone else,
    a wrong token, a reader behind a trusted proxy: the site's own 404 page."""
    unknown = client(archive).get("/no-such-page")
    for address, headers in ((PUBLIC_CLIENT, {}), (PUBLIC_CLIENT, {"Authorization": "Bearer x"}),
                             (PUBLIC_CLIENT, {"Authorization": f"Basic {TOKEN}"}),
                             # the proxy is trusted, the reader it names is not internal
                             (("10.0.0.2", 1), {"X-Forwarded-For": "127.0.0.1, 198.51.100.7"}),
                             # a client naming itself loopback, not through a trusted proxy
                             (PUBLIC_CLIENT, {"X-Forwarded-For": "127.0.0.1"})):
        hidden = client(archive, address).get("/metrics", headers=headers)
        assert (hidden.status_code, hidden.text) == (404, unknown.text), (address, headers)
        assert client(archive, address).get("/readyz", headers=headers).json() == \
            {"status": "ready"}
    for address, headers in ((LOOPBACK, {}), (("::1", 1), {}),
                             (PUBLIC_CLIENT, {"Authorization": f"Bearer {TOKEN}"}),
                             (("10.0.0.2", 1), {"X-Forwarded-For": "127.0.0.1"})):
        shown = client(archive, address).get("/metrics", headers=headers)
        assert shown.status_code == 200 and "chancery_jobs" in shown.text, (address, headers)
        assert "checks" in client(archive, address).get("/readyz", headers=headers).json()


def test_a_proxys_own_forwarded_for_line_is_read_with_the_clients(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Found by a hostile test: HAProxy's `option forwardfor` adds its own X-Forwarded-For
    line after the one a client sent; reading the first line alone took the client's
    "127.0.0.1" for the proxy's word and showed it the metrics and the checks' figures."""
    app = health_archive(tmp_path, metrics_token=TOKEN, trusted_proxies="10.0.0.2",
                         log_format="json")
    proxy = client(app, ("10.0.0.2", 1))
    two_lines = [("X-Forwarded-For", "127.0.0.1"), ("X-Forwarded-For", "198.51.100.7")]
    unknown = proxy.get("/no-such-page")
    with caplog.at_level(logging.INFO, logger="chancery.access"):
        hidden = proxy.get("/metrics", headers=two_lines)
    assert (hidden.status_code, hidden.text) == (404, unknown.text)
    assert proxy.get("/readyz", headers=two_lines).json() == {"status": "ready"}
    line = [r for r in caplog.records if r.name == "chancery.access"][-1]
    assert line.client == "198.51.100.7"  # type: ignore[attr-defined]
    inside = [("X-Forwarded-For", "198.51.100.7"), ("X-Forwarded-For", "127.0.0.1")]
    assert proxy.get("/metrics", headers=inside).status_code == 200  # the proxy's end


def test_internal_networks_and_no_token(tmp_path: Path) -> None:
    """internal_addresses takes CIDR networks (loopback then is not internal unless listed);
    with no metrics_token set, an empty Bearer opens nothing."""
    app = health_archive(tmp_path, internal_addresses="192.0.2.0/24,2001:db8::/32")
    assert client(app, ("192.0.2.77", 1)).get("/metrics").status_code == 200
    assert client(app, ("2001:db8::5", 1)).get("/metrics").status_code == 200
    assert client(app, LOOPBACK).get("/metrics").status_code == 404
    assert client(app, ("192.0.3.1", 1)).get("/metrics", headers={
        "Authorization": "Bearer "}).status_code == 404


# /metrics ----------------------------------------------------------------------------------

def test_metrics_count_requests_by_family_never_by_path(archive: App) -> None:
    """Requests are counted and timed by family (pages, search, api, oai, iiif, static,
    health, workspace, files); no label holds an address; searches are timed by channel."""
    web = create_app(archive)  # one application: its counts are its own
    site = TestClient(web, client=PUBLIC_CLIENT, follow_redirects=False)
    visits = {"pages": ["/documents/open0001", "/documents/open0002", "/browse", "/nosuch/x"],
              "search": ["/search?q=Berlin", "/api/v1/search?q=Berlin", "/suggest?q=ber"],
              "api": ["/api/v1/documents/open0001"], "oai": ["/oai?verb=Identify"],
              "iiif": ["/iiif/3/manifests/open0001"], "static": ["/static/chancery.css"],
              "workspace": ["/login"]}
    for urls in visits.values():
        for url in urls:
            site.get(url)
    samples = _samples(client(web, LOOPBACK).get("/metrics").text)
    for family, urls in visits.items():
        answered = sum(v for (name, labels), v in samples.items()
                       if name == "chancery_http_requests_total" and ("family", family) in labels)
        assert answered == len(urls), (family, answered)
    assert samples[("chancery_http_requests_total",
                    (("family", "pages"), ("method", "GET"), ("status", "404")))] == 1
    assert samples[("chancery_search_duration_seconds_count", (("channel", "page"),))] == 1
    assert samples[("chancery_search_duration_seconds_count", (("channel", "api"),))] == 1
    labels = {value for (_, pairs) in samples for _, value in pairs}
    assert not any("/" in value for value in labels), labels


def test_metrics_read_index_lag_and_jobs_from_the_catalogue(archive: App, tmp_path: Path) -> None:
    """The index lag and the jobs by stage and state are read when scraped."""
    scrape = client(archive, LOOPBACK)
    before = _samples(scrape.get("/metrics").text)
    assert before[("chancery_index_lag_changes", ())] == 0
    assert before[("chancery_index_usable", ())] == 1
    assert before[("chancery_jobs", (("stage", "cite"), ("state", "queued")))] == 2
    add_documents(archive, tmp_path, {"new00001": {}}, indexed=False)
    after = _samples(scrape.get("/metrics").text)
    lag = client(archive, LOOPBACK).get("/readyz").json()["checks"]["search_index"]["lag"]
    assert after[("chancery_index_lag_changes", ())] == lag > 0
    assert after[("chancery_jobs", (("stage", "cite"), ("state", "queued")))] == 3


# request ids and logs ----------------------------------------------------------------------

def test_every_answer_has_a_request_id_a_proxy_may_give(archive: App) -> None:
    """A new id for each request; a trusted proxy's well-formed X-Request-ID is kept, a
    client's own or a malformed one is not (it would be written into the logs)."""
    ids = {client(archive).get("/documents/open0001").headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    proxy = client(archive, ("10.0.0.2", 1))
    given = "7f3c9a1e0b2d4c6e8f0a1b2c3d4e5f60"
    assert proxy.get("/", headers={"X-Request-ID": given}).headers["x-request-id"] == given
    for bad in ("a b", "x" * 129, "id\"injected", ""):
        answer = proxy.get("/", headers={"X-Request-ID": bad}).headers["x-request-id"]
        assert answer != bad and re.fullmatch(r"[0-9a-f]{32}", answer)
    assert client(archive).get("/", headers={"X-Request-ID": given}).headers[
        "x-request-id"] != given
    # the scheme a trusted proxy says the reader used, for the framework's own redirects
    # (a trailing slash's named http:// behind TLS, found by a hostile test); not a client's
    slashed = f"/api/v1/documents/{_some_id(archive)}/"
    for who, scheme in ((proxy, "https"), (client(archive), "http")):
        moved = who.get(slashed, headers={"X-Forwarded-Proto": "https"},
                        follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"].startswith(
            f"{scheme}://"), (scheme, moved.headers.get("location"))
    limited = client(archive).head("/healthz")  # HEAD too, through every middleware
    assert re.fullmatch(r"[0-9a-f]{32}", limited.headers["x-request-id"])


def test_an_error_is_logged_with_the_request_id_it_answered(archive: App,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    """A 500's page carries the id, and so does the logged error with its traceback."""
    site = TestClient(client(archive).app, raise_server_exceptions=False)
    _break_catalogue(archive)
    with caplog.at_level(logging.ERROR, logger="chancery.web"):
        answer = site.get("/documents/open0001")
    assert answer.status_code == 500
    rid = answer.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)  # it was empty: the id was gone by then
    errors = [r for r in caplog.records if r.name == "chancery.web"]
    assert errors and f"(request {rid})" in errors[0].getMessage() and errors[0].exc_info
    assert json.loads(JsonFormatter().format(errors[0]))["request_id"] == rid


def test_json_logs_one_line_per_request(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """log_format=json: one access record per request with the fields a collector reads;
    the default (text) logs as before, no access record of ours."""
    app = health_archive(tmp_path, log_format="json", trusted_proxies="10.0.0.2")
    with caplog.at_level(logging.INFO, logger="chancery.access"):
        answer = client(app, ("10.0.0.2", 1)).get("/search?q=Berlin",
                                                 headers={"X-Forwarded-For": "198.51.100.4"})
    lines = [r for r in caplog.records if r.name == "chancery.access"]
    assert len(lines) == 1
    line = lines[0]
    assert (line.method, line.route, line.path, line.status, line.client) == (  # type: ignore[attr-defined]
        "GET", "search", "/search", 200, "198.51.100.4")
    assert line.request_id == answer.headers["x-request-id"]  # type: ignore[attr-defined]
    assert 0 < line.duration_ms < 60_000  # type: ignore[attr-defined]
    caplog.clear()
    plain = health_archive(tmp_path / "plain")
    with caplog.at_level(logging.INFO, logger="chancery.access"):
        client(plain).get("/documents/open0001")
    assert not [r for r in caplog.records if r.name == "chancery.access"]


def test_a_slow_check_fails_in_time_and_is_not_stacked(tmp_path: Path) -> None:
    """A check that does not answer within the limit fails the probe in ~2 s, and while it
    still runs the next probes do not start another (a dead database must not eat threads)."""
    app = health_archive(tmp_path)
    app.catalogue.dispose()
    # a writer holding SQLite's lock makes the change counter's read wait (busy timeout)
    import sqlite3
    holder = sqlite3.connect(app.settings.data / "catalogue.sqlite3")
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        site = client(app, LOOPBACK)
        started = time.monotonic()
        first = site.get("/readyz").json()["checks"]["database"]
        assert time.monotonic() - started < 4
        assert first == {"ok": False, "error": "no answer within 2 s"}
        again = site.get("/readyz").json()["checks"]["database"]
        assert again == {"ok": False, "error": "an earlier check has not answered yet"}
    finally:
        holder.rollback()
        holder.close()


# served as operators run it ------------------------------------------------------------------

def _scrape(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return _samples(httpx.get(base + "/metrics").text)  # loopback: an internal address


def _api_requests(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float]) -> float:
    return sum(v for (name, labels), v in samples.items()
               if name == "chancery_http_requests_total" and ("family", "api") in labels)


def test_two_workers_and_an_import_report_one_sum_in_json_logs(tmp_path: Path) -> None:
    """`serve --workers 2`: every scrape, whichever worker answers, counts every worker's
    requests and the documents a `chancery import` beside it stored; with log_format=json
    each request is one JSON line with the id its answer carried."""
    data = tmp_path / "data"
    with serving(data, "--workers", "2", log_format="json") as (base, process):
        assert _workers(process.pid) >= 2
        ids = [httpx.get(base + "/api/v1/collections").headers["x-request-id"]
               for _ in range(20)]  # each on a new connection, spread over the workers
        bundle = write_bundle(tmp_path, {"imp00001": {}, "imp00002": {}, "imp00003": {}})
        imported = subprocess.run(
            [sys.executable, "-c", "from chancery.cli import app; app()", "--data", str(data),
             "import", str(bundle)], env={**os.environ, "PYTHONPATH": SRC},
            capture_output=True, text=True, timeout=300)
        assert imported.returncode == 0, imported.stderr[-2000:]
        scrapes = [_scrape(base) for _ in range(6)]
    assert all(_api_requests(s) == 20 for s in scrapes), [_api_requests(s) for s in scrapes]
    assert all(s[("chancery_documents_imported_total", (("outcome", "new"),))] == 3
               for s in scrapes)
    writers = {f.stem.rsplit("_", 1)[1] for f in (data / "metrics").glob("histogram_*.db")}
    assert len(writers) >= 2, writers  # both workers answered: the sums are not one's own
    logged = (tmp_path / f"serve-{base.rsplit(':', 1)[1]}.log").read_text().splitlines()
    lines = [json.loads(line) for line in logged if line.startswith("{")]
    # the index follower's lines too, when it logs any (it printed plain text in either
    # format; tests/unit/test_follower_logs.py has its lines)
    assert not [line for line in logged if "follower" in line and not line.startswith("{")]
    access = {line["request_id"]: line for line in lines if line["logger"] == "chancery.access"}
    assert set(ids) <= set(access)
    assert {(access[i]["route"], access[i]["status"], access[i]["client"]) for i in ids} == \
        {("api", 200, "127.0.0.1")}
