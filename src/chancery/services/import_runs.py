"""The record of imports: who ran which, when, what it did and what failed and why, kept in
the catalogue for the workspace's dashboard ("recent imports with their failures")."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from chancery.domain.import_runs import ImportRun, RunFailure
from chancery.services.clock import utc_now
from chancery.services.imports import ImportContext, ImportSummary, Progress, import_paths

KEPT_FAILURES = 200  # failures kept per run (all are counted): a broken folder can fail by the
# ten thousand, and the dashboard shows the first few; the import's own report has them all


class ImportRunStore(Protocol):
    """Where runs are kept (storage/import_runs.py)."""

    def add(self, run: ImportRun) -> None: ...
    def latest(self, limit: int) -> list[ImportRun]: ...


def run_import(paths: Sequence[Path], ctx: ImportContext, runs: ImportRunStore, operator: str,
               progress: Progress | None = None) -> ImportSummary:
    """Import (services.imports.import_paths) and record the run, failures and all."""
    started = utc_now()
    summary = import_paths(paths, ctx, progress)
    failures = tuple(RunFailure(f.path, f.item, f.reason) for f in summary.failed[:KEPT_FAILURES])
    runs.add(ImportRun(started, utc_now(), operator, tuple(str(p) for p in paths),
                       summary.imported, summary.updated, summary.unchanged,
                       len(summary.failed), failures))
    return summary


def recent_imports(runs: ImportRunStore, limit: int = 5) -> list[ImportRun]:
    """The latest runs, newest first."""
    return runs.latest(limit)
