"""Conversions between domain objects and table rows, both ways."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, false, or_

from chancery.domain.authorities import AuthorityKind, Link, VariantSource
from chancery.domain.classification import Classification, Level
from chancery.domain.collections import Collection, Membership
from chancery.domain.dates import FuzzyDate, Precision
from chancery.domain.declassification import Release, release_record
from chancery.domain.documents import Document, DocumentType
from chancery.domain.media import MediaFile
from chancery.domain.provenance import Provenance
from chancery.domain.publication import Publication, PublicationState
from chancery.domain.records import text_from_record, text_record
from chancery.domain.relations import Relation, RelationType
from chancery.domain.release import public_from
from chancery.domain.revisions import Revision
from chancery.storage.interface import AuthorityRow, DocumentWrite, NameRow
from chancery.storage.tables import authority_names

RowDict = dict[str, Any]


def now() -> datetime:
    """The current time, timezone-aware (stored as UTC)."""
    return datetime.now(UTC)


def short_error(exc: Exception) -> str:
    """The first line of a database error, without SQLAlchemy's background links."""
    text = str(getattr(exc, "orig", None) or exc)
    return text.splitlines()[0][:300]


def document_row(w: DocumentWrite, is_new: bool) -> RowDict:
    """The documents-table row of a write."""
    d, p = w.document, w.document.provenance
    row: RowDict = {
        "public_id": d.public_id, "source_id": d.source_id or None, "number": d.number,
        "title": d.title, "doc_type": d.doc_type.value, "date_display": d.date.display,
        "date_start": d.date.start, "date_end": d.date.end,
        "date_precision": d.date.precision.value, "date_note": d.date.note, "summary": d.summary,
        "class_marking": d.classification.marking, "class_level": d.classification.level.value,
        "class_caveats": list(d.classification.caveats), "holding_archive": p.holding_archive,
        "fonds": p.collection, "reference_code": p.reference_code,
        "publishing_archive": p.publishing_archive, "source_note": p.source_note,
        "rights": p.rights, "funders": list(p.funders), "url": p.url,
        "archive_place": p.archive_place,
        "pub_state": d.publication.state.value, "embargo_until": d.publication.embargo_until,
        "content_hash": w.content_hash, "updated_at": w.revision.at,
        "public_from": public_from(w.revision.at, d.publication),
    }
    if is_new:
        row["created_at"] = w.revision.at
    return row


def collection_row(c: Collection) -> RowDict:
    """The collections-table row of a collection."""
    return {"key": c.key, "title": c.title, "parent_key": c.parent_key or None,
            "position": c.position, "description": c.description}


def collection_from_row(row: Row[Any]) -> Collection:
    """A collection from its row."""
    return Collection(row.key, row.title, row.parent_key or "", row.position, row.description)


def authority_row(row: Row[Any]) -> AuthorityRow:
    """An AuthorityRow from an authorities-table row."""
    return AuthorityRow(row.id, row.key, AuthorityKind(row.kind), row.name, row.description,
                        tuple((str(s), str(v)) for s, v in row.identifiers or ()))


def is_a_name() -> ColumnElement[bool]:
    """Names that name their record: not the spellings held back as evidence only, which
    neither the index, nor name expansion, nor the record's page show."""
    return authority_names.c.source != VariantSource.HELD_BACK.value


def name_row(authority_id: int, n: NameRow) -> RowDict:
    """The authority_names-table row of a name variant."""
    return {"authority_id": authority_id, "name": n.variant.name, "folded": n.folded[:300],
            "phonetic": n.phonetic[:40], "source": n.variant.source.value,
            "language": n.variant.language, "scheme": n.variant.scheme}


def revision_row(document_id: int, r: Revision) -> RowDict:
    """The revisions-table row of a revision."""
    return {"document_id": document_id, "at": r.at, "actor": r.actor, "summary": r.summary,
            "changes": r.changes, "public_note": r.public_note}


@dataclass
class ChildRows:
    """Rows of the tables that hang off documents, for one batch."""

    links: list[RowDict] = field(default_factory=list)
    texts: list[RowDict] = field(default_factory=list)
    media: list[RowDict] = field(default_factory=list)
    members: list[RowDict] = field(default_factory=list)
    relations: list[RowDict] = field(default_factory=list)
    revisions: list[RowDict] = field(default_factory=list)
    releases: list[RowDict] = field(default_factory=list)


