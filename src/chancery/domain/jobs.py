"""Jobs: the slow work done for a document after it is stored (OCR, suggestions, citations),
one status per document and stage, so that progress, failures and retries can be shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Stage(StrEnum):
    """A kind of work done for a document, in the order a scan goes through them."""

    OCR = "ocr"  # text (and word boxes) from a scan: its own text layer, or Tesseract
    SUGGEST = "suggest"  # suggested metadata from the document's text, for an editor to confirm
    CITE = "cite"  # the document page's citation styles, rendered and kept
    EMBED = "embed"  # the public passages' vectors for search by meaning (services/meaning.py)


# What a finished stage leads to for the same document: suggestions read the OCR text.
FOLLOWS: dict[Stage, tuple[Stage, ...]] = {Stage.OCR: (Stage.SUGGEST,)}


class JobState(StrEnum):
    """Where a job is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class Job:
    """One stage for one document: its state, and why it failed when it did."""

    id: int
    document_id: int
    stage: Stage
    state: JobState = JobState.QUEUED
    attempts: int = 0
    error: str = ""  # the reason, as a person reads it ("page 3: Tesseract ...")
    file: str = ""  # the file it was working on, as the archivist named it
    queued_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    worker: str = ""  # host:pid of the process that ran it
    options: tuple[tuple[str, str], ...] = ()  # as the StageRequest gave them
    public_id: str = ""  # the document's, for people reading a failure list
    claim: str = ""  # the token of the run that holds it: a run taken over cannot finish it

    def option(self, name: str, default: str = "") -> str:
        """One option's value, or the default."""
        return dict(self.options).get(name, default)


@dataclass(frozen=True)
class StageCounts:
    """How far one stage is, for a progress bar: counts by state and the rate of the last
    minutes, from which the remaining time is estimated."""

    stage: Stage
    queued: int = 0
    running: int = 0
    done: int = 0
    failed: int = 0
    per_second: float = 0.0  # jobs finished per second lately

    @property
    def total(self) -> int:
        """Every job of the stage, whatever its state."""
        return self.queued + self.running + self.done + self.failed

    @property
    def remaining(self) -> int:
        """Jobs not yet finished one way or the other."""
        return self.queued + self.running

    @property
    def eta_seconds(self) -> float | None:
        """Seconds until the stage is through at the recent rate; None when nothing moves."""
        if not self.remaining:
            return 0.0
        return self.remaining / self.per_second if self.per_second > 0 else None


@dataclass(frozen=True)
class StageRequest:
    """A stage an importer asks for a document it read, with its options as the archivist set
    them (OCR: ``mode`` auto|always|never, ``language``), queued once the document is stored."""

    stage: Stage
    options: tuple[tuple[str, str], ...] = ()

    def option(self, name: str, default: str = "") -> str:
        """One option's value, or the default."""
        return dict(self.options).get(name, default)


@dataclass(frozen=True)
class JobWorker:
    """A process that runs jobs, as its last heartbeat tells: a worker not seen for a while
    is dead, and the jobs it held are queued again."""

    name: str  # host:pid
    kind: str  # "local" (chancery serve / import / worker without a broker) or "celery"
    started_at: datetime
    seen_at: datetime
