"""Reading documents and authorities back, always through the access rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, or_, select

from chancery.domain.authorities import (
    Authority,
    AuthorityKind,
    Link,
    NameVariant,
    Role,
    VariantSource,
)
from chancery.domain.collections import Collection, Membership
from chancery.domain.corrections import Correction
from chancery.domain.editing import stamp
from chancery.domain.publication import Actor
from chancery.domain.redactions import Redaction
from chancery.domain.relations import RelatedDocument, RelationType
from chancery.domain.revisions import Revision
from chancery.domain.texts import TextKind
from chancery.domain.words import PageWords
from chancery.storage import rows
from chancery.storage.access import hidden_targets, viewable_by
from chancery.storage.among import among
from chancery.storage.interface import (
    AuthorityRow,
    DocumentSummary,
    LinkedAuthority,
    StoredDocument,
)
from chancery.storage.redactions import for_documents, lines_seen
from chancery.storage.scan_redactions import with_shared_boxes
from chancery.storage.tables import (
    authorities,
    authority_names,
    authority_source_ids,
    collections,
    document_collections,
    document_links,
    document_releases,
    documents,
    media,
    relations,
    revisions,
    text_versions,
)
from chancery.storage.words import pages_of

_CHUNK = 500


_BODIES = ("body", "notes")  # the text columns a citation does not read


def _children(conn: Connection, table: Any, ids: list[int],
              without: tuple[str, ...] = ()) -> dict[int, list[Row[Any]]]:
    by_doc: dict[int, list[Row[Any]]] = defaultdict(list)
    order = [table.c.document_id, table.c.position] if "position" in table.c else [table.c.id]
    columns = [c for c in table.c if c.name not in without]
    # fetched whole: iterating a result fetches row by row, a Python call each on psycopg
    for row in conn.execute(select(*columns).where(among(table.c.document_id, ids))
                            .order_by(*order)).all():
        by_doc[row.document_id].append(row)
    return by_doc


def _linked(conn: Connection, ids: list[int]) -> dict[int, list[LinkedAuthority]]:
    q = (select(document_links.c.document_id, document_links.c.role, document_links.c.as_written,
                document_links.c.authority_id)
         .where(among(document_links.c.document_id, ids))
         .order_by(document_links.c.document_id, document_links.c.position))
    links = conn.execute(q).all()
    # each record read once, not once per link (the 42 FRUS volumes: 84,000 links, 3,750
    # records), and shared by the links to it
    records = {r.id: rows.authority_row(r) for r in conn.execute(select(authorities).where(
        among(authorities.c.id, {link.authority_id for link in links}))).all()}
    found: dict[int, list[LinkedAuthority]] = defaultdict(list)
    for link in links:
        found[link.document_id].append(LinkedAuthority(records[link.authority_id],
                                                       Role(link.role), link.as_written))
    return found


def _memberships(conn: Connection, ids: list[int]) -> dict[int, list[tuple[Membership, Any]]]:
    # the document's place in the collection apart from the collection's own among its
    # siblings (both are "position": the collection was given the document's)
    q = (select(document_collections.c.document_id,
                document_collections.c.position.label("member_position"), *collections.c)
         .join(collections, collections.c.id == document_collections.c.collection_id)
         .where(among(document_collections.c.document_id, ids))
         .order_by(document_collections.c.document_id, collections.c.key))
    found: dict[int, list[tuple[Membership, Any]]] = defaultdict(list)
    made: dict[int, Collection] = {}  # a volume's record once, not once per document in it
    for row in conn.execute(q).all():
        collection = made.get(row.id)
        if collection is None:
            collection = made[row.id] = rows.collection_from_row(row)
        found[row.document_id].append((Membership(row.key, row.member_position), collection))
    return found


def _related(conn: Connection, row: Row[Any], rels: list[Row[Any]], actor: Actor,
             today: date) -> list[RelatedDocument]:
    """Relations this document states, then those other documents state about it (their
    titles as the actor may read them)."""
    found: list[tuple[RelationType, bool, Any]] = []
    visible = viewable_by(actor, today)
    for rel in rels:
        other = conn.execute(select(documents.c.id, documents.c.public_id, documents.c.title).where(
            or_(documents.c.public_id == rel.target, documents.c.source_id == rel.target),
            visible)).first()
        if other:
            found.append((RelationType(rel.type), False, other))
    idents = [i for i in (row.public_id, row.source_id) if i]
    q = (select(relations.c.type, documents.c.id, documents.c.public_id, documents.c.title)
         .join(documents, documents.c.id == relations.c.document_id)
         .where(relations.c.target.in_(idents), visible).order_by(documents.c.date_start))
    found += [(RelationType(back.type), True, back) for back in conn.execute(q)]
    titles = lines_seen(conn, actor, [(r.id, r.title, "") for _, _, r in found])
    return [RelatedDocument(kind.inverse_label if inverse else kind.label, kind, r.public_id,
                            title, inverse)
            for (kind, inverse, r), (_, title, _) in zip(found, titles, strict=True)]


def _revisions(conn: Connection, doc_id: int) -> list[Revision]:
    q = select(revisions).where(revisions.c.document_id == doc_id).order_by(revisions.c.id)
    return [Revision(r.at, r.actor, r.summary, r.changes, r.public_note)
            for r in conn.execute(q)]


def _corrections(conn: Connection, ids: list[int]) -> dict[int, list[Correction]]:
    """The corrections the public is told of, per document, oldest first."""
    q = (select(revisions.c.document_id, revisions.c.at, revisions.c.public_note)
         .where(among(revisions.c.document_id, ids), revisions.c.public_note.is_not(None))
         .order_by(revisions.c.id))
    found: dict[int, list[Correction]] = defaultdict(list)
    for r in conn.execute(q).all():
        found[r.document_id].append(Correction(stamp(r.at) or r.at, r.public_note))
    return found


def _load(conn: Connection, doc_rows: Sequence[Row[Any]], actor: Actor, today: date,
          full: bool, bodies: bool = True) -> list[StoredDocument]:
    ids = [r.id for r in doc_rows]
    texts = _children(conn, text_versions, ids, () if bodies else _BODIES)
    media_rows, linked = _children(conn, media, ids), _linked(conn, ids)
    rels = _children(conn, relations, ids) if bodies else defaultdict(list)
    members, releases = _memberships(conn, ids), _children(conn, document_releases, ids)
    own, corrected = for_documents(conn, ids), _corrections(conn, ids)
    # a box on a file covers every document that carries it: the public view has the boxes
    # other documents put on its files, an editor's list of redactions only its own
    withheld = with_shared_boxes(conn, own, media_rows)
    read = _scan_words(conn, withheld, texts) if bodies else {}
    # a relation to a document the actor may not see is left out, as that document is
    hidden = hidden_targets(conn, {r.target for rs in rels.values() for r in rs}, actor,
                                    today)
    out = []
    for row in doc_rows:
        links = [Link(la.authority.key, la.role, la.as_written) for la in linked[row.id]]
        doc = rows.document_from_rows(row, texts[row.id], media_rows[row.id],
                                      [m for m, _ in members[row.id]],
                                      [r for r in rels[row.id] if r.target not in hidden], links,
                                      releases[row.id])
        out.append(_as_seen(actor, own.get(row.id, []), withheld.get(row.id, []), StoredDocument(
            row.id, doc, linked[row.id], [c for _, c in members[row.id]],
            _related(conn, row, rels[row.id], actor, today) if full else [],
            _revisions(conn, row.id) if full else [], row.created_at, row.updated_at,
            corrections=corrected[row.id], scan_words=tuple(read.get(row.id, ())))))
    return out


def _scan_words(conn: Connection, withheld: dict[int, list[Redaction]],
                texts: dict[int, list[Row[Any]]]) -> dict[int, list[PageWords]]:
    """The word layers of the documents with a redaction in force and an OCR text: what the
    public view cuts out of that text (StoredDocument.public). One query, and none for the
    documents that need none (nearly all)."""
    wanted = [doc_id for doc_id, rs in withheld.items() if any(r.in_force for r in rs)
              and any(t.kind == TextKind.OCR.value for t in texts[doc_id])]
    return pages_of(conn, wanted)


def _as_seen(actor: Actor, own: list[Redaction], withheld: list[Redaction],
             stored: StoredDocument) -> StoredDocument:
    """An editor reads the original with its own redactions beside it (and those of the
    documents sharing its files apart, for its public view); anyone else the public view
    (StoredDocument.public)."""
    if not withheld:
        return stored
    if actor is Actor.EDITOR:
        return replace(stored, redactions=own, shared=[r for r in withheld if r not in own])
    return replace(stored, redactions=withheld).public()


def get_document(conn: Connection, ident: str, actor: Actor, today: date) -> StoredDocument | None:
    """A document by public id or source id, if the actor may see it."""
    q = select(documents).where(
        or_(documents.c.public_id == ident, documents.c.source_id == ident),
        viewable_by(actor, today))
    row = conn.execute(q).first()
    return _load(conn, [row], actor, today, full=True)[0] if row else None


def iter_documents(conn: Connection, actor: Actor, today: date) -> Iterator[StoredDocument]:
    """Every document the actor may see, in id order, loaded in chunks."""
    last = 0
    while True:
        q = (select(documents).where(documents.c.id > last, viewable_by(actor, today))
             .order_by(documents.c.id).limit(_CHUNK))
        chunk = list(conn.execute(q))
        if not chunk:
            return
        yield from _load(conn, chunk, actor, today, full=True)
        last = chunk[-1].id


def named_documents(conn: Connection, public_ids: list[str], actor: Actor,
                    today: date) -> Iterator[StoredDocument]:
    """The named documents the actor may see, read as ``iter_documents`` reads them, in id
    order, a chunk at a time (what changed in a file that lists them all)."""
    ids: list[int] = []
    for start in range(0, len(public_ids), _CHUNK):
        ids += conn.execute(select(documents.c.id).where(
            among(documents.c.public_id, public_ids[start:start + _CHUNK]),
            viewable_by(actor, today))).scalars()
    ids.sort()
    for start in range(0, len(ids), _CHUNK):
        chunk = conn.execute(select(documents).where(among(documents.c.id, ids[start:start + _CHUNK]))
                             .order_by(documents.c.id)).all()
        yield from _load(conn, chunk, actor, today, full=True)


def load_documents(conn: Connection, doc_rows: Sequence[Row[Any]], actor: Actor,
                   today: date, bodies: bool = True) -> list[StoredDocument]:
    """Documents for rows of the documents table, without relations and history (what an
    index needs, in a few queries per chunk). Without ``bodies``, also without their texts'
    bodies and notes and their relations: what a citation reads (a text's language stays)."""
    return _load(conn, doc_rows, actor, today, full=False, bodies=bodies)


def list_documents(conn: Connection, actor: Actor, today: date, collection: str | None,
                   limit: int, offset: int) -> list[DocumentSummary]:
    """A page of documents in date order, optionally within one collection (and below it)."""
    q = select(documents).where(viewable_by(actor, today))
    if collection:
        inside = (select(document_collections.c.document_id)
                  .join(collections, collections.c.id == document_collections.c.collection_id)
                  .where(rows.in_key_tree(collections.c.key, collection)))
        q = q.where(documents.c.id.in_(inside))
    q = q.order_by(documents.c.date_start.is_(None), documents.c.date_start, documents.c.id)
    found = list(conn.execute(q.limit(limit).offset(offset)))
    seen = lines_seen(conn, actor, [(r.id, r.title, r.date_display) for r in found])
    return [DocumentSummary(r.public_id, r.source_id or "", title, shown, r.doc_type,
                            r.pub_state, r.public_from)
            for r, (_, title, shown) in zip(found, seen, strict=True)]


def authority(conn: Connection, key: str) -> tuple[AuthorityRow, list[str]] | None:
    """An authority record and its name variants, by key."""
    row = conn.execute(select(authorities).where(authorities.c.key == key)).first()
    if not row:
        return None
    names = conn.execute(select(authority_names.c.name).where(
        authority_names.c.authority_id == row.id, rows.is_a_name())
        .order_by(authority_names.c.id)).scalars()
    return rows.authority_row(row), list(names)


def all_collections(conn: Connection) -> list[Collection]:
    """Every collection, parents before children."""
    q = select(collections).order_by(collections.c.key)
    return [rows.collection_from_row(r) for r in conn.execute(q)]


def authority_records(conn: Connection, keys: list[str]) -> list[Authority]:
    """Full authority records (names with their sources, source ids) by key."""
    out = []
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        found = list(conn.execute(select(authorities).where(authorities.c.key.in_(chunk))
                                  .order_by(authorities.c.key)))
        ids = [r.id for r in found]
        names: dict[int, list[NameVariant]] = defaultdict(list)
        for n in conn.execute(select(authority_names).where(
                authority_names.c.authority_id.in_(ids)).order_by(authority_names.c.id)):
            names[n.authority_id].append(NameVariant(n.name, VariantSource(n.source), n.language,
                                                     n.scheme))
        sources: dict[int, list[str]] = defaultdict(list)
        for s in conn.execute(select(authority_source_ids).where(
                authority_source_ids.c.authority_id.in_(ids))
                .order_by(authority_source_ids.c.source_id)):
            sources[s.authority_id].append(s.source_id)
        out += [Authority(AuthorityKind(r.kind), r.name, r.key, r.key, r.description,
                          tuple(v for v in names[r.id] if v.name != r.name),
                          tuple(sources[r.id])) for r in found]
    return out
