"""Purging a document for good (a legal takedown): every row that belongs to it goes in one
transaction, its id is kept in purged_documents (so the search index drops it as it catches
up), and the files only it used are named for removal."""

from __future__ import annotations

from sqlalchemy import Engine, Table, delete, insert, select

from chancery.storage import lookups
from chancery.storage.tables import documents, media, metadata, purged_documents, relations


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
            public_id = conn.execute(select(documents.c.public_id).where(
                documents.c.id == document_id).with_for_update()).scalar_one()
            hashes = set(conn.execute(select(media.c.sha256).where(
                media.c.document_id == document_id)).scalars())
            for table, column in _document_tables():
                conn.execute(delete(table).where(table.c[column] == document_id))
            conn.execute(delete(documents).where(documents.c.id == document_id))
            change_no = lookups.bump_changes(conn)
            conn.execute(delete(purged_documents).where(purged_documents.c.public_id == public_id))
            conn.execute(insert(purged_documents).values(public_id=public_id, change_no=change_no))
            used = set(conn.execute(select(media.c.sha256).where(
                media.c.sha256.in_(hashes))).scalars()) if hashes else set()
        return sorted(hashes - used)
