"""A document's history: its revisions in order, and the field values as they were after any
one of them (what `revert` writes back)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chancery.domain.workflow import Refused, WorkflowEvent

# fields a revert leaves alone: the ids name the document; publication moves only through the
# workflow (a revert must not publish or withdraw anything behind the reviewer's back)
KEPT_ON_REVERT = frozenset({"public_id", "source_id", "publication", "links"})


@dataclass(frozen=True)
class HistoryEntry:
    """A revision as the history shows it: numbered from 1 in the document's order, with the
    workflow step it made, if it made one. ``changes`` maps a field to [old, new]."""

    number: int
    at: datetime
    actor: str
    summary: str
    changes: dict[str, list[Any]] = field(default_factory=dict)
    step: WorkflowEvent | None = None
    # the note readers were told of, when the revision corrected a public document ("" for
    # a correction without one; None: no correction)
    public_note: str | None = None


def values_at(record: dict[str, Any], entries: list[HistoryEntry],
              number: int) -> dict[str, Any]:
    """The fields of ``record`` (the document now) that were different just after revision
    ``number``, with the values they had then: each later revision undone, newest first."""
    if not 1 <= number <= len(entries):
        raise Refused(f"there is no revision {number}; this document has revisions 1 to "
                      f"{len(entries)} (see `chancery history`)")
    then: dict[str, Any] = {}
    for entry in reversed(entries[number:]):
        for name, (old, _new) in entry.changes.items():
            if name not in KEPT_ON_REVERT:
                then[name] = old
    changed = {k: v for k, v in then.items() if record.get(k) != v}
    if not changed:
        raise Refused(f"its fields are as they were after revision {number}: nothing to revert")
    return changed
