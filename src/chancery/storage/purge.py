"""Purging a document for good (a legal takedown): every row that belongs to it goes in one
transaction, its id is kept in purged_documents (so the search index drops it as it catches
up), and the files only it used are named for removal."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import Engine, Table, delete, insert, or_, select

from chancery.domain import clock
from chancery.storage import lookups
from chancery.storage.among import among
from chancery.storage.moves import touch_documents
from chancery.storage.tables import documents, media, metadata, purged_documents, relations
from chancery.storage.vectors import forget_document


def _document_tables() -> list[tuple[Table, str]]:
    """(table, column) of every table whose rows belong to a document, dependents first (a
    workflow event before the revision it names). Read from the tables' foreign keys, so a
    table added later goes with its document too, whatever its ON DELETE says."""
    found = []
    for table in reversed(metadata.sorted_tables):
        for fk in table.foreign_keys:
            if fk.column.table is documents and table is not documents:
                found.append((table, fk.parent.name))
    return found


class SqlPurge:
    """The catalogue's side of a purge."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def relating_to(self, idents: list[str], document_id: int) -> list[str]:
        """Public ids of the other documents with a relation to any of ``idents``."""
        q = (select(documents.c.public_id).join(relations, relations.c.document_id == documents.c.id)
             .where(relations.c.target.in_(idents), documents.c.id != document_id).distinct())
        with self.engine.connect() as conn:
            return sorted(conn.execute(q).scalars())

    def purge(self, document_id: int) -> list[str]:
        """Delete the document and every row of it; returns the hashes of its files that no
        other document uses (the caller removes the files once this has been committed)."""
        with self.engine.begin() as conn:
            public_id, source_id = conn.execute(select(
                documents.c.public_id, documents.c.source_id).where(
                documents.c.id == document_id).with_for_update()).one()
            hashes = set(conn.execute(select(media.c.sha256).where(
                media.c.document_id == document_id)).scalars())
            # the documents whose records named it (a relation either way) are written to:
            # their records change (a title gone), and what follows the change count (the
            # dataset downloads, harvesters) could not find them once its rows are gone
            named_it = lookups.related_to(conn, [public_id])
            forget_document(conn, document_id)  # its keys leave every node's vector index
            for table, column in _document_tables():
                conn.execute(delete(table).where(table.c[column] == document_id))
            conn.execute(delete(documents).where(documents.c.id == document_id))
            change_no = lookups.bump_changes(conn)
            conn.execute(delete(purged_documents).where(purged_documents.c.public_id == public_id))
            conn.execute(insert(purged_documents).values(
                public_id=public_id, change_no=change_no, purged_at=clock.utc_now(),
                source_hash=source_hash(source_id) if source_id else None))
            touch_documents(conn, list(conn.execute(select(documents.c.id).where(
                among(documents.c.public_id, named_it))).scalars()), clock.utc_now())
            used = set(conn.execute(select(media.c.sha256).where(
                media.c.sha256.in_(hashes))).scalars()) if hashes else set()
        return sorted(hashes - used)

    def purged_on(self, public_ids: list[str],
                  source_ids: list[str]) -> dict[str, datetime | None]:
        """Which of these ids (public ids, source ids) name a purged document and no document
        stored now (one brought back is updated as any other), each with when it was purged
        (None: before that was kept)."""
        hashes = {source_hash(s): s for s in source_ids}
        q = select(purged_documents).where(or_(
            among(purged_documents.c.public_id, public_ids),
            among(purged_documents.c.source_hash, hashes)))
        found: dict[str, datetime | None] = {}
        with self.engine.connect() as conn:
            for row in conn.execute(q):
                if row.public_id in public_ids:
                    found[row.public_id] = row.purged_at
                if row.source_hash in hashes:
                    found[hashes[row.source_hash]] = row.purged_at
            if found:
                stored = select(documents.c.public_id, documents.c.source_id).where(or_(
                    documents.c.public_id.in_(list(found)), documents.c.source_id.in_(list(found))))
                for row in conn.execute(stored):
                    found.pop(row.public_id, None)
                    found.pop(row.source_id or "", None)
        return found


def source_hash(source_id: str) -> str:
    """What purged_documents keeps of a source id: enough to know it again, not to read it."""
    return hashlib.sha256(source_id.encode()).hexdigest()