def child_rows(pairs: list[tuple[int, DocumentWrite]], coll_ids: dict[str, int]) -> ChildRows:
    """Rows for links, texts, media, memberships, relations and revisions of a batch."""
    out = ChildRows()
    for doc_id, w in pairs:
        d = w.document
        out.links += [{"document_id": doc_id, "authority_id": lk.authority_id, "role": lk.role.value,
                       "as_written": lk.as_written, "position": i} for i, lk in enumerate(w.links)]
        for i, t in enumerate(d.texts):
            rec = text_record(t)
            out.texts.append({"document_id": doc_id, "position": i, "confidence": None, **rec})
        out.media += [{"document_id": doc_id, "sha256": m.sha256, "filename": m.filename,
                       "media_type": m.media_type, "size": m.size, "pages": m.pages,
                       "label": m.label, "position": i, "language": m.language}
                      for i, m in enumerate(d.media)]
        for m in d.collections:
            if m.collection_key not in coll_ids:
                raise ValueError(f"unknown collection {m.collection_key!r}")
            out.members.append({"document_id": doc_id, "collection_id": coll_ids[m.collection_key],
                                "position": m.position, "date_key": date_key(d.date.start)})
        out.relations += [{"document_id": doc_id, "type": r.type.value, "target": r.target,
                           "note": r.note, "position": i} for i, r in enumerate(d.relations)]
        out.revisions.append(revision_row(doc_id, w.revision))
        out.releases += [{"document_id": doc_id, "position": i, **release_record(r)}
                         for i, r in enumerate(d.releases)]
    return out


def date_key(start: date | None) -> int:
    """A membership's place in its collection's date order: yyyymmdd, undated last."""
    return start.year * 10000 + start.month * 100 + start.day if start else 99999999


def document_from_rows(row: Row[Any], texts: list[Row[Any]], media_rows: list[Row[Any]],
                       members: list[Membership], rels: list[Row[Any]],
                       links: list[Link], releases: list[Row[Any]]) -> Document:
    """A Document from its row and the rows that hang off it."""
    return Document(
        public_id=row.public_id, source_id=row.source_id or "", number=row.number,
        title=row.title, doc_type=DocumentType(row.doc_type),
        date=FuzzyDate(row.date_display, row.date_start, row.date_end,
                       Precision(row.date_precision), row.date_note),
        summary=row.summary,
        classification=Classification(row.class_marking, Level(row.class_level),
                                      tuple(row.class_caveats)),
        links=tuple(links),
        texts=tuple(text_from_record(t._mapping) for t in texts),  # not _asdict: 5x slower
        media=tuple(MediaFile(m.sha256, m.filename, m.media_type, m.size, m.pages, m.label,
                                    m.language)
                    for m in media_rows),
        provenance=Provenance(row.holding_archive, row.fonds, row.reference_code,
                              row.publishing_archive, row.source_note, row.rights,
                              tuple(row.funders), row.url, row.archive_place),
        collections=tuple(members),
        relations=tuple(Relation(RelationType(r.type), r.target, r.note) for r in rels),
        publication=Publication(PublicationState(row.pub_state), row.embargo_until),
        releases=tuple(Release(r.released, r.agency, r.authority, r.note) for r in releases),
    )


def in_key_tree(column: Any, key: str) -> ColumnElement[bool]:
    """The column holds ``key`` or a key below it ("frus" holds "frus/frus1958-60v19").

    A key longer than the column holds matches nothing, without asking the database: SQLite
    refuses a LIKE pattern over 50,000 bytes ("pattern too complex"), which made an OAI set
    argument of that length a 500."""
    if len(key) > (getattr(column.type, "length", None) or len(key)):
        return false()
    return or_(column == key, column.like(like_prefix(key), escape="\\"))


def like_prefix(key: str) -> str:
    """A LIKE pattern (escape "\\") for every key below ``key``: its own % and _ match only
    themselves."""
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "/%"
