"""Jobs through Celery on Redis (CHANCERY_BROKER_URL=redis://...): a message carries only
the job's id, the job's row in the catalogue says the rest. A message is acknowledged after
its job ran (late), and given back when its worker is lost, so no job is lost when a worker is
killed; the stages are idempotent, so a job run twice leaves the same state."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

from celery import Celery, signals

from chancery.bootstrap import App, build_app
from chancery.config import Settings, load_settings
from chancery.services.jobs import BEAT_SECONDS, worker_name
from chancery.tasks.local import THREAD_LIMITS

TASK = "chancery.run_job"
QUEUE = "chancery"


def make_celery(settings: Settings) -> Celery:
    """The Celery application of an archive: late acknowledgement, one message at a time."""
    app = Celery("chancery", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_serializer="json", accept_content=["json"], task_ignore_result=True,
        task_default_queue=QUEUE, broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # a message not acknowledged within job_timeout goes to another worker; the scan
        # for such messages runs at most every 10 s, not kombu's default 100 s
        broker_transport_options={"visibility_timeout": settings.job_timeout,
                                  "unacked_restore_interval": min(10, settings.job_timeout),
                                  "unacked_restore_throttle": 1})
    app.task(name=TASK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)(run_job)
    return app


class CeleryDispatch:
    """Queued jobs handed to Celery, one message per job id."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def submit(self, job_ids: Sequence[int]) -> None:
        """Send a message per job, on one connection."""
        if not job_ids:
            return
        app = make_celery(self.settings)
        with app.producer_or_acquire() as producer:
            for job_id in job_ids:
                app.send_task(TASK, args=[job_id], queue=QUEUE, producer=producer)


_archive: App | None = None  # this worker process's archive, built once
_lock = threading.Lock()


def _app() -> App:
    global _archive
    with _lock:
        if _archive is None:
            _archive = build_app(load_settings(), migrate=False)
        return _archive


def run_job(job_id: int) -> bool:
    """The task: run the job (and, for a stage run in batches, more of its kind); False when
    it was finished already (a message delivered twice)."""
    return _app().jobs.run_job(int(job_id), worker_name())


def _beat_forever() -> None:
    """Say this process is alive, and queue again the jobs of workers that died."""
    stop = threading.Event()
    while not stop.wait(BEAT_SECONDS):
        try:
            _app().jobs.beat(worker_name(), "celery")
            _app().jobs.recover()
            _app().jobs.sweep()
        except Exception:  # a database away for a moment: beat again later
            continue


def _start_beating(**_: Any) -> None:
    _app().jobs.beat(worker_name(), "celery")
    threading.Thread(target=_beat_forever, name="chancery-beat", daemon=True).start()


def _stop_beating(**_: Any) -> None:
    if _archive is not None:
        _archive.jobs.leave(worker_name())


def run_worker(settings: Settings, processes: int, loglevel: str = "INFO") -> None:
    """`chancery worker` with a broker: a Celery worker of ``processes`` processes (one
    process, no pool, when it is 1); each process beats in the catalogue while it lives."""
    os.environ.update(THREAD_LIMITS)
    # the processes that run jobs beat: each of the pool's, or the main one without a pool
    # (never the main one before it forks: its children would share its connections)
    started = signals.worker_ready if processes == 1 else signals.worker_process_init
    started.connect(_start_beating, weak=False)
    signals.worker_process_shutdown.connect(_stop_beating, weak=False)
    signals.worker_shutdown.connect(_stop_beating, weak=False)
    pool = ["--pool=solo"] if processes == 1 else [f"--concurrency={processes}"]
    make_celery(settings).worker_main(["worker", f"--loglevel={loglevel}", "-Q", QUEUE,
                                       "--without-gossip", "--without-mingle", *pool])
