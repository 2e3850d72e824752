"""The catalogue's queries use the indexes a search page needs, once an import has run."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event

from chancery.bootstrap import App
from chancery.demo import DEMO_DIR
from chancery.domain.publication import Actor
from chancery.services.imports import import_paths


@contextmanager
def statements(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    """The statements (with their parameters) the engine runs inside the block."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_documents_of_a_result_page_are_read_by_public_id(sqlite_app: App) -> None:
    """Without statistics SQLite read every published document to find a page's 20 (250 ms at
    1M documents): the import leaves statistics, and the ids drive the query."""
    assert not import_paths([DEMO_DIR / "frus1958-60v19.xml"], sqlite_app.import_context()).failed
    engine = sqlite_app.catalogue.engine  # type: ignore[attr-defined]
    with statements(engine) as seen:
        ids = [f"frus1958-60v19/d{n}" for n in range(1, 21)]
        found = sqlite_app.catalogue.documents_seen_by(
            [d.public_id for d in _stored(sqlite_app, ids)], Actor.PUBLIC, date.today())
    assert len(found) == 20
    statement, parameters = next((s, p) for s, p in seen if "public_id IN" in s)
    with engine.connect() as conn:
        plan = " ".join(str(row) for row in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters))
    assert "public_id" in plan and "pub_state" not in plan, plan


def _stored(app: App, idents: list[str]) -> list[Any]:
    out = [app.catalogue.get_document(i, Actor.PUBLIC, date.today()) for i in idents]
    return [s.document for s in out if s is not None]


def test_connections_already_open_plan_with_the_new_statistics(sqlite_app: App) -> None:
    """A running server's pooled connection, which loaded statistics of an empty archive,
    plans with the ones an import leaves (the table of statistics is made anew)."""
    engine = sqlite_app.catalogue.engine  # type: ignore[attr-defined]
    query = ("EXPLAIN QUERY PLAN SELECT id FROM documents WHERE public_id IN ('a', 'b', 'c') "
             "AND pub_state = ?")
    with engine.connect() as held:
        held.exec_driver_sql("ANALYZE")  # statistics of empty tables, loaded by this connection
        held.commit()
        assert not import_paths([DEMO_DIR / "frus1958-60v19.xml"],
                                sqlite_app.import_context()).failed  # on another connection
        held.exec_driver_sql("SELECT count(*) FROM documents").all()
        plan = " ".join(str(r) for r in held.exec_driver_sql(query, ("published",)))
    assert "public_id" in plan and "pub_state" not in plan, plan


def test_statistics_are_best_effort(sqlite_app: App, caplog: pytest.LogCaptureFixture) -> None:
    """A database another process is writing to keeps its statistics; nothing fails."""
    engine = sqlite_app.catalogue.engine  # type: ignore[attr-defined]
    path = engine.url.database
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA busy_timeout=0")
    other.execute("BEGIN IMMEDIATE")  # holds the write lock
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA busy_timeout=50")
    try:
        sqlite_app.catalogue.refresh_statistics()  # waits for the lock, then gives up
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert "statistics not refreshed" in caplog.text and "locked" in caplog.text


# what the sampled ANALYZE (analysis_limit) leaves at 200,000 documents nearly all published:
# it takes the state for ~185 values of 1,001 rows each, so `pub_state = ?` looks selective
_SAMPLED_STATS = {"ix_documents_pub_state": "185300 1001", "ix_documents_pub": "201468 1001 1001",
                  "ix_documents_public_from": "215424 1 1", "ix_documents_updated": "226600 1 1",
                  "ix_documents_class_level": "192955 1001", "ix_documents_doc_type": "205320 1001",
                  "ix_documents_change_no": "112288 1001", "ix_documents_date_start": "112288 1001",
                  "sqlite_autoindex_documents_1": "205320 1",
                  "sqlite_autoindex_documents_2": "112288 1001"}


def test_a_harvest_page_walks_the_datestamp_index(sqlite_app: App) -> None:
    """An OAI-PMH page reads its 101 rows in datestamp order from ix_documents_public_from and
    stops. With the statistics a large archive gets, SQLite read every published row by the
    state index and sorted them instead (measured at 200,000 documents: 40 ms a page, not 1)."""
    from datetime import UTC, datetime

    assert not import_paths([DEMO_DIR / "frus1958-60v19.xml"], sqlite_app.import_context()).failed
    engine = sqlite_app.catalogue.engine  # type: ignore[attr-defined]
    with engine.begin() as conn:
        for index, stat in _SAMPLED_STATS.items():
            conn.exec_driver_sql("UPDATE sqlite_stat1 SET stat = ? WHERE idx = ?", (stat, index))
    engine.dispose()  # connections load the statistics when they open
    start = datetime(2000, 1, 1, tzinfo=UTC)
    with statements(engine) as seen:
        sqlite_app.catalogue.harvest_headers(date.today(), start, None, None, (start, 7), 101)
        sqlite_app.catalogue.earliest_datestamp(date.today())
    for statement, parameters in [(s, p) for s, p in seen if "public_from" in s]:
        with engine.connect() as conn:
            plan = " ".join(str(row) for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, tuple(parameters)))
        assert "ix_documents_public_from" in plan and "TEMP B-TREE" not in plan, plan


