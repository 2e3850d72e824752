"""The time as services use it: the domain's clock, and how times are written out."""

from __future__ import annotations

from datetime import UTC, datetime

from chancery.domain.clock import today as today
from chancery.domain.clock import utc_now as utc_now


def utc_stamp(at: datetime) -> str:
    """A time to the second in UTC, ``2026-11-25T15:08:45Z`` (Atom, OAI-PMH). A time without
    a zone is UTC: SQLite gives back the UTC times it was given without their zone."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")
