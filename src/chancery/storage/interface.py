"""What services need from storage: the catalogue and the blob store, as small interfaces.

Services import this module, never an adapter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
import numpy.typing as npt

from chancery.domain.authorities import Authority, AuthorityKind, NameVariant, Role
from chancery.domain.collections import Collection
from chancery.domain.corrections import Correction, PublicChange, changes_list, masked, revised_on
from chancery.domain.documents import Document
from chancery.domain.publication import Actor
from chancery.domain.read_texts import public_read_texts
from chancery.domain.redactions import LINK_PREFIX, Redaction, RedactionNotice, public_view
from chancery.domain.relations import RelatedDocument
from chancery.domain.revisions import Revision
from chancery.domain.served_scans import ServedScan
from chancery.domain.words import PageWords


@dataclass(frozen=True)
class AuthorityRow:
    """A stored authority record."""

    id: int
    key: str
    kind: AuthorityKind
    name: str
    description: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()  # (scheme, value) in other authority files


@dataclass(frozen=True)
class ListedAuthority:
    """An authority record a reader is shown, with every name it goes by (its variants, the
    generated ones included) and how many documents the reader may see name it."""

    key: str
    kind: AuthorityKind
    name: str
    documents: int
    names: tuple[str, ...]  # the preferred name first
    folded: tuple[str, ...]  # each name folded (domain.authorities.fold), as stored


@dataclass(frozen=True)
class NameRow:
    """A stored name variant with its match keys."""

    variant: NameVariant
    folded: str
    phonetic: str


@dataclass(frozen=True)
class NewNames:
    """Names and source ids to lay onto a stored authority record."""

    authority_id: int
    names: list[NameRow]
    source_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkWrite:
    """A document's link to a stored authority."""

    authority_id: int
    role: Role
    as_written: str = ""


@dataclass(frozen=True)
class DocumentWrite:
    """Everything needed to store one document in one transaction."""

    document: Document
    links: list[LinkWrite]
    content_hash: str
    revision: Revision
    existing_id: int | None = None  # set when the document is updated in place


@dataclass(frozen=True)
class DocumentState:
    """What storage knows of a document already: its id and content hash."""

    id: int
    content_hash: str


@dataclass(frozen=True)
class LinkedAuthority:
    """An authority as a document shows it: the record, the role, the form printed."""

    authority: AuthorityRow
    role: Role
    as_written: str
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoredDocument:
    """A document as read back, with what only storage knows."""

    id: int
    document: Document
    authorities: list[LinkedAuthority] = field(default_factory=list)
    collections: list[Collection] = field(default_factory=list)
    related: list[RelatedDocument] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # the redactions in force, for an editor's read only (a public read has them applied)
    redactions: list[Redaction] = field(default_factory=list)
    # a public read: that something was redacted, when and why (the page's "Redacted on")
    notices: list[RedactionNotice] = field(default_factory=list)
    # the corrections the public is told of, oldest first (public on every read)
    corrections: list[Correction] = field(default_factory=list)
    # an editor's read: the redactions of other documents on files this one carries (a box
    # on a shared scan, a text layer withheld), which its public view applies too
    shared: list[Redaction] = field(default_factory=list)
    # an editor's read of a document with redactions in force and an OCR text: the words read
    # on its scans, so that ``public`` cuts what they withhold out of the OCR text too (never
    # on a public read)
    scan_words: tuple[PageWords, ...] = ()

    @property
    def revised(self) -> date | None:
        """The day the public record last changed: its latest correction or redaction."""
        return revised_on([c.at.date() for c in self.corrections] +
                          [n.at.date() if n.at else None for n in self.notices])

    @property
    def changes(self) -> list[PublicChange]:
        """What the public is told changed (Redacted, Corrected), newest first."""
        return changes_list(self.corrections, [(n.at, n.reason, n.kind) for n in self.notices])

    def names(self, *roles: Role) -> list[str]:
        """The preferred names of the records linked in any of these roles, in document order."""
        return [la.authority.name for la in self.authorities if la.role in roles]

    @property
    def record_names(self) -> dict[str, list[str]]:
        """Every name of each linked record, by its key (what a withheld link withholds)."""
        return {la.authority.key: [la.authority.name, la.as_written, *la.variants]
                for la in self.authorities}

    def public(self) -> StoredDocument:
        """What the public may read of an editor's read: every redaction in force applied,
        redacted links gone from the linked records too, and from an OCR text the words its
        scans' boxes hide (domain/read_texts.py). The one rule every public channel
        takes a document through (catalogue reads, the index, citations, exports)."""
        live = [r for r in [*self.redactions, *self.shared] if r.in_force]
        if not live:
            return replace(self, redactions=[], shared=[], scan_words=()) \
                if self.redactions or self.shared or self.scan_words else self
        gone = {r.field[len(LINK_PREFIX):] for r in live if r.field.startswith(LINK_PREFIX)}
        names = self.record_names
        read = public_read_texts(self.document, self.scan_words, live, names)
        return replace(self, document=public_view(read, live), redactions=[], shared=[],
                       scan_words=(),
                       notices=[RedactionNotice.of(r) for r in live if r.is_noticed],
                       corrections=masked(self.corrections, self.document, live, names),
                       authorities=[la for la in self.authorities
                                    if la.authority.key not in gone])


