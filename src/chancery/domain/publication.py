"""Publication state and the one access rule every read path goes through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class PublicationState(StrEnum):
    """Where a document is in the editorial workflow."""

    DRAFT = "draft"  # being prepared; editors only
    IN_REVIEW = "in-review"  # waiting for a reviewer; editors only
    PUBLISHED = "published"  # public unless embargoed
    WITHDRAWN = "withdrawn"  # was public, taken down; pages answer 410


@dataclass(frozen=True)
class Publication:
    """A document's state and optional embargo date (public from that day on)."""

    state: PublicationState = PublicationState.PUBLISHED
    embargo_until: date | None = None


class Actor(StrEnum):
    """Who is reading; roles beyond these arrive with accounts."""

    PUBLIC = "public"
    EDITOR = "editor"  # archivists and the CLI on the operator's own machine


def is_public(publication: Publication, today: date) -> bool:
    """Published and past any embargo: what anonymous readers may see."""
    if publication.state is not PublicationState.PUBLISHED:
        return False
    return publication.embargo_until is None or publication.embargo_until <= today


def can_view(actor: Actor, publication: Publication, today: date) -> bool:
    """The access rule: editors see everything, the public only what is public."""
    return actor is Actor.EDITOR or is_public(publication, today)
