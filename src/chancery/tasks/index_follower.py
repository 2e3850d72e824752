"""The index follower of a large import in its own process (services/index_follow.py): the
import's process stores, this one reads the stored batches back and indexes them, so that the
two cores share the work instead of one waiting for the GIL."""

from __future__ import annotations

import os
from multiprocessing import get_context
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event

from chancery.config import Settings, as_environment, load_settings
from chancery.lifetime import die_with_parent
from chancery.services.index_follow import follow_catalogue


class FollowerProcess:
    """One follower process for one import; ``finish`` once storing is over."""

    def __init__(self, settings: Settings) -> None:
        context = get_context("spawn")  # not fork: the parent holds connections and threads
        self._done = context.Event()
        self._indexed = context.Value("q", -1)
        self._process = context.Process(
            target=_follower_main, name="chancery-index", daemon=True,
            args=(as_environment(settings), self._done, self._indexed, os.getpid()))
        self._process.start()

    def finish(self) -> int | None:
        """Tell it storing is over and wait for its commit: the documents it indexed, or
        None when it failed (its error is on stderr; the import's catch-up does the work)."""
        self._done.set()
        self._process.join()
        value = int(self._indexed.value)
        return value if self._process.exitcode == 0 and value >= 0 else None

    def cancel(self) -> None:
        """Stop it without committing: the index keeps what it had before the import."""
        self._process.kill()
        self._process.join()


def start_index_follower(settings: Settings) -> FollowerProcess:
    """Start indexing what an import stores, beside it."""
    return FollowerProcess(settings)


def _follower_main(env: dict[str, str], done: Event, indexed: Synchronized[int],
                   parent: int) -> None:
    die_with_parent(parent)
    os.environ.update(env)
    from chancery.bootstrap import build_app  # the root imports this module: not at the top
    app = build_app(load_settings(), migrate=False)  # the importing process migrated it
    try:
        indexed.value = follow_catalogue(app.catalogue, app.index, done.wait)
    finally:
        app.close()
