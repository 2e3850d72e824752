"""The time as services use it: the domain's clock, and how times are written out."""

from __future__ import annotations

from datetime import UTC, date, datetime

from chancery.domain import clock


def utc_now() -> datetime:
    """The domain clock's time, read at each call: services import this name, so a binding
    made at import would keep the real clock when a test sets the domain's (writes were then
    stamped a day other than the one readers read on, and a withdrawal of a document its
    embargo had released was judged never public: no tombstone)."""
    return clock.utc_now()


def today() -> date:
    """The domain clock's date, read at each call."""
    return clock.today()


def utc_stamp(at: datetime) -> str:
    """A time to the second in UTC, ``2026-11-25T15:08:45Z`` (Atom, OAI-PMH). A time without
    a zone is UTC: SQLite gives back the UTC times it was given without their zone."""
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")
