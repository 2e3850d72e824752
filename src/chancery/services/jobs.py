"""Jobs: the slow work queued for documents after they are stored (OCR, suggestions,
citations), run by whichever worker claims it, its follow-ups queued when it succeeds and its
reason kept when it fails. The stages are plain callables given by the composition root; the
same code runs in the archive's own processes and in Celery workers (chancery.tasks)."""

from __future__ import annotations

import os
import socket
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from chancery.domain.jobs import FOLLOWS, Job, JobWorker, Stage, StageCounts, StageRequest

# One document's stage: idempotent, raising an exception a person can read when it fails.
StageRun = Callable[[int, Mapping[str, str]], None]
# Many documents of one stage at once (citations: one pandoc call renders hundreds).
BatchRun = Callable[[Sequence[int]], None]
# The documents a stage finds wanting by itself (embedding: those written since the last
# look, by imports, edits, redactions or OCR alike), for a worker's sweep to queue.
Sweep = Callable[[], Sequence[int]]
QueuedJob = tuple[int, Stage, Mapping[str, str], str]  # document id, stage, options, file

ALIVE = timedelta(seconds=30)  # a worker not seen for this long is taken for dead
BEAT_SECONDS = 5.0  # how often a worker says it is alive (well inside ALIVE)
# jobs claimed at once; 1 for the others (an OCR job is minutes). 32 documents to embed are
# ~300 passages, one encoder call of about a second on one core
BATCH = {Stage.CITE: 200, Stage.EMBED: 32}


class JobStore(Protocol):
    """Where jobs and workers' heartbeats are kept (storage/jobs.py)."""

    def enqueue(self, wanted: Sequence[QueuedJob]) -> list[int]: ...
    def claim(self, stage: Stage, n: int, worker: str) -> list[Job]: ...
    def claim_job(self, job_id: int, worker: str) -> Job | None: ...
    def finish(self, job: Job) -> bool: ...
    def fail(self, job: Job, reason: str) -> bool: ...
    def counts(self, window: timedelta = ...) -> list[StageCounts]: ...
    def failures(self, limit: int = ..., stage: Stage | None = ...) -> list[Job]: ...
    def retry_failed(self, stage: Stage | None = ...) -> list[int]: ...
    def recover(self, stale_after: timedelta) -> list[int]: ...
    def queued_ids(self, stage: Stage | None = ...) -> list[int]: ...
    def document_ids(self, public_ids: Iterable[str]) -> dict[str, int]: ...
    def last_options(self, document_ids: Iterable[int]
                     ) -> dict[tuple[int, Stage], dict[str, str]]: ...
    def beat(self, name: str, kind: str) -> None: ...
    def leave(self, name: str) -> None: ...
    def workers(self, within: timedelta) -> list[JobWorker]: ...


class Dispatch(Protocol):
    """How queued jobs reach workers: nothing to do when they poll the catalogue, a message
    per job through a broker (tasks/celery.py)."""

    def submit(self, job_ids: Sequence[int]) -> None:
        """Hand these queued jobs to the workers."""


class Polled:
    """In-process workers find queued jobs in the catalogue themselves."""

    def submit(self, job_ids: Sequence[int]) -> None:
        """Nothing to send."""


