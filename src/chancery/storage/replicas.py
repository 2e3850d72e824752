"""Reads from PostgreSQL streaming replicas, everything else from the primary.

Only the catalogue's reads take a connection here, and only inside ``ReadRouting.reading``
(a read-only web request); outside it (commands, workers, the index follower, every write and
every request that writes) the primary answers. A replica is read from when it has replayed
the primary's WAL up to a floor: the reader's own last write (read-your-writes), and at least
the primary's position ``max_lag`` seconds ago, so that nothing the workspace withdrew stays
visible on a stalled replica for longer than that. A replica that cannot be reached is left
alone for ``DOWN_FOR`` seconds; its reads go to another replica or the primary."""

from __future__ import annotations

import itertools
import logging
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

log = logging.getLogger(__name__)

CHECK_EVERY = 0.1  # seconds a replica's (and the primary's) WAL position is trusted per process
DOWN_FOR = 5.0  # seconds an unreachable replica is not tried again
MAX_LAG = 5.0  # default seconds a replica may be behind the primary and still be read from
CONNECT_TIMEOUT = 2  # seconds: a replica host that does not answer delays one read by this
_LSN = re.compile(r"([0-9A-Fa-f]{1,8})/([0-9A-Fa-f]{1,8})")  # PostgreSQL's "16/B374D848"


def parse_lsn(text: str | None) -> int | None:
    """A WAL position as a number; None for anything that is not one."""
    found = _LSN.fullmatch(text or "")
    return (int(found[1], 16) << 32 | int(found[2], 16)) if found else None


@dataclass(frozen=True)
class Reading:
    """A read-only request may use a replica that has replayed up to ``after`` (its reader's
    own last write; None when none is known)."""

    after: int | None


_READING: ContextVar[Reading | None] = ContextVar("chancery_reading", default=None)
Connect = Callable[[], AbstractContextManager[Connection]]  # a connection to read through
# Requests holding a primary connection at once: half of SQLAlchemy's default pool (5 + 10
# overflow), so that the reads and writes outside them always find one free.
HELD_AT_ONCE = 7


class _Held:
    """The primary connection one request reads through: checked out at its first read,
    kept in autocommit (each read sees every commit so far, as a fresh connection would) and
    given back when the request ends. Taking a pooled connection costs a ping and a BEGIN and
    a ROLLBACK, three round trips, for each of the ~20 reads a document page makes."""

    def __init__(self, slots: threading.BoundedSemaphore) -> None:
        self._slots = slots
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._slot = False
        self._given_up = False
        self.conn: Connection | None = None
        self.busy = False

    def mine(self) -> bool:
        """Whether this thread may read through it now: the request's first reading thread
        may (the threads a request starts beside it, as the search page does, take their
        own connections), and not while it is reading through it already."""
        with self._lock:
            if self._owner is None:
                self._owner = threading.get_ident()
        return self._owner == threading.get_ident() and not self.busy and not self._given_up

    def connection(self, engine: Engine) -> Connection | None:
        """The held connection, checked out now if it is not yet; None when HELD_AT_ONCE
        requests hold one already (this one then reads as if nothing were held)."""
        if self.conn is None:
            if not self._slots.acquire(blocking=False):
                self._given_up = True
                return None
            self._slot = True
            try:
                self.conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            except BaseException:
                self.release()
                raise
        return self.conn

    def release(self, lost: bool = False) -> None:
        """Give the connection back (for good: a connection ``lost`` is not taken again)."""
        conn, self.conn = self.conn, None
        self._given_up = self._given_up or lost
        try:
            if conn is not None:
                conn.close()
        finally:
            if self._slot:
                self._slot = False
                self._slots.release()


_HELD: ContextVar[_Held | None] = ContextVar("chancery_held", default=None)


class _Replica:
    """One replica's engine, when it was last found down, and its replay position."""

    def __init__(self, url: str, clock: Callable[[], float]) -> None:
        self.name = make_url(url).render_as_string()  # the password hidden, for logs and counts
        self.engine = create_engine(url, pool_pre_ping=True,
                                    connect_args={"connect_timeout": CONNECT_TIMEOUT})
        self._clock = clock
        self._down_until = 0.0
        self._replayed: tuple[float, int | None] = (float("-inf"), None)

    def is_up(self) -> bool:
        """Not found unreachable in the last DOWN_FOR seconds."""
        return self._clock() >= self._down_until

    def mark_down(self, why: object) -> None:
        """Leave the replica alone for a while."""
        log.warning("read replica %s skipped for %.0f s: %s", self.name, DOWN_FOR, why)
        self._down_until = self._clock() + DOWN_FOR

    def replayed(self) -> int | None:
        """How far the replica has replayed (cached CHECK_EVERY seconds); None: unknown."""
        at, position = self._replayed
        if self._clock() - at < CHECK_EVERY:
            return position
        try:
            with self.engine.connect() as conn:
                text = conn.exec_driver_sql("SELECT pg_last_wal_replay_lsn()::text").scalar()
        except OperationalError as exc:
            self.mark_down(exc.orig)
            return None
        self._replayed = (self._clock(), parse_lsn(text))
        return self._replayed[1]


