"""Editing authority records in the catalogue: names, description and identifiers, merging
two records and splitting one. Each edit is one transaction and marks every document that
names the records as written (storage/moves.py), so search, OAI-PMH and sitemaps follow."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, Text, cast, delete, func, insert, select, update

from chancery.domain.authorities import Authority, NameVariant, VariantSource
from chancery.domain.redactions import LINK_PREFIX
from chancery.storage import rows
from chancery.storage.interface import AuthorityRow, NameRow
from chancery.storage.moves import authority_moved_to, authority_redirects, touch_documents
from chancery.storage.redactions import redactions
from chancery.storage.session import SqlSession
from chancery.storage.tables import (
    authorities,
    authority_names,
    authority_source_ids,
    document_links,
    documents,
)


class SqlAuthorityEdits:
    """Authority records as the workspace reads and changes them, on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # reading

    def record(self, key: str) -> tuple[AuthorityRow, list[NameVariant], list[str]] | None:
        """A record by key with every name (held-back ones too) and its source ids."""
        with self.engine.connect() as conn:
            row = _row(conn, key)
            if row is None:
                return None
            names = [NameVariant(n.name, VariantSource(n.source), n.language, n.scheme)
                     for n in conn.execute(select(authority_names).where(
                         authority_names.c.authority_id == row.id).order_by(authority_names.c.id))]
            sources = list(conn.execute(select(authority_source_ids.c.source_id).where(
                authority_source_ids.c.authority_id == row.id)
                .order_by(authority_source_ids.c.source_id)).scalars())
            return row, names, sources

    def linked_documents(self, authority_id: int,
                         limit: int) -> tuple[int, list[tuple[str, str, str, str, str]]]:
        """(how many documents name the record, the first ``limit`` of them as (public id,
        title, state, role, form printed)), in date order."""
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count(func.distinct(document_links.c.document_id)))
                                 .where(document_links.c.authority_id == authority_id)).scalar()
            q = (select(documents.c.public_id, documents.c.title, documents.c.pub_state,
                        document_links.c.role, document_links.c.as_written)
                 .join(documents, documents.c.id == document_links.c.document_id)
                 .where(document_links.c.authority_id == authority_id)
                 .order_by(documents.c.date_start, documents.c.id, document_links.c.position)
                 .limit(limit))
            return int(total or 0), [(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(q)]

    def find(self, kind: str, folded: str, limit: int) -> list[AuthorityRow]:
        """Records of a kind ("" any) with a name that begins with the folded text, by key."""
        q = select(authorities).order_by(authorities.c.key).limit(limit)
        if kind:
            q = q.where(authorities.c.kind == kind)
        if folded:
            named = select(authority_names.c.authority_id).where(
                authority_names.c.folded.like(rows.like_prefix(folded)[:-2] + "%", escape="\\"))
            q = q.where(authorities.c.id.in_(named))
        with self.engine.connect() as conn:
            return [rows.authority_row(r) for r in conn.execute(q)]

    def moved_to(self, key: str) -> str | None:
        """The record a merged-away record's key leads to."""
        with self.engine.connect() as conn:
            return authority_moved_to(conn, key)

    def holders(self, scheme: str, value: str) -> list[str]:
        """Keys of the records that carry this identifier."""
        q = select(authorities.c.key, authorities.c.identifiers).where(
            cast(authorities.c.identifiers, Text).like(f'%"{value}"%'))
        with self.engine.connect() as conn:
            return [k for k, ids in conn.execute(q) if [scheme, value] in (ids or [])]

    # changing

    def update(self, authority_id: int, name: NameRow, description: str,
               identifiers: list[tuple[str, str]], now: datetime) -> int:
        """Set the display name (kept among the names), description and identifiers;
        returns how many documents follow."""
        with self.engine.begin() as conn:
            conn.execute(update(authorities).where(authorities.c.id == authority_id).values(
                name=name.variant.name, description=description,
                identifiers=[list(p) for p in identifiers]))
            SqlSession(conn).add_authority_names(authority_id, [name], ())
            return touch_documents(conn, _documents_of(conn, [authority_id]), now)

    def add_name(self, authority_id: int, name: NameRow, now: datetime) -> int:
        """Add a name; returns how many documents follow."""
        with self.engine.begin() as conn:
            SqlSession(conn).add_authority_names(authority_id, [name], ())
            return touch_documents(conn, _documents_of(conn, [authority_id]), now)

    def remove_name(self, authority_id: int, name: str, now: datetime) -> int:
        """Remove a name: it no longer matches imports nor expands searches; returns how many
        documents follow (their index entries lose it)."""
        with self.engine.begin() as conn:
            conn.execute(delete(authority_names).where(
                authority_names.c.authority_id == authority_id, authority_names.c.name == name))
            return touch_documents(conn, _documents_of(conn, [authority_id]), now)

    def merge(self, into: AuthorityRow, gone: AuthorityRow, names: list[NameRow],
              now: datetime) -> int:
        """Move every link, name, source id and identifier of ``gone`` to ``into``, leave its
        key (and the keys that led to it) leading to ``into``, and delete it; returns how
        many documents follow."""
        with self.engine.begin() as conn:
            docs = _documents_of(conn, [into.id, gone.id])
            _move_links(conn, gone.id, into.id, None)
            SqlSession(conn).add_authority_names(into.id, names, ())
            conn.execute(update(authority_source_ids).where(
                authority_source_ids.c.authority_id == gone.id).values(authority_id=into.id))
            ids = list(dict.fromkeys(into.identifiers + gone.identifiers))
            conn.execute(update(authorities).where(authorities.c.id == into.id).values(
                identifiers=[list(p) for p in ids], description=into.description or gone.description))
            conn.execute(update(authority_redirects).where(
                authority_redirects.c.authority_id == gone.id).values(authority_id=into.id))
            conn.execute(insert(authority_redirects).values(old_key=gone.key, authority_id=into.id))
            conn.execute(delete(authorities).where(authorities.c.id == gone.id))
            return touch_documents(conn, docs, now)

    def split(self, source: AuthorityRow, new: Authority, names: list[NameRow],
              moved_names: list[str], moved_documents: list[str], now: datetime) -> tuple[str, int]:
        """Make a new record with the given names, moving the chosen names and the links of
        the chosen documents (by public id) to it; returns its key and how many documents
        moved."""
        with self.engine.begin() as conn:
            session = SqlSession(conn)
            new_id = session.create_authority(new, names)
            conn.execute(delete(authority_names).where(
                authority_names.c.authority_id == source.id,
                authority_names.c.name.in_(moved_names)))
            doc_ids = list(conn.execute(select(documents.c.id).where(
                documents.c.public_id.in_(moved_documents))).scalars()) if moved_documents else []
            _move_links(conn, source.id, new_id, doc_ids)
            key = str(conn.execute(select(authorities.c.key).where(
                authorities.c.id == new_id)).scalar_one())
            return key, touch_documents(conn, doc_ids, now)


def _row(conn: Connection, key: str) -> AuthorityRow | None:
    found = conn.execute(select(authorities).where(authorities.c.key == key)).first()
    return rows.authority_row(found) if found else None


def _documents_of(conn: Connection, authority_ids: list[int]) -> list[int]:
    return list(conn.execute(select(document_links.c.document_id).where(
        document_links.c.authority_id.in_(authority_ids)).distinct()).scalars())


def _move_links(conn: Connection, source: int, target: int, doc_ids: list[int] | None) -> None:
    """Point the source's links (in the given documents, or all) at the target; a link the
    document already has to the target in the same role is dropped, not doubled."""
    links = document_links.c
    q = select(links.id, links.document_id, links.role).where(links.authority_id == source)
    if doc_ids is not None:
        q = q.where(links.document_id.in_(doc_ids))
    moving = list(conn.execute(q))
    if not moving:
        return
    have = {tuple(r) for r in conn.execute(select(links.document_id, links.role).where(
        links.authority_id == target, links.document_id.in_({m.document_id for m in moving})))}
    doubled = [m.id for m in moving if (m.document_id, m.role) in have]
    if doubled:
        conn.execute(delete(document_links).where(links.id.in_(doubled)))
    kept = [m.id for m in moving if (m.document_id, m.role) not in have]
    if kept:
        conn.execute(update(document_links).where(links.id.in_(kept)).values(authority_id=target))
    _move_withheld_links(conn, source, target, sorted({m.document_id for m in moving}))


def _move_withheld_links(conn: Connection, source: int, target: int, doc_ids: list[int]) -> None:
    """A link withheld from the public ("link:KEY") stays withheld under the record it now
    points to: left naming the old key, it matched no link, and the merged record's name
    showed where the withheld one had been."""
    keys = dict(conn.execute(select(authorities.c.id, authorities.c.key)
                             .where(authorities.c.id.in_([source, target]))).all())
    if source not in keys or target not in keys:
        return
    conn.execute(update(redactions).where(
        redactions.c.document_id.in_(doc_ids),
        redactions.c.field == LINK_PREFIX + keys[source]).values(field=LINK_PREFIX + keys[target]))
