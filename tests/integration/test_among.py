"""``among`` (storage/among.py) finds what an IN list finds, on SQLite and PostgreSQL; on
PostgreSQL the whole list is one array parameter, so one statement serves every count."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, event, insert, select

from chancery.storage.among import among
from chancery.storage.database import make_engine
from tests.conftest import PG_URL, _reset_postgres, need

_META = MetaData()
_ROWS = Table("among_rows", _META, Column("id", Integer, primary_key=True),
              Column("key", String(20), nullable=False))


def _rows(backend: str) -> Iterator[Engine]:
    """A table of 300 rows (ids 1-300, keys k1-k300)."""
    url = "sqlite://"
    if backend == "postgresql":
        need(bool(PG_URL), "PostgreSQL not configured: set CHANCERY_TEST_PG_URL")
        _reset_postgres(PG_URL)
        url = PG_URL
    made = make_engine(url)
    _META.create_all(made)
    with made.begin() as conn:
        conn.execute(insert(_ROWS), [{"id": i, "key": f"k{i}"} for i in range(1, 301)])
    yield made
    made.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The rows on each backend."""
    yield from _rows(request.param)


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """The rows on PostgreSQL."""
    yield from _rows("postgresql")


def _sent(engine: Engine) -> list[tuple[str, Any]]:
    sent: list[tuple[str, Any]] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cur, statement, params, *_a: sent.append((statement, params)))
    return sent


@pytest.mark.parametrize("values", [[], [7], [3, 1, 2], list(range(150, 400)), [5, 5, 999]])
def test_among_finds_what_an_in_list_finds(engine: Engine, values: list[int]) -> None:
    """Ids and keys, empty and long lists, repeats and values no row has."""
    keys = [f"k{v}" for v in values]
    with engine.connect() as conn:
        for column, wanted in ((_ROWS.c.id, values), (_ROWS.c.key, keys)):
            q = select(_ROWS.c.id).where(among(column, wanted), _ROWS.c.id > 1).order_by(_ROWS.c.id)
            expected = select(_ROWS.c.id).where(column.in_(wanted), _ROWS.c.id > 1).order_by(_ROWS.c.id)
            assert conn.execute(q).scalars().all() == conn.execute(expected).scalars().all()


def test_one_statement_serves_every_count_on_postgresql(pg_engine: Engine) -> None:
    """The statement's text does not change with the count (the statement caches of
    SQLAlchemy and psycopg hold it); the values stay the ones given, not a cached list."""
    sent = _sent(pg_engine)
    with pg_engine.connect() as conn:
        found = [conn.execute(select(_ROWS.c.id).where(among(_ROWS.c.id, ids))).scalars().all()
                 for ids in ([1, 2], list(range(10, 510)), [3])]
    assert [sorted(f) for f in found] == [[1, 2], list(range(10, 301)), [3]]
    assert len({statement for statement, _ in sent}) == 1
    assert all(len(params) == 1 for _, params in sent)
