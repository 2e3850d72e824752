"""One catalogue transaction: the writes an import makes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, insert, literal, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from chancery.domain import clock
from chancery.domain.authorities import Authority, AuthorityKind
from chancery.domain.collections import Collection
from chancery.domain.publication import Actor, is_public
from chancery.storage import authority_writes, bulk, lookups, rows
from chancery.storage.access import viewable_by
from chancery.storage.among import among
from chancery.storage.interface import (
    AuthorityRow,
    DocumentState,
    DocumentWrite,
    NameRow,
    NewNames,
)
from chancery.storage.moves import touch_documents
from chancery.storage.tables import (
    authorities,
    authority_names,
    authority_source_ids,
    collections,
    document_collections,
    document_links,
    document_releases,
    documents,
    media,
    relations,
    revisions,
    text_versions,
)

_CHILD_TABLES = (document_links, text_versions, media, document_collections, relations,
                 document_releases)


class SqlSession:
    """Writes inside one transaction on a SQLAlchemy connection."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def upsert_collections(self, items: list[Collection]) -> None:
        """Create or update collections by key."""
        keys = [c.key for c in items]
        existing = dict(self.conn.execute(
            select(collections.c.key, collections.c.id).where(collections.c.key.in_(keys))).all())
        new = [rows.collection_row(c) for c in items if c.key not in existing]
        if new:
            self.conn.execute(insert(collections), new)
        changed: list[int] = []
        for c in items:
            if c.key in existing:
                done = self.conn.execute(update(collections).where(
                    collections.c.id == existing[c.key],
                    *_differs(rows.collection_row(c))).values(rows.collection_row(c)))
                if done.rowcount:
                    changed.append(existing[c.key])
        if changed:  # their documents' records name them: they change too
            members = self.conn.execute(select(document_collections.c.document_id).where(
                document_collections.c.collection_id.in_(changed))).scalars()
            touch_documents(self.conn, list(members), clock.utc_now())  # read now: tests set it

    def authority_ids_for_sources(self, source_ids: list[str]) -> dict[str, int]:
        """Stored authority ids for source ids such as ``frus1958-60v19#p_HCA1``."""
        if not source_ids:
            return {}
        q = select(authority_source_ids.c.source_id, authority_source_ids.c.authority_id)
        return dict(self.conn.execute(
            q.where(among(authority_source_ids.c.source_id, source_ids))).all())

    def authorities_named(self, kind: AuthorityKind,
                          folded: list[str]) -> dict[str, list[AuthorityRow]]:
        """Stored authorities of a kind with a name variant whose folded form is given."""
        return self._authorities_by(authority_names.c.folded, kind, folded)

    def authorities_sounding(self, kind: AuthorityKind,
                             keys: list[str]) -> dict[str, list[AuthorityRow]]:
        """Stored authorities of a kind with a name whose phonetic key is given."""
        return self._authorities_by(authority_names.c.phonetic, kind, keys)

    def _authorities_by(self, column: Any, kind: AuthorityKind,
                        values: list[str]) -> dict[str, list[AuthorityRow]]:
        found: dict[str, list[AuthorityRow]] = {}
        if not values:
            return found
        q = (select(column.label("matched"), *authorities.c)
             .join(authorities, authorities.c.id == authority_names.c.authority_id)
             .where(authorities.c.kind == kind.value, among(column, values))
             .order_by(authorities.c.id).distinct())
        for row in self.conn.execute(q):
            found.setdefault(row.matched, []).append(rows.authority_row(row))
        return found

    def create_authority(self, authority: Authority, names: list[NameRow]) -> int:
        """Store a new authority record with its names and source ids."""
        return self.create_authorities([(authority, names)])[0]

    def create_authorities(self, items: list[tuple[Authority, list[NameRow]]]) -> list[int]:
        """Store new authority records with their names and source ids; their ids, in order."""
        return authority_writes.create_authorities(self.conn, items)

    def add_authority_names(self, authority_id: int, names: list[NameRow],
                            source_ids: tuple[str, ...]) -> None:
        """Add names and source ids to a stored authority (duplicates ignored)."""
        self.add_names([NewNames(authority_id, names, source_ids)])

    def add_names(self, additions: list[NewNames]) -> None:
        """Add names and source ids to stored authorities (duplicates ignored)."""
        if additions:
            authority_writes.add_names(self.conn, additions)

    def document_states(self, idents: list[str]) -> dict[str, DocumentState]:
        """Stored state of documents by source id or public id."""
        states: dict[str, DocumentState] = {}
        if not idents:
            return states
        cols = (documents.c.id, documents.c.source_id, documents.c.public_id,
                documents.c.content_hash)
        for column in (documents.c.source_id, documents.c.public_id):
            for row in self.conn.execute(select(*cols).where(among(column, idents))).all():
                state = DocumentState(row.id, row.content_hash)
                for ident in (row.source_id, row.public_id):
                    if ident in idents:
                        states[ident] = state
        return states

    def write_documents(self, writes: list[DocumentWrite]) -> dict[str, str]:
        """Store documents, each all or nothing; returns public id -> error for failures.

        The whole batch is tried at once (fast); if anything in it fails, each document is
        retried in its own savepoint so one bad document cannot take the others down."""
        try:
            with self.conn.begin_nested():
                self._write(writes)
            return {}
        except (SQLAlchemyError, ValueError):
            pass
        failures: dict[str, str] = {}
        for w in writes:
            try:
                with self.conn.begin_nested():
                    self._write([w])
            except (SQLAlchemyError, ValueError) as exc:
                failures[w.document.public_id] = rows.short_error(exc)
        return failures

    def _write(self, writes: list[DocumentWrite]) -> None:
        # every written document carries the change number, so the index can catch up
        change_no = lookups.bump_changes(self.conn, len(writes)) if writes else 0
        updates = [w for w in writes if w.existing_id is not None]
        ids = [w.existing_id for w in updates]
        stated = self._targets_before(ids, updates)
        for table in _CHILD_TABLES:
            if ids:
                self.conn.execute(delete(table).where(table.c.document_id.in_(ids)))
        for w in updates:
            self.conn.execute(update(documents).where(documents.c.id == w.existing_id)
                              .values({**rows.document_row(w, is_new=False), "change_no": change_no,
                                       "was_public": _was_public(w)}))
        inserts = [w for w in writes if w.existing_id is None]
        new_ids: list[int] = []
        if inserts:
            new_ids = bulk.insert_keyed(self.conn, documents, "public_id", [
                {**rows.document_row(w, is_new=True), "change_no": change_no,
                 "was_public": _public_now(w)} for w in inserts])
        pairs = [(w.existing_id or 0, w) for w in updates] + list(zip(new_ids, inserts, strict=True))
        self._write_children(pairs)
        if stated:
            self._touch_named(stated, {d for d, _ in pairs}, updates[0].revision.at)

    def _targets_before(self, ids: list[int | None], updates: list[DocumentWrite]) -> set[str]:
        """The relation targets the updated documents state now and will not after this
        write, or will and do not now: the documents they name show them ("enclosed in"), and
        change although nobody writes to them (the dataset downloads, harvesters follow)."""
        if not ids:
            return set()
        before: dict[int, set[str]] = {}
        for doc_id, target in self.conn.execute(select(relations.c.document_id, relations.c.target)
                                                .where(relations.c.document_id.in_(ids))):
            before.setdefault(doc_id, set()).add(target)
        after = {w.existing_id: {r.target for r in w.document.relations} for w in updates}
        return {t for i in ids if i is not None for t in before.get(i, set()) ^ after[i]}

    def _touch_named(self, targets: set[str], written: set[int], at: datetime) -> None:
        named = self.conn.execute(select(documents.c.id).where(or_(
            among(documents.c.public_id, targets), among(documents.c.source_id, targets))))
        touch_documents(self.conn, [i for i in named.scalars() if i not in written], at)

    def _write_children(self, pairs: list[tuple[int, DocumentWrite]]) -> None:
        keys = {m.collection_key for _, w in pairs for m in w.document.collections}
        coll_ids = dict(self.conn.execute(select(collections.c.key, collections.c.id)
                                          .where(collections.c.key.in_(keys))).all())
        batches = rows.child_rows(pairs, coll_ids)
        for table, table_rows in ((document_links, batches.links), (text_versions, batches.texts),
                                  (media, batches.media), (document_collections, batches.members),
                                  (relations, batches.relations), (revisions, batches.revisions),
                                  (document_releases, batches.releases)):
            bulk.insert_rows(self.conn, table, table_rows)


def _differs(values: dict[str, Any]) -> list[ColumnElement[bool]]:
    """A condition true when the row differs from these values in any column."""
    return [or_(*(collections.c[k].is_distinct_from(v) for k, v in values.items()))]


def _public_now(w: DocumentWrite) -> bool:
    return is_public(w.document.publication, w.revision.at.date())


def _was_public(w: DocumentWrite) -> ColumnElement[bool]:
    """Public once stays public once: before this write (the row as it was, which an UPDATE's
    SET reads, seen on the day of the write) or from it on."""
    return or_(documents.c.was_public, viewable_by(Actor.PUBLIC, w.revision.at.date()),
               literal(_public_now(w)))
