"""The archive's vocabulary in the catalogue (migration 0026): each word its documents print,
how many embedded documents held it, and, once it is common enough, its vector — so that a
word typed in another language or script can be bridged to the archive's own words
(services/bridge_words.py) on every node without embedding the vocabulary again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
from sqlalchemy import (
    Column,
    Engine,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    and_,
    bindparam,
    delete,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from chancery.storage.lookups import meta_value
from chancery.storage.replicas import ReadRouting, page_reads
from chancery.storage.tables import catalogue_meta, metadata
from chancery.storage.vectors import from_bytes, to_bytes

SEQUENCE = "words"  # catalogue_meta: bumped whenever word vectors are stored
_CHUNK = 500

word_vectors = Table(
    "word_vectors", metadata,
    Column("model", String(80), nullable=False),
    Column("word", String(40), nullable=False),
    # embedded documents that held the word (a document embedded again counts again: the
    # count only decides when a word is common enough to embed, not what it ranks)
    Column("documents", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=True),  # float16, once embedded
    PrimaryKeyConstraint("model", "word", name="pk_word_vectors"),
)


class SqlWordVectors:
    """The vocabulary on the catalogue's engine (ArchiveWords)."""

    def __init__(self, engine: Engine, dims: int = 512, reads: ReadRouting | None = None) -> None:
        self.engine, self.dims = engine, dims
        # a search that bridges languages loads the table on a page's read: a replica's
        # for an anonymous reader (#14), as the page's other reads
        self._page_read = page_reads(engine, reads)

    def count(self, model: str, words: Mapping[str, int]) -> None:
        """Add to each word's count of documents (a new word starts at its count)."""
        if not words:
            return
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        rows = [{"model": model, "word": w, "documents": n} for w, n in sorted(words.items())]
        with self.engine.begin() as conn:
            for start in range(0, len(rows), _CHUNK):
                stmt = insert(word_vectors).values(rows[start:start + _CHUNK])
                conn.execute(stmt.on_conflict_do_update(
                    index_elements=["model", "word"],
                    set_={"documents": word_vectors.c.documents + stmt.excluded.documents}))

    def clear(self, model: str) -> None:
        """Forget the counts and vectors of a model's vocabulary."""
        with self.engine.begin() as conn:
            conn.execute(delete(word_vectors).where(word_vectors.c.model == model))
            conn.execute(update(catalogue_meta).where(catalogue_meta.c.key == SEQUENCE)
                         .values(value=catalogue_meta.c.value + 1))

    def unembedded(self, model: str, minimum: int, limit: int,
                   among: Sequence[str] = ()) -> list[str]:
        """Words held by at least ``minimum`` documents and not embedded yet, commonest first;
        ``among``: only of these (the words just counted, looked up by key, not a scan of
        a vocabulary that grows with every misprint)."""
        w = word_vectors
        q = (select(w.c.word).where(w.c.model == model, w.c.vector.is_(None),
                                    w.c.documents >= minimum)
             .order_by(w.c.documents.desc(), w.c.word).limit(limit))
        if among:
            q = q.where(w.c.word.in_(list(among)))
        with self.engine.connect() as conn:
            return list(conn.execute(q).scalars())

    def store(self, model: str, words: Sequence[str], vectors: npt.NDArray[np.float32]) -> None:
        """Keep the words' vectors, and tell the nodes (the sequence) that the vocabulary grew."""
        with self.engine.begin() as conn:
            conn.execute(update(catalogue_meta).where(catalogue_meta.c.key == SEQUENCE)
                         .values(value=catalogue_meta.c.value + 1))
            stmt = update(word_vectors).where(and_(
                word_vectors.c.model == bindparam("m"), word_vectors.c.word == bindparam("w"))
            ).values(vector=bindparam("v"))
            conn.execute(stmt, [{"m": model, "w": w, "v": to_bytes(v)}
                                for w, v in zip(words, vectors, strict=True)])

    def sequence(self) -> int:
        """How often word vectors were stored: a node reloads its table when it moves."""
        with self._page_read() as conn:
            return meta_value(conn, SEQUENCE)

    def embedded(self, model: str, limit: int) -> tuple[list[str], list[int],
                                                        npt.NDArray[np.float32]]:
        """Up to ``limit`` embedded words, commonest first: (words, documents, vectors)."""
        w = word_vectors
        q = (select(w.c.word, w.c.documents, w.c.vector)
             .where(w.c.model == model, w.c.vector.is_not(None))
             .order_by(w.c.documents.desc(), w.c.word).limit(limit))
        with self._page_read() as conn:
            rows = list(conn.execute(q))
        return ([r[0] for r in rows], [r[1] for r in rows],
                from_bytes([r[2] for r in rows], self.dims))
