"""Jobs through a real Celery worker on the real Redis: a worker killed (SIGKILL) in the
middle of a job loses nothing; its message, never acknowledged, goes to a second worker,
which takes the job over and finishes it (late acknowledgement, idempotent stages); and a
real scan imported without waiting is read and suggested by a worker."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chancery.bootstrap import App, build_app
from chancery.cli import app as cli
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.domain.accounts import Role
from chancery.domain.jobs import JobState, Stage, StageCounts
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.domain.suggestions import Kind
from chancery.domain.workflow import Acting
from chancery.services import documents
from chancery.services.clock import today
from chancery.services.imports import import_paths
from tests.conftest import CORPUS, need

REDIS = os.environ.get("CHANCERY_TEST_REDIS_URL", "")
SRC = Path(__file__).resolve().parents[2] / "src"
SCANS = DEMO_DIR / "scans" / "scans.csv"


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    need(bool(REDIS), "Redis not configured: set CHANCERY_TEST_REDIS_URL "
                      "(redis://127.0.0.1:6379/15)")
    import redis
    redis.Redis.from_url(REDIS).flushdb()
    monkeypatch.setenv("CHANCERY_BROKER_URL", REDIS)
    monkeypatch.setenv("CHANCERY_JOB_TIMEOUT", "2")  # a lost message comes back after 2 s
    monkeypatch.setenv("CHANCERY_DATA", str(tmp_path / "data"))
    built = build_app(load_settings())
    yield built
    built.close()


def _worker(tmp_path: Path, stall: bool) -> subprocess.Popen[bytes]:
    """`chancery worker` in its own process group; with ``stall``, every pandoc call it makes
    waits a minute first (a `nice` on its PATH that sleeps), so it is killed mid-job."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    if stall:
        bin_dir = tmp_path / "stall"
        bin_dir.mkdir(exist_ok=True)
        (bin_dir / "nice").write_text('#!/bin/sh\nsleep 60\nexec /usr/bin/nice "$@"\n')
        (bin_dir / "nice").chmod(0o755)
        env["PATH"] = f"{bin_dir}:{env['PATH']}"
    with open(tmp_path / "worker.log", "ab") as log:  # the child keeps its own copy
        return subprocess.Popen([sys.executable, "-c", "from chancery.cli import app; app()",
                                 "worker", "--processes", "1"], env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=log)


def _until(app: App, ok: Callable[[StageCounts], bool], seconds: float) -> StageCounts:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        counts = app.jobs.counts()
        if counts and ok(counts[0]):
            return counts[0]
        time.sleep(0.3)
    raise AssertionError(f"jobs never got there: {app.jobs.counts()}")


def test_a_job_whose_worker_is_killed_is_done_by_another(archive: App, tmp_path: Path) -> None:
    summary = import_paths([SCANS], archive.import_context())
    assert archive.jobs.queue_documents(sorted(summary.sources), {})  # three messages sent
    first = _worker(tmp_path, stall=True)
    try:
        _until(archive, lambda c: c.running > 0, 30)  # it holds jobs, stuck in pandoc
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    assert archive.jobs.counts()[0].done == 0
    second = _worker(tmp_path, stall=False)
    try:
        counts = _until(archive, lambda c: c.done == 3, 20)  # well before the
        # heartbeats would give the dead worker's jobs back (30 s): the broker did
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(20)
    assert (counts.failed, counts.remaining) == (0, 0), (tmp_path / "worker.log").read_text()
    taken_over = [archive.jobs.store.get(i) for i in range(1, 4)]
    assert all(j is not None and j.state is JobState.DONE for j in taken_over)
    assert max(j.attempts for j in taken_over if j) == 2  # run again after the kill


def test_a_scan_imported_without_waiting_is_read_and_suggested_by_a_celery_worker(
        archive: App, tmp_path: Path) -> None:
    """Tom's journey through Celery: `chancery import --no-wait` sends the OCR job through
    the broker and returns; a `chancery worker` process reads the real scan (its own text
    layer) and suggests for it; the suggestions wait in the workspace."""
    need((CORPUS / "scans").is_dir(), "the JFK scans are not in the corpus")
    box = tmp_path / "box"
    box.mkdir()
    shutil.copy(CORPUS / "scans" / "157-10004-10280_ocr.pdf", box)
    result = CliRunner().invoke(cli, ["import", "--no-wait", "--json", str(box)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["jobs"]["queued"] == {"cite": 1, "ocr": 1}
    worker = _worker(tmp_path, stall=False)
    try:
        stages = _stages_until(archive, lambda c: c[Stage.SUGGEST].done == 1, 120)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(20)
    assert stages[Stage.OCR].failed == 0, (tmp_path / "worker.log").read_text()
    (ident,) = [row.public_id for row in documents.list_documents(
        archive.catalogue, Reader.editor(), None, 10, 0)]
    suggested = archive.suggestion_review.suggested(ident, Acting("tom", Role.EDITOR))
    kinds = {g.kind for g in suggested.groups}
    assert {Kind.CLASSIFICATION, Kind.TYPE} <= kinds, kinds
    stored = archive.catalogue.get_document(ident, Actor.EDITOR, today())
    assert stored and "MAHEU" in next(t.body for t in stored.document.texts).upper()


def test_documents_are_embedded_by_the_sweep_of_a_celery_worker(
        archive: App, tmp_path: Path, reference_bundle: Path) -> None:
    """Search by meaning through the broker: a worker's beat finds the documents no vector
    was made for, queues them as embed jobs, and a worker embeds them into the catalogue,
    from which every node's vector index follows."""
    summary = import_paths([reference_bundle], archive.import_context())
    assert not summary.failed and archive.meaning.count_pending() == 2
    worker = _worker(tmp_path, stall=False)
    try:
        deadline = time.monotonic() + 300
        while archive.meaning.count_pending() and time.monotonic() < deadline:
            time.sleep(1)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(20)
    assert archive.meaning.count_pending() == 0, (tmp_path / "worker.log").read_text()[-2000:]
    counts = {c.stage: c for c in archive.jobs.counts()}
    assert counts[Stage.EMBED].done > 0 and counts[Stage.EMBED].failed == 0
    assert archive.meaning.follow() > 0  # this node's index gains what the worker stored
    near = archive.meaning.near_text("a note from the Soviet embassy in Washington", 5)
    assert {n.public_id for n in near} == {r.public_id for r in documents.list_documents(
        archive.catalogue, Reader.editor(), None, 10, 0)}


def _stages_until(app: App, ok: Callable[[dict[Stage, StageCounts]], bool],
                  seconds: float) -> dict[Stage, StageCounts]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        counts = {c.stage: c for c in app.jobs.counts()}
        if Stage.SUGGEST in counts and ok(counts):
            return counts
        time.sleep(0.5)
    raise AssertionError(f"jobs never got there: {app.jobs.counts()}")
