"""The catalogue's queries use the indexes a search page needs, once an import has run."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event

from chancery.bootstrap import App
from chancery.demo import DEMO_DIR
from chancery.domain.publication import Actor
from chancery.services.imports import import_paths


def test_documents_of_a_result_page_are_read_by_public_id(sqlite_app: App) -> None:
    """Without statistics SQLite read every published document to find a page's 20 (250 ms at
    1M documents): the import leaves statistics, and the ids drive the query."""
    assert not import_paths([DEMO_DIR / "frus1958-60v19.xml"], sqlite_app.import_context()).failed
    engine = sqlite_app.catalogue.engine  # type: ignore[attr-defined]
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        ids = [f"frus1958-60v19/d{n}" for n in range(1, 21)]
        found = sqlite_app.catalogue.documents_seen_by(
            [d.public_id for d in _stored(sqlite_app, ids)], Actor.PUBLIC, date.today())
    finally:
        event.remove(engine, "before_cursor_execute", record)
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