class ReadRouting:
    """Chooses, per read, the engine the catalogue reads through."""

    def __init__(self, primary: Engine, replica_urls: Sequence[str], max_lag: float = MAX_LAG,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if replica_urls and primary.dialect.name != "postgresql":
            raise ValueError("read replicas need a PostgreSQL catalogue (database_url)")
        self.primary = primary
        self.max_lag = max_lag
        self._replicas = [_Replica(url, clock) for url in replica_urls]
        self._clock = clock
        self._turn = itertools.count()
        self._lock = threading.Lock()
        # (time, primary's WAL position) samples of the last MAX_LAG seconds, oldest first
        self._history: deque[tuple[float, int]] = deque()
        # reads of read-only requests, by replica URL (no password) or "primary" (the
        # replicas passed over)
        self.reads: Counter[str] = Counter()
        self._slots = threading.BoundedSemaphore(HELD_AT_ONCE)

    @staticmethod
    def connection_lost(exc: BaseException) -> bool:
        """Whether ``exc`` is a statement cut off by its database going away (stopped,
        restarted): the same read on a fresh connection may well succeed. SQLAlchemy does
        not always see it ("consuming input failed: server closed the connection" left the
        connection looking sound); the error's SQLSTATE does: none (the client lost the
        server), class 08 (connection) or 57P (the server shutting down or starting up)."""
        if not isinstance(exc, DBAPIError):
            return False
        state = str(getattr(exc.orig, "sqlstate", None) or "")
        return bool(exc.connection_invalidated) or (
            isinstance(exc, OperationalError) and (not state or state.startswith(("08", "57P"))))

    @property
    def has_replicas(self) -> bool:
        """Whether any replica is configured."""
        return bool(self._replicas)

    @contextmanager
    def reading(self, after: str | None) -> Iterator[None]:
        """Within the block the catalogue may read from a replica that has replayed up to
        ``after`` (a WAL position as PostgreSQL writes it; anything else is ignored)."""
        token = _READING.set(Reading(parse_lsn(after)))
        try:
            yield
        finally:
            _READING.reset(token)

    def primary_position(self) -> str | None:
        """The primary's WAL position now, None when the primary cannot say. Every write
        committed so far lies before it (a commit waits for its WAL to be written unless
        synchronous_commit is off; the insert position could be a page ahead of anything a
        replica can replay, on an idle primary for 15 s)."""
        try:
            with self.primary.connect() as conn:
                return str(conn.exec_driver_sql(
                    "SELECT pg_current_wal_lsn()::text").scalar())
        except OperationalError as exc:
            log.warning("primary's WAL position unknown: %s", exc.orig)
            return None

    @contextmanager
    def per_request(self) -> Iterator[None]:
        """Within the block (a web request), the primary's reads go through one connection
        (see _Held). On PostgreSQL only: a SQLite connection costs no round trip."""
        if self.primary.dialect.name != "postgresql":
            yield
            return
        held = _Held(self._slots)
        token = _HELD.set(held)
        try:
            yield
        finally:
            _HELD.reset(token)
            held.release()

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading: a replica's when one may answer, else the primary's
        (the request's own, when it holds one)."""
        replica = self._choose()
        conn = self._open(replica) if replica else None
        held = _HELD.get() if conn is None else None
        if held is not None and held.mine() and (conn := held.connection(self.primary)):
            if _READING.get() is not None:
                self.reads["primary"] += 1
            held.busy = True
            try:
                yield conn
            except DBAPIError as exc:
                if self.connection_lost(exc):
                    held.release(lost=True)
                raise
            finally:
                held.busy = False
            return
        if conn is None:
            replica = None
            conn = self.primary.connect()
        if _READING.get() is not None:
            self.reads[replica.name if replica else "primary"] += 1
        with conn:
            try:
                yield conn
            except DBAPIError as exc:
                if replica and self.connection_lost(exc):  # it went away mid-read
                    replica.mark_down(exc.orig)
                raise

    def _open(self, replica: _Replica) -> Connection | None:
        try:
            return replica.engine.connect()
        except OperationalError as exc:  # refused, timed out, starting up, shutting down
            replica.mark_down(exc.orig)
            return None

    def _choose(self) -> _Replica | None:
        reading = _READING.get()
        if reading is None or not self._replicas:
            return None
        start = next(self._turn)
        floor = None
        for n in range(len(self._replicas)):
            replica = self._replicas[(start + n) % len(self._replicas)]
            if not replica.is_up():
                continue
            floor = self._floor(reading) if floor is None else floor
            replayed = replica.replayed()
            if replayed is not None and replayed >= floor:
                return replica
        return None

    def _floor(self, reading: Reading) -> int:
        """The position a replica must have replayed: the reader's own write, and the
        primary's position max_lag seconds ago (or since: the samples this process took)."""
        return max(self._primary_lagged(), reading.after or 0)

    def _primary_lagged(self) -> int:
        now = self._clock()
        with self._lock:
            if not self._history or now - self._history[-1][0] >= CHECK_EVERY:
                # the primary down: no floor but the reader's own; the replicas are all there is
                position = parse_lsn(self.primary_position())
                if position is not None:
                    self._history.append((now, position))
            # the oldest sample not older than max_lag: an older one would let a replica
            # further behind through; a newer one (reads are sparse) only asks more of it
            while self._history and now - self._history[0][0] > self.max_lag:
                self._history.popleft()
            return self._history[0][1] if self._history else 0

    def dispose(self) -> None:
        """Close the replicas' pooled connections."""
        for replica in self._replicas:
            replica.engine.dispose()


def page_reads(engine: Engine, routing: ReadRouting | None) -> Connect:
    """How a store connects for the reads a page makes: through ``routing`` (a replica
    inside a read-only request) when there is one, else on ``engine``."""
    return routing.connect if routing is not None else engine.connect
