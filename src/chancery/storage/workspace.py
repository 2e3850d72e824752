"""What the editorial workspace reads from the catalogue that the reading room does not:
documents by publication state (drafts, in review) and by embargo end, through the one
access rule."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, Select, func, or_, select

from chancery.domain.publication import Actor, PublicationState
from chancery.storage.access import viewable_by
from chancery.storage.interface import DocumentSummary
from chancery.storage.tables import documents, revisions
from chancery.storage.workflow import workflow_events


class SqlWorkspaceReads:
    """Workspace lists, on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def in_state(self, state: PublicationState, actor: Actor, today: date,
                 limit: int) -> list[DocumentSummary]:
        """Documents in one state the actor may see, most recently changed first (the
        state index, ix_documents_pub, finds them without reading the published ones)."""
        q = (select(documents).where(documents.c.pub_state == state.value,
                                     viewable_by(actor, today))
             .order_by(documents.c.updated_at.desc(), documents.c.id.desc()).limit(limit))
        return [_summary(r) for r in self._rows(q)]

    def drafts_by(self, name: str, actor: Actor, today: date,
                  limit: int) -> list[DocumentSummary]:
        """Drafts ``name`` is the author of, as far as the catalogue knows: its first revision
        is theirs (made in the workspace, not imported), or they sent it to review (and it
        came back), most recently changed first."""
        earlier = revisions.alias("earlier")
        first = (select(func.min(earlier.c.id)).where(earlier.c.document_id == documents.c.id)
                 .correlate(documents).scalar_subquery())
        wrote = (select(revisions.c.id)
                 .where(revisions.c.document_id == documents.c.id, revisions.c.id == first,
                        revisions.c.actor == name).correlate(documents).exists())
        sent = (select(workflow_events.c.id)
                .where(workflow_events.c.document_id == documents.c.id,
                       workflow_events.c.actor == name,
                       workflow_events.c.to_state == PublicationState.IN_REVIEW.value)
                .correlate(documents).exists())
        q = (select(documents).where(documents.c.pub_state == PublicationState.DRAFT.value,
                                     viewable_by(actor, today), or_(wrote, sent))
             .order_by(documents.c.updated_at.desc(), documents.c.id.desc()).limit(limit))
        return [_summary(r) for r in self._rows(q)]

    def in_review(self, actor: Actor, today: date,
                  limit: int) -> list[tuple[DocumentSummary, str | None, datetime | None]]:
        """Documents waiting for review, longest waiting first, each with who sent it to
        review and when (None for one imported in review: no step sent it)."""
        sent = (select(workflow_events.c.document_id,
                       func.max(workflow_events.c.id).label("event_id"))
                .where(workflow_events.c.to_state == PublicationState.IN_REVIEW.value)
                .group_by(workflow_events.c.document_id).subquery())
        q = (select(documents, workflow_events.c.actor.label("sent_by"),
                    workflow_events.c.at.label("sent_at"))
             .outerjoin(sent, sent.c.document_id == documents.c.id)
             .outerjoin(workflow_events, workflow_events.c.id == sent.c.event_id)
             .where(documents.c.pub_state == PublicationState.IN_REVIEW.value,
                    viewable_by(actor, today))
             .order_by(documents.c.updated_at, documents.c.id).limit(limit))
        return [(_summary(r), r.sent_by, r.sent_at) for r in self._rows(q)]

    def embargo_ending(self, actor: Actor, today: date, last: date,
                       limit: int) -> list[tuple[DocumentSummary, date]]:
        """Documents whose embargo ends after ``today`` and by ``last``, soonest first."""
        q = (select(documents)
             .where(documents.c.embargo_until > today, documents.c.embargo_until <= last,
                    viewable_by(actor, today))
             .order_by(documents.c.embargo_until, documents.c.id).limit(limit))
        return [(_summary(r), r.embargo_until) for r in self._rows(q)]

    def _rows(self, q: Select[Any]) -> list[Any]:
        with self.engine.connect() as conn:
            return list(conn.execute(q))


def _summary(r: Any) -> DocumentSummary:
    return DocumentSummary(r.public_id, r.source_id or "", r.title, r.date_display, r.doc_type,
                           r.pub_state)
