"""Whether this node can serve, part by part (the catalogue, its search index, the job queue,
the data folder's disk), for a load balancer's readiness probe and the operator behind it.

Each check answers for this node only and says why when it fails. What fails a check is
what makes this node answer wrongly or not at all; what the archive's staff must look at
but readers do not feel (failed jobs, queued work) is reported, never failing: a load balancer
that took every node out for a failed OCR job would close the reading room for nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from chancery.domain.jobs import StageCounts
from chancery.search.interface import IndexBusy, IndexUnavailable, SearchIndex
from chancery.services.search_sync import check_index
from chancery.storage.interface import Catalogue

# What a check's details hold: counts, figures, or the reason it failed.
Details = dict[str, int | str]


@dataclass(frozen=True)
class Check:
    """One part of the node: whether it is fit to serve, and what was seen."""

    name: str
    ok: bool
    details: Details = field(default_factory=dict)


@dataclass(frozen=True)
class Readiness:
    """Every check of one look at the node."""

    checks: tuple[Check, ...]

    @property
    def is_ready(self) -> bool:
        """Whether every check passed."""
        return all(c.ok for c in self.checks)

    def public(self) -> dict[str, str]:
        """What anyone may be told: ready or not, nothing of why (counts reveal drafts)."""
        return {"status": "ready" if self.is_ready else "not ready"}

    def internal(self) -> dict[str, object]:
        """What the operator is told: each check with its figures."""
        return {**self.public(),
                "checks": {c.name: {"ok": c.ok, **c.details} for c in self.checks}}


@dataclass(frozen=True)
class Thresholds:
    """When a figure makes the node unfit (the ready_* settings)."""

    index_lag: int  # catalogue changes the index may be behind; 0: any
    free_disk: int  # bytes that must be free on the data folder's disk


@dataclass
class Health:
    """The checks of one node, wired by the composition root."""

    catalogue: Catalogue
    index: SearchIndex
    job_counts: Callable[[], list[StageCounts]]
    data: Path
    thresholds: Thresholds
    # says whether the job broker answers (raises when not); None: jobs need no broker
    ping_broker: Callable[[], None] | None = None

    def database(self) -> Check:
        """The catalogue answers a one-row read (the change counter)."""
        try:
            changes = self.catalogue.changes()
        except Exception as exc:  # any failure to read is the answer
            return Check("database", False, {"error": _reason(exc)})
        return Check("database", True, {"changes": changes})

    def search_index(self) -> Check:
        """The index can be searched and is not too far behind the catalogue."""
        try:
            lag = check_index(self.catalogue, self.index)
        except (IndexUnavailable, IndexBusy) as exc:
            return Check("search_index", False, {"error": _reason(exc)})
        except Exception as exc:  # the catalogue's side: the database check says more
            return Check("search_index", False, {"error": _reason(exc)})
        limit = self.thresholds.index_lag
        return Check("search_index", not limit or lag <= limit, {"lag": lag, "max_lag": limit})

    def jobs(self) -> Check:
        """The job queue's counts, and whether its broker answers (when there is one)."""
        try:
            counts = self.job_counts()
        except Exception as exc:  # any failure to read is the answer
            return Check("jobs", False, {"error": _reason(exc)})
        details: Details = {state: sum(getattr(c, state) for c in counts)
                            for state in ("queued", "running", "failed")}
        if self.ping_broker is None:
            return Check("jobs", True, details)
        try:
            self.ping_broker()
        except Exception as exc:  # jobs queued now would not reach any worker
            return Check("jobs", False, {**details, "broker": _reason(exc)})
        return Check("jobs", True, {**details, "broker": "answers"})

    def disk(self) -> Check:
        """The data folder's disk has room for what imports, caches and the index write."""
        try:
            free = shutil.disk_usage(self.data).free
        except OSError as exc:
            return Check("disk", False, {"error": _reason(exc)})
        need = self.thresholds.free_disk
        return Check("disk", free >= need, {"free_bytes": free, "min_free_bytes": need})

    def checks(self) -> list[Callable[[], Check]]:
        """Every check, each to be run (and timed out) on its own."""
        return [self.database, self.search_index, self.jobs, self.disk]


def _reason(exc: BaseException) -> str:
    """An exception in one line, cut short (a driver's message can run to pages)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]
