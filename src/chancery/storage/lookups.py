"""Catalogue reads and counters the search side needs: the change counter and index
generation, authority records a query word names, labels for facet values, documents by id."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, literal, or_, select, tuple_, update

from chancery.domain.authorities import AuthorityKind
from chancery.domain.publication import Actor, PublicationState
from chancery.storage import reads, rows
from chancery.storage.access import viewable_by
from chancery.storage.among import among
from chancery.storage.interface import AuthorityRow, LinkedAuthority, StoredDocument
from chancery.storage.redactions import lines_seen, link_shown
from chancery.storage.tables import (
    authorities,
    authority_names,
    catalogue_meta,
    collections,
    document_collections,
    document_links,
    documents,
    media,
    purged_documents,
    relations,
)

_CHUNK = 500


def meta_value(conn: Connection, key: str) -> int:
    """A counter's value (0 when the row is missing)."""
    value = conn.execute(select(catalogue_meta.c.value).where(catalogue_meta.c.key == key)).scalar()
    return int(value or 0)


def bump_changes(conn: Connection, n: int = 1) -> int:
    """Count catalogue changes the search index must follow; returns the new count."""
    conn.execute(update(catalogue_meta).where(catalogue_meta.c.key == "changes")
                 .values(value=catalogue_meta.c.value + n))
    return meta_value(conn, "changes")


def changed_since(conn: Connection, seen: int) -> list[str]:
    """Public ids of documents written or purged after the change count ``seen``."""
    q = select(documents.c.public_id).where(documents.c.change_no > seen).order_by(documents.c.id)
    gone = select(purged_documents.c.public_id).where(purged_documents.c.change_no > seen)
    return list(dict.fromkeys([*conn.execute(q).scalars(), *conn.execute(gone).scalars()]))


def related_to(conn: Connection, public_ids: list[str]) -> list[str]:
    """Public ids of the other documents whose record names one of these: those stating a
    relation to one (by its public or source id) and those one states a relation to. A
    record shows its related documents' titles, or leaves out those the reader may not see,
    so it changes with them although nobody wrote to it."""
    found: set[str] = set()
    for start in range(0, len(public_ids), _CHUNK):
        chunk = public_ids[start:start + _CHUNK]
        named = conn.execute(select(documents.c.id, documents.c.public_id, documents.c.source_id)
                             .where(among(documents.c.public_id, chunk))).all()
        idents = {i for r in named for i in (r.public_id, r.source_id) if i}
        stating = (select(documents.c.public_id)
                   .join(relations, relations.c.document_id == documents.c.id)
                   .where(among(relations.c.target, idents)))
        targets = set(conn.execute(select(relations.c.target).where(
            among(relations.c.document_id, [r.id for r in named]))).scalars())
        stated = select(documents.c.public_id).where(or_(among(documents.c.public_id, targets),
                                                         among(documents.c.source_id, targets)))
        found.update(conn.execute(stating).scalars(), conn.execute(stated).scalars())
    return sorted(found - set(public_ids))


def released_between(conn: Connection, after: date, until: date) -> list[str]:
    """Public ids of published documents whose embargo ended after the day ``after``, up to
    ``until``: the public sees them from then, although nobody wrote to them."""
    q = select(documents.c.public_id).where(
        documents.c.pub_state == PublicationState.PUBLISHED.value,
        documents.c.embargo_until > after, documents.c.embargo_until <= until)
    return list(conn.execute(q.order_by(documents.c.id)).scalars())


def set_meta(conn: Connection, key: str, value: int) -> None:
    """Set a counter."""
    conn.execute(update(catalogue_meta).where(catalogue_meta.c.key == key).values(value=value))


def authorities_for_word(conn: Connection, folded: str,
                         phonetic: str) -> list[tuple[AuthorityRow, list[str]]]:
    """Authorities with a name that is the folded word or phrase, or begins or ends with it
    as a whole word ("khrushchev" finds "khrushchev nikita sergeevich" and "n s khrushchev"),
    or whose phonetic key matches; each with all its names."""
    conds = [authority_names.c.folded == folded,
             authority_names.c.folded.like(_like(folded) + " %", escape="\\"),
             authority_names.c.folded.like("% " + _like(folded), escape="\\")]
    if phonetic:
        conds.append(authority_names.c.phonetic == phonetic)
    q = (select(authorities).join(authority_names, authority_names.c.authority_id == authorities.c.id)
         .where(or_(*conds)).distinct().order_by(authorities.c.id).limit(50))
    found = [rows.authority_row(r) for r in conn.execute(q)]
    names: dict[int, list[str]] = defaultdict(list)
    if found:
        q2 = select(authority_names.c.authority_id, authority_names.c.name).where(
            authority_names.c.authority_id.in_([a.id for a in found]), rows.is_a_name())
        for aid, name in conn.execute(q2):
            names[aid].append(name)
    return [(a, names[a.id]) for a in found]


