"""The time, in one place, so every layer agrees on what "now" and "today" are. Tests set
the clock by replacing ``utc_now`` here: ``today`` and every Reader made after follow it."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date, for embargo checks."""
    return utc_now().date()
