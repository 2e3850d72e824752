"""Purging documents for good (a legal takedown): the record and every row of it, the files
only it used and everything made from them, its kept citations, its entries in the search
index and the dataset downloads. The audit log keeps the id, the reason and who, nothing
else. Other documents that related to it lose the relation, as a revision of theirs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from chancery.domain.publication import Actor
from chancery.domain.purge import PURGE_NEEDS, PURGED_RELATION, purge_reason
from chancery.domain.revisions import Revision
from chancery.domain.workflow import Acting, Refused
from chancery.search.interface import SearchIndex
from chancery.services.clock import today, utc_now
from chancery.services.imports import diff_records
from chancery.services.publishing import AuditLog, EditorialStore, Outcome
from chancery.services.search import refresh_index
from chancery.storage.interface import Catalogue, DocumentWrite, LinkWrite, StoredDocument


class PurgeStore(Protocol):
    """The catalogue's side of a purge (storage/purge.py)."""

    def relating_to(self, idents: list[str], document_id: int) -> list[str]: ...
    def purge(self, document_id: int) -> list[str]: ...


class DerivedFiles(Protocol):
    """Stored files and what is made from them (blobs/derived.py)."""

    def remove_file(self, sha256: str) -> int: ...
    def remove_downloads(self) -> int: ...


@dataclass(frozen=True)
class Kept:
    """The citation renderings kept on disk: ``forget`` drops every rendering of a document,
    in every style and of every revision (the cache keeps one folder per document)."""

    forget: Callable[[str], None]


class Purging:
    """The purge use case over the catalogue, files, citations and the search index."""

    def __init__(self, catalogue: Catalogue, store: PurgeStore, editorial: EditorialStore,
                 files: DerivedFiles, index: SearchIndex, kept: Kept, audit: AuditLog,
                 gone: Callable[[StoredDocument], None] = lambda stored: None) -> None:
        self.catalogue, self.store, self.editorial = catalogue, store, editorial
        self.files, self.index, self.kept, self.audit = files, index, kept, audit
        # told once a document is purged, with the document as it was (after, nothing says
        # which collection pages listed it, or which texts the API served): caches to drop
        self.gone = gone

    def found(self, idents: Iterable[str]) -> list[tuple[str, StoredDocument | None]]:
        """Each id as given with the document it names (None: no such document), for a
        confirmation before anything is purged."""
        return [(i, self.catalogue.get_document(i, Actor.EDITOR, today()))
                for i in dict.fromkeys(idents)]

    def check(self, reason: str, actor: Acting) -> str:
        """The reason as the audit log will keep it; Refused for a role that may not purge
        or a reason that is missing or too long (asked before a confirmation)."""
        actor.check("purging a document", PURGE_NEEDS)
        return purge_reason(reason)

    def purge(self, idents: Iterable[str], reason: str, actor: Acting) -> Outcome:
        """Purge each document; Refused, before anything goes, for a role that may not or a
        missing reason. The search index and the downloads follow before this returns."""
        said = self.check(reason, actor)
        out = Outcome()
        for ident, stored in self.found(idents):
            if stored is None:
                out.refused.append((ident, "no such document (give a public id or a source id)"))
                continue
            self._purge(stored, said, actor)
            out.changed.append(stored.document.public_id)
        if out.changed:
            self.files.remove_downloads()
            refresh_index(self.catalogue, self.index)
        return out

    def _purge(self, stored: StoredDocument, reason: str, actor: Acting) -> None:
        doc = stored.document
        targets = [i for i in (doc.public_id, doc.source_id) if i]
        for other in self.store.relating_to(targets, stored.id):
            self._unrelate(other, set(targets), actor)
        for sha256 in self.store.purge(stored.id):
            self.files.remove_file(sha256)
        self.kept.forget(doc.public_id)
        self.gone(stored)
        # the id, the reason and who: nothing of what the document said
        self.audit(actor.audit_name, "purge", doc.public_id, reason=reason, **dict(actor.via))

    def _unrelate(self, public_id: str, targets: set[str], actor: Acting) -> None:
        """Another document's relations without the purged one, as a revision of its own."""
        other = self.catalogue.get_document(public_id, Actor.EDITOR, today())
        if other is None:
            return
        new = replace(other.document, relations=tuple(
            r for r in other.document.relations if r.target not in targets))
        revision = Revision(utc_now(), actor.name, PURGED_RELATION,
                            diff_records(other.document, new, ()))
        links = [LinkWrite(la.authority.id, la.role, la.as_written) for la in other.authorities]
        write = DocumentWrite(new, links, self.editorial.content_hash(other.id), revision, other.id)
        try:
            self.editorial.write(write, other.updated_at, None)
        except Refused:  # changed meanwhile: `chancery check` names the relation left
            return

