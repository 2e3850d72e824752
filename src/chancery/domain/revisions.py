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
