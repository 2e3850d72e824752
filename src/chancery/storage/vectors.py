"""Passage vectors in the catalogue (migration 0025), so that backups keep them and no node
computes them again: one row per passage under the integer key the nodes' vector indexes
use, written by the embed job and followed by sequence number. A vector is kept as float16:
half the bytes of float32 (1 KiB for 512 dimensions), and the cosine of a vector with its
float16 copy stays within ~1e-3 of 1 (tests/contract/test_passage_vectors.py), far below the
gaps between neighbours that matter."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from chancery.domain import clock
from chancery.storage.interface import VectorPage
from chancery.storage.jobs import jobs
from chancery.storage.lookups import meta_value
from chancery.storage.replicas import ReadRouting, page_reads
from chancery.storage.tables import catalogue_meta, documents, metadata

_KEY = BigInteger().with_variant(Integer(), "sqlite")  # SQLite's rowid is 64 bits already
_CHUNK = 500
SEQUENCE = "vectors"  # catalogue_meta: the sequence number of the last vector write
SWEPT = "embed_swept"  # catalogue_meta: the change count up to which changes were queued
SWEEP_MOST = 10_000  # documents one sweep queues, about (an embed job takes ~50 ms each)
PRUNED = "vectors_pruned"  # catalogue_meta: removals at or before this sequence were forgotten

# sqlite_autoincrement: a key is never given twice (SQLite would reuse the highest rowid once
# deleted), so a follower never confuses a removed passage with a new one
passage_vectors = Table(
    "passage_vectors", metadata,
    Column("id", _KEY, primary_key=True, autoincrement=True),  # the vector index key
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("passage", String(120), nullable=False),  # "<version key>#<n>" (domain/passages.py)
    Column("model", String(80), nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float16, little-endian
    Column("seq", BigInteger, nullable=False, index=True),  # the write that stored it
    sqlite_autoincrement=True,
)

# Keys a follower must drop: the old vectors of a document embedded again, or purged.
removed_vectors = Table(
    "removed_vectors", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False, index=True),
)

# What each document's vectors were made from: the change count they stand as of (a document
# written since is embedded again), and a hash of its passages (a write that left the public
# text as it was, a publication step, costs a read and no embedding).
document_embeddings = Table(
    "document_embeddings", metadata,
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"),
           primary_key=True),
    Column("model", String(80), nullable=False),
    Column("change_no", BigInteger, nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("passages", Integer, nullable=False),
    Column("embedded_at", DateTime(timezone=True), nullable=False),
)


def to_bytes(vector: npt.NDArray[np.float32]) -> bytes:
    """A vector as stored: float16, little-endian."""
    return vector.astype("<f2").tobytes()


def from_bytes(rows: list[bytes], dims: int) -> npt.NDArray[np.float32]:
    """Stored vectors widened to float32 and normalised again (rounding moved them off the
    unit sphere by ~1e-4)."""
    if not rows:
        return np.zeros((0, dims), dtype=np.float32)
    out = np.frombuffer(b"".join(rows), dtype="<f2").reshape(len(rows), -1).astype(np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out /= np.where(norms > 0, norms, 1).astype(np.float32)
    return out


def _bump(conn: Connection, key: str) -> int:
    conn.execute(update(catalogue_meta).where(catalogue_meta.c.key == key)
                 .values(value=catalogue_meta.c.value + 1))
    return meta_value(conn, key)


def _stale(model: str | None) -> Any:
    e = document_embeddings
    old = [e.c.document_id.is_(None), e.c.change_no < documents.c.change_no]
    return or_(*old, e.c.model != model) if model else or_(*old)


def forget_document(conn: Connection, document_id: int, seq: int | None = None) -> None:
    """Drop a document's vectors, their keys kept as removed under sequence number ``seq``
    (a new one when not given: a purge, in its own transaction)."""
    keys = list(conn.execute(select(passage_vectors.c.id).where(
        passage_vectors.c.document_id == document_id)).scalars())
    if not keys:
        return
    seq = seq if seq is not None else _bump(conn, SEQUENCE)
    for start in range(0, len(keys), _CHUNK):
        conn.execute(insert(removed_vectors), [{"id": k, "seq": seq}
                                               for k in keys[start:start + _CHUNK]])
    conn.execute(delete(passage_vectors).where(passage_vectors.c.document_id == document_id))


class SqlPassageVectors:
    """Passage vectors on the catalogue's engine (PassageVectors)."""

    def __init__(self, engine: Engine, dims: int = 512, reads: ReadRouting | None = None) -> None:
        self.engine, self.dims = engine, dims
        # what a page asks of the vectors (search by meaning, more like this) is read where
        # the page's other reads are: a replica for an anonymous reader (#14); the rest here
        # is the embed jobs' and the follower's work, on the primary
        self._page_read = page_reads(engine, reads)

    def _pending_query(self, model: str, every: bool) -> Any:
        e = document_embeddings
        q = select(documents.c.id).select_from(documents.outerjoin(
            e, e.c.document_id == documents.c.id))
        return q if every else q.where(_stale(model))

    def pending(self, model: str, after: int, limit: int, every: bool = False) -> list[int]:
        """Ids of documents with no vectors of this model or changed since (``every``: all)."""
        q = self._pending_query(model, every).where(documents.c.id > after)
        with self.engine.connect() as conn:
            return list(conn.execute(q.order_by(documents.c.id).limit(limit)).scalars())

    def count_pending(self, model: str, every: bool = False) -> int:
        """How many documents ``pending`` would give in all."""
        q = select(func.count()).select_from(self._pending_query(model, every).subquery())
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def public_ids(self, document_ids: list[int]) -> dict[int, str]:
        """Public ids of stored documents by catalogue id."""
        out: dict[int, str] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(document_ids), _CHUNK):
                q = select(documents.c.id, documents.c.public_id).where(
                    documents.c.id.in_(document_ids[start:start + _CHUNK]))
                out.update({i: p for i, p in conn.execute(q)})
        return out

    def text_hashes(self, document_ids: list[int], model: str) -> dict[int, str]:
        """The hash of the passages each document's vectors of this model were made from."""
        e = document_embeddings
        with self.engine.connect() as conn:
            return {i: h for i, h in conn.execute(select(e.c.document_id, e.c.text_hash).where(
                e.c.document_id.in_(document_ids), e.c.model == model))}

    def store(self, document_id: int, model: str, as_of: int, text_hash: str,
              wheres: list[str], vectors: npt.NDArray[np.float32]) -> bool:
        """Replace a document's vectors in one transaction; False when it is gone."""
        with self.engine.begin() as conn:
            seq = _bump(conn, SEQUENCE)  # a write first: it waits for the lock (SQLite)
            if conn.execute(select(documents.c.id).where(documents.c.id == document_id)
                            ).first() is None:
                return False
            forget_document(conn, document_id, seq)
            rows = [{"document_id": document_id, "passage": w, "model": model,
                     "vector": to_bytes(v), "seq": seq} for w, v in zip(wheres, vectors, strict=True)]
            for start in range(0, len(rows), _CHUNK):
                conn.execute(insert(passage_vectors), rows[start:start + _CHUNK])
            conn.execute(delete(document_embeddings).where(
                document_embeddings.c.document_id == document_id))
            conn.execute(insert(document_embeddings).values(
                document_id=document_id, model=model, change_no=as_of, text_hash=text_hash,
                passages=len(rows), embedded_at=clock.utc_now()))
        return True

    def mark_embedded(self, document_id: int, model: str, as_of: int) -> None:
        """Its vectors stand as of change ``as_of`` (its public text did not change)."""
        e = document_embeddings
        with self.engine.begin() as conn:
            conn.execute(update(e).where(e.c.document_id == document_id, e.c.model == model,
                                         e.c.change_no < as_of).values(change_no=as_of))

    def queue_changed(self, model: str, stage: str, most: int = SWEEP_MOST) -> list[int]:
        """Documents written since the last sweep (by any process) whose vectors are stale
        and that have no ``stage`` job waiting, oldest change first: about ``most`` (the
        documents of one write are never split), so that the first sweep of a large archive
        made before search by meaning is many short transactions, not one holding the
        catalogue for minutes. The sweep's mark moves on past what was taken, once."""
        d = documents
        with self.engine.begin() as conn:
            # a write first: it takes the lock, so two sweeps never take the same changes
            conn.execute(update(catalogue_meta).where(catalogue_meta.c.key == SWEPT)
                         .values(value=catalogue_meta.c.value))
            swept, now = meta_value(conn, SWEPT), meta_value(conn, "changes")
            if now <= swept:
                return []
            waiting = select(jobs.c.id).where(
                jobs.c.document_id == d.c.id, jobs.c.stage == stage,
                jobs.c.state.in_(("queued", "running"))).exists()
            stale = self._pending_query(model, False).add_columns(d.c.change_no).where(
                d.c.change_no > swept, ~waiting)
            taken = list(conn.execute(stale.where(d.c.change_no <= now)
                                      .order_by(d.c.change_no, d.c.id).limit(most)))
            upto = now
            if len(taken) == most:  # more may wait: up to the last write taken, all of it
                upto = taken[-1].change_no
                taken += conn.execute(stale.where(d.c.change_no == upto,
                                                  d.c.id > taken[-1].id))
            conn.execute(update(catalogue_meta).where(catalogue_meta.c.key == SWEPT)
                         .values(value=upto))
            return sorted(row.id for row in taken)

    def sequence(self) -> int:
        """The sequence number of the last vector write."""
        with self.engine.connect() as conn:
            return meta_value(conn, SEQUENCE)

    def vectors_since(self, seen: int, after: int, limit: int, model: str = "") -> VectorPage:
        """Vectors (of ``model``, or any) stored after ``seen``, by key after ``after``."""
        pv = passage_vectors
        q = select(pv.c.id, pv.c.vector).where(pv.c.seq > seen, pv.c.id > after)
        if model:
            q = q.where(pv.c.model == model)
        with self.engine.connect() as conn:
            found = conn.execute(q.order_by(pv.c.id).limit(limit)).all()
        return VectorPage([r.id for r in found], from_bytes([r.vector for r in found], self.dims))

    def removed_since(self, seen: int) -> list[int]:
        """Keys removed after sequence number ``seen``."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(removed_vectors.c.id).where(
                removed_vectors.c.seq > seen).order_by(removed_vectors.c.id)).scalars())

    def prune_removed(self, keep: int) -> int:
        """Forget all but about the ``keep`` newest removed keys (those sharing a sequence
        number go together); a follower whose index is older than what was forgotten builds
        it anew (``pruned_to``). Returns how many were forgotten."""
        rv = removed_vectors
        with self.engine.begin() as conn:
            if conn.execute(select(func.count()).select_from(rv)).scalar_one() <= keep:
                return 0
            cut = conn.execute(select(rv.c.seq).order_by(rv.c.seq.desc())
                               .offset(keep).limit(1)).scalar_one()
            gone = conn.execute(delete(rv).where(rv.c.seq <= cut)).rowcount
            if meta_value(conn, PRUNED) < cut:
                conn.execute(delete(catalogue_meta).where(catalogue_meta.c.key == PRUNED))
                conn.execute(insert(catalogue_meta).values(key=PRUNED, value=cut))
        return int(gone)

    def pruned_to(self) -> int:
        """The sequence number up to which removals were forgotten (0: none)."""
        with self.engine.connect() as conn:
            return meta_value(conn, PRUNED)

    def passages_at(self, keys: list[int]) -> dict[int, tuple[str, str]]:
        """Key -> (public id, passage) for the keys still stored."""
        pv, out = passage_vectors, {}
        with self._page_read() as conn:
            for start in range(0, len(keys), _CHUNK):
                q = (select(pv.c.id, documents.c.public_id, pv.c.passage)
                     .join(documents, documents.c.id == pv.c.document_id)
                     .where(pv.c.id.in_(keys[start:start + _CHUNK])))
                out.update({k: (p, w) for k, p, w in conn.execute(q)})
        return out

    def vectors_of(self, public_id: str, model: str) -> tuple[list[str], VectorPage]:
        """A document's own vectors of this model: their passages, and them under their keys."""
        pv = passage_vectors
        q = (select(pv.c.id, pv.c.passage, pv.c.vector)
             .join(documents, documents.c.id == pv.c.document_id)
             .where(and_(documents.c.public_id == public_id, pv.c.model == model))
             .order_by(pv.c.id))
        with self._page_read() as conn:
            found = conn.execute(q).all()
        return ([r.passage for r in found],
                VectorPage([r.id for r in found], from_bytes([r.vector for r in found], self.dims)))
