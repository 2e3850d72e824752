"""The editorial side of the catalogue: workflow events, a document's numbered history, and
the one write path an editorial change takes (the import's, so the search index follows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)

from chancery.domain.history import HistoryEntry
from chancery.domain.publication import PublicationState
from chancery.domain.workflow import Refused, WorkflowEvent
from chancery.storage.interface import DocumentWrite
from chancery.storage.session import SqlSession
from chancery.storage.tables import collections, documents, metadata, revisions

# One row per workflow step (migration 0009). Append-only from the application's side: no code
# updates or deletes a row; they go only with their document (a purge).
workflow_events = Table(
    "workflow_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False, index=True),
    # the revision the step wrote (its field-level diff of the publication)
    Column("revision_id", Integer, ForeignKey("revisions.id", ondelete="SET NULL")),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("from_state", String(12), nullable=False),
    Column("to_state", String(12), nullable=False),
    Column("comment", Text, nullable=False, default=""),
)


class SqlEditorial:
    """Workflow events and history on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def events(self, document_id: int) -> list[WorkflowEvent]:
        """The document's workflow steps, oldest first."""
        q = (select(workflow_events).where(workflow_events.c.document_id == document_id)
             .order_by(workflow_events.c.id))
        with self.engine.connect() as conn:
            return [_event(r) for r in conn.execute(q)]

    def history(self, document_id: int) -> list[HistoryEntry]:
        """Every revision of the document, oldest first, numbered from 1, with its step."""
        q = (select(revisions, *_STEP_COLUMNS)
             .outerjoin(workflow_events, workflow_events.c.revision_id == revisions.c.id)
             .where(revisions.c.document_id == document_id).order_by(revisions.c.id))
        with self.engine.connect() as conn:
            return [HistoryEntry(n, r.at, r.actor, r.summary, r.changes or {},
                                 _event(r) if r.to_state else None, r.public_note)
                    for n, r in enumerate(conn.execute(q), start=1)]

    def content_hash(self, document_id: int) -> str:
        """The content hash stored with the document (that of its source as last imported)."""
        with self.engine.connect() as conn:
            return str(conn.execute(select(documents.c.content_hash).where(
                documents.c.id == document_id)).scalar_one())

    def write(self, write: DocumentWrite, seen: datetime | None,
              event: WorkflowEvent | None) -> None:
        """Store an editorial change whole, with its step; Refused when the document changed
        since it was read at ``seen`` (its last update), so no change is silently lost."""
        assert write.existing_id is not None
        with self.engine.begin() as conn:
            now = conn.execute(select(documents.c.updated_at).where(
                documents.c.id == write.existing_id).with_for_update()).scalar()
            if now != seen:
                raise Refused("it changed while this command ran; run it again")
            failures = SqlSession(conn).write_documents([write])
            if failures:
                raise Refused(f"not stored: {next(iter(failures.values()))}")
            if event is not None:
                conn.execute(insert(workflow_events).values(_event_row(conn, write, event)))


    def collection_titles(self, limit: int) -> dict[str, str]:
        """Collections by key (up to ``limit``, in key order), with their titles."""
        q = select(collections.c.key, collections.c.title).order_by(collections.c.key).limit(limit)
        with self.engine.connect() as conn:
            return {r.key: r.title for r in conn.execute(q)}

    def has_collection(self, key: str) -> bool:
        """Whether a collection has this key."""
        with self.engine.connect() as conn:
            return conn.execute(select(collections.c.id).where(
                collections.c.key == key[:300])).first() is not None


_STEP_COLUMNS = (workflow_events.c.from_state, workflow_events.c.to_state,
                 workflow_events.c.comment, workflow_events.c.at.label("step_at"),
                 workflow_events.c.actor.label("step_actor"))


def _event(r: Any) -> WorkflowEvent:
    at = getattr(r, "step_at", None) or r.at
    actor = getattr(r, "step_actor", None) or r.actor
    return WorkflowEvent(at, actor, PublicationState(r.from_state), PublicationState(r.to_state),
                         r.comment)


def _event_row(conn: Any, write: DocumentWrite, e: WorkflowEvent) -> dict[str, Any]:
    revision_id = conn.execute(select(func.max(revisions.c.id)).where(
        revisions.c.document_id == write.existing_id)).scalar()
    return {"document_id": write.existing_id, "revision_id": revision_id, "at": e.at,
            "actor": e.actor, "from_state": e.from_state.value, "to_state": e.to_state.value,
            "comment": e.comment}
