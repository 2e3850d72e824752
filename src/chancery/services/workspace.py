"""The editorial workspace's lists: what the dashboard shows a logged-in editor."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from chancery.domain.accounts import User, actor_of
from chancery.domain.publication import Actor, PublicationState
from chancery.services.clock import today
from chancery.storage.interface import DocumentSummary

DASHBOARD_ROWS = 50  # rows per dashboard list; the workspace search will page the rest


class WorkspaceReads(Protocol):
    """What the workspace needs from the catalogue (storage/workspace.py)."""

    def in_state(self, state: PublicationState, actor: Actor, today: date,
                 limit: int) -> list[DocumentSummary]: ...


def list_drafts(reads: WorkspaceReads, user: User,
                limit: int = DASHBOARD_ROWS) -> list[DocumentSummary]:
    """Documents in draft, as the account may see them: every draft for an editor or above
    (drafts have no owner yet; "my drafts" narrows to the account's own once revisions name
    their author), none for anyone else."""
    actor = actor_of(user)
    if actor is not Actor.EDITOR:
        return []
    return reads.in_state(PublicationState.DRAFT, actor, today(), limit)
