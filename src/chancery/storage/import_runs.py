"""The record of import runs in the catalogue (migration 0012): one row per `chancery import`,
kept so the workspace's dashboard can show the latest ones with their failures."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, DateTime, Engine, Integer, String, Table, insert, select

from chancery.domain.import_runs import ImportRun, RunFailure
from chancery.storage.accounts import _utc
from chancery.storage.tables import metadata

import_runs = Table(
    "import_runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False, index=True),
    Column("finished_at", DateTime(timezone=True), nullable=False),
    Column("operator", String(254), nullable=False),  # an account's email or "local operator"
    Column("sources", JSON, nullable=False),  # the paths given, as given
    Column("imported", Integer, nullable=False),
    Column("updated", Integer, nullable=False),
    Column("unchanged", Integer, nullable=False),
    Column("failed", Integer, nullable=False),  # all of them, however many are kept below
    Column("failures", JSON, nullable=False),  # [{"file", "item", "reason"}], the first ones
)


class SqlImportRuns:
    """Import runs, on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, run: ImportRun) -> None:
        """Record a finished run."""
        with self.engine.begin() as conn:
            conn.execute(insert(import_runs).values(
                started_at=run.started_at, finished_at=run.finished_at,
                operator=run.operator[:254], sources=list(run.sources), imported=run.imported,
                updated=run.updated, unchanged=run.unchanged, failed=run.failed,
                failures=[{"file": f.file, "item": f.item, "reason": f.reason}
                          for f in run.failures]))

    def latest(self, limit: int) -> list[ImportRun]:
        """The latest runs, newest first."""
        q = (select(import_runs).order_by(import_runs.c.started_at.desc(), import_runs.c.id.desc())
             .limit(limit))
        with self.engine.connect() as conn:
            return [_run(r) for r in conn.execute(q)]


def _run(r: Any) -> ImportRun:
    return ImportRun(_utc(r.started_at), _utc(r.finished_at), r.operator, tuple(r.sources),
                     r.imported, r.updated, r.unchanged, r.failed,
                     tuple(RunFailure(f["file"], f.get("item", ""), f["reason"])
                           for f in r.failures))
