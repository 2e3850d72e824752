"""What editing authority records and collections shares in the catalogue: the old keys of
merged records and moved collections (their addresses answer a redirect, migration 0012), and
marking the documents an edit changes as written, so the search index, OAI-PMH and sitemaps
follow without a rebuild."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Column, Connection, ForeignKey, Integer, String, Table, select, update

from chancery.domain.publication import Publication, PublicationState
from chancery.domain.release import public_from
from chancery.storage import lookups
from chancery.storage.tables import authorities, collections, documents, metadata

authority_redirects = Table(
    "authority_redirects", metadata,
    Column("old_key", String(160), primary_key=True),  # the key of a record merged away
    Column("authority_id", Integer, ForeignKey("authorities.id", ondelete="CASCADE"),
           nullable=False, index=True),
)

collection_redirects = Table(
    "collection_redirects", metadata,
    Column("old_key", String(300), primary_key=True),  # a key the collection had before a move
    Column("collection_id", Integer, ForeignKey("collections.id", ondelete="CASCADE"),
           nullable=False, index=True),
)

_CHUNK = 500


def touch_documents(conn: Connection, doc_ids: list[int], now: datetime) -> int:
    """Mark documents as written now: a new change number (the index re-reads them), their
    last change and datestamp (harvesters fetch them again); returns how many."""
    ids = sorted(set(doc_ids))
    if not ids:
        return 0
    change_no = lookups.bump_changes(conn, 1)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        by_stamp: dict[datetime, list[int]] = defaultdict(list)
        for r in conn.execute(select(documents.c.id, documents.c.pub_state,
                                     documents.c.embargo_until).where(documents.c.id.in_(chunk))):
            stamp = public_from(now, Publication(PublicationState(r.pub_state), r.embargo_until))
            by_stamp[stamp].append(r.id)
        for stamp, same in by_stamp.items():  # one UPDATE per distinct datestamp, most share now
            conn.execute(update(documents).where(documents.c.id.in_(same)).values(
                change_no=change_no, updated_at=now, public_from=stamp))
    return len(ids)


def authority_moved_to(conn: Connection, old_key: str) -> str | None:
    """The key of the record a merged-away record's key now leads to."""
    q = (select(authorities.c.key)
         .join(authority_redirects, authority_redirects.c.authority_id == authorities.c.id)
         .where(authority_redirects.c.old_key == old_key))
    found = conn.execute(q).scalar()
    return str(found) if found else None


def collection_moved_to(conn: Connection, old_key: str) -> str | None:
    """The key a collection has now, by a key it had before a move."""
    q = (select(collections.c.key)
         .join(collection_redirects, collection_redirects.c.collection_id == collections.c.id)
         .where(collection_redirects.c.old_key == old_key))
    found = conn.execute(q).scalar()
    return str(found) if found else None
