"""The time, in one place, so tests and services agree on what "now" and "today" are."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date, for embargo checks."""
    return utc_now().date()


def utc_stamp(at: datetime) -> str:
    """A time to the second in UTC, ``2026-11-25T15:08:45Z`` (Atom, OAI-PMH). A time without
    a zone is UTC: SQLite gives back the UTC times it was given without their zone."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")
