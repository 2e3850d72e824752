"""The time, in one place, so tests and services agree on what "now" and "today" are."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date, for embargo checks."""
    return utc_now().date()