def names_among(conn: Connection, folded: list[str]) -> set[str]:
    """Which of these folded phrases are, exactly, a name of some record (one indexed query)."""
    if not folded:
        return set()
    q = select(authority_names.c.folded).where(
        authority_names.c.folded.in_(sorted(set(folded))), rows.is_a_name()).distinct()
    return set(conn.execute(q).scalars())


def people_named(conn: Connection, folded: list[str]) -> dict[str, int]:
    """For each folded word, how many person records carry it as a name or as the first word
    of one ("chiang" in "chiang ching kuo", "khrushchev" in "khrushchev nikita s"); one query
    answers every word of a search."""
    words = sorted(set(folded))
    if not words:
        return {}
    q = (select(authority_names.c.folded, authority_names.c.authority_id)
         .join(authorities, authorities.c.id == authority_names.c.authority_id)
         .where(or_(*[or_(authority_names.c.folded == w,
                          authority_names.c.folded.startswith(w + " ", autoescape=True))
                      for w in words]),
                rows.is_a_name(), authorities.c.kind == AuthorityKind.PERSON.value))
    owners: dict[str, set[int]] = defaultdict(set)
    for name, authority_id in conn.execute(q):
        for w in words:
            if name == w or name.startswith(w + " "):
                owners[w].add(authority_id)
    return {w: len(ids) for w, ids in owners.items()}


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def authority_labels(conn: Connection, keys: list[str]) -> dict[str, str]:
    """Preferred names by key, for facet values."""
    out: dict[str, str] = {}
    for start in range(0, len(keys), _CHUNK):
        q = select(authorities.c.key, authorities.c.name).where(
            authorities.c.key.in_(keys[start:start + _CHUNK]))
        out.update({k: n for k, n in conn.execute(q)})
    return out


def iter_for_index(conn: Connection, as_of: int | None = None) -> Iterator[list[StoredDocument]]:
    """Every document (last written by the change count ``as_of``, when given), in chunks,
    as the search index needs them."""
    last = 0
    written = [] if as_of is None else [documents.c.change_no <= as_of]
    while True:
        chunk = conn.execute(select(documents).where(documents.c.id > last, *written)
                             .order_by(documents.c.id).limit(_CHUNK)).all()
        if not chunk:
            return
        yield with_variants(conn, reads.load_documents(conn, chunk, Actor.EDITOR, date.today()))
        last = chunk[-1].id


def with_variants(conn: Connection, docs: list[StoredDocument]) -> list[StoredDocument]:
    """The documents with every name of each linked authority filled in (for the index)."""
    ids = list({la.authority.id for s in docs for la in s.authorities})
    names: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), _CHUNK):
        q = select(authority_names.c.authority_id, authority_names.c.name).where(
            among(authority_names.c.authority_id, ids[start:start + _CHUNK]), rows.is_a_name())
        for aid, name in conn.execute(q).all():
            names[aid].append(name)
    variants = {aid: tuple(found) for aid, found in names.items()}  # one tuple per record
    return [replace(s, authorities=[LinkedAuthority(la.authority, la.role, la.as_written,
                                                    variants.get(la.authority.id, ()))
                                    for la in s.authorities]) for s in docs]


def documents_by_public_id(conn: Connection, public_ids: list[str], actor: Actor,
                           today: date, bodies: bool = True) -> list[StoredDocument]:
    """Documents by public id (those the actor may see), loaded in full (but for the texts'
    bodies and the relations without ``bodies``: reads.load_documents)."""
    out: list[StoredDocument] = []
    for start in range(0, len(public_ids), _CHUNK):
        q = select(documents).where(among(documents.c.public_id, public_ids[start:start + _CHUNK]),
                                    viewable_by(actor, today))
        out += reads.load_documents(conn, conn.execute(q).all(), actor, today, bodies)
    return with_variants(conn, out)


