"""Jobs run in the archive's own processes: one worker process per core (nothing to
install), started beside the web workers by `chancery serve`, by `chancery import` when no
worker is alive, or by `chancery worker` without a broker. Each polls the catalogue, claims
jobs, says it is alive, and queues again the jobs of workers that died."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Sequence
from multiprocessing import get_context
from multiprocessing.process import BaseProcess
from time import monotonic

from chancery.bootstrap import build_app
from chancery.config import Settings, as_environment, load_settings
from chancery.domain.jobs import Stage
from chancery.lifetime import die_with_parent
from chancery.services.jobs import BEAT_SECONDS, Jobs, worker_name

POLL_SECONDS = 1.0  # how often an idle worker looks for work
NICE = 10  # below the web workers: a page is answered before a job goes on
# One thread per Tesseract (and per BLAS): workers, not threads, use the cores.
THREAD_LIMITS = {"OMP_THREAD_LIMIT": "1", "OMP_NUM_THREADS": "1"}


def work(jobs: Jobs, name: str, stop: threading.Event, stages: Sequence[Stage] | None = None,
         until_idle: bool = False, kind: str = "local") -> int:
    """Run jobs until ``stop`` is set (or, ``until_idle``, until none of these stages is
    queued or running anywhere); returns how many this worker ran."""
    ran, beaten = 0, float("-inf")
    try:
        while not stop.is_set():
            if monotonic() - beaten >= BEAT_SECONDS:
                jobs.beat(name, kind)
                jobs.recover()
                jobs.sweep(stages)
                beaten = monotonic()
            done = jobs.run_next(name, stages)
            ran += done
            if not done and until_idle and not _remaining(jobs, stages):
                break
            if not done:
                stop.wait(POLL_SECONDS)
    finally:
        jobs.leave(name)
    return ran


def _remaining(jobs: Jobs, stages: Sequence[Stage] | None) -> int:
    return sum(c.remaining for c in jobs.counts() if stages is None or c.stage in stages)


def worker_count(settings: Settings) -> int:
    """Worker processes to start: the setting, or one per core."""
    return settings.job_workers if settings.job_workers > 0 else os.cpu_count() or 1


def start_workers(settings: Settings, count: int, stages: Sequence[Stage] | None = None,
                  until_idle: bool = False) -> list[BaseProcess]:
    """Start ``count`` worker processes for this archive; they die with this process."""
    context = get_context("spawn")  # not fork: the parent holds connections and threads
    env = {**as_environment(settings), **THREAD_LIMITS}
    procs: list[BaseProcess] = [
        context.Process(target=_worker_main, name="chancery-jobs", daemon=True,
                        args=(env, tuple(stages) if stages else None, os.getpid(), until_idle))
        for _ in range(count)]
    for p in procs:
        p.start()
    return procs


def stop_workers(procs: Sequence[BaseProcess], timeout: float = 10.0) -> None:
    """Ask the workers to stop (a job under way is finished first), then wait for them."""
    for p in procs:
        if p.is_alive() and p.pid is not None:
            os.kill(p.pid, signal.SIGTERM)
    for p in procs:
        p.join(timeout)
        if p.is_alive():
            p.kill()


def _worker_main(env: dict[str, str], stages: tuple[Stage, ...] | None, parent: int,
                 until_idle: bool) -> None:
    """A worker process: the parent's settings, a lower priority, then the loop."""
    die_with_parent(parent)
    os.environ.update(env)
    os.nice(NICE)
    stop = threading.Event()
    on_term(lambda: stop.set())
    app = build_app(load_settings(), migrate=False)
    try:
        work(app.jobs, worker_name(), stop, stages, until_idle)
    finally:
        app.close()


def on_term(then: Callable[[], None]) -> None:
    """SIGTERM and SIGINT stop the loop after the job under way (Ctrl-C in a terminal
    reaches the whole process group)."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: then())
