"""Rate-limit budgets kept in the catalogue, so that every server process (``serve
--workers N``, or several machines on one PostgreSQL) draws on one budget per client.

Each budget is a token bucket written the GCRA way: one number per client, the moment its
budget is whole again (``full_at``). A request is allowed while ``full_at`` is at most a
minute ahead of now, and moves it on by one request's share of the minute. The test and the
move are one UPDATE, so concurrent processes cannot both take the last request."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import Engine, case, delete, event, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from chancery.storage.database import make_engine
from chancery.storage.interface import BucketsBusy
from chancery.storage.tables import rate_buckets as buckets

_WAIT_MS = 250  # a request does not queue behind an import's write for 30 s to be counted
_PRUNE_EVERY = 1_000  # about one request in this many deletes the buckets that are whole


def _short_wait(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={_WAIT_MS}")
    cur.close()


class SqlRateBuckets:
    """The ``rate_buckets`` table, on its own engine (short lock waits on SQLite)."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _short_wait)  # after make_engine's pragmas

    def take(self, key: str, per_minute: int, now: float) -> float:
        """0 when the request may go ahead (and is counted); else seconds to wait."""
        share = 60.0 / per_minute
        slack = 60.0 - share  # a whole budget may be spent at once
        key = key[:200]
        try:
            for _ in range(3):  # a race with another process's first request is retried
                if self._advance(key, share, slack, now) or self._insert(key, now + share):
                    self._maybe_prune(now)
                    return 0.0
                wait = self._full_at(key) - slack - now
                if wait > 0:
                    return wait
        except OperationalError as exc:
            raise BucketsBusy(str(exc.orig)) from exc
        return 0.0

    def _advance(self, key: str, share: float, slack: float, now: float) -> bool:
        start = case((buckets.c.full_at > now, buckets.c.full_at), else_=now)
        with self.engine.begin() as conn:
            moved = conn.execute(update(buckets)
                                 .where(buckets.c.key == key, buckets.c.full_at <= now + slack)
                                 .values(full_at=start + share))
            return bool(moved.rowcount)

    def _insert(self, key: str, full_at: float) -> bool:
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(buckets).values(key=key, full_at=full_at))
            return True
        except IntegrityError:  # the client has a bucket: it was over its budget
            return False

    def _full_at(self, key: str) -> float:
        with self.engine.connect() as conn:
            found = conn.execute(select(buckets.c.full_at).where(buckets.c.key == key)).scalar()
        return float(found) if found is not None else 0.0

    def _maybe_prune(self, now: float) -> None:
        # a bucket that is whole again is the same as none: the table stays as small as the
        # number of clients seen in the last minute
        if random.random() < 1 / _PRUNE_EVERY:
            with self.engine.begin() as conn:
                conn.execute(delete(buckets).where(buckets.c.full_at < now))

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
