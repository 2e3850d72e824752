"""Edit history: every change to a document is stored as a revision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Revision:
    """Who changed what, when; ``changes`` maps a field to its [old, new] values."""

    at: datetime
    actor: str
    summary: str
    changes: dict[str, list[Any]] = field(default_factory=dict)
    # a correction the public is told of: its note ("" for none); None: not one
    # (domain/corrections.py says which changes are)
    public_note: str | None = None