def neighbours(conn: Connection, document_id: int, collection_key: str, actor: Actor,
               today: date) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """The (public id, title) before and after a document within one collection, in date order
    (undated last, then by id), among the documents the actor may see. Walks the index on
    (collection, date key, document), so the cost does not grow with the collection."""
    dc = document_collections
    me = conn.execute(select(dc.c.collection_id, dc.c.date_key)
                      .join(collections, collections.c.id == dc.c.collection_id)
                      .where(collections.c.key == collection_key, dc.c.document_id == document_id)
                      ).first()
    if me is None:
        return None, None
    cid, key = me
    base = (select(documents.c.id, documents.c.public_id, documents.c.title)
            .select_from(dc.join(documents, documents.c.id == dc.c.document_id))
            .where(dc.c.collection_id == cid, viewable_by(actor, today)))
    # a row comparison, not "a < k OR (a = k AND b < i)": PostgreSQL takes only the row form
    # into the index scan (19.9 ms -> 0.18 ms in a 55,000-document collection at 1M)
    place = tuple_(dc.c.date_key, dc.c.document_id)
    before = (base.where(place < tuple_(literal(key), literal(document_id)))
              .order_by(dc.c.date_key.desc(), dc.c.document_id.desc()).limit(1))
    after = (base.where(place > tuple_(literal(key), literal(document_id)))
             .order_by(dc.c.date_key, dc.c.document_id).limit(1))
    found = [conn.execute(before).first(), conn.execute(after).first()]
    # both titles as the actor reads them, with one look at the redactions
    seen = iter(lines_seen(conn, actor, [(r.id, r.title, "") for r in found if r is not None]))
    previous, following = ((r.public_id, next(seen)[1]) if r is not None else None
                           for r in found)
    return previous, following


def titles_by_source(conn: Connection, source_ids: list[str], actor: Actor,
                     today: date) -> dict[str, tuple[str, str]]:
    """Source id -> (public id, title as the actor reads it) of the documents with these
    source ids the actor may see: one query (and one for redacted titles), where reading each
    document whole took about a dozen (a FRUS page's notes cite up to 20 others)."""
    q = (select(documents.c.id, documents.c.public_id, documents.c.source_id, documents.c.title)
         .where(among(documents.c.source_id, source_ids), viewable_by(actor, today)))
    found = conn.execute(q).all()
    titles = lines_seen(conn, actor, [(r.id, r.title, "") for r in found])
    return {r.source_id: (r.public_id, line[1]) for r, line in zip(found, titles, strict=True)}


def list_authorities(conn: Connection, kind: str, actor: Actor, today: date, after: str,
                     limit: int) -> list[AuthorityRow]:
    """Authority records of one kind, in key order after ``after``, that at least one
    document the actor may see names (a name found only in a draft stays unpublished)."""
    q = (select(authorities).where(authorities.c.kind == kind, authorities.c.key > after,
                                   _named(actor, today))
         .order_by(authorities.c.key).limit(limit))
    return [rows.authority_row(r) for r in conn.execute(q)]


def authority_listed(conn: Connection, key: str, actor: Actor, today: date) -> bool:
    """Whether a document the actor may see names the authority record with this key."""
    q = select(authorities.c.id).where(authorities.c.key == key, _named(actor, today))
    return conn.execute(q).first() is not None


def _named(actor: Actor, today: date) -> ColumnElement[bool]:
    """The authority row is linked to a document the actor may see."""
    q = select(document_links.c.id).join(
        documents, documents.c.id == document_links.c.document_id).where(
        document_links.c.authority_id == authorities.c.id)
    return naming(q, actor, today).exists()


def naming(links: Select[Any], actor: Actor, today: date) -> Select[Any]:
    """Document links (joined with their documents and authorities) that show the actor an
    authority record: the document is one the actor may see and, for anyone but an editor,
    no redaction withholds the link. The one rule of which records a reader is shown."""
    q = links.where(viewable_by(actor, today))
    return q if actor is Actor.EDITOR else q.where(link_shown())


def scanned_documents(conn: Connection, collection: str, actor: Actor, today: date,
                      limit: int) -> list[tuple[str, str]]:
    """(public id, title) of documents with scans in a collection or below it, by date."""
    inside = (select(document_collections.c.document_id)
              .join(collections, collections.c.id == document_collections.c.collection_id)
              .where(rows.in_key_tree(collections.c.key, collection)))
    q = (select(documents.c.id, documents.c.public_id, documents.c.title)
         .where(viewable_by(actor, today), documents.c.id.in_(inside),
                documents.c.id.in_(select(media.c.document_id)))
         .order_by(documents.c.date_start, documents.c.id).limit(limit))
    found = list(conn.execute(q))
    seen = lines_seen(conn, actor, [(r.id, r.title, "") for r in found])
    return [(r.public_id, title) for r, (_, title, _) in zip(found, seen, strict=True)]
