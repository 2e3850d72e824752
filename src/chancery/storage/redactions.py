"""Redactions in the catalogue: one row per redaction, kept beside the document it covers.

Rows are added and their state moved on (removal requested, removed), never edited in place,
so the history of what was withheld, by whom and why survives; they go with their document
only when it is purged."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    Row,
    String,
    Table,
    Text,
    insert,
    literal,
    select,
    update,
)

from chancery.domain.publication import Actor
from chancery.domain.redactions import (
    LINK_PREFIX,
    Box,
    Redaction,
    RedactionKind,
    RedactionState,
    public_value,
)
from chancery.storage.among import among
from chancery.storage.tables import authorities, document_links, metadata

redactions = Table(
    "redactions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("kind", String(8), nullable=False),
    Column("state", String(20), nullable=False),
    Column("reason", Text, nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("version", String(80), nullable=False, default=""),
    Column("field", String(200), nullable=False, default=""),
    Column("media", String(64), nullable=False, default="", index=True),
    Column("page", Integer, nullable=False, default=0),
    Column("x", Float(precision=53)),
    Column("y", Float(precision=53)),
    Column("w", Float(precision=53)),
    Column("h", Float(precision=53)),
    Column("by", String(254), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("changed_by", String(254), nullable=False, default=""),  # who moved the state last
    Column("changed_at", DateTime(timezone=True)),
)


def _redaction(row: Row[Any]) -> Redaction:
    box = Box(row.x, row.y, row.w, row.h) if row.kind == RedactionKind.BOX.value else None
    return Redaction(RedactionKind(row.kind), row.reason, row.text, row.version, row.field,
                     row.media, row.page, box, row.by, row.at, row.id, RedactionState(row.state))


def for_documents(conn: Connection, ids: list[int],
                  with_removed: bool = False) -> dict[int, list[Redaction]]:
    """The redactions of these documents (in force, unless ``with_removed``), oldest first."""
    out: dict[int, list[Redaction]] = defaultdict(list)
    if not ids:
        return out
    q = select(redactions).where(among(redactions.c.document_id, ids)).order_by(redactions.c.id)
    if not with_removed:
        q = q.where(redactions.c.state != RedactionState.REMOVED.value)
    for row in conn.execute(q):
        out[row.document_id].append(_redaction(row))
    return out


def boxes_of_media(conn: Connection, sha256: str) -> list[Redaction]:
    """The box redactions in force on a stored file, over every document that carries it."""
    q = (select(redactions).where(redactions.c.media == sha256,
                                  redactions.c.state != RedactionState.REMOVED.value)
         .order_by(redactions.c.id))
    return [_redaction(r) for r in conn.execute(q)]


class SqlRedactions:
    """Writes of redactions on the catalogue's engine (reads go with the document's)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(self, conn: Connection, document_id: int, r: Redaction) -> int:
        """Store a redaction in the caller's transaction (with the document's new change
        number, so the index drops the words in the same step); returns its id."""
        box = r.box
        values = {"document_id": document_id, "kind": r.kind.value, "state": r.state.value,
                  "reason": r.reason, "text": r.text, "version": r.version, "field": r.field,
                  "media": r.media, "page": r.page, "by": r.by, "at": r.at,
                  "x": box.x if box else None, "y": box.y if box else None,
                  "w": box.w if box else None, "h": box.h if box else None}
        key = conn.execute(insert(redactions).values(**values)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def set_state(self, conn: Connection, redaction_id: int, state: RedactionState,
                  by: str, at: datetime) -> None:
        """Move a redaction on (removal requested, removed), in the caller's transaction."""
        conn.execute(update(redactions).where(redactions.c.id == redaction_id)
                     .values(state=state.value, changed_by=by, changed_at=at))

    def of_document(self, document_id: int, with_removed: bool = True) -> list[Redaction]:
        """A document's redactions, oldest first (for the editors' view and its history)."""
        with self.engine.connect() as conn:
            return for_documents(conn, [document_id], with_removed).get(document_id, [])


Line = tuple[int, str, str]  # (document id, title, date as printed)


def lines_seen(conn: Connection, actor: Actor, lines: list[Line]) -> list[Line]:
    """Document titles and dates read straight from the documents table (lists, neighbours,
    relations, tombstones) as the actor may read them: for anyone but an editor with a
    redacted title or date covered exactly as on the document's own page."""
    if actor is Actor.EDITOR or not lines:
        return lines
    withheld = for_documents(conn, list({i for i, _, _ in lines}))
    return [(i, public_value("title", title, withheld.get(i, [])),
             public_value("date", shown, withheld.get(i, []))) for i, title, shown in lines]


def link_shown() -> ColumnElement[bool]:
    """A document_links row the public may follow: no redaction in force withholds it
    (joined with authorities, whose key the redaction names as "link:KEY")."""
    withheld = select(redactions.c.id).where(
        redactions.c.document_id == document_links.c.document_id,
        redactions.c.field == literal(LINK_PREFIX) + authorities.c.key,
        redactions.c.state != RedactionState.REMOVED.value)
    return ~withheld.exists()