def worker_name() -> str:
    """This process as a job's ``worker`` and a heartbeat's name: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def reason(exc: BaseException) -> str:
    """An exception as a failure list shows it."""
    text = str(exc).strip()
    return text if text else type(exc).__name__


@dataclass
class Jobs:
    """The job queue with the stages that run its jobs."""

    store: JobStore
    stages: Mapping[Stage, StageRun]
    batches: Mapping[Stage, BatchRun] = field(default_factory=dict)
    dispatch: Dispatch = field(default_factory=Polled)
    sweeps: Mapping[Stage, Sweep] = field(default_factory=dict)

    def queue(self, wanted: Sequence[QueuedJob]) -> int:
        """Queue jobs (again, if they ran before) and hand them to the workers; stages this
        archive has no code for are left out. Returns how many were queued."""
        ids = self.store.enqueue([w for w in wanted if w[1] in self.stages])
        self.dispatch.submit(ids)
        return len(ids)

    def queue_documents(self, public_ids: Sequence[str],
                        asked: Mapping[str, Sequence[StageRequest]],
                        files: Mapping[str, str] | None = None,
                        cite: bool = True) -> dict[Stage, int]:
        """Queue the work for documents just stored: their citations (``cite``) and the stages
        their importer asked for, by public id. Returns how many were queued per stage."""
        wanted: list[QueuedJob] = []
        for public_id, document_id in self.store.document_ids(public_ids).items():
            file = (files or {}).get(public_id, "")
            if cite:
                wanted.append((document_id, Stage.CITE, {}, file))
            wanted += [(document_id, r.stage, dict(r.options), file)
                       for r in asked.get(public_id, ())]
        self.queue(wanted)
        counted = Counter(s for _, s in {(d, s) for d, s, _, _ in wanted if s in self.stages})
        return dict(counted)

    def queue_changed_options(self, asked: Mapping[str, Sequence[StageRequest]],
                              files: Mapping[str, str]) -> dict[str, list[Stage]]:
        """Queue the stages asked for documents stored already, and unchanged, whose options
        differ from those of the stage's last job for the document (a scan imported again
        with ``--ocr always``, or another language); the same options queue nothing, so an
        unchanged re-import does no work twice. A stage that never ran is queued. Returns
        the stages queued, by public id."""
        ids = self.store.document_ids(asked)
        last = self.store.last_options(ids.values())
        again = {public_id: [r for r in asked[public_id] if r.stage in self.stages
                             and last.get((document_id, r.stage)) != dict(r.options)]
                 for public_id, document_id in ids.items()}
        self.queue([(ids[p], r.stage, dict(r.options), files.get(p, ""))
                    for p, requests in again.items() for r in requests])
        return {p: [r.stage for r in requests] for p, requests in again.items() if requests}

    def sweep(self, stages: Iterable[Stage] | None = None) -> int:
        """Queue what the stages that find their own work (of ``stages``, or all) find
        wanting; workers call it as they beat. Returns how many were queued."""
        wanted: list[QueuedJob] = []
        for stage, find in self.sweeps.items():
            if stages is None or stage in stages:
                wanted += [(d, stage, {}, "") for d in find()]
        return self.queue(wanted)

    def run_next(self, worker: str, stages: Iterable[Stage] | None = None) -> int:
        """Claim and run the next jobs of the first stage with work, in stage order (a scan's
        OCR before suggestions before citations); returns how many were run (0: none)."""
        for stage in stages if stages is not None else Stage:
            if stage not in self.stages:
                continue
            claimed = self.store.claim(stage, BATCH.get(stage, 1), worker)
            if claimed:
                self.run_claimed(claimed)
                return len(claimed)
        return 0

    def run_job(self, job_id: int, worker: str) -> bool:
        """Run one job by id (a broker's message): taken over when it was queued or its run
        lost, with more queued jobs of the same stage when that stage runs in batches; False
        when it was finished already (a message delivered twice)."""
        job = self.store.claim_job(job_id, worker)
        if job is None:
            return False
        more = BATCH.get(job.stage, 1) - 1
        self.run_claimed([job, *(self.store.claim(job.stage, more, worker) if more else [])])
        return True

    def run_claimed(self, claimed: Sequence[Job]) -> None:
        """Run claimed jobs of one stage: as a batch when the stage takes one (a batch that
        fails is run one by one, so each failure has its own reason), else one by one."""
        batch = self.batches.get(claimed[0].stage) if len(claimed) > 1 else None
        if batch is not None:
            try:
                batch([j.document_id for j in claimed])
            except Exception:  # each job is run again alone, keeping its reason
                batch = None
            else:
                for job in claimed:
                    self._done(job)
        if batch is None:
            for job in claimed:
                self.run_one(job)

    def run_one(self, job: Job) -> bool:
        """Run one claimed job; its failure is kept with the reason. True when it succeeded."""
        try:
            self.stages[job.stage](job.document_id, dict(job.options))
        except Exception as exc:  # any failure of a stage is the job's, kept
            self.store.fail(job, reason(exc))
            return False
        self._done(job)
        return True

    def _done(self, job: Job) -> None:
        """Queue what follows it for the same document, then mark it done: in that order, so
        that no one watching sees the stage finished and nothing after it yet (a wait would end
        early). Should the claim have been lost meanwhile, the follow-ups run twice, harmlessly:
        stages are idempotent."""
        self.queue([(job.document_id, s, dict(job.options), job.file)
                    for s in FOLLOWS.get(job.stage, ())])
        self.store.finish(job)

    def counts(self) -> list[StageCounts]:
        """Counts by stage and state, with the recent rate (for progress and ETA)."""
        return self.store.counts()

    def failures(self, limit: int = 200) -> list[Job]:
        """The failed jobs, latest first, each with file, stage and reason."""
        return self.store.failures(limit)

    def retry_failed(self, stage: Stage | None = None) -> int:
        """Queue the failed jobs again, only those; returns how many."""
        ids = self.store.retry_failed(stage)
        self.dispatch.submit(ids)
        return len(ids)

    def recover(self, stale_after: timedelta = ALIVE) -> int:
        """Queue again the jobs held by workers that stopped beating (killed)."""
        ids = self.store.recover(stale_after)
        self.dispatch.submit(ids)
        return len(ids)

    def beat(self, worker: str, kind: str = "local") -> None:
        """Say this worker is alive."""
        self.store.beat(worker, kind)

    def leave(self, worker: str) -> None:
        """This worker stops."""
        self.store.leave(worker)

    def workers(self) -> list[JobWorker]:
        """The workers alive now."""
        return self.store.workers(ALIVE)