@dataclass(frozen=True)
class DocumentSummary:
    """A line in a list of documents."""

    public_id: str
    source_id: str
    title: str
    date_display: str
    doc_type: str
    pub_state: str
    datestamp: datetime | None = None  # as OAI-PMH dates it (public_from): a sitemap's lastmod


@dataclass(frozen=True)
class WithdrawnDocument:
    """A document the public could once see and that has been taken down: what its 410 page
    and its OAI-PMH deletion record may say."""

    public_id: str
    id: int
    title: str
    updated_at: datetime
    collections: tuple[str, ...]


@dataclass(frozen=True)
class HarvestHeader:
    """A document as an OAI-PMH header: its last change, whether it was withdrawn (a deleted
    record), and the keys of its collections."""

    public_id: str
    id: int
    datestamp: datetime
    deleted: bool
    collections: tuple[str, ...]


class CatalogueSession(Protocol):
    """One transaction on the catalogue."""

    def upsert_collections(self, items: list[Collection]) -> None:
        """Create or update collections by key."""
        ...

    def authority_ids_for_sources(self, source_ids: list[str]) -> dict[str, int]:
        """Stored authority ids for source ids such as ``frus1958-60v19#p_HCA1``."""
        ...

    def authorities_named(self, kind: AuthorityKind, folded: list[str]) -> dict[str, list[AuthorityRow]]:
        """Stored authorities of a kind with a name variant whose folded form is given."""
        ...

    def authorities_sounding(self, kind: AuthorityKind,
                             keys: list[str]) -> dict[str, list[AuthorityRow]]:
        """Stored authorities of a kind with a name whose phonetic key is given."""
        ...

    def create_authority(self, authority: Authority, names: list[NameRow]) -> int:
        """Store a new authority record with its names and source ids."""
        ...

    def add_authority_names(self, authority_id: int, names: list[NameRow],
                            source_ids: tuple[str, ...]) -> None:
        """Add names and source ids to a stored authority (duplicates ignored)."""
        ...

    def create_authorities(self, items: list[tuple[Authority, list[NameRow]]]) -> list[int]:
        """Store new authority records with their names and source ids; their ids, in order
        (a batch costs a few statements, whatever its size)."""
        ...

    def add_names(self, additions: list[NewNames]) -> None:
        """Add names and source ids to stored authorities (duplicates ignored), in a few
        statements for the whole batch."""
        ...

    def document_states(self, idents: list[str]) -> dict[str, DocumentState]:
        """Stored state of documents by source id (or public id when there is none)."""
        ...

    def write_documents(self, writes: list[DocumentWrite]) -> dict[str, str]:
        """Store documents, each all or nothing; returns public id -> error for failures."""
        ...


