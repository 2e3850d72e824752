"""What OAI-PMH harvests: documents by datestamp, published ones as records and withdrawn
ones as deleted records, a page at a time (keyset on public_from and id, so a page costs the
same at the end of a million records as at the start).

The datestamp is public_from, stored on write: the later of the last write and the start of
the embargo day. A document released today without a write is dated today, so a harvest
``from=`` today finds it; one still embargoed is not harvestable at all."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from sqlalchemy import Connection, and_, or_, select, tuple_

from chancery.domain.publication import PublicationState
from chancery.storage import rows
from chancery.storage.interface import HarvestHeader
from chancery.storage.tables import collections, document_collections, documents


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _harvestable(today: date):  # type: ignore[no-untyped-def]
    # the state as an expression no index holds: a page walks the datestamp index and stops
    # after its 101 rows, where SQLite, given the state index, read every published row and
    # sorted them (40 ms at 200,000 documents, growing with the archive)
    state = documents.c.pub_state + ""
    published = and_(state == PublicationState.PUBLISHED.value,
                     or_(documents.c.embargo_until.is_(None), documents.c.embargo_until <= today))
    # a withdrawn document is a deletion record only when harvesters could have seen it
    return or_(published, and_(state == PublicationState.WITHDRAWN.value,
                               documents.c.was_public.is_(True)))


def harvest_headers(conn: Connection, today: date, since: datetime | None,
                    until: datetime | None, collection: str | None,
                    after: tuple[datetime, int] | None, limit: int) -> list[HarvestHeader]:
    """Headers in (datestamp, id) order: changed at or after ``since``, before ``until``
    (exclusive), in ``collection`` or a collection below it, after the ``after`` position."""
    stamp = documents.c.public_from
    q = select(documents.c.id, documents.c.public_id, stamp,
               documents.c.pub_state).where(_harvestable(today))
    if since is not None:
        q = q.where(stamp >= since)
    if until is not None:
        q = q.where(stamp < until)
    if after is not None:
        q = q.where(tuple_(stamp, documents.c.id) > tuple_(*after))
    if collection is not None:
        inside = select(document_collections.c.document_id).join(
            collections, collections.c.id == document_collections.c.collection_id).where(
            rows.in_key_tree(collections.c.key, collection))
        q = q.where(documents.c.id.in_(inside))
    found = list(conn.execute(q.order_by(stamp, documents.c.id).limit(limit)))
    sets = _collections_of(conn, [r.id for r in found])
    return [HarvestHeader(r.public_id, r.id, _utc(r.public_from),
                          r.pub_state == PublicationState.WITHDRAWN.value, tuple(sets[r.id]))
            for r in found]


def _collections_of(conn: Connection, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if ids:
        q = (select(document_collections.c.document_id, collections.c.key)
             .join(collections, collections.c.id == document_collections.c.collection_id)
             .where(document_collections.c.document_id.in_(ids)).order_by(collections.c.key))
        for doc_id, key in conn.execute(q):
            out[doc_id].append(key)
    return out


def earliest_datestamp(conn: Connection, today: date) -> datetime | None:
    """The oldest datestamp a harvest can return."""
    first = conn.execute(select(documents.c.public_from).where(_harvestable(today))
                         .order_by(documents.c.public_from).limit(1)).scalar()
    return _utc(first) if first else None
