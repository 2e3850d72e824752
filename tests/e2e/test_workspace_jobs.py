"""The workspace's jobs page: the counts and failures `chancery jobs` prints, for staff only
(counts of jobs tell of drafts), and a retry of the failed jobs, only those, posted with the
session's CSRF token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chancery.bootstrap import App
from chancery.domain.jobs import JobState, Stage
from tests.e2e.test_workspace_access import _account, _client, _csrf, _log_in
from tests.leaks.canary import build_archive


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """The canary archive (it holds a draft), one citation job failed, one done."""
    app = build_archive(tmp_path_factory.mktemp("jobs"))
    ids = app.jobs.store.document_ids(_public_ids(app)[:2])
    app.jobs.store.enqueue([(i, Stage.CITE, {}, f"box7/{p}.pdf") for p, i in ids.items()])
    failed, *done = app.jobs.store.claim(Stage.CITE, 5, "w:1")
    app.jobs.store.fail(failed, "pandoc failed: the style could not be read")
    for job in done:
        app.jobs.store.finish(job)
    yield app
    app.catalogue.dispose()


def _public_ids(app: App) -> list[str]:
    from sqlalchemy import select

    from chancery.storage.tables import documents
    with app.catalogue.engine.connect() as conn:
        return list(conn.execute(select(documents.c.public_id).order_by(documents.c.id)).scalars())


def test_staff_see_counts_failures_and_a_retry_button(archive: App) -> None:
    client = _client(archive)
    _log_in(client, _account(archive))
    answer = client.get("/workspace/jobs")
    assert answer.status_code == 200
    (failed,) = archive.jobs.failures()
    assert failed.public_id in answer.text and "pandoc failed: the style could not be read" in answer.text
    assert f"box7/{failed.public_id}.pdf" in answer.text and "Retry the failed jobs" in answer.text
    assert "cite" in answer.text and 'action="/workspace/jobs/retry"' in answer.text


def test_the_retry_queues_the_failed_only_and_needs_the_token(archive: App) -> None:
    client = _client(archive)
    _log_in(client, _account(archive))
    assert client.post("/workspace/jobs/retry", data={"csrf": "forged"}).status_code == 403
    assert archive.jobs.failures()
    csrf = _csrf(client.get("/workspace/jobs").text)
    done = client.post("/workspace/jobs/retry", data={"csrf": csrf})
    assert done.status_code == 303 and done.headers["location"] == "/workspace/jobs?retried=1"
    assert "1 failed job(s) queued again" in client.get(done.headers["location"]).text
    (counts,) = archive.jobs.counts()
    assert (counts.queued, counts.failed, counts.done) == (1, 0, counts.total - 1)
    assert archive.jobs.store.get(archive.jobs.store.queued_ids()[0]).state is JobState.QUEUED  # type: ignore[union-attr]


def test_nothing_about_jobs_is_public(archive: App) -> None:
    anonymous = _client(archive)
    assert anonymous.get("/workspace/jobs").status_code == 303
    reader = _client(archive)
    _log_in(reader, _account(archive, "reader"))
    answer = reader.get("/workspace/jobs")
    assert answer.status_code == 403 and "pandoc failed" not in answer.text
