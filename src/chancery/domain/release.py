"""When the public could first see a document as it stands: the day a release counts as its
publication. OAI-PMH datestamps, feeds and sitemaps date documents by it, so a document whose
embargo ends today is news today, although nobody wrote to it."""

from __future__ import annotations

from datetime import UTC, datetime, time

from chancery.domain.publication import Publication, PublicationState


def release_start(publication: Publication) -> datetime | None:
    """The start (00:00:00 UTC) of a published document's embargo day, if it has one."""
    if publication.state is not PublicationState.PUBLISHED or publication.embargo_until is None:
        return None
    return datetime.combine(publication.embargo_until, time(0), tzinfo=UTC)


def public_from(changed: datetime, publication: Publication) -> datetime:
    """The later of a document's last write (``changed``) and the start of its embargo day:
    its datestamp once that day has come (before it, the public does not see it at all).
    A time without a zone is UTC, as SQLite gives it back."""
    changed = changed.replace(tzinfo=UTC) if changed.tzinfo is None else changed.astimezone(UTC)
    start = release_start(publication)
    return max(changed, start) if start is not None else changed
