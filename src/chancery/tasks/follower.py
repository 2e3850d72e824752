"""The index follower: one process beside `chancery serve` that keeps this machine's search
index (and, in a thread of its own, its vector index) on the catalogue's change counter.
Work done elsewhere (OCR and suggestions in job workers, Celery workers on other machines,
another web machine's edits) writes only to the catalogue; the follower sees the counter
move and indexes what changed, so a reader finds a scan by its OCR words seconds after a
worker read them. The index is never a job: each machine's index follows the one catalogue
(docs/architecture notes in docs/scans.md)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from multiprocessing import get_context
from multiprocessing.process import BaseProcess

from chancery.bootstrap import App, build_app
from chancery.config import Settings, as_environment, load_settings
from chancery.lifetime import die_with_parent
from chancery.services.search import follow_index
from chancery.tasks.local import NICE, on_term
from chancery.telemetry import process_logs

log = logging.getLogger("chancery.follower")

# how often the counter is read: a cheap query on an indexed column. At 2 s, and niced as
# the job workers are, another node's import reached this node's search after p99 5.7 s on
# 2 busy cores (tests/integration/test_multi_node.py); at 1 s and the web's priority, 2.3-3.3 s,
# of which a round of 300-400 documents took 0.3-1.1 s and the wait for it up to 1 s
FOLLOW_SECONDS = 0.5


def follow(app: App, stop: threading.Event, every: float = FOLLOW_SECONDS) -> None:
    """Catch the index up whenever the catalogue has moved on, until ``stop`` is set."""
    _rounds("index", lambda: follow_index(app.catalogue, app.index), stop, every)


def follow_vectors(app: App, stop: threading.Event, every: float = FOLLOW_SECONDS) -> None:
    """The vectors the embed jobs stored join this node's vector index, until ``stop`` is
    set; in a thread at the job workers' lower priority (Linux gives each thread its own
    nice): a vector index built anew takes minutes of CPU at 1M documents
    (docs/benchmarks.md), which neither the pages nor the search index may wait for."""
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
    _rounds("vector", app.meaning.follow, stop, every)


def _rounds(what: str, step: Callable[[], object], stop: threading.Event, every: float) -> None:
    """``step`` every ``every`` seconds. A failed round (the database restarting, a writer
    held too long) is tried again next round: the follower must outlive what it waits for."""
    while not stop.is_set():
        started = time.monotonic()
        try:
            done = step()
        except Exception as exc:
            log.warning("chancery %s follower: %s", what, exc)
        else:
            if isinstance(done, int) and done:  # what an operator reads the lag off
                log.info("chancery %s follower: %s caught up in %.2f s", what, f"{done:,}",
                         time.monotonic() - started)
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
    # not niced as the job workers are: its rounds are short, and what it carries is what
    # readers must see soon (a document withdrawn or redacted through another node leaves
    # this node's search only when it has caught up)
    stop = threading.Event()
    on_term(stop.set)
    settings = load_settings()
    process_logs(settings)  # its lines as the web workers' (JSON with log_format=json)
    app = build_app(settings, migrate=False)
    vectors = threading.Thread(target=follow_vectors, args=(app, stop), name="vectors",
                               daemon=True)
    vectors.start()
    try:
        follow(app, stop)  # apart from the vectors: a long build does not hold the index back
    finally:
        vectors.join(30)
        app.close()
