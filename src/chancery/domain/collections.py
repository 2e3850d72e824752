"""Collections: nested groupings such as FRUS series > volume > chapter."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Collection:
    """A collection, addressed by a path-like key that extends its parent's
    ("frus/frus1958-60v19/comp1/ch3")."""

    key: str
    title: str
    parent_key: str = ""
    position: int = 0  # order among siblings
    description: str = ""


@dataclass(frozen=True)
class Membership:
    """A document's place in a collection."""

    collection_key: str
    position: int = 0
