"""Redactions carried by an editor's export (a bundle, a CSV), withheld again once its
documents are imported: each one the document does not have yet is added, in the state it
had, with a revision; none is ever taken away by an import (that is reviewed)."""

from __future__ import annotations

from typing import Protocol

from chancery.domain.documents import ParsedDocument
from chancery.domain.redactions import Redaction


class RedactionRestore(Protocol):
    """Adds a document's missing redactions with a revision (storage/redacting.py)."""

    def restore(self, idents: list[str], wanted: list[Redaction], actor: str) -> int: ...


def restore_redactions(docs: list[ParsedDocument], store: RedactionRestore | None,
                       actor: str) -> int:
    """Add the redactions each imported document carries and lacks; returns how many."""
    if store is None:
        return 0
    done = 0
    for p in docs:
        if p.redactions:
            idents = [i for i in (p.document.source_id, p.document.public_id) if i]
            done += store.restore(idents, list(p.redactions), actor)
    return done
