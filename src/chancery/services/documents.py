"""Reading the archive: one document, lists, statistics, integrity."""

from __future__ import annotations

from dataclasses import dataclass

from chancery.domain.identifiers import same_as
from chancery.domain.publication import Actor
from chancery.domain.readers import Reader
from chancery.domain.records import document_record
from chancery.domain.served_scans import ServedScan
from chancery.storage.interface import BlobStore, Catalogue, DocumentSummary
from chancery.storage.interface import StoredDocument as StoredDocument  # entry points' type

STAT_FACETS = ("collection", "type", "decade", "classification", "language", "state")


def show_document(catalogue: Catalogue, ident: str, reader: Reader | Actor) -> StoredDocument | None:
    """A document by public id or source id (``frus1958-60v19/d3``), if the reader may see it."""
    r = Reader.of(reader)
    return catalogue.get_document(ident.strip(), r.actor, r.today)


def show_documents(catalogue: Catalogue, public_ids: list[str],
                   reader: Reader | Actor) -> dict[str, StoredDocument]:
    """The named documents the reader may see, by public id (the others are left out)."""
    r = Reader.of(reader)
    found = catalogue.documents_seen_by(public_ids, r.actor, r.today) if public_ids else []
    return {s.document.public_id: s for s in found}


def list_documents(catalogue: Catalogue, reader: Reader | Actor, collection: str | None = None,
                   limit: int = 50, offset: int = 0) -> list[DocumentSummary]:
    """Documents in date order, optionally within a collection."""
    r = Reader.of(reader)
    return catalogue.list_documents(r.actor, r.today, collection, limit, offset)


def count_documents(catalogue: Catalogue, reader: Reader) -> int:
    """How many documents the reader may see."""
    return catalogue.count_documents(reader.actor, reader.today)


def served_scan(catalogue: Catalogue, key: str, reader: Reader) -> ServedScan | None:
    """The scan an address key names when a document the reader may see holds it, with the
    boxes to burn into what is served; None for any other key, so it answers as unknown (the
    public never gets a file with boxes by its original hash, only by its redacted key)."""
    return catalogue.served_scan(key, reader.actor, reader.today)


def staff_only_scans(catalogue: Catalogue, stored: StoredDocument, reader: Reader) -> set[str]:
    """The hashes of a document's scans that the public cannot fetch by them (a document
    the public may not see, an original with boxes or words withheld), for a staff reader,
    whose record then names them by their staff address; none for anyone else."""
    if not reader.is_editor:
        return set()
    public = Reader(Actor.PUBLIC, reader.today)
    return {m.sha256 for m in stored.document.media
            if served_scan(catalogue, m.sha256, public) is None}


def scanned_documents(catalogue: Catalogue, collection: str, reader: Reader,
                      limit: int) -> list[tuple[str, str]]:
    """(public id, title) of the documents with scans in a collection the reader may see."""
    return catalogue.scanned_documents(collection, reader.actor, reader.today, limit)


@dataclass(frozen=True)
class ArchiveStats:
    """Document counts, overall and by facet."""

    documents: int
    by: dict[str, list[tuple[str, int]]]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {"documents": self.documents,
                "by": {facet: dict(counts) for facet, counts in self.by.items()}}


def archive_stats(catalogue: Catalogue, reader: Reader | Actor) -> ArchiveStats:
    """Counts by collection, type, decade, classification, language and state."""
    r = Reader.of(reader)
    return ArchiveStats(catalogue.count_documents(r.actor, r.today),
                        {f: catalogue.counts_by(f, r.actor, r.today) for f in STAT_FACETS})


def migrate_catalogue(catalogue: Catalogue) -> tuple[str | None, str]:
    """Bring the schema to the newest migration; (the revision it was at, the newest)."""
    before, head = catalogue.schema_status()
    catalogue.migrate()
    return before, head


def change_count(catalogue: Catalogue) -> int:
    """How many document writes the catalogue has seen: a mark to ask what changed since."""
    return catalogue.changes()


def changed_since(catalogue: Catalogue, mark: int) -> list[str]:
    """Public ids of the documents written after ``mark`` (a change_count)."""
    return catalogue.changed_since(mark)


def catalogue_problems(catalogue: Catalogue) -> list[str]:
    """Integrity problems of the catalogue itself: schema behind, dangling references."""
    current, head = catalogue.schema_status()
    problems = []
    if current != head:
        problems.append(f"database schema is at {current}, newest is {head}: run `chancery migrate`")
    return problems + catalogue.check()


def check_archive(catalogue: Catalogue, blobs: BlobStore, verify_hashes: bool = False) -> list[str]:
    """Integrity problems: the catalogue's, and scans missing or damaged (`chancery check`
    names each stored file instead: services/fixity.py)."""
    problems = catalogue_problems(catalogue)
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
                     "role": la.role.value, "as_written": la.as_written,
                     "same_as": same_as(la.authority.identifiers)}
                    for la in stored.authorities]
    rec["collections"] = [{"key": c.key, "title": c.title, "parent": c.parent_key or None}
                          for c in stored.collections]
    rec["related"] = [{"label": r.label, "type": r.type.value, "public_id": r.public_id,
                       "title": r.title, "inverse": r.inverse} for r in stored.related]
    rec["revisions"] = [{"at": r.at.isoformat(), "actor": r.actor, "summary": r.summary,
                         "changes": sorted(r.changes)} for r in stored.revisions]
    rec["corrections"] = [{"date": c.at.date().isoformat(), "note": c.note}
                          for c in stored.corrections]
    rec["languages"] = stored.document.languages
    rec["created_at"] = stored.created_at.isoformat() if stored.created_at else None
    rec["updated_at"] = stored.updated_at.isoformat() if stored.updated_at else None
    return rec
