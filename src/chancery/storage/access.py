"""The access rule as a named query: what an actor may see, as one SQL condition.

It mirrors ``chancery.domain.publication.can_view``; a contract test checks they agree.
Every read path (show, list, stats, export, and later search, pages, API, OAI-PMH, IIIF,
feeds) filters with ``viewable_by``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Connection, and_, or_, select, true

from chancery.domain.publication import Actor, PublicationState
from chancery.storage.tables import documents

_CHUNK = 500


def viewable_by(actor: Actor, today: date) -> ColumnElement[bool]:
    """Documents the actor may see on ``today``."""
    if actor is Actor.EDITOR:
        return true()
    return and_(documents.c.pub_state == PublicationState.PUBLISHED.value,
                or_(documents.c.embargo_until.is_(None), documents.c.embargo_until <= today))


def hidden_targets(conn: Connection, targets: set[str], actor: Actor, today: date) -> set[str]:
    """The relation targets (public or source ids) that name a document the actor may not
    see. A target naming no stored document at all is not hidden: it tells nothing."""
    if actor is Actor.EDITOR or not targets:
        return set()
    hidden: set[str] = set()
    listed = sorted(targets)
    for start in range(0, len(listed), _CHUNK):
        chunk = listed[start:start + _CHUNK]
        q = select(documents.c.public_id, documents.c.source_id).where(
            or_(documents.c.public_id.in_(chunk), documents.c.source_id.in_(chunk)),
            ~viewable_by(actor, today))
        for public_id, source_id in conn.execute(q):
            hidden |= {public_id, source_id} & targets
    return hidden
