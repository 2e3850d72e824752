"""Authority records as `chancery authority respell` reads and rewrites their generated
spellings: a page of records at a time with every name, the names editors removed (from the
audit log), and one transaction per page of changes that marks the records' documents as
written (storage/moves.py), so the search index re-reads them on its next sync."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Connection, Engine, delete, func, insert, select, tuple_

from chancery.domain.authorities import Authority, AuthorityKind, NameVariant, VariantSource
from chancery.storage import rows
from chancery.storage.interface import CatalogueSession, NameRow
from chancery.storage.moves import authority_moved_to, touch_documents
from chancery.storage.session import SqlSession
from chancery.storage.tables import (
    audit_log,
    authorities,
    authority_names,
    authority_source_ids,
    document_links,
)

T = TypeVar("T")
REMOVED = "authority-name-remove"  # the audit action of an editor's removal (authority_editing)


class SqlRespellStore:
    """The reads and writes of respelling, on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def count(self) -> int:
        """How many authority records there are."""
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(authorities)).scalar() or 0)

    def page(self, after: int, limit: int) -> list[tuple[int, Authority]]:
        """Up to ``limit`` records with an id above ``after``, in id order, each with every
        name (the display name not repeated among them) and its source ids."""
        with self.engine.connect() as conn:
            found = list(conn.execute(select(authorities).where(authorities.c.id > after)
                                      .order_by(authorities.c.id).limit(limit)))
            ids = [r.id for r in found]
            names: dict[int, list[NameVariant]] = defaultdict(list)
            for n in conn.execute(select(authority_names).where(
                    authority_names.c.authority_id.in_(ids)).order_by(authority_names.c.id)):
                names[n.authority_id].append(
                    NameVariant(n.name, VariantSource(n.source), n.language, n.scheme))
            sources: dict[int, list[str]] = defaultdict(list)
            for s in conn.execute(select(authority_source_ids).where(
                    authority_source_ids.c.authority_id.in_(ids))):
                sources[s.authority_id].append(s.source_id)
        return [(r.id, Authority(AuthorityKind(r.kind), r.name, r.key, r.key, r.description,
                                 tuple(v for v in names[r.id] if v.name != r.name),
                                 tuple(sorted(sources[r.id])))) for r in found]

    def removed_names(self) -> dict[str, set[str]]:
        """The names editors removed, by the key of the record that holds them now (a
        removal from a record merged away counts for the record it was merged into)."""
        q = select(audit_log.c.subject, audit_log.c.detail).where(audit_log.c.action == REMOVED)
        out: dict[str, set[str]] = defaultdict(set)
        with self.engine.connect() as conn:
            for subject, detail in conn.execute(q):
                key = authority_moved_to(conn, subject) or subject
                out[key].add(str((detail or {}).get("name", "")))
        return dict(out)

    def apply(self, added: dict[int, list[NameRow]], removed: dict[int, list[str]],
              now: datetime) -> int:
        """Add and remove names of records in one transaction, and mark every document that
        names a changed record as written; returns how many documents follow."""
        changed = sorted(set(added) | set(removed))
        if not changed:
            return 0
        with self.engine.begin() as conn:
            gone = [(i, n) for i, names in removed.items() for n in names]
            if gone:
                conn.execute(delete(authority_names).where(tuple_(
                    authority_names.c.authority_id, authority_names.c.name).in_(gone)))
            new = [rows.name_row(i, n) for i, names in added.items() for n in names]
            if new:
                conn.execute(insert(authority_names), new)
            docs = list(conn.execute(select(document_links.c.document_id).where(
                document_links.c.authority_id.in_(changed)).distinct()).scalars())
            return touch_documents(conn, docs, now)

    def touch_named(self, authority_ids: list[int], now: datetime) -> int:
        """Mark every document that names one of these records as written (the gazetteer
        laid names onto them); returns how many."""
        if not authority_ids:
            return 0
        with self.engine.begin() as conn:
            docs = list(conn.execute(select(document_links.c.document_id).where(
                document_links.c.authority_id.in_(authority_ids)).distinct()).scalars())
            return touch_documents(conn, docs, now)

    def laying(self, lay: Callable[[CatalogueSession], T], keep: bool) -> tuple[T, int]:
        """Run ``lay`` (the gazetteer's laying) in one transaction, kept or (``keep`` False:
        a dry run) undone; what it returned and how many names it added."""
        with self.engine.connect() as conn, conn.begin() as transaction:
            before = _names(conn)
            laid = lay(SqlSession(conn))
            added = _names(conn) - before
            if not keep:
                transaction.rollback()
        return laid, added


def _names(conn: Connection) -> int:
    """How many names all records hold together (held-back ones too)."""
    return int(conn.execute(select(func.count()).select_from(authority_names)).scalar() or 0)
