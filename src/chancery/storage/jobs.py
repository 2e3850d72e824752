"""Jobs in the catalogue (migration 0023): one row per document and stage, claimed by workers
with a token, so that two processes never run the same job and a run taken over (its worker
died) cannot finish it; and the heartbeats that tell a live worker from a dead one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any
from uuid import uuid4

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from chancery.domain import clock
from chancery.domain.jobs import Job, JobState, JobWorker, Stage, StageCounts
from chancery.storage.accounts import _utc
from chancery.storage.among import among
from chancery.storage.tables import documents, metadata

jobs = Table(
    "jobs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("state", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("error", Text, nullable=False),
    Column("file", Text, nullable=False),
    Column("options", JSON, nullable=False),  # {"mode": "auto", "language": "eng"}
    Column("claim", String(40), nullable=True),  # the running attempt's token
    Column("queued_at", DateTime(timezone=True), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=True),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("worker", String(200), nullable=False),
    UniqueConstraint("document_id", "stage", name="uq_jobs_document_stage"),
    Index("ix_jobs_stage_state", "stage", "state", "id"),  # the claim's scan
    Index("ix_jobs_claim", "claim"),
    Index("ix_jobs_finished_at", "finished_at"),  # the recent rate
)

job_workers = Table(
    "job_workers", metadata,
    Column("name", String(200), primary_key=True),  # host:pid
    Column("kind", String(20), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
)

_CHUNK = 500
_ERROR_MAX = 4000
QueuedJob = tuple[int, Stage, Mapping[str, str], str]  # document id, stage, options, file


def _job(row: Any, public_id: str = "") -> Job:
    at = [_utc(t) if t is not None else None for t in (row.queued_at, row.started_at,
                                                       row.finished_at)]
    return Job(row.id, row.document_id, Stage(row.stage), JobState(row.state), row.attempts,
               row.error, row.file, at[0], at[1], at[2], row.worker,
               tuple(sorted((str(k), str(v)) for k, v in (row.options or {}).items())),
               public_id, row.claim or "")


class SqlJobs:
    """The job table and the workers' heartbeats, on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def enqueue(self, wanted: Sequence[QueuedJob]) -> list[int]:
        """Queue these jobs; a job of the same document and stage is queued again whatever
        its state (a running one loses its claim, so its old run cannot mark it done), with
        the new options. Returns the ids of the jobs now queued."""
        if not wanted:
            return []
        now = clock.utc_now()
        unique = list(dict(((d, s), (d, s, o, f)) for d, s, o, f in wanted).values())
        rows = [{"document_id": d, "stage": s.value, "state": JobState.QUEUED.value,
                 "attempts": 0, "error": "", "file": f, "options": dict(o), "claim": None,
                 "queued_at": now, "started_at": None, "finished_at": None, "worker": ""}
                for d, s, o, f in unique]
        with self.engine.begin() as conn:
            for start in range(0, len(rows), _CHUNK):
                conn.execute(self._upsert(conn), rows[start:start + _CHUNK])
            return self._queued_ids(conn, [(d, s.value) for d, s, _, _ in unique])

    def _upsert(self, conn: Connection) -> Any:
        make = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        stmt = make(jobs)
        keep = ("state", "attempts", "error", "file", "options", "claim", "queued_at",
                "started_at", "finished_at", "worker")
        return stmt.on_conflict_do_update(index_elements=["document_id", "stage"],
                                          set_={k: stmt.excluded[k] for k in keep})

    def _queued_ids(self, conn: Connection, keys: list[tuple[int, str]]) -> list[int]:
        # By document alone, stage and state sorted out here: asked by stage too, PostgreSQL
        # (the job rows just written, not yet analysed) walks every job of the stage per
        # chunk, 150 ms each, 4 s of the FRUS import's 15,000 citation jobs
        wanted = set(keys)
        ids = sorted({d for d, _ in keys})
        found: list[int] = []
        for start in range(0, len(ids), _CHUNK):
            q = select(jobs.c.id, jobs.c.document_id, jobs.c.stage, jobs.c.state).where(
                among(jobs.c.document_id, ids[start:start + _CHUNK]))
            found += [r.id for r in conn.execute(q)
                      if (r.document_id, r.stage) in wanted and r.state == JobState.QUEUED.value]
        return sorted(found)

    def claim(self, stage: Stage, n: int, worker: str) -> list[Job]:
        """Take up to ``n`` queued jobs of a stage, oldest first, for this worker. One
        statement marks them (PostgreSQL skips rows another claim holds; SQLite has one
        writer at a time), and the token finds what this call took."""
        token = uuid4().hex
        pick = (select(jobs.c.id).where(jobs.c.stage == stage.value,
                                        jobs.c.state == JobState.QUEUED.value)
                .order_by(jobs.c.id).limit(n).with_for_update(skip_locked=True))
        with self.engine.connect() as conn:  # an idle worker's poll writes nothing
            if conn.execute(select(jobs.c.id).where(jobs.c.stage == stage.value,
                                                    jobs.c.state == JobState.QUEUED.value)
                            .limit(1)).first() is None:
                return []
        with self.engine.begin() as conn:
            # PostgreSQL: lock the rows first, then mark them (inside the UPDATE the locking
            # subquery may be run again and take more than n: each rescan skips the rows this
            # statement already changed). SQLite: one statement, so its write lock is taken
            # at once and a concurrent writer cannot slip in between a read and the write.
            chosen: Any = (list(conn.execute(pick).scalars())
                           if conn.dialect.name == "postgresql" else pick.scalar_subquery())
            conn.execute(self._start(worker, token).where(jobs.c.id.in_(chosen),
                                                          jobs.c.state == JobState.QUEUED.value))
            return self._claimed(conn, token)

    def claim_job(self, job_id: int, worker: str) -> Job | None:
        """Take one job by id, queued or held by a run the broker gave up on (Celery hands a
        job to a second worker only when the first lost it); None when it is finished."""
        token = uuid4().hex
        with self.engine.begin() as conn:
            conn.execute(self._start(worker, token).where(
                jobs.c.id == job_id,
                jobs.c.state.in_([JobState.QUEUED.value, JobState.RUNNING.value])))
            found = self._claimed(conn, token)
        return found[0] if found else None

    def _start(self, worker: str, token: str) -> Any:
        return update(jobs).values(state=JobState.RUNNING.value, claim=token, worker=worker[:200],
                                   started_at=clock.utc_now(), finished_at=None,
                                   attempts=jobs.c.attempts + 1)

    def _claimed(self, conn: Connection, token: str) -> list[Job]:
        q = (select(jobs, documents.c.public_id).join(documents, documents.c.id == jobs.c.document_id)
             .where(jobs.c.claim == token).order_by(jobs.c.id))
        return [_job(r, r.public_id) for r in conn.execute(q)]

    def finish(self, job: Job) -> bool:
        """Mark a claimed job done; False when its claim was lost (queued again meanwhile)."""
        return self._end(job, JobState.DONE, "")

    def fail(self, job: Job, reason: str) -> bool:
        """Mark a claimed job failed, with the reason a person reads."""
        return self._end(job, JobState.FAILED, reason[:_ERROR_MAX])

    def _end(self, job: Job, state: JobState, error: str) -> bool:
        with self.engine.begin() as conn:
            done = conn.execute(update(jobs).where(jobs.c.id == job.id, jobs.c.claim == job.claim,
                                                   jobs.c.state == JobState.RUNNING.value)
                                .values(state=state.value, error=error, claim=None,
                                        finished_at=clock.utc_now()))
        return bool(done.rowcount)

    def counts(self, window: timedelta = timedelta(minutes=5)) -> list[StageCounts]:
        """Counts by stage and state, with the rate jobs finished at in the last ``window``."""
        since = clock.utc_now() - window
        with self.engine.connect() as conn:
            by_state = conn.execute(select(jobs.c.stage, jobs.c.state, func.count())
                                    .group_by(jobs.c.stage, jobs.c.state)).all()
            recent = conn.execute(select(jobs.c.stage, func.count(), func.min(jobs.c.started_at))
                                  .where(jobs.c.finished_at >= since)
                                  .group_by(jobs.c.stage)).all()
        return _stage_counts(by_state, recent, window)

    def failures(self, limit: int = 200, stage: Stage | None = None) -> list[Job]:
        """Failed jobs, the latest first, with their document's public id."""
        q = (select(jobs, documents.c.public_id).join(documents, documents.c.id == jobs.c.document_id)
             .where(jobs.c.state == JobState.FAILED.value))
        if stage is not None:
            q = q.where(jobs.c.stage == stage.value)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(jobs.c.finished_at.desc(), jobs.c.id.desc())
                                .limit(limit)).all()
        return [_job(r, r.public_id) for r in rows]

    def retry_failed(self, stage: Stage | None = None) -> list[int]:
        """Queue the failed jobs again (only those); returns their ids."""
        cond = jobs.c.state == JobState.FAILED.value
        if stage is not None:
            cond = and_(cond, jobs.c.stage == stage.value)
        return self._requeue(cond)

    def recover(self, stale_after: timedelta) -> list[int]:
        """Queue again the jobs left running by workers not seen for ``stale_after`` (killed,
        or their machine gone); returns their ids."""
        cutoff = clock.utc_now() - stale_after
        alive = select(job_workers.c.name).where(job_workers.c.seen_at >= cutoff)
        return self._requeue(and_(jobs.c.state == JobState.RUNNING.value,
                                  or_(jobs.c.started_at.is_(None), jobs.c.started_at < cutoff),
                                  jobs.c.worker.not_in(alive)))

    def _requeue(self, cond: Any) -> list[int]:
        with self.engine.begin() as conn:
            ids = sorted(conn.execute(select(jobs.c.id).where(cond)).scalars())
            for start in range(0, len(ids), _CHUNK):
                conn.execute(update(jobs).where(jobs.c.id.in_(ids[start:start + _CHUNK]), cond)
                             .values(state=JobState.QUEUED.value, claim=None, error="",
                                     queued_at=clock.utc_now(), finished_at=None))
        return ids

    def get(self, job_id: int) -> Job | None:
        """One job by id."""
        with self.engine.connect() as conn:
            row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
        return _job(row) if row else None

    def queued_ids(self, stage: Stage | None = None) -> list[int]:
        """The ids of the queued jobs (to hand to a broker again)."""
        q = select(jobs.c.id).where(jobs.c.state == JobState.QUEUED.value)
        if stage is not None:
            q = q.where(jobs.c.stage == stage.value)
        with self.engine.connect() as conn:
            return list(conn.execute(q.order_by(jobs.c.id)).scalars())

    def _rows_in(self, columns: tuple[Any, ...], key: Any, wanted: Iterable[Any]) -> list[Any]:
        """The rows of these columns whose ``key`` is one of ``wanted``, asked in chunks (a
        database caps the parameters of one statement)."""
        values = list(wanted)
        rows: list[Any] = []
        with self.engine.connect() as conn:
            for start in range(0, len(values), _CHUNK):
                q = select(*columns).where(key.in_(values[start:start + _CHUNK]))
                rows.extend(conn.execute(q))
        return rows

    def document_ids(self, public_ids: Iterable[str]) -> dict[str, int]:
        """Catalogue ids of documents by public id (the ones that exist)."""
        rows = self._rows_in((documents.c.public_id, documents.c.id), documents.c.public_id,
                             public_ids)
        return {str(p): int(i) for p, i in rows}

    def last_options(self, document_ids: Iterable[int]
                     ) -> dict[tuple[int, Stage], dict[str, str]]:
        """The options each document's job of each stage last ran (or waits) with."""
        rows = self._rows_in((jobs.c.document_id, jobs.c.stage, jobs.c.options),
                             jobs.c.document_id, document_ids)
        return {(int(d), Stage(s)): {str(k): str(v) for k, v in (o or {}).items()}
                for d, s, o in rows}

    def public_ids(self, document_ids: Iterable[int]) -> dict[int, str]:
        """Public ids of documents by catalogue id."""
        rows = self._rows_in((documents.c.id, documents.c.public_id), documents.c.id,
                             document_ids)
        return {int(i): str(p) for i, p in rows}

    def beat(self, name: str, kind: str) -> None:
        """A worker says it is alive."""
        now = clock.utc_now()
        with self.engine.begin() as conn:
            seen = conn.execute(update(job_workers).where(job_workers.c.name == name)
                                .values(seen_at=now, kind=kind))
            if not seen.rowcount:
                conn.execute(insert(job_workers).values(name=name[:200], kind=kind,
                                                        started_at=now, seen_at=now))

    def leave(self, name: str) -> None:
        """A worker stops: it is no longer counted as alive."""
        with self.engine.begin() as conn:
            conn.execute(delete(job_workers).where(job_workers.c.name == name))

    def workers(self, within: timedelta) -> list[JobWorker]:
        """The workers seen in the last ``within``."""
        q = select(job_workers).where(job_workers.c.seen_at >= clock.utc_now() - within)
        with self.engine.connect() as conn:
            return [JobWorker(r.name, r.kind, _utc(r.started_at), _utc(r.seen_at))
                    for r in conn.execute(q.order_by(job_workers.c.name))]


def _stage_counts(by_state: Sequence[Any], recent: Sequence[Any],
                  window: timedelta) -> list[StageCounts]:
    """StageCounts per stage in Stage order, from (stage, state, n) and (stage, n, first
    start) rows: the rate is the finished jobs over the time since the first of them began."""
    found: dict[Stage, dict[str, int]] = {}
    for stage, state, n in by_state:
        found.setdefault(Stage(stage), {})[state] = int(n)
    now, rates = clock.utc_now(), {}
    for stage, n, first in recent:
        span = min(window.total_seconds(), (now - _utc(first)).total_seconds()) if first else 0
        rates[Stage(stage)] = n / max(span, 1.0)
    return [StageCounts(s, **found[s], per_second=rates.get(s, 0.0))
            for s in Stage if s in found]
