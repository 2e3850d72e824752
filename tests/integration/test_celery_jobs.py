"""Jobs through a real Celery worker on the real Redis: a worker killed (SIGKILL) in the
middle of a job loses nothing; its message, never acknowledged, goes to a second worker,
which takes the job over and finishes it (late acknowledgement, idempotent stages)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from chancery.bootstrap import App, build_app
from chancery.config import load_settings
from chancery.demo import DEMO_DIR
from chancery.domain.jobs import JobState, StageCounts
from chancery.services.imports import import_paths
from tests.conftest import need

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
