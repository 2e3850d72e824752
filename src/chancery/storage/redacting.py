"""A redaction's writes as one transaction each: the redaction row (or its new state), the
document's revision, and what makes every channel follow at once (a new change number for
the search index, a new last change for page validators and OAI-PMH datestamps)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Connection, insert, or_, select, update

from chancery.domain import clock
from chancery.domain.publication import Publication, PublicationState
from chancery.domain.redaction_records import same_redaction
from chancery.domain.redactions import Redaction, RedactionState
from chancery.domain.release import public_from
from chancery.domain.revisions import Revision
from chancery.storage import lookups, rows
from chancery.storage.moves import touch_documents
from chancery.storage.redactions import SqlRedactions, for_documents, redactions
from chancery.storage.scan_redactions import sharing
from chancery.storage.tables import documents, revisions


class SqlRedacting(SqlRedactions):
    """Redactions written with their document's revision, on the catalogue's engine."""

    def store(self, document_id: int, r: Redaction, revision: Revision) -> int:
        """Add a redaction in force from now; returns its id."""
        with self.engine.begin() as conn:
            redaction_id = self.add(conn, document_id, r)
            _changed(conn, document_id, revision, public=True)
            touch_documents(conn, sharing(conn, document_id), revision.at)
        return redaction_id

    def move(self, document_id: int, redaction_id: int, state: RedactionState,
             revision: Revision) -> None:
        """Move a redaction on; when it is removed the public reads the words again, so the
        document changes for every channel (a request alone changes nothing public)."""
        with self.engine.begin() as conn:
            self.set_state(conn, redaction_id, state, revision.actor, revision.at)
            _changed(conn, document_id, revision, public=state is RedactionState.REMOVED)
            if state is RedactionState.REMOVED:  # the documents sharing its files follow
                touch_documents(conn, sharing(conn, document_id), revision.at)

    def find(self, document_id: int, redaction_id: int) -> Redaction | None:
        """One of a document's redactions, whatever its state."""
        return next((r for r in self.of_document(document_id) if r.id == redaction_id), None)

    def restore(self, idents: list[str], wanted: list[Redaction], actor: str) -> int:
        """Add the redactions a document (by source or public id) lacks, as an import brings
        them, with one revision; returns how many (0 when there is no such document)."""
        with self.engine.begin() as conn:
            doc_id = conn.execute(select(documents.c.id).where(or_(
                documents.c.source_id.in_(idents), documents.c.public_id.in_(idents)))).scalar()
            if doc_id is None:
                return 0
            have = for_documents(conn, [doc_id]).get(doc_id, [])
            new = [r for r in wanted if not any(same_redaction(r, h) for h in have)]
            now = clock.utc_now()
            for r in new:  # one that does not say who made it, or when: the import, now
                self.add(conn, doc_id, replace(r, by=r.by or actor, at=r.at or now))
            if new:
                _changed(conn, doc_id, Revision(now, actor,
                                                f"{len(new)} redaction(s) restored by import"),
                         public=True)
                touch_documents(conn, sharing(conn, doc_id), now)  # as store() does
        return len(new)

    def requested_by(self, redaction_id: int) -> str:
        """Who asked for the redaction's removal ('' when nobody has)."""
        q = select(redactions.c.changed_by, redactions.c.state).where(
            redactions.c.id == redaction_id)
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        if row is None or row.state != RedactionState.REMOVAL_REQUESTED.value:
            return ""
        return str(row.changed_by)


def _changed(conn: Connection, document_id: int, revision: Revision, public: bool) -> None:
    """The revision in the document's history; when the public view changed, a new change
    number (the index re-reads it), last change and datestamp (a harvester takes the record
    again, a cached page is no longer current)."""
    conn.execute(insert(revisions).values(rows.revision_row(document_id, revision)))
    if not public:
        return
    row = conn.execute(select(documents.c.pub_state, documents.c.embargo_until).where(
        documents.c.id == document_id).with_for_update()).one()
    publication = Publication(PublicationState(row.pub_state), row.embargo_until)
    conn.execute(update(documents).where(documents.c.id == document_id).values(
        change_no=lookups.bump_changes(conn), updated_at=revision.at,
        public_from=public_from(revision.at, publication)))

