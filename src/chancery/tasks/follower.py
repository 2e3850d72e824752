"""The index follower: one process beside `chancery serve` that keeps this machine's search
index on the catalogue's change counter. Work done elsewhere (OCR and suggestions in job
workers, Celery workers on other machines, another web machine's edits) writes only to the
catalogue; the follower sees the counter move and indexes what changed, so a reader finds
a scan by its OCR words seconds after a worker read them. The index is never a job: each
machine's index follows the one catalogue (docs/architecture notes in docs/scans.md)."""

from __future__ import annotations

import os
import threading
from multiprocessing import get_context
from multiprocessing.process import BaseProcess

from chancery.bootstrap import App, build_app
from chancery.config import Settings, as_environment, load_settings
from chancery.lifetime import die_with_parent
from chancery.services.search import follow_index
from chancery.tasks.local import NICE, on_term

FOLLOW_SECONDS = 2.0  # how often the counter is read: a cheap query on an indexed column


def follow(app: App, stop: threading.Event, every: float = FOLLOW_SECONDS) -> None:
    """Catch the index up whenever the catalogue has moved on, until ``stop`` is set. A
    failed round (the database restarting, a writer held too long) is tried again next
    round: the follower must outlive what it waits for."""
    while not stop.is_set():
        try:
            follow_index(app.catalogue, app.index)
            app.meaning.follow()  # the vectors the embed jobs stored join this node's index
        except Exception as exc:
            print(f"chancery index follower: {exc}", flush=True)
        stop.wait(every)


def start_follower(settings: Settings) -> BaseProcess:
    """Start the follower for this archive; it dies with this process."""
    context = get_context("spawn")  # not fork: the parent holds connections and threads
    proc = context.Process(target=_main, name="chancery-index", daemon=True,
                           args=(as_environment(settings), os.getpid()))
    proc.start()
    return proc


def _main(env: dict[str, str], parent: int) -> None:
    die_with_parent(parent)
    os.environ.update(env)
    os.nice(NICE)
    stop = threading.Event()
    on_term(stop.set)
    app = build_app(load_settings(), migrate=False)
    try:
        follow(app, stop)
    finally:
        app.close()
