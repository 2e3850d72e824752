"""Typed relations between documents, readable from both ends."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RelationType(StrEnum):
    """How one document relates to another; each has a label for either end."""

    ENCLOSES = "encloses"
    REPLY_TO = "reply-to"
    OTHER_RELEASE = "other-release"  # a translation or another publication of the same text
    RELATED = "related"

    @property
    def label(self) -> str:
        """How the relation reads from the document that states it."""
        return _LABELS[self][0]

    @property
    def inverse_label(self) -> str:
        """How the relation reads from the other document."""
        return _LABELS[self][1]


_LABELS = {
    RelationType.ENCLOSES: ("Encloses", "Enclosed in"),
    RelationType.REPLY_TO: ("Reply to", "Replied to by"),
    RelationType.OTHER_RELEASE: ("Other release", "Other release"),
    RelationType.RELATED: ("Related", "Related"),
}


@dataclass(frozen=True)
class Relation:
    """A relation stated by one document; ``target`` is a public or source id."""

    type: RelationType
    target: str
    note: str = ""


@dataclass(frozen=True)
class RelatedDocument:
    """A relation as seen from one document: the label to show and the other document."""

    label: str
    type: RelationType
    public_id: str
    title: str
    inverse: bool  # True when the other document stated the relation