class Catalogue(Protocol):
    """The system of record for documents, authorities and collections."""

    def session(self) -> AbstractContextManager[CatalogueSession]:
        """A transaction; committed when the block ends without error."""
        ...

    def migrate(self) -> None:
        """Bring the schema to the newest migration."""
        ...

    def schema_status(self) -> tuple[str | None, str]:
        """(current revision, newest revision)."""
        ...

    def refresh_statistics(self, only_if_missing: bool = False) -> None:
        """Let the database plan its queries by what it now holds (after bulk writes)."""
        ...

    def get_document(self, ident: str, actor: Actor, today: date) -> StoredDocument | None:
        """A document by public id or source id, if the actor may see it."""
        ...

    def iter_documents(self, actor: Actor, today: date) -> Iterator[StoredDocument]:
        """Every document the actor may see, in catalogue order."""
        ...

    def named_documents(self, public_ids: list[str], actor: Actor,
                        today: date) -> Iterator[StoredDocument]:
        """The named documents the actor may see, read as ``iter_documents`` reads them, in
        id order."""
        ...

    def list_documents(self, actor: Actor, today: date, collection: str | None,
                       limit: int, offset: int) -> list[DocumentSummary]:
        """A page of documents in date order."""
        ...

    def count_documents(self, actor: Actor, today: date) -> int:
        """How many documents the actor may see."""
        ...

    def counts_by(self, facet: str, actor: Actor, today: date) -> list[tuple[str, int]]:
        """Document counts by collection, type, decade, classification or language."""
        ...

    def authority(self, key: str, actor: Actor, today: date) -> tuple[AuthorityRow, list[str]] | None:
        """An authority record and its name variants, by key, when a document the actor may
        see names it."""
        ...

    def withdrawn(self, ident: str) -> WithdrawnDocument | None:
        """A withdrawn document, by public or source id, that the public could once see."""
        ...

    def check(self) -> list[str]:
        """Integrity problems found, in words; empty when all is well."""
        ...

    def media_hashes(self) -> list[str]:
        """Every blob hash the catalogue refers to."""
        ...

    def collections(self, actor: Actor, today: date) -> list[Collection]:
        """The collections holding a document the actor may see (in them or below them),
        parents before children."""
        ...

    def list_authorities(self, kind: str, actor: Actor, today: date, after: str,
                         limit: int) -> list[AuthorityRow]:
        """Authority records of a kind in key order after ``after``, named by a document the
        actor may see."""
        ...

    def harvest_headers(self, today: date, since: datetime | None, until: datetime | None,
                        collection: str | None, after: tuple[datetime, int] | None,
                        limit: int) -> list[HarvestHeader]:
        """OAI-PMH headers in (datestamp, id) order, after a position."""
        ...

    def earliest_datestamp(self, today: date) -> datetime | None:
        """The oldest datestamp a harvest can return."""
        ...

    def scanned_documents(self, collection: str, actor: Actor, today: date,
                          limit: int) -> list[tuple[str, str]]:
        """(public id, title) of documents with scans in a collection or below it."""
        ...

    def authority_listed(self, key: str, actor: Actor, today: date) -> bool:
        """Whether a document the actor may see names this authority record."""
        ...

    def listed_authorities(self, actor: Actor, today: date) -> list[ListedAuthority]:
        """Every authority record a document the actor may see names (the registers' rule),
        most named first, with its names and how many such documents name it."""
        ...

    def authority_records(self, keys: list[str]) -> list[Authority]:
        """Full authority records (names with their sources, source ids) by key."""
        ...


    def changes(self) -> int:
        """How many document writes the catalogue has seen (the search index follows it)."""
        ...

    def changed_since(self, seen: int) -> list[str]:
        """Public ids of documents written after the change count ``seen``."""
        ...

    def related_to(self, public_ids: list[str]) -> list[str]:
        """Public ids of the other documents whose record names one of these (a relation
        either way): their records change with these."""
        ...

    def released_between(self, after: date, until: date) -> list[str]:
        """Public ids of published documents whose embargo ended after ``after``, by ``until``."""
        ...

    def index_generation(self) -> int:
        """The generation of the search index last rebuilt from this catalogue."""
        ...

    def set_index_generation(self, generation: int) -> None:
        """Record a finished rebuild of the search index."""
        ...

    def authorities_for_word(self, folded: str, phonetic: str) -> list[tuple[AuthorityRow, list[str]]]:
        """Authority records a search word or phrase names, with all their names."""
        ...

    def names_among(self, folded: list[str]) -> set[str]:
        """Which of these folded phrases are, exactly, a name of some record."""
        ...

    def people_named(self, folded: list[str]) -> dict[str, int]:
        """For each folded word, how many person records carry it as a name or its first word."""
        ...

    def authority_labels(self, keys: list[str]) -> dict[str, str]:
        """Preferred names of authority records by key."""
        ...

    def documents_for_index(self, public_ids: list[str] | None = None,
                            as_of: int | None = None) -> Iterator[list[StoredDocument]]:
        """Documents as the search index needs them: all (in chunks) or the ones named;
        ``as_of`` a change count: of all, only those last written at or before it."""
        ...

    def documents_seen_by(self, public_ids: list[str], actor: Actor, today: date,
                          bodies: bool = True) -> list[StoredDocument]:
        """The named documents the actor may see now (the others are left out), in full, or
        without their texts' bodies and their relations (``bodies=False``: a citation)."""
        ...

    def neighbours(self, document_id: int, collection_key: str, actor: Actor,
                   today: date) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
        """(public id, title) of the documents before and after one in a collection."""
        ...

    def titles_by_source(self, source_ids: list[str], actor: Actor,
                         today: date) -> dict[str, tuple[str, str]]:
        """Source id -> (public id, title as the actor reads it) of the documents with these
        source ids that the actor may see (the others are left out)."""
        ...

    def served_scan(self, key: str, actor: Actor, today: date) -> ServedScan | None:
        """The scan an address key names, when a document the actor may see carries it: the
        original by its hash (never to the public once it has boxes), or by its redacted
        key the original with the boxes to burn in."""
        ...


@dataclass(frozen=True)
class VectorPage:
    """Stored passage vectors under their keys (the keys of a node's vector index)."""

    keys: list[int]
    vectors: npt.NDArray[np.float32]  # one row per key, as stored (float16) widened back


class BlobStore(Protocol):
    """Content-addressed file storage, deduplicated by SHA-256."""

    def put(self, path: Path) -> tuple[str, int]:
        """Store a file; returns (sha256, size). Storing the same content twice keeps one copy."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """Read a stored file."""
        ...

    def exists(self, sha256: str) -> bool:
        """Whether content with this hash is stored."""
        ...

    def verify(self, sha256: str) -> bool:
        """Whether the stored content still has its hash."""
        ...


class BucketsBusy(Exception):
    """The shared rate-limit buckets cannot be reached now (the database is locked or down)."""


class RateBuckets(Protocol):
    """Rate-limit budgets shared by every process that serves the archive."""

    def take(self, key: str, per_minute: int, now: float) -> float:
        """Count one request against ``key``'s budget of ``per_minute`` (bursts of as many):
        0 when it may go ahead, else the seconds until it could. Raises BucketsBusy."""
        ...
