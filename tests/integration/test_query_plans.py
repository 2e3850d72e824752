"""The catalogue's queries use the indexes a search page needs, once an import has run."""

from __future__ import annotations

from datetime import date
from typing import Any

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
