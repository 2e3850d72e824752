"""OAI-PMH harvesting as a reader makes it: the headers of what they may see (and the
tombstones of what the public once saw), in datestamp order, and where the list begins; and
how feeds and sitemaps date a document, by the same rule (a release is a publication)."""

from __future__ import annotations

from datetime import UTC, datetime

from chancery.domain.readers import Reader
from chancery.domain.release import public_from
from chancery.storage.interface import Catalogue, StoredDocument
from chancery.storage.interface import HarvestHeader as HarvestHeader  # entry points' type
from chancery.storage.interface import WithdrawnDocument as WithdrawnDocument


def harvest_headers(catalogue: Catalogue, reader: Reader, since: datetime | None,
                    until: datetime | None, collection: str | None,
                    after: tuple[datetime, int] | None, limit: int) -> list[HarvestHeader]:
    """Headers in (datestamp, id) order after a position: what the public may harvest on the
    reader's day (a harvest is public whoever asks), and tombstones of what it once saw."""
    return catalogue.harvest_headers(reader.today, since, until, collection, after, limit)


def earliest_datestamp(catalogue: Catalogue, reader: Reader) -> datetime | None:
    """The oldest datestamp a harvest can return on the reader's day."""
    return catalogue.earliest_datestamp(reader.today)


def datestamp(stored: StoredDocument) -> datetime:
    """A document's datestamp (OAI-PMH, a feed entry's update, a sitemap's lastmod): its last
    write, or the start of its embargo day when that is later."""
    return public_from(stored.updated_at or datetime.now(UTC), stored.document.publication)


def published_at(stored: StoredDocument) -> datetime:
    """When a document was published, as feeds say it: when it was added, or the start of its
    embargo day when that is later (a release is news on its day)."""
    return public_from(stored.created_at or datetime.now(UTC), stored.document.publication)
