"""/healthz, /readyz and /metrics tell the public nothing of what it may not see: counts of
jobs and documents reveal how many drafts exist, so the public's answers must not move when
drafts, documents in review or under embargo, and their jobs, come and go; /metrics is not
there for the public at all. The other side is checked too: the operator's answers do move."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from chancery.bootstrap import App
from chancery.domain.jobs import Stage
from chancery.web.server import create_app
from tests.health_archive import LOOPBACK, PUBLIC_CLIENT, add_documents, health_archive

ROUTES = ("/healthz", "/readyz", "/metrics", "/no-such-page")
# headers that differ on every answer by design, whatever the archive holds
PER_REQUEST = {"x-request-id", "date"}
HIDDEN = {"quokkadraft": {"state": "draft"}, "quokkareview": {"state": "in-review"},
          "quokkaembargo": {"state": "published", "embargo_until": "2999-01-01"}}


def _public_answers(site: TestClient) -> dict[str, tuple[int, str, dict[str, str]]]:
    answers = {}
    for route in ROUTES:
        for method in (site.get, site.head):
            got = method(route)
            headers = {k: v for k, v in got.headers.items() if k not in PER_REQUEST}
            answers[f"{method.__name__} {route}"] = (got.status_code, got.text, headers)
    return answers


def _fail_a_job(app: App) -> None:
    """A job that failed (failure lists are staff business, and may name a draft)."""
    job = app.jobs.store.claim(Stage.CITE, 1, "test:1")[0]
    app.jobs.store.fail(job, "quokka: could not render")


def test_hidden_documents_change_nothing_the_public_sees_of_health(tmp_path: Path) -> None:
    app = health_archive(tmp_path)
    web = create_app(app)
    public = TestClient(web, client=PUBLIC_CLIENT)
    before = _public_answers(public)
    assert before["get /metrics"][:2] == before["get /no-such-page"][:2]  # as if not there
    assert before["get /readyz"][:2] == (200, '{"status":"ready"}')
    operator = TestClient(web, client=LOOPBACK)
    inside = operator.get("/readyz").json()["checks"]
    add_documents(app, tmp_path, HIDDEN)
    _fail_a_job(app)
    after = _public_answers(public)
    assert after == before
    # the operator's side moves: the suite can see a difference where there is one
    moved = operator.get("/readyz").json()["checks"]
    assert moved["jobs"]["queued"] > inside["jobs"]["queued"] and moved["jobs"]["failed"] == 1
    assert moved["database"]["changes"] > inside["database"]["changes"]
    assert 'state="failed"} 1.0' in operator.get("/metrics").text
