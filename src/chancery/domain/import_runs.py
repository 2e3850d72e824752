"""An import run as the archive remembers it: who ran it, when, from what, what it did, and
what failed and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RunFailure:
    """A file (or a document inside it) an import refused, and why."""

    file: str
    item: str
    reason: str


@dataclass(frozen=True)
class ImportRun:
    """One import: who, when, from what, its counts, and its first failures."""

    started_at: datetime
    finished_at: datetime
    operator: str  # an account's email, or the local operator
    sources: tuple[str, ...]
    imported: int
    updated: int
    unchanged: int
    failed: int
    failures: tuple[RunFailure, ...] = ()
