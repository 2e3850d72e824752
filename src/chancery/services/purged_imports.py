"""An import does not bring a purged document back unasked: re-running an old import (or
importing an old bundle) after a legal takedown would otherwise undo it in silence. The
document is refused, with the day of the purge, and the rest of the batch lands; with
``--allow-purged`` it is imported and the import's caller audits it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from chancery.domain.documents import ParsedDocument
from chancery.ingest.base import Failure, SourceBatch


class PurgedLookup(Protocol):
    """Which ids name a purged document, and when it was purged (storage/purge.py)."""

    def purged_on(self, public_ids: list[str],
                  source_ids: list[str]) -> dict[str, datetime | None]: ...


def not_purged(batch: SourceBatch, purged: PurgedLookup | None, allow: bool
               ) -> tuple[list[ParsedDocument], list[Failure], list[str]]:
    """The batch's documents less those that name a purged document (by public or source
    id); the refusals, each saying when it was purged; and, with ``allow``, the public ids
    of the purged ones imported again (kept in the first list)."""
    docs = batch.documents
    if purged is None or not docs:
        return docs, [], []
    found = purged.purged_on([p.document.public_id for p in docs],
                             [p.document.source_id for p in docs if p.document.source_id])
    kept: list[ParsedDocument] = []
    refused: list[Failure] = []
    readmitted: list[str] = []
    for p in docs:
        d = p.document
        hit = next((i for i in (d.public_id, d.source_id) if i and i in found), None)
        if hit is not None and not allow:
            when = found[hit]
            day = f"on {when:%Y-%m-%d}" if when else "before"
            refused.append(Failure(batch.path, f"{hit} was purged {day} (see the audit log); "
                                   "not imported again (chancery import --allow-purged brings "
                                   "it back)", d.source_id or d.public_id))
            continue
        kept.append(p)
        if hit is not None:
            readmitted.append(d.public_id)
    return kept, refused, readmitted
