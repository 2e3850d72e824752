"""The job table on both backends: queued once per document and stage, claimed by one worker
only (also by two processes at once), finished only by the run that holds it, counted with a
rate, retried (failures only) and recovered from dead workers; gone with its document."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from chancery.bootstrap import App
from chancery.domain import clock
from chancery.domain.documents import Document
from chancery.domain.jobs import JobState, Stage
from chancery.domain.revisions import Revision
from chancery.storage.interface import DocumentWrite
from chancery.storage.jobs import SqlJobs
from chancery.storage.tables import documents

REV = Revision(datetime(2026, 11, 30, tzinfo=UTC), "test", "jobs")


def _documents(app: App, n: int) -> list[int]:
    with app.catalogue.session() as s:
        s.write_documents([DocumentWrite(Document(f"d{i}", f"Doc {i}", f"t/d{i}"), [], f"h{i}", REV)
                           for i in range(n)])
    with app.catalogue.engine.connect() as conn:
        return list(conn.execute(select(documents.c.id).order_by(documents.c.id)).scalars())


def test_a_job_is_queued_once_and_queued_again_from_scratch(app: App) -> None:
    store = SqlJobs(app.catalogue.engine)
    doc = _documents(app, 1)[0]
    first = store.enqueue([(doc, Stage.OCR, {"mode": "auto"}, "box1/a.pdf")])
    assert store.enqueue([(doc, Stage.OCR, {"mode": "auto"}, "box1/a.pdf")]) == first
    job = store.claim(Stage.OCR, 5, "w:1")[0]
    assert store.fail(job, "page 3: Tesseract could not read it")
    again = store.enqueue([(doc, Stage.OCR, {"mode": "always"}, "box1/a.pdf")])
    assert again == first
    got = store.get(first[0])
    assert got is not None and got.state is JobState.QUEUED and got.error == ""
    assert got.attempts == 0 and got.option("mode") == "always"


def test_claims_take_each_job_once_oldest_first(app: App) -> None:
    store = SqlJobs(app.catalogue.engine)
    ids = store.enqueue([(d, Stage.CITE, {}, "") for d in _documents(app, 5)])
    a, b = store.claim(Stage.CITE, 3, "w:1"), store.claim(Stage.CITE, 3, "w:2")
    assert [j.id for j in a] == ids[:3] and [j.id for j in b] == ids[3:]
    assert store.claim(Stage.CITE, 3, "w:3") == [] and store.claim(Stage.OCR, 3, "w:3") == []
    assert {j.state for j in a + b} == {JobState.RUNNING} and a[0].public_id == "d0"


def _claim_all(url: str, worker: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from chancery.storage.database import make_engine
    store, taken = SqlJobs(make_engine(url)), []
    while found := store.claim(Stage.CITE, 2, worker):
        taken += [j.id for j in found]
    out.put(taken)


def test_two_processes_claiming_at_once_never_take_the_same_job(app: App) -> None:
    store = SqlJobs(app.catalogue.engine)
    ids = store.enqueue([(d, Stage.CITE, {}, "") for d in _documents(app, 120)])
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    procs = [context.Process(target=_claim_all, args=(app.settings.catalogue_url, f"w:{i}", out))
             for i in range(2)]
    for p in procs:
        p.start()
    taken = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(10)
    assert sorted(taken[0] + taken[1]) == ids  # every job once: none twice, none left


def test_only_the_run_holding_a_job_finishes_it(app: App) -> None:
    store = SqlJobs(app.catalogue.engine)
    doc = _documents(app, 1)[0]
    store.enqueue([(doc, Stage.SUGGEST, {}, "")])
    old = store.claim(Stage.SUGGEST, 1, "w:1")[0]
    store.enqueue([(doc, Stage.SUGGEST, {}, "")])  # the document changed while it ran
    assert not store.finish(old)  # the old run's result is not taken for the new content
    new = store.claim(Stage.SUGGEST, 1, "w:2")[0]
    assert store.finish(new) and store.get(new.id).state is JobState.DONE  # type: ignore[union-attr]


def test_counts_rate_failures_and_retry_of_the_failed_only(app: App) -> None:
    store = SqlJobs(app.catalogue.engine)
    store.enqueue([(d, Stage.OCR, {}, f"scan{d}.pdf") for d in _documents(app, 4)])
    a, b, c, _ = store.claim(Stage.OCR, 4, "w:1")
    store.finish(a)
    store.fail(b, "not a PDF")
    store.enqueue([(c.document_id, Stage.OCR, {}, "")])  # queued again, claim lost
    (counts,) = store.counts()
    assert (counts.queued, counts.running, counts.done, counts.failed) == (1, 1, 1, 1)
    assert counts.per_second > 0
    (failed,) = store.failures()
    assert (failed.public_id, failed.file, failed.stage, failed.error) == (
        "d1", f"scan{b.document_id}.pdf", Stage.OCR, "not a PDF")
    assert store.retry_failed() == [b.id]
    assert store.get(a.id).state is JobState.DONE  # type: ignore[union-attr]
    assert store.failures() == []


def test_jobs_of_a_dead_worker_are_queued_again(app: App,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    store = SqlJobs(app.catalogue.engine)
    store.enqueue([(d, Stage.OCR, {}, "") for d in _documents(app, 2)])
    store.beat("alive:1", "local")
    store.beat("dead:2", "local")
    mine, theirs = store.claim(Stage.OCR, 1, "alive:1")[0], store.claim(Stage.OCR, 1, "dead:2")[0]
    assert store.recover(timedelta(seconds=30)) == []  # both just began
    later = clock.utc_now() + timedelta(seconds=90)
    monkeypatch.setattr(clock, "utc_now", lambda: later)
    store.beat("alive:1", "local")
    assert store.recover(timedelta(seconds=30)) == [theirs.id]
    assert [w.name for w in store.workers(timedelta(seconds=30))] == ["alive:1"]
    assert store.get(mine.id).state is JobState.RUNNING  # type: ignore[union-attr]


def test_a_documents_jobs_go_with_it(app: App) -> None:
    store = SqlJobs(app.catalogue.engine)
    doc = _documents(app, 1)[0]
    store.enqueue([(doc, Stage.CITE, {}, "")])
    with app.catalogue.engine.begin() as conn:
        conn.execute(delete(documents).where(documents.c.id == doc))
    assert store.counts() == [] and store.claim(Stage.CITE, 1, "w:1") == []
