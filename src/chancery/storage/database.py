"""The SQLAlchemy catalogue: engine set-up for SQLite and PostgreSQL, sessions, migrations."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from chancery.domain.authorities import Authority
from chancery.domain.collections import Collection
from chancery.domain.publication import Actor
from chancery.domain.served_scans import ServedScan
from chancery.storage import (
    harvest,
    listed,
    lookups,
    migrate,
    reads,
    scan_redactions,
    stats,
    visible,
)
from chancery.storage.interface import (
    AuthorityRow,
    DocumentSummary,
    HarvestHeader,
    ListedAuthority,
    StoredDocument,
    WithdrawnDocument,
)
from chancery.storage.replicas import MAX_LAG, ReadRouting
from chancery.storage.session import SqlSession

log = logging.getLogger(__name__)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers go on while an import writes; NORMAL sync is safe in WAL mode.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


_WRITES = "chancery_writes"


def _sqlite_begin(conn: Connection) -> None:
    """BEGIN IMMEDIATE for a write transaction. A deferred one that reads and then writes
    cannot wait for the lock: when another connection committed after its first read, SQLite
    refuses its first write at once ("database is locked", SQLITE_BUSY_SNAPSHOT), whatever
    busy_timeout says. That failed an OCR job storing its text while the import's other jobs
    wrote (CI, 2 busy cores). Taking the lock at BEGIN makes it wait its turn instead."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITES)
                         else "BEGIN")


@contextmanager
def _writing(engine: Engine) -> Iterator[Connection]:
    """What ``Engine.begin`` does, on a connection marked as writing (``_sqlite_begin``)."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITES: True})
        with conn.begin():
            yield conn


def make_engine(url: str) -> Engine:
    """An engine for a catalogue URL; SQLite files get their folder and pragmas."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own BEGIN handling breaks SAVEPOINTs; let SQLAlchemy emit BEGIN itself.
        event.listen(engine, "connect", lambda c, _r: setattr(c, "isolation_level", None))
        event.listen(engine, "begin", _sqlite_begin)
        # Engine.begin() is how the catalogue writes: those transactions take the write lock
        # first, the rest (engine.connect(): reads) stay deferred
        engine.begin = partial(_writing, engine)  # type: ignore[method-assign]
        return engine
    return create_engine(url, pool_pre_ping=True, json_deserializer=_json_loads)


def _json_loads(data: str | bytes) -> Any:
    """A JSON value from the database. Most are empty lists (a record's identifiers, a
    text's notes): those need no parser (84,000 of them read back per import of the 42 FRUS
    volumes, one per link)."""
    return [] if data in _EMPTY_LISTS else json.loads(data)


_EMPTY_LISTS = frozenset({"[]", b"[]"})


