"""Reading the archive: one document, lists, statistics, integrity."""

from __future__ import annotations

from dataclasses import dataclass

from chancery.domain.publication import Actor
from chancery.domain.records import document_record
from chancery.services.clock import today
from chancery.storage.interface import BlobStore, Catalogue, DocumentSummary, StoredDocument

STAT_FACETS = ("collection", "type", "decade", "classification", "language", "state")


def show_document(catalogue: Catalogue, ident: str, actor: Actor) -> StoredDocument | None:
    """A document by public id or source id (``frus1958-60v19/d3``), if the actor may see it."""
    return catalogue.get_document(ident.strip(), actor, today())


def show_documents(catalogue: Catalogue, public_ids: list[str],
                   actor: Actor) -> dict[str, StoredDocument]:
    """The named documents the actor may see, by public id (the others are left out)."""
    found = catalogue.documents_seen_by(public_ids, actor, today()) if public_ids else []
    return {s.document.public_id: s for s in found}


def list_documents(catalogue: Catalogue, actor: Actor, collection: str | None = None,
                   limit: int = 50, offset: int = 0) -> list[DocumentSummary]:
    """Documents in date order, optionally within a collection."""
    return catalogue.list_documents(actor, today(), collection, limit, offset)


@dataclass(frozen=True)
class ArchiveStats:
    """Document counts, overall and by facet."""

    documents: int
    by: dict[str, list[tuple[str, int]]]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"documents": self.documents,
                "by": {facet: dict(counts) for facet, counts in self.by.items()}}


def archive_stats(catalogue: Catalogue, actor: Actor) -> ArchiveStats:
    """Counts by collection, type, decade, classification, language and state."""
    now = today()
    return ArchiveStats(catalogue.count_documents(actor, now),
                        {f: catalogue.counts_by(f, actor, now) for f in STAT_FACETS})


def check_archive(catalogue: Catalogue, blobs: BlobStore, verify_hashes: bool = False) -> list[str]:
    """Integrity problems: schema behind, dangling references, scans missing or damaged."""
    current, head = catalogue.schema_status()
    problems = []
    if current != head:
        problems.append(f"database schema is at {current}, newest is {head}: run `chancery migrate`")
    problems += catalogue.check()
    check = blobs.verify if verify_hashes else blobs.exists
    missing = [h for h in catalogue.media_hashes() if not check(h)]
    if missing:
        problems.append(f"{len(missing)} scan file(s) missing or damaged in the blob store: "
                        + ", ".join(h[:12] for h in missing[:5]))
    return problems


def document_view(stored: StoredDocument) -> dict[str, object]:
    """The full record as JSON-ready data: the document plus what storage knows of it."""
    rec = document_record(stored.document)
    rec["id"] = stored.id
    rec["links"] = [{"key": la.authority.key, "name": la.authority.name,
                     "kind": la.authority.kind.value, "description": la.authority.description,
                     "role": la.role.value, "as_written": la.as_written}
                    for la in stored.authorities]
    rec["collections"] = [{"key": c.key, "title": c.title, "parent": c.parent_key or None}
                          for c in stored.collections]
    rec["related"] = [{"label": r.label, "type": r.type.value, "public_id": r.public_id,
                       "title": r.title, "inverse": r.inverse} for r in stored.related]
    rec["revisions"] = [{"at": r.at.isoformat(), "actor": r.actor, "summary": r.summary,
                         "changes": sorted(r.changes)} for r in stored.revisions]
    rec["languages"] = stored.document.languages
    rec["created_at"] = stored.created_at.isoformat() if stored.created_at else None
    rec["updated_at"] = stored.updated_at.isoformat() if stored.updated_at else None
    return rec
