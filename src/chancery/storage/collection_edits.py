"""Editing collections in the catalogue: creating one, its title and description, moving it
under another parent (its key, and those below it that extend it, follow the new parent's;
the old keys lead on), the order of siblings and of the documents in one. Documents whose
collections change are marked as written (storage/moves.py), so the index follows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, delete, insert, select, update

from chancery.domain.collections import Collection
from chancery.storage import reads, rows
from chancery.storage.moves import collection_moved_to, collection_redirects, touch_documents
from chancery.storage.tables import collections, document_collections, documents


class SqlCollectionEdits:
    """Collections as the workspace reads and changes them, on the catalogue's engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def every(self) -> list[Collection]:
        """Every collection, parents before children (by key)."""
        with self.engine.connect() as conn:
            return reads.all_collections(conn)

    def counts(self) -> dict[str, set[int]]:
        """Collection key -> the documents (any state) directly in it; empty ones are left
        out. Ids, not numbers: a document in a volume and in its chapter counts once below."""
        dc = document_collections
        q = (select(collections.c.key, dc.c.document_id)
             .select_from(dc.join(collections, collections.c.id == dc.c.collection_id)))
        out: dict[str, set[int]] = {}
        with self.engine.connect() as conn:
            for key, document_id in conn.execute(q):
                out.setdefault(key, set()).add(document_id)
        return out

    def members(self, key: str, limit: int) -> list[tuple[str, str, str, str]]:
        """(public id, title, date as printed, state) of the documents directly in a
        collection, in their order there (position, then date)."""
        dc = document_collections
        q = (select(documents.c.public_id, documents.c.title, documents.c.date_display,
                    documents.c.pub_state)
             .select_from(dc.join(documents, documents.c.id == dc.c.document_id)
                          .join(collections, collections.c.id == dc.c.collection_id))
             .where(collections.c.key == key)
             .order_by(dc.c.position, dc.c.date_key, dc.c.document_id).limit(limit))
        with self.engine.connect() as conn:
            return [(r[0], r[1], r[2], r[3]) for r in conn.execute(q)]

    def moved_to(self, key: str) -> str | None:
        """The key a collection has now, by a key it had before a move."""
        with self.engine.connect() as conn:
            return collection_moved_to(conn, key)

    def create(self, c: Collection) -> None:
        """Store a new collection (its key is free: the caller chose it among every())."""
        with self.engine.begin() as conn:
            conn.execute(delete(collection_redirects).where(collection_redirects.c.old_key == c.key))
            conn.execute(insert(collections).values(rows.collection_row(c)))

    def update(self, key: str, title: str, description: str, keys: dict[str, str],
               parents: dict[str, str], now: datetime) -> int:
        """Set a collection's title and description, and give the collections in ``keys``
        (old key -> new) and ``parents`` (key, as it was, -> new parent key, "" none) their
        new place; returns how many documents follow."""
        with self.engine.begin() as conn:
            ids = dict(conn.execute(select(collections.c.key, collections.c.id).where(
                collections.c.key.in_([key, *keys, *parents]))).all())
            conn.execute(update(collections).where(collections.c.id == ids[key]).values(
                title=title, description=description))
            for old, parent in parents.items():
                conn.execute(update(collections).where(collections.c.id == ids[old]).values(
                    parent_key=parent or None))
            _rekey(conn, {ids[old]: (old, new) for old, new in keys.items() if old != new})
            return touch_documents(conn, _documents_in(conn, list(ids.values())), now)

    def set_order(self, keys: list[str]) -> None:
        """Number sibling collections in the order given."""
        with self.engine.begin() as conn:
            for n, key in enumerate(keys):
                conn.execute(update(collections).where(collections.c.key == key).values(position=n))

    def set_members_order(self, key: str, public_ids: list[str], now: datetime) -> int:
        """Number the documents of a collection in the order given; returns how many
        documents moved (they are marked as written)."""
        dc = document_collections
        with self.engine.begin() as conn:
            cid = conn.execute(select(collections.c.id).where(collections.c.key == key)).scalar_one()
            have = {r.public_id: (r.document_id, r.position) for r in conn.execute(
                select(documents.c.public_id, dc.c.document_id, dc.c.position)
                .join(documents, documents.c.id == dc.c.document_id)
                .where(dc.c.collection_id == cid, documents.c.public_id.in_(public_ids)))}
            moved = [have[p][0] for n, p in enumerate(public_ids) if p in have and have[p][1] != n]
            for n, p in enumerate(public_ids):
                if p in have and have[p][1] != n:
                    conn.execute(update(dc).where(dc.c.collection_id == cid,
                                                  dc.c.document_id == have[p][0]).values(position=n))
            return touch_documents(conn, moved, now)


def _rekey(conn: Connection, moves: dict[int, tuple[str, str]]) -> None:
    """Give collections new keys (id -> (old, new)); every old key leads on to its
    collection, whatever key it has later."""
    if not moves:
        return
    news = [new for _, new in moves.values()]
    olds = [old for old, _ in moves.values()]
    conn.execute(delete(collection_redirects).where(
        collection_redirects.c.old_key.in_(news + olds)))
    for cid in moves:
        conn.execute(update(collections).where(collections.c.id == cid).values(key=f"~moving~{cid}"))
    for cid, (old, new) in moves.items():  # through a temporary key: no clash midway
        conn.execute(update(collections).where(collections.c.id == cid).values(key=new))
        conn.execute(update(collections).where(collections.c.parent_key == old)
                     .values(parent_key=new))
    conn.execute(insert(collection_redirects), [{"old_key": old, "collection_id": cid}
                                                for cid, (old, _) in moves.items()])


def _documents_in(conn: Connection, collection_ids: list[int]) -> list[int]:
    return list(conn.execute(select(document_collections.c.document_id).where(
        document_collections.c.collection_id.in_(collection_ids)).distinct()).scalars())