class SqlCatalogue:
    """The catalogue on SQLite or PostgreSQL."""

    def __init__(self, url: str, replica_urls: Sequence[str] = (),
                 replica_max_lag: float = MAX_LAG) -> None:
        self.url = url
        self.engine = make_engine(url)  # the primary: every write, every transaction
        # reads below go through it: a replica's connection inside a read-only request
        self.reads = ReadRouting(self.engine, replica_urls, replica_max_lag)
        # the collections a non-editor sees, by (change count, day, actor): see collections()
        self._shown: tuple[tuple[int, date, Actor], list[Collection]] | None = None

    @property
    def dialect(self) -> str:
        """"sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[SqlSession]:
        """A transaction; committed when the block ends without error."""
        with self.engine.begin() as conn:
            yield SqlSession(conn)

    def migrate(self) -> None:
        """Bring the schema to the newest migration."""
        migrate.upgrade(self.engine)

    def refresh_statistics(self, only_if_missing: bool = False) -> None:
        """Let the database plan its queries by what it now holds (after bulk writes).
        Without statistics SQLite guesses that `pub_state = ?` picks a few rows, and reads a
        million published documents to find the 20 ids of a search page (measured: 250 ms
        instead of 6). Sampled (`analysis_limit`): 5 ms at 1M documents. Best effort: a
        read-only or busy database keeps the statistics it has. PostgreSQL keeps its own
        (autovacuum), but is told too after an import."""
        try:
            if self.dialect != "sqlite":
                if not only_if_missing:
                    with self.engine.begin() as conn:
                        conn.exec_driver_sql("ANALYZE")
                return
            if only_if_missing and not self._unanalyzed():
                return
            # a fresh transaction whose first statement writes, so it waits for the lock.
            # Connections already open (a running server) keep the statistics they loaded
            # until the schema changes: the table of statistics is made anew so that it does.
            with self.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS sqlite_stat1")
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")
                conn.exec_driver_sql("ANALYZE")
        except DBAPIError as exc:
            log.warning("database statistics not refreshed: %s", exc.orig)

    def _unanalyzed(self) -> bool:
        """Documents but no statistics yet (an empty archive gets them from its first
        import)."""
        with self.engine.connect() as conn:
            if conn.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
                return False
            return conn.exec_driver_sql("SELECT 1 FROM documents LIMIT 1").first() is not None

    def schema_status(self) -> tuple[str | None, str]:
        """(current revision, newest revision)."""
        return migrate.current_revision(self.engine), migrate.head_revision()

    def get_document(self, ident: str, actor: Actor, today: date) -> StoredDocument | None:
        """A document by public id or source id, if the actor may see it."""
        with self.reads.connect() as conn:
            return reads.get_document(conn, ident, actor, today)

    def iter_documents(self, actor: Actor, today: date) -> Iterator[StoredDocument]:
        """Every document the actor may see, in catalogue order."""
        with self.reads.connect() as conn:
            yield from reads.iter_documents(conn, actor, today)

    def named_documents(self, public_ids: list[str], actor: Actor,
                        today: date) -> Iterator[StoredDocument]:
        """The named documents the actor may see, read as ``iter_documents`` reads them."""
        with self.reads.connect() as conn:
            yield from reads.named_documents(conn, public_ids, actor, today)

    def list_documents(self, actor: Actor, today: date, collection: str | None,
                       limit: int, offset: int) -> list[DocumentSummary]:
        """A page of documents in date order."""
        with self.reads.connect() as conn:
            return reads.list_documents(conn, actor, today, collection, limit, offset)

    def count_documents(self, actor: Actor, today: date) -> int:
        """How many documents the actor may see."""
        with self.reads.connect() as conn:
            return stats.count_documents(conn, actor, today)

    def counts_by(self, facet: str, actor: Actor, today: date) -> list[tuple[str, int]]:
        """Document counts by collection, type, decade, classification or language."""
        with self.reads.connect() as conn:
            return stats.counts_by(conn, facet, actor, today)

    def authority(self, key: str, actor: Actor, today: date) -> tuple[AuthorityRow, list[str]] | None:
        """An authority record and its names, when a document the actor may see names it."""
        with self.reads.connect() as conn:
            return visible.authority_seen_by(conn, key, actor, today)

    def withdrawn(self, ident: str) -> WithdrawnDocument | None:
        """A withdrawn document, by public or source id, that the public could once see."""
        with self.reads.connect() as conn:
            return visible.withdrawn(conn, ident)

    def list_authorities(self, kind: str, actor: Actor, today: date, after: str,
                         limit: int) -> list[AuthorityRow]:
        """Authority records of a kind in key order, named by a document the actor may see."""
        with self.reads.connect() as conn:
            return lookups.list_authorities(conn, kind, actor, today, after, limit)

    def authority_listed(self, key: str, actor: Actor, today: date) -> bool:
        """Whether a document the actor may see names this authority record."""
        with self.reads.connect() as conn:
            return lookups.authority_listed(conn, key, actor, today)

    def listed_authorities(self, actor: Actor, today: date) -> list[ListedAuthority]:
        """Every authority record a document the actor may see names, most named first."""
        with self.reads.connect() as conn:
            return listed.listed_authorities(conn, actor, today)

    def harvest_headers(self, today: date, since: datetime | None, until: datetime | None,
                        collection: str | None, after: tuple[datetime, int] | None,
                        limit: int) -> list[HarvestHeader]:
        """OAI-PMH headers in (datestamp, id) order, after a position."""
        with self.reads.connect() as conn:
            return harvest.harvest_headers(conn, today, since, until, collection, after, limit)

    def earliest_datestamp(self, today: date) -> datetime | None:
        """The oldest datestamp a harvest can return."""
        with self.reads.connect() as conn:
            return harvest.earliest_datestamp(conn, today)

    def scanned_documents(self, collection: str, actor: Actor, today: date,
                          limit: int) -> list[tuple[str, str]]:
        """(public id, title) of documents with scans in a collection or below it."""
        with self.reads.connect() as conn:
            return lookups.scanned_documents(conn, collection, actor, today, limit)

    def check(self) -> list[str]:
        """Integrity problems found, in words; empty when all is well."""
        with self.reads.connect() as conn:
            return stats.check(conn)

    def collections(self, actor: Actor, today: date) -> list[Collection]:
        """The collections holding a document the actor may see, parents before children.
        What the public sees is kept until the change count moves or the day ends (each
        document and search page names them: at 1M documents finding them took 3.7 ms, the
        change count one indexed row). Every write that can show or hide a document or
        rename a collection moves the count, as the search index needs it to."""
        with self.reads.connect() as conn:
            if actor is Actor.EDITOR:
                return visible.collections_seen_by(conn, actor, today)
            key = (lookups.meta_value(conn, "changes"), today, actor)
            kept = self._shown
            if kept is not None and kept[0] == key:
                return list(kept[1])
            # read after the count: never older than the count it is kept under
            found = visible.collections_seen_by(conn, actor, today)
        self._shown = (key, found)
        return list(found)

    def authority_records(self, keys: list[str]) -> list[Authority]:
        """Full authority records by key."""
        with self.reads.connect() as conn:
            return reads.authority_records(conn, keys)

    def media_hashes(self) -> list[str]:
        """Every blob hash the catalogue refers to."""
        with self.reads.connect() as conn:
            return stats.media_hashes(conn)

    def changes(self) -> int:
        """How many document writes the catalogue has seen (the search index follows it)."""
        with self.reads.connect() as conn:
            return lookups.meta_value(conn, "changes")

    def changed_since(self, seen: int) -> list[str]:
        """Public ids of documents written after the change count ``seen``."""
        with self.reads.connect() as conn:
            return lookups.changed_since(conn, seen)

    def related_to(self, public_ids: list[str]) -> list[str]:
        """Public ids of the other documents whose record names one of these (a relation
        either way): their records change with these."""
        with self.reads.connect() as conn:
            return lookups.related_to(conn, public_ids)

    def released_between(self, after: date, until: date) -> list[str]:
        """Public ids of published documents whose embargo ended after ``after``, by ``until``."""
        with self.reads.connect() as conn:
            return lookups.released_between(conn, after, until)

    def index_generation(self) -> int:
        """The generation of the search index last rebuilt from this catalogue."""
        with self.reads.connect() as conn:
            return lookups.meta_value(conn, "index_generation")

    def set_index_generation(self, generation: int) -> None:
        """Record a finished rebuild of the search index."""
        with self.engine.begin() as conn:
            lookups.set_meta(conn, "index_generation", generation)

    def authorities_for_word(self, folded: str, phonetic: str) -> list[tuple[AuthorityRow, list[str]]]:
        """Authority records a search word or phrase names, with all their names."""
        with self.reads.connect() as conn:
            return lookups.authorities_for_word(conn, folded, phonetic)

    def names_among(self, folded: list[str]) -> set[str]:
        """Which of these folded phrases are, exactly, a name of some record."""
        with self.reads.connect() as conn:
            return lookups.names_among(conn, folded)

    def people_named(self, folded: list[str]) -> dict[str, int]:
        """For each folded word, how many person records carry it as a name or its first word."""
        with self.reads.connect() as conn:
            return lookups.people_named(conn, folded)

    def authority_labels(self, keys: list[str]) -> dict[str, str]:
        """Preferred names of authority records by key."""
        with self.reads.connect() as conn:
            return lookups.authority_labels(conn, keys)

    def documents_seen_by(self, public_ids: list[str], actor: Actor, today: date,
                          bodies: bool = True) -> list[StoredDocument]:
        """The named documents the actor may see now (the others are left out), in full, or
        without their texts' bodies and their relations (``bodies=False``: a citation)."""
        with self.reads.connect() as conn:
            return lookups.documents_by_public_id(conn, public_ids, actor, today, bodies)

    def documents_for_index(self, public_ids: list[str] | None = None,
                            as_of: int | None = None) -> Iterator[list[StoredDocument]]:
        """Documents as the search index needs them: all (in chunks) or the ones named;
        ``as_of`` a change count: of all, only those last written at or before it."""
        with self.reads.connect() as conn:
            if public_ids is None:
                yield from lookups.iter_for_index(conn, as_of)
            else:
                yield lookups.documents_by_public_id(conn, public_ids, Actor.EDITOR, date.today())

    def neighbours(self, document_id: int, collection_key: str, actor: Actor,
                   today: date) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
        """(public id, title) of the documents before and after one in a collection."""
        with self.reads.connect() as conn:
            return lookups.neighbours(conn, document_id, collection_key, actor, today)

    def titles_by_source(self, source_ids: list[str], actor: Actor,
                         today: date) -> dict[str, tuple[str, str]]:
        """Source id -> (public id, title as the actor reads it), of those the actor may see."""
        if not source_ids:
            return {}
        with self.reads.connect() as conn:
            return lookups.titles_by_source(conn, source_ids, actor, today)

    def served_scan(self, key: str, actor: Actor, today: date) -> ServedScan | None:
        """The scan an address key names, when a document the actor may see carries it: the
        original by its hash (never to the public once it has boxes), or by its redacted
        key the original with the boxes to burn in."""
        with self.reads.connect() as conn:
            return scan_redactions.served_scan(conn, key, actor, today)

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
        self.reads.dispose()
