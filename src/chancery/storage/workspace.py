"""What the editorial workspace reads from the catalogue that the reading room does not:
documents by publication state (drafts, in review), through the one access rule."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from chancery.domain.publication import Actor, PublicationState
from chancery.storage.access import viewable_by
from chancery.storage.interface import DocumentSummary
from chancery.storage.tables import documents


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
        with self.engine.connect() as conn:
            return [DocumentSummary(r.public_id, r.source_id or "", r.title, r.date_display,
                                    r.doc_type, r.pub_state) for r in conn.execute(q)]
