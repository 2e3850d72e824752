"""Pending revisions (migration 0013) and the lookups editing needs: one change waiting for a
reviewer per document, written and read under optimistic locking."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection

from chancery.domain.clock import utc_now
from chancery.domain.editing import Conflict, Pending, same_moment, stamp
from chancery.domain.records import Record
from chancery.domain.revisions import Revision
from chancery.storage import rows
from chancery.storage.interface import DocumentSummary, DocumentWrite
from chancery.storage.session import SqlSession
from chancery.storage.tables import authorities, collections, documents, metadata, revisions

# One row per document at most: the whole record as the change would make it. Deleted when a
# reviewer approves (it becomes a revision) or rejects it (a revision keeps the comment).
pending_revisions = Table(
    "pending_revisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False, unique=True),
    Column("record", JSON, nullable=False),
    # everyone who put something in it, oldest first: none of them may approve it (four eyes)
    Column("authors", JSON, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("content_hash", String(64), nullable=False, default=""),
    # the public note its editors propose for the correction (None: none yet); gone with
    # the row when the change is rejected, so a rejected change's note is never shown
    Column("public_note", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


class SqlPending:
    """Pending revisions and editing's lookups, on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def pending(self, document_id: int) -> Pending | None:
        """The change waiting for review on a document, if there is one."""
        with self.engine.connect() as conn:
            row = conn.execute(select(pending_revisions).where(
                pending_revisions.c.document_id == document_id)).first()
        return None if row is None else _pending(row)

    def propose(self, document_id: int, record: Record, author: str, comment: str,
                seen: datetime | None, at: datetime, content_hash: str = "",
                check: bool = True, note: str | None = None) -> None:
        """Store (or update) the document's pending revision; Conflict when ``check`` and the
        pending revision (or, with none, the document) changed since ``seen``. A ``note``
        (the public note proposed) replaces the one kept; None keeps it."""
        with self.engine.begin() as conn:
            now = conn.execute(select(documents.c.updated_at).where(
                documents.c.id == document_id).with_for_update()).scalar()
            row = conn.execute(select(pending_revisions).where(
                pending_revisions.c.document_id == document_id)).first()
            if check and row is not None and not same_moment(row.updated_at, seen):
                raise Conflict(row.authors[-1], row.updated_at)
            if check and row is None and not same_moment(now, seen):
                raise Conflict(*_last_change(conn, document_id))
            values = {"record": record, "content_hash": content_hash, "updated_at": at,
                      **({"public_note": note} if note is not None else {})}
            if row is None:
                conn.execute(insert(pending_revisions).values(
                    document_id=document_id, authors=[author], comment=comment.strip(),
                    created_at=at, **values))
            else:
                conn.execute(update(pending_revisions).where(pending_revisions.c.id == row.id)
                             .values(authors=_joined(row.authors, [author]),
                                     comment=_comments(row.comment, comment), **values))

    def apply(self, write: DocumentWrite, seen: datetime | None) -> None:
        """Write the approved change as the document's new revision and drop the pending row,
        in one transaction; Conflict when the pending revision changed since ``seen``."""
        assert write.existing_id is not None
        with self.engine.begin() as conn:
            conn.execute(select(documents.c.id).where(
                documents.c.id == write.existing_id).with_for_update())
            row = conn.execute(select(pending_revisions).where(
                pending_revisions.c.document_id == write.existing_id)).first()
            if row is None or (seen is not None and not same_moment(row.updated_at, seen)):
                raise Conflict(*((row.authors[-1], row.updated_at) if row else
                                 _last_change(conn, write.existing_id)))
            failures = SqlSession(conn).write_documents([write])
            if failures:
                raise Conflict(f"not stored: {next(iter(failures.values()))}", None)
            conn.execute(delete(pending_revisions).where(pending_revisions.c.id == row.id))

    def discard(self, document_id: int, revision: Revision) -> bool:
        """Drop the pending revision, keeping ``revision`` (who rejected it and why) in the
        document's history; False when there was none."""
        with self.engine.begin() as conn:
            gone = conn.execute(delete(pending_revisions).where(
                pending_revisions.c.document_id == document_id)).rowcount
            if gone:
                conn.execute(insert(revisions).values(rows.revision_row(document_id, revision)))
        return bool(gone)

    def waiting(self, limit: int) -> list[tuple[DocumentSummary, str, datetime]]:
        """Documents with a pending revision, longest waiting first: who proposed it, when."""
        q = (select(documents, pending_revisions.c.authors, pending_revisions.c.created_at
                    .label("proposed_at"))
             .join(pending_revisions, pending_revisions.c.document_id == documents.c.id)
             .order_by(pending_revisions.c.created_at, documents.c.id).limit(limit))
        with self.engine.connect() as conn:
            found = list(conn.execute(q))
        return [(DocumentSummary(r.public_id, r.source_id or "", r.title, r.date_display,
                                 r.doc_type, r.pub_state), r.authors[-1],
                 stamp(r.proposed_at) or r.proposed_at) for r in found]

    def last_change(self, document_id: int) -> tuple[str, datetime | None]:
        """Who wrote the document's latest revision, and when."""
        with self.engine.connect() as conn:
            return _last_change(conn, document_id)

    def collection_keys(self, keys: Iterable[str]) -> set[str]:
        """The keys given that name a stored collection."""
        return self._found(select(collections.c.key).where(collections.c.key.in_(set(keys))))

    def authority_ids(self, keys: Iterable[str]) -> dict[str, int]:
        """Stored authority ids by key, for the keys that name a record."""
        q = select(authorities.c.key, authorities.c.id).where(authorities.c.key.in_(set(keys)))
        with self.engine.connect() as conn:
            return {str(k): int(i) for k, i in conn.execute(q)}

    def authority_keys(self, ids: Iterable[int]) -> dict[int, str]:
        """Authority keys by stored id."""
        q = select(authorities.c.id, authorities.c.key).where(authorities.c.id.in_(set(ids)))
        with self.engine.connect() as conn:
            return {int(i): str(k) for i, k in conn.execute(q)}

    def held_for_review(self, document_ids: Iterable[int]) -> set[int]:
        """The documents whose fields someone (an account or the operator, not an import)
        changed after their last import, or with a change waiting for review: a changed
        source must not overwrite that work. A workflow step alone is not an edit."""
        wanted = set(document_ids)
        q = (select(revisions.c.document_id, revisions.c.actor, revisions.c.changes)
             .where(revisions.c.document_id.in_(wanted)).order_by(revisions.c.id))
        edited: dict[int, bool] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(q):
                if r.actor.startswith("import:"):
                    edited[r.document_id] = False
                elif set(r.changes or {}) - {"publication"}:
                    edited[r.document_id] = True
            waiting = set(conn.execute(select(pending_revisions.c.document_id).where(
                pending_revisions.c.document_id.in_(wanted))).scalars())
        return {d for d, yes in edited.items() if yes} | waiting

    def steered(self, document_ids: Iterable[int]) -> set[int]:
        """The documents whose publication someone (not an import) set: a step, an embargo."""
        q = (select(revisions.c.document_id, revisions.c.actor, revisions.c.changes)
             .where(revisions.c.document_id.in_(set(document_ids))))
        with self.engine.connect() as conn:
            return {r.document_id for r in conn.execute(q)
                    if not r.actor.startswith("import:") and "publication" in (r.changes or {})}

    def propose_import(self, document_id: int, record: Record, author: str, comment: str,
                       content_hash: str) -> bool:
        """Keep a re-imported source's version as the pending revision; False when an
        editor's change waits already (it stays: the import never overwrites edits) or this
        very version waits already."""
        found = self.pending(document_id)
        if found is not None and (not found.from_import or found.content_hash == content_hash):
            return False
        self.propose(document_id, record, author, comment, None, utc_now(), content_hash,
                     check=False)
        return True

    def _found(self, q: Any) -> set[str]:
        with self.engine.connect() as conn:
            return {str(v) for v in conn.execute(q).scalars()}


def _last_change(conn: Connection, document_id: int) -> tuple[str, datetime | None]:
    row = conn.execute(select(revisions.c.actor, revisions.c.at)
                       .where(revisions.c.document_id == document_id)
                       .order_by(revisions.c.id.desc()).limit(1)).first()
    return (row.actor, stamp(row.at)) if row else ("someone", None)


def _pending(r: Any) -> Pending:
    return Pending(r.document_id, r.record, r.authors[-1], r.comment,
                   stamp(r.created_at) or r.created_at, stamp(r.updated_at) or r.updated_at,
                   r.content_hash, tuple(r.authors), r.public_note)


def _joined(before: list[str], more: list[str]) -> list[str]:
    return [a for a in before if a not in more] + more


def _comments(before: str, more: str) -> str:
    more = more.strip()
    return before if not more or more in before else (f"{before}; {more}" if before else more)
