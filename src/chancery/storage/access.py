"""The access rule as a named query: what an actor may see, as one SQL condition.

It mirrors ``chancery.domain.publication.can_view``; a contract test checks they agree.
Every read path (show, list, stats, export, and later search, pages, API, OAI-PMH, IIIF,
feeds) filters with ``viewable_by``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, or_, true

from chancery.domain.publication import Actor, PublicationState
from chancery.storage.tables import documents


def viewable_by(actor: Actor, today: date) -> ColumnElement[bool]:
    """Documents the actor may see on ``today``."""
    if actor is Actor.EDITOR:
        return true()
    return and_(documents.c.pub_state == PublicationState.PUBLISHED.value,
                or_(documents.c.embargo_until.is_(None), documents.c.embargo_until <= today))
