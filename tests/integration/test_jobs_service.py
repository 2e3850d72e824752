"""The Jobs service on a real catalogue: a stage's success queues what follows it, a failure
is kept with its file, stage and reason and never lost, a batch that fails is run one by one,
retry re-runs the failed only, a dead worker's jobs run again, and the real citation stage
renders a document's page styles."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import pytest

from chancery.bootstrap import App
from chancery.citing.styles import PAGE_STYLES
from chancery.demo import DEMO_DIR
from chancery.domain import clock
from chancery.domain.jobs import Stage, StageRequest
from chancery.domain.publication import Actor
from chancery.services import citing
from chancery.services.imports import import_paths
from chancery.services.jobs import Jobs

SCANS = DEMO_DIR / "scans" / "scans.csv"


class Recorder:
    """A small stage of our own: records what it ran, fails for the documents it is told."""

    def __init__(self, failing: set[int] | None = None) -> None:
        self.ran: list[tuple[int, dict[str, str]]] = []
        self.failing = failing or set()

    def __call__(self, document_id: int, options: Mapping[str, str]) -> None:
        if document_id in self.failing:
            raise ValueError(f"page 1 of document {document_id} cannot be read")
        self.ran.append((document_id, dict(options)))


def _archive(app: App) -> list[str]:
    summary = import_paths([SCANS], app.import_context())
    assert not summary.failed
    return sorted(summary.sources)


def _jobs(app: App, **stages: Recorder) -> Jobs:
    return Jobs(app.jobs.store, {Stage(k): v for k, v in stages.items()})


def _states(app: App) -> dict[tuple[str, str], str]:
    return {(c.stage.value, state): getattr(c, state) for c in app.jobs.counts()
            for state in ("queued", "running", "done", "failed") if getattr(c, state)}


def test_a_finished_ocr_queues_the_suggestions_with_its_options(sqlite_app: App) -> None:
    ids = _archive(sqlite_app)
    ocr, suggest = Recorder(), Recorder()
    jobs = _jobs(sqlite_app, ocr=ocr, suggest=suggest)
    asked = {ids[0]: (StageRequest(Stage.OCR, (("language", "rus"),)),)}
    assert jobs.queue_documents(ids, asked, cite=False) == {Stage.OCR: 1}
    assert jobs.run_next("w:1") == 1 and ocr.ran[0][1] == {"language": "rus"}
    assert jobs.run_next("w:1") == 1 and suggest.ran == [(ocr.ran[0][0], {"language": "rus"})]
    assert jobs.run_next("w:1") == 0
    assert _states(sqlite_app) == {("ocr", "done"): 1, ("suggest", "done"): 1}


def test_a_failure_is_kept_with_file_stage_and_reason_and_the_rest_goes_on(
        sqlite_app: App) -> None:
    ids = _archive(sqlite_app)
    docs = sqlite_app.jobs.store.document_ids(ids)
    bad = docs[ids[1]]
    ocr = Recorder(failing={bad})
    jobs = _jobs(sqlite_app, ocr=ocr, suggest=Recorder())
    jobs.queue_documents(ids, {i: (StageRequest(Stage.OCR),) for i in ids},
                         {i: f"box1/{i}.pdf" for i in ids}, cite=False)
    while jobs.run_next("w:1"):
        pass
    (failed,) = jobs.failures()
    assert (failed.public_id, failed.file, failed.stage) == (ids[1], f"box1/{ids[1]}.pdf", Stage.OCR)
    assert failed.error == f"page 1 of document {bad} cannot be read"
    assert _states(sqlite_app) == {("ocr", "done"): 2, ("ocr", "failed"): 1,
                                   ("suggest", "done"): 2}  # no suggestions from a failed OCR


def test_retry_reruns_only_the_failed(sqlite_app: App) -> None:
    ids = _archive(sqlite_app)
    bad = sqlite_app.jobs.store.document_ids(ids)[ids[0]]
    ocr = Recorder(failing={bad})
    jobs = _jobs(sqlite_app, ocr=ocr)
    jobs.queue_documents(ids, {i: (StageRequest(Stage.OCR),) for i in ids}, cite=False)
    while jobs.run_next("w:1"):
        pass
    ocr.failing.clear()
    ocr.ran.clear()
    assert jobs.retry_failed() == 1
    while jobs.run_next("w:1"):
        pass
    assert [d for d, _ in ocr.ran] == [bad] and jobs.failures() == []


def test_a_batch_that_fails_is_run_one_by_one(sqlite_app: App) -> None:
    ids = _archive(sqlite_app)
    bad = sqlite_app.jobs.store.document_ids(ids)[ids[2]]
    one = Recorder(failing={bad})

    def batch(document_ids: object) -> None:
        raise RuntimeError("the engine stopped")

    jobs = Jobs(sqlite_app.jobs.store, {Stage.CITE: one}, {Stage.CITE: batch})
    jobs.queue_documents(ids, {})
    assert jobs.run_next("w:1") == 3
    assert len(one.ran) == 2 and [f.public_id for f in jobs.failures()] == [ids[2]]


def test_a_dead_workers_job_runs_again(sqlite_app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _archive(sqlite_app)
    ocr = Recorder()
    jobs = _jobs(sqlite_app, ocr=ocr)
    jobs.queue_documents(ids[:1], {ids[0]: (StageRequest(Stage.OCR),)}, cite=False)
    jobs.beat("gone:1")
    assert jobs.store.claim(Stage.OCR, 1, "gone:1")  # it took the job, then was killed
    assert jobs.run_next("w:2") == 0 and jobs.recover() == 0  # not yet stale
    later = clock.utc_now() + timedelta(minutes=2)
    monkeypatch.setattr(clock, "utc_now", lambda: later)
    jobs.beat("w:2")
    assert jobs.recover() == 1 and jobs.run_next("w:2") == 1 and len(ocr.ran) == 1


def test_a_job_delivered_twice_runs_once(sqlite_app: App) -> None:
    ids = _archive(sqlite_app)
    ocr = Recorder()
    jobs = _jobs(sqlite_app, ocr=ocr)
    jobs.queue_documents(ids[:1], {ids[0]: (StageRequest(Stage.OCR),)}, cite=False)
    (job_id,) = jobs.store.queued_ids()
    assert jobs.run_job(job_id, "w:1") and not jobs.run_job(job_id, "w:2")
    assert len(ocr.ran) == 1


def test_stages_without_code_are_not_queued(sqlite_app: App) -> None:
    ids = _archive(sqlite_app)
    jobs = _jobs(sqlite_app, ocr=Recorder())
    assert jobs.queue_documents(ids, {ids[0]: (StageRequest(Stage.SUGGEST),)}, cite=False) == {}
    assert jobs.counts() == []


def test_the_citation_stage_renders_the_page_styles_in_one_batch(sqlite_app: App) -> None:
    ids = _archive(sqlite_app)
    assert sqlite_app.jobs.queue_documents(ids, {}) == {Stage.CITE: 3}
    assert sqlite_app.jobs.run_next("w:1") == 3  # the three in one claim, one engine call a style
    (counts,) = sqlite_app.jobs.counts()
    assert (counts.stage, counts.done, counts.remaining) == (Stage.CITE, 3, 0)
    for public_id in ids:
        item = citing.document_item(sqlite_app.catalogue, sqlite_app.citer, public_id,
                                    Actor.EDITOR)
        assert item is not None
        assert set(citing.kept_citations(sqlite_app.citer, item, PAGE_STYLES)) == set(PAGE_STYLES)
    assert sqlite_app.jobs.failures() == []


def test_a_stage_asked_again_is_queued_only_when_its_options_changed(sqlite_app: App) -> None:
    """For unchanged documents: a stage that never ran is queued, one that ran with the same
    options is not, one asked with other options is; a stage this archive has no code for,
    and a document it does not hold, are left out."""
    ids = _archive(sqlite_app)
    ocr = Recorder()
    jobs = _jobs(sqlite_app, ocr=ocr)
    never = (StageRequest(Stage.OCR, (("mode", "never"),)),)
    assert jobs.queue_changed_options({ids[0]: never}, {}) == {ids[0]: [Stage.OCR]}
    while jobs.run_next("w:1"):
        pass
    assert jobs.queue_changed_options({ids[0]: never, "no-such-id": never}, {}) == {}
    always = (StageRequest(Stage.OCR, (("mode", "always"),)), StageRequest(Stage.SUGGEST))
    assert jobs.queue_changed_options({ids[0]: always}, {ids[0]: "box1/a.pdf"}) == {
        ids[0]: [Stage.OCR]}
    assert jobs.run_next("w:1") == 1
    assert [options for _, options in ocr.ran] == [{"mode": "never"}, {"mode": "always"}]
