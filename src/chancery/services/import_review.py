"""A re-import that meets workspace edits: the changed source's version of a document edited
since its last import (or with a change waiting) is not written but left as the document's
pending revision for a reviewer; only the file's publication applies at once, when no one
steered it (a source's withdrawal is not held back)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from chancery.domain.authorities import Authority
from chancery.domain.documents import Document, ParsedDocument
from chancery.domain.publication import Actor
from chancery.domain.records import Record, document_record
from chancery.domain.revisions import Revision
from chancery.ingest.base import SourceBatch
from chancery.services.clock import today, utc_now
from chancery.storage.interface import Catalogue, DocumentState, DocumentWrite, LinkWrite


class PendingImports(Protocol):
    """Where a re-import that meets workspace edits leaves its version (storage/pending.py)."""

    def held_for_review(self, document_ids: Iterable[int]) -> set[int]:
        """The documents edited since their last import, or with a change waiting."""
        ...

    def steered(self, document_ids: Iterable[int]) -> set[int]:
        """The documents whose publication someone set outside an import (a step, an
        embargo): a re-import keeps it; the file's state rules the others."""
        ...

    def propose_import(self, document_id: int, record: Record, author: str, comment: str,
                       content_hash: str) -> bool:
        """Keep the source's version as the pending revision (False: an editor's change is
        waiting already and stays, or the same version waits already)."""
        ...

    def authority_keys(self, ids: Iterable[int]) -> dict[int, str]:
        """Authority keys by stored id."""
        ...


@dataclass(frozen=True)
class Held:
    """A changed source over a document edited in the workspace: kept for a reviewer."""

    write: DocumentWrite
    author: str
    path: str


def for_review(changed: list[tuple[ParsedDocument, str]], states: dict[str, DocumentState],
               pending: PendingImports | None) -> tuple[set[int], set[int]]:
    """Among the changed stored documents: those editors changed since their import, and
    those whose publication someone set in the workspace or by command."""
    stored = [states[ident].id for ident in (_ident(p) for p, _ in changed) if ident in states]
    if pending is None or not stored:
        return set(), set()
    return pending.held_for_review(stored), pending.steered(stored)


def _ident(parsed: ParsedDocument) -> str:
    return parsed.document.source_id or parsed.document.public_id


def publication_now(held: DocumentWrite, state: DocumentState, batch: SourceBatch,
                    catalogue: Catalogue) -> list[DocumentWrite]:
    """The file's publication, at once, for a document no one steered whose other changes
    wait for review: a source's withdrawal is not held back (taking away is immediate)."""
    old = catalogue.get_document(held.document.public_id, Actor.EDITOR, today())
    if old is None or old.document.publication == held.document.publication:
        return []
    new = replace(old.document, publication=held.document.publication)
    revision = Revision(utc_now(), f"import:{batch.format}",
                        f"publication from {batch.path}; its other changes wait for review",
                        diff_records(old.document, new, ()))
    links = [LinkWrite(la.authority.id, la.role, la.as_written) for la in old.authorities]
    return [DocumentWrite(new, links, state.content_hash, revision, state.id)]


def hold_for_review(held: list[Held], pending: PendingImports | None) -> list[str]:
    """Leave each held source version as its document's pending revision; returns their
    public ids (the import's conflicts)."""
    if not held or pending is None:
        return []
    keys = pending.authority_keys(lk.authority_id for h in held for lk in h.write.links)
    for h in held:
        record = document_record(h.write.document)
        record["links"] = [{"ref": keys[lk.authority_id], "role": lk.role.value,
                            "as_written": lk.as_written} for lk in h.write.links]
        assert h.write.existing_id is not None
        pending.propose_import(h.write.existing_id, record, h.author,
                               f"re-imported from {h.path} over edits made in the "
                               "workspace", h.write.content_hash)
    return [h.write.document.public_id for h in held]


def diff_records(old: Document | None, new: Document,
                 authorities: tuple[Authority, ...]) -> dict[str, list[object]]:
    """Top-level fields that differ between the stored and the incoming document."""
    before = document_record(old) if old else {}
    after = document_record(new)
    skip = {"links"}  # stored links name authority keys, incoming ones batch refs
    return {k: [before.get(k), v] for k, v in after.items()
            if k not in skip and before.get(k) != v}
