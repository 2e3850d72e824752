"""What an actor may see around documents: collections, authority records, relation targets
and the tombstones of withdrawn documents. Each is a named query over ``viewable_by``, so a
record that only hidden documents name stays as unknown as those documents."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, exists, literal, or_, select, true

from chancery.domain.collections import Collection
from chancery.domain.publication import Actor, PublicationState
from chancery.storage import lookups, reads
from chancery.storage.access import viewable_by
from chancery.storage.interface import AuthorityRow, WithdrawnDocument
from chancery.storage.redactions import lines_seen
from chancery.storage.tables import collections, document_collections, documents


def collections_seen_by(conn: Connection, actor: Actor, today: date) -> list[Collection]:
    """Collections holding a document the actor may see, in them or below them (an empty
    collection or one of drafts alone is not shown), parents before children."""
    every = reads.all_collections(conn)
    if actor is Actor.EDITOR:
        return every
    keys = _holding(conn, actor, today)
    by_key = {c.key: c for c in every}
    shown: set[str] = set()
    for key in keys:  # a collection shows when anything below it does
        current = by_key.get(key)
        while current is not None and current.key not in shown:
            shown.add(current.key)
            current = by_key.get(current.parent_key) if current.parent_key else None
    return [c for c in every if c.key in shown]


def _holding(conn: Connection, actor: Actor, today: date) -> set[str]:
    """The keys of the collections that hold a document the actor may see, each found from
    its members: the first visible member ends the collection's search."""
    if conn.dialect.name == "postgresql":
        # PostgreSQL turns EXISTS into one hash join of every membership with every visible
        # document (1.47 s at 1M documents, on every search and document page); a LATERAL
        # query with LIMIT 1 is planned per collection and stops at its first member (3.7 ms)
        first = (select(literal(1)).select_from(document_collections.join(
            documents, documents.c.id == document_collections.c.document_id))
            .where(document_collections.c.collection_id == collections.c.id,
                   viewable_by(actor, today)).limit(1).lateral())
        return set(conn.execute(select(collections.c.key).select_from(
            collections.join(first, true()))).scalars())
    # SQLite: joined, it walked every published document for each collection (3.7 s at 1M
    # documents), since sampled statistics make pub_state look selective
    member_seen = exists().where(documents.c.id == document_collections.c.document_id,
                                 viewable_by(actor, today))
    holding = select(document_collections.c.document_id).where(
        document_collections.c.collection_id == collections.c.id, member_seen)
    return set(conn.execute(select(collections.c.key).where(holding.exists())).scalars())


def authority_seen_by(conn: Connection, key: str, actor: Actor,
                      today: date) -> tuple[AuthorityRow, list[str]] | None:
    """An authority record with its names, when a document the actor may see names it."""
    found = reads.authority(conn, key)
    if found is None or actor is Actor.EDITOR:
        return found
    return found if lookups.authority_listed(conn, key, actor, today) else None


def withdrawn(conn: Connection, ident: str) -> WithdrawnDocument | None:
    """A withdrawn document that the public could once see, by public or source id."""
    row = conn.execute(select(documents.c.id, documents.c.public_id, documents.c.title,
                              documents.c.updated_at).where(
        or_(documents.c.public_id == ident, documents.c.source_id == ident),
        documents.c.pub_state == PublicationState.WITHDRAWN.value,
        documents.c.was_public.is_(True))).first()
    if row is None:
        return None
    keys = conn.execute(select(collections.c.key).join(
        document_collections, document_collections.c.collection_id == collections.c.id).where(
        document_collections.c.document_id == row.id).order_by(collections.c.key)).scalars()
    (_, title, _), = lines_seen(conn, Actor.PUBLIC, [(row.id, row.title, "")])
    return WithdrawnDocument(row.public_id, row.id, title, row.updated_at, tuple(keys))