def test_the_collections_a_reader_sees_are_found_from_their_members(sqlite_app: App) -> None:
    """Which collections hold a public document (asked by every search and document page):
    with the sampled statistics SQLite looked for each collection through every published
    document by the state index (3.7 s at 1M documents); it reads a collection's members and
    looks each document up by its id."""
    assert not import_paths([DEMO_DIR / "frus1958-60v19.xml"], sqlite_app.import_context()).failed
    engine = sqlite_app.catalogue.engine  # type: ignore[attr-defined]
    at_1m = {"ix_document_collections_order": "1066560 1001 26 1",
             "ix_document_collections_collection_id": "1029420 1001",
             "sqlite_autoindex_document_collections_1": "1215360 1 1"}
    with engine.begin() as conn:
        for index, stat in {**_SAMPLED_STATS, **at_1m}.items():
            conn.exec_driver_sql("UPDATE sqlite_stat1 SET stat = ? WHERE idx = ?", (stat, index))
    engine.dispose()  # connections load the statistics when they open
    with statements(engine) as seen:
        shown = sqlite_app.catalogue.collections(Actor.PUBLIC, date.today())
    assert shown
    statement, parameters = next((s, p) for s, p in seen if "EXISTS" in s)
    with engine.connect() as conn:
        plan = " ".join(str(row) for row in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, tuple(parameters)))
    assert "ix_documents_pub" not in plan and "document_collections" in plan, plan


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_postgresql_finds_a_readers_collections_by_their_first_visible_member(
        app: App) -> None:
    """On PostgreSQL the EXISTS form became one hash join of every membership with every
    visible document: 1.47 s at 1M documents on every search and document page (found by
    benchmarks/scale.py). Each collection is now looked into on its own and its search ends
    at the first member the reader may see (3.7 ms at 1M); what is shown is unchanged."""
    assert not import_paths([DEMO_DIR / "frus1958-60v19.xml"], app.import_context()).failed
    engine = app.catalogue.engine  # type: ignore[attr-defined]
    with statements(engine) as seen:
        shown = app.catalogue.collections(Actor.PUBLIC, date.today())
    assert [c.key for c in shown] == [c.key for c in app.catalogue.collections(
        Actor.EDITOR, date.today())]  # every collection of the volume holds a public document
    statement, parameters = next((s, p) for s, p in seen if "document_collections" in s)
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # the small test tables: plan as at 1M
        plan = "\n".join(str(row[0]) for row in conn.exec_driver_sql(
            "EXPLAIN " + statement, parameters))
    assert "Limit" in plan and "Hash Join" not in plan, plan


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_postgresql_walks_the_collection_index_to_a_documents_neighbours(app: App) -> None:
    """The previous and next documents of a page: "date < k OR (date = k AND id < i)" made
    PostgreSQL read a collection's whole range of the index and filter it (19.9 ms in a
    55,000-document collection at 1M); the row comparison is in the index scan (0.18 ms)."""
    assert not import_paths([DEMO_DIR / "frus1958-60v19.xml"], app.import_context()).failed
    today = date.today()
    middle = app.catalogue.get_document("frus1958-60v19/d5", Actor.PUBLIC, today)
    assert middle is not None
    engine = app.catalogue.engine  # type: ignore[attr-defined]
    with statements(engine) as seen:
        before, after = app.catalogue.neighbours(middle.id, "frus/frus1958-60v19", Actor.PUBLIC,
                                                 today)
    assert before is not None and after is not None and before != after
    walks = [(s, p) for s, p in seen if "ORDER BY document_collections.date_key" in s]
    assert len(walks) == 2
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # the small test tables: plan as at 1M
        for statement, parameters in walks:
            plan = "\n".join(str(row[0]) for row in conn.exec_driver_sql(
                "EXPLAIN " + statement, parameters))
            assert "ROW(date_key, document_id)" in plan.split("Index Cond:", 1)[-1], plan
